"""Moved to ``core.storage`` (kept for the callers that import from here; remove when none do)."""

from core.storage.query import (  # noqa: F401
    _OPEN,
    BROAD_CODE_PREFIX,
    DOSSIER_SORT_COLUMNS,
    DossierQuery,
    QuickFilter,
    _fts_query,
)
from core.storage.rows import dossier_search_key  # noqa: F401
from core.storage.sqlite import SqliteStore  # noqa: F401
