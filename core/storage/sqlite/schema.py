"""The shared migrations as SQLite runs them (``core.db.migrate`` calls these in order)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from core.storage.migrations import MIGRATIONS as SHARED
from core.storage.migrations import Migration


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one (``executescript`` would COMMIT the migration's transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        db.execute(buffer)


def _step(migration: Migration) -> Callable[[sqlite_utils.Database], None]:
    def run(db: sqlite_utils.Database) -> None:
        run_script(db, migration.for_engine("sqlite"))

    run.__doc__ = migration.doc
    return run


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_step(m) for m in SHARED]
