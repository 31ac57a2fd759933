"""PostgresStore: one register on a PostgreSQL server, shared by every counter PC of a centre.

Same statements as SQLite (``core.storage.base`` and friends, rewritten for psycopg by
``sqltext``); what differs is here: a lock per concern (see the docstring of ``core.storage``),
``FOR UPDATE`` on the dossier a step changes, LIKE on a pg_trgm index for search, ids reserved
from the identity sequence for a bulk import, and change notification (LISTEN/NOTIFY) behind
``data_version``.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from core.storage.attachments import AttachmentMixin
from core.storage.auditlog import AuditMixin
from core.storage.base import SqlStore
from core.storage.dossiers import DossierMixin
from core.storage.figures import FiguresMixin
from core.storage.indicators import IndicatorMixin
from core.storage.postgres import connection, schema
from core.storage.postgres.errors import ServerUnavailable, translate
from core.storage.postgres.sqltext import to_psycopg
from core.storage.query import DossierQueryMixin, like_pattern
from core.storage.reports import ReportMixin
from core.text import fold

RECONNECT_WAIT_S = 15  # how long a lost COMMIT waits for the server before giving up
CHANNEL = "motcua_changes"  # NOTIFY'd by every write transaction; delivered at its commit


def lock_key(concern: str) -> int:
    """A stable 32-bit advisory-lock key per concern ("audit", "import", "schema")."""
    return zlib.crc32(f"motcua.{concern}".encode()) & 0x7FFFFFFF


class PostgresStore(
    AttachmentMixin,
    IndicatorMixin,
    AuditMixin,
    ReportMixin,
    FiguresMixin,
    DossierQueryMixin,
    DossierMixin,
    SqlStore,
):
    """The register's storage in one PostgreSQL database."""

    kind = "postgresql"
    FOR_UPDATE = " FOR UPDATE"
    NO_INDEX = ""
    NO_FLATTEN = "OFFSET 0"
    RAISE_SEQUENCE_SQL = (
        "INSERT INTO sequences (key, last) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET last = GREATEST(sequences.last, excluded.last)"
    )

    def __init__(self, conn: psycopg.Connection, url: str):
        self.conn = conn
        self.url = url
        self.target = connection.display(url)
        self.path = None
        self._depth = 0
        self._changes = 0
        self._audit_hash: str | None = None
        conn.add_notify_handler(self._on_notify)
        self._run("LISTEN " + CHANNEL)

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> PostgresStore:
        conn = connection.connect(url)
        try:
            schema.migrate(conn, create=create, where=connection.display(url))
            return cls(conn, url)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def interrupt(self) -> None:
        """Ask the server to cancel the statement running now on this connection (any thread)."""
        if not self.conn.closed:
            self.conn.cancel_safe(timeout=2.0)

    # --- change detection -----------------------------------------------------------------
    def _on_notify(self, _notify: psycopg.Notify) -> None:
        self._changes += 1

    def data_version(self) -> int:
        """Goes up when some counter (this one included) committed a change.

        Reads the notifications already on the socket without a round trip to the server:
        cheap enough for every settings access, and the window polls it to refresh within 2 s.
        """
        if self._depth == 0:
            self._reconnect_if_lost()
            try:
                pgconn = self.conn.pgconn
                pgconn.consume_input()
                while (n := pgconn.notifies()) is not None:
                    if n.relname.decode() == CHANNEL:
                        self._changes += 1
            except psycopg.Error as exc:
                raise translate(exc, self.target) from exc
        return self._changes

    # --- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[PostgresStore]:
        """One write transaction (nested use joins the outer one); NOTIFY at commit.

        If the connection dies at COMMIT the outcome is not left open: once reconnected,
        the audit entry the transaction wrote (its hash is unique) says whether it committed.
        Committed: return as if nothing happened. Not: ``ServerUnavailable``, nothing saved.
        """
        if self._depth:
            yield self
            return
        self._reconnect_if_lost()
        self._depth, self._audit_hash = 1, None
        try:
            with self._translated(), self.conn.transaction():
                yield self
                self._run("SELECT pg_notify(%s, '')", [CHANNEL])
        except ServerUnavailable:
            if not (self._audit_hash and self._committed_after_all(self._audit_hash)):
                raise
        finally:
            self._depth = 0

    def _committed_after_all(self, audit_hash: str) -> bool:
        """After a lost connection: did the transaction that wrote this audit entry commit?"""
        deadline = time.monotonic() + RECONNECT_WAIT_S
        while True:
            try:
                self._reconnect()
                found = self._run("SELECT 1 FROM audit_log WHERE hash = %s", [audit_hash]).fetchone()
                return found is not None
            except ServerUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def _reconnect_if_lost(self) -> None:
        if self.conn.closed or self.conn.broken:
            self._reconnect()

    def _reconnect(self) -> None:
        """A new connection after the old one was lost (server restart, cable): the app goes on."""
        with contextlib.suppress(Exception):
            self.conn.close()
        self.conn = connection.connect(self.url)
        self.conn.add_notify_handler(self._on_notify)
        self._run("LISTEN " + CHANNEL)
        self._changes += 1  # others may have written meanwhile: every cache is stale

    def audit(self, **entry: Any) -> str:
        self._audit_hash = super().audit(**entry)  # what tells a lost COMMIT's outcome
        return self._audit_hash

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """One REPEATABLE READ, READ ONLY transaction: every query in it sees one state."""
        if self._depth:
            yield
            return
        self._depth = 1
        try:
            with self._translated(), self.conn.transaction():
                self._run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield
        finally:
            self._depth = 0

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            raise translate(exc, self.target) from exc

    def _lock(self, concern: str) -> None:
        self._run("SELECT pg_advisory_xact_lock(%s)", [lock_key(concern)])

    # --- primitives -------------------------------------------------------------------------
    def _run(self, sql: str, params: Sequence | dict | None = None) -> psycopg.Cursor:
        """A statement already in psycopg's style; outside a transaction a lost connection is
        opened again first (the app reconnects by itself once the server is back)."""
        if self._depth == 0 and (self.conn.closed or self.conn.broken):
            self._reconnect()
        try:
            return self.conn.execute(sql, params, prepare=False)
        except psycopg.Error as exc:
            error = translate(exc, self.target)
            if self._depth or not isinstance(error, ServerUnavailable):
                raise error from exc
        # Outside a transaction only reads run: after a lost connection, once more on a new one.
        self._reconnect()
        try:
            return self.conn.execute(sql, params, prepare=False)
        except psycopg.Error as exc:
            raise translate(exc, self.target) from exc

    def _cursor(self, sql: str, params: Sequence | dict = ()) -> psycopg.Cursor:
        return self._run(to_psycopg(sql), params if isinstance(params, dict) else list(params))

    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        cur = self._cursor(sql, params)
        names = [c.name for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def _tuples(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self._cursor(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence | dict = ()) -> tuple | None:
        return self._cursor(sql, params).fetchone()

    def _exec(self, sql: str, params: Sequence | dict = ()) -> int:
        return self._cursor(sql, params).rowcount

    def _insert(self, sql: str, params: Sequence | dict = ()) -> int:
        return self._cursor(sql + " RETURNING id", params).fetchone()[0]

    def _many(self, sql: str, rows: Iterable[Sequence | dict]) -> None:
        try:
            with self.conn.cursor() as cur:
                cur.executemany(to_psycopg(sql), list(rows))
        except psycopg.Error as exc:
            raise translate(exc, self.target) from exc

    # --- what differs -------------------------------------------------------------------------
    def _text_clauses(self, text: str, counting: bool = False) -> tuple[list[str], list[Any]]:
        """Every folded token as a substring of the search key: ILIKE (ASCII case-insensitive, as
        SQLite's LIKE and trigram FTS5 are: a passport number keeps its capitals), on the pg_trgm
        GIN index for tokens of 3+ characters (the same rule as SQLite's trigram FTS5)."""
        tokens = fold(text).split()
        return ["d.search_key ILIKE ? ESCAPE '\\'" for _ in tokens], [like_pattern(t) for t in tokens]

    def reserve_dossier_ids(self, n: int) -> list[int]:
        """Ids from the identity sequence: unique whatever the other counters insert meanwhile."""
        if n <= 0:
            return []
        sql = "SELECT nextval(pg_get_serial_sequence('dossiers', 'id')) FROM generate_series(1, %s)"
        return [r[0] for r in self._run(sql, [n]).fetchall()]


# What a counter PC's role may do: read and write the register, never rewrite or remove history.
# The owner role (the one that ran ``motcua init``) keeps DDL; audit_log takes INSERT only.
COUNTER_GRANTS = (
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "REVOKE UPDATE ON audit_log, motcua_schema FROM {role}",
    "REVOKE INSERT ON motcua_schema FROM {role}",
    "GRANT DELETE ON calendar_overrides TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
)


def grant_counter_role(store: PostgresStore, role: str) -> list[str]:
    """Give ``role`` (made by the server administrator) what a counter needs; the statements run."""
    from psycopg import sql

    done = []
    with store.transaction():
        schema_name = store._run("SELECT current_schema()").fetchone()[0]
        for template in COUNTER_GRANTS:
            statement = sql.SQL(template).format(
                schema=sql.Identifier(schema_name), role=sql.Identifier(role)
            )
            store._run(statement)
            done.append(statement.as_string(store.conn))
    return done
