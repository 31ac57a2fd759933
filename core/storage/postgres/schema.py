"""The shared migrations on PostgreSQL: the ``motcua_schema`` table counts those that ran.

Each runs in its own transaction (DDL is transactional on PostgreSQL) under an advisory lock,
so four counters starting at once upgrade the database once. A database written by a newer
MotCua is refused untouched; so is a database that already holds tables of something else.
"""

from __future__ import annotations

import psycopg

from core.errors import DatabaseError
from core.storage.migrations import MIGRATIONS
from core.storage.postgres.errors import translate

VERSION_TABLE = "motcua_schema"


def _tables(conn: psycopg.Connection) -> set[str]:
    sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    return {r[0] for r in conn.execute(sql).fetchall()}


def version(conn: psycopg.Connection) -> int:
    if VERSION_TABLE not in _tables(conn):
        return 0
    return conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()[0]


def migrate(conn: psycopg.Connection, *, create: bool = True, where: str = "") -> int:
    """Bring the database to the latest schema; refuse a foreign or newer one."""
    from core.storage.postgres.store import lock_key

    try:
        if VERSION_TABLE in _tables(conn) and version(conn) == len(MIGRATIONS):
            return len(MIGRATIONS)  # the usual case: nothing to lock (a counter's role may not)
        while True:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key("schema")])
                tables = _tables(conn)
                if VERSION_TABLE not in tables:
                    if tables:
                        shown = ", ".join(sorted(tables)[:5])
                        raise DatabaseError(
                            f"Cơ sở dữ liệu {where} đã chứa dữ liệu khác (bảng {shown}): MotCua không "
                            "ghi vào. Hãy tạo một cơ sở dữ liệu trống riêng cho sổ một cửa."
                        )
                    if not create:
                        raise DatabaseError(f"Cơ sở dữ liệu {where} chưa được tạo sổ: chạy “motcua init”.")
                    conn.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)")
                    conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (0)")
                current = conn.execute(f"SELECT version FROM {VERSION_TABLE} FOR UPDATE").fetchone()[0]
                if current > len(MIGRATIONS):
                    raise DatabaseError(
                        f"Cơ sở dữ liệu được tạo bởi phiên bản MotCua mới hơn (lược đồ {current}, "
                        f"phiên bản này hiểu đến {len(MIGRATIONS)}). "
                        "Hãy cập nhật MotCua; dữ liệu không bị thay đổi."
                    )
                if current == len(MIGRATIONS):
                    return current
                conn.execute(MIGRATIONS[current].for_engine("postgresql"))
                conn.execute(f"UPDATE {VERSION_TABLE} SET version = %s", [current + 1])
    except psycopg.Error as exc:
        raise translate(exc, where) from exc
