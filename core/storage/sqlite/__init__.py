"""The SQLite backend: one file, one writer at a time (``db`` opens and upgrades it).

``SqliteStore`` is loaded on first use: ``db`` imports this package's ``schema`` while
``store`` imports ``db``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.storage.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]


def __getattr__(name: str) -> Any:
    if name == "SqliteStore":
        from core.storage.sqlite.store import SqliteStore

        return SqliteStore
    raise AttributeError(name)
