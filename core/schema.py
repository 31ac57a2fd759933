"""Moved to ``core.storage.sqlite.schema`` (re-exported here for ``core.db``)."""

from core.storage.sqlite.schema import MIGRATIONS  # noqa: F401
