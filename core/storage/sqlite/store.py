"""SqliteStore: the register on one SQLite file (the default for a one-PC ward).

One writer at a time: every write transaction starts with BEGIN IMMEDIATE (``core.db``), so the
check-then-act steps, sequences and the audit chain need no lock of their own here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from core.errors import DatabaseError, QueryInterrupted
from core.storage.attachments import AttachmentMixin
from core.storage.auditlog import AuditMixin
from core.storage.base import SqlStore
from core.storage.dossiers import DossierMixin
from core.storage.figures import FiguresMixin, figures_sql
from core.storage.indicators import IndicatorMixin
from core.storage.query import DossierQueryMixin, _fts_query, like_pattern
from core.storage.reports import ReportMixin
from core.storage.sqlite.db import connect, describe_sqlite_error, write_transaction
from core.text import fold


class SqliteStore(
    AttachmentMixin,
    IndicatorMixin,
    AuditMixin,
    ReportMixin,
    FiguresMixin,
    DossierQueryMixin,
    DossierMixin,
    SqlStore,
):
    """The register's storage on one SQLite file."""

    kind = "sqlite"
    NO_INDEX = "+"
    NO_FLATTEN = "LIMIT -1"
    RAISE_SEQUENCE_SQL = (
        "INSERT INTO sequences (key, last) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET last = MAX(last, excluded.last)"
    )

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self.db = db
        self.path = path
        self.target = path or ""

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> SqliteStore:
        return cls(connect(path, readonly=readonly), Path(path))

    def close(self) -> None:
        self.db.conn.close()

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file (PRAGMA data_version)."""
        return self._scalar("PRAGMA data_version")

    def transaction(self):
        return write_transaction(self.db)

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """One read transaction: in WAL mode every query in it sees the same committed state."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        self._guard(conn.execute, "BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")

    # --- primitives -------------------------------------------------------------------------
    def _guard(self, fn, *args):
        try:
            return fn(*args)
        except sqlite3.DatabaseError as exc:
            if self.db.conn.in_transaction:
                raise  # write_transaction rolls back and translates
            if isinstance(exc, sqlite3.OperationalError) and str(exc) == "interrupted":
                raise QueryInterrupted() from exc
            raise DatabaseError(describe_sqlite_error(exc, self.path)) from exc

    def interrupt(self) -> None:
        """Stop the statement this connection runs now (SQLite's own call, safe from any thread)."""
        self.db.conn.interrupt()

    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        return self._guard(lambda: list(self.db.query(sql, params)))

    def _tuples(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self._guard(lambda: self.db.execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence | dict = ()) -> tuple | None:
        return self._guard(lambda: self.db.execute(sql, params).fetchone())

    def _exec(self, sql: str, params: Sequence | dict = ()) -> int:
        return self._guard(lambda: self.db.execute(sql, params).rowcount)

    def _insert(self, sql: str, params: Sequence | dict = ()) -> int:
        return self._guard(lambda: self.db.execute(sql, params).lastrowid)

    def _many(self, sql: str, rows: Iterable[Sequence | dict]) -> None:
        self._guard(self.db.conn.executemany, sql, rows)

    # --- what differs -------------------------------------------------------------------------
    def _text_clauses(self, text: str, counting: bool = False) -> tuple[list[str], list[Any]]:
        """The trigram index for a narrow search; a broad one is read along the sort order.

        The index hands over its matches in rowid order, so the first page costs a lookup and a
        sort of every match: 65,000 "ngu" of a million dossiers took 140 ms, 400,000 "001"
        430 ms. When more than ``BROAD_TEXT`` rows match, LIKE on the search key, walked along
        the sort column's index, finds the first 200 within a few thousand rows (3 ms for
        "ngu"). The same substring rule either way, so the same rows. A count has no order to
        walk: it always counts on the index (65,000 "ngu" in 5 ms; LIKE over every row, 0.9 s).
        """
        from core.storage import query

        match, likes = _fts_query(text)
        if match and (counting or not self._broad_match(match, query.BROAD_TEXT)):
            clauses = ["d.id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)"]
            params: list[Any] = [match]
        else:
            likes = [like_pattern(t) for t in fold(text).split()]
            clauses, params = [], []
        for pattern in likes:
            clauses.append("d.search_key LIKE ? ESCAPE '\\'")
            params.append(pattern)
        return clauses, params

    def _broad_match(self, match: str, limit: int) -> bool:
        """More than ``limit`` rows match (counted on the index up to limit + 1: a few ms)."""
        sql = "SELECT COUNT(*) FROM (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ? LIMIT ?)"
        return self._scalar(sql, [match, limit + 1]) > limit

    def reserve_dossier_ids(self, n: int) -> list[int]:
        first = self._scalar("SELECT COALESCE(MAX(id), 0) FROM dossiers") + 1  # write lock held
        return list(range(first, first + n))


_PARTS = figures_sql(SqliteStore.NO_FLATTEN)
NEW_SQL = _PARTS[0][0]  # the report's statements as SQLite runs them (query-plan tests)
CARRIED_SQL = (_PARTS[1][0], _PARTS[2][0])
