"""The SQL both backends share: settings, catalogue, users, calendar, sequences, difficulties.

Statements are written once, with SQLite's ``?`` / ``:name`` placeholders; the PostgreSQL
backend rewrites them for psycopg. What differs between the two engines is a handful of
hooks on the subclass (``_rows``, ``_insert``, ``_lock``, ``FOR_UPDATE`` ...), never a copy
of a statement.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from core.model import CalendarOverride, Difficulty, Procedure, Role, User
from core.settings import SETTING_NAMES, Settings
from core.text import fold
from core.timeutil import from_db, to_db

_UPSERT_SETTING = (
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


class SqlStore:
    """Portable statements over the primitives a backend provides."""

    kind = ""  # "sqlite" | "postgresql"
    path: Path | None = None
    target: str | Path = ""
    FOR_UPDATE = ""  # appended to a SELECT that reads a row the transaction will change
    NO_INDEX = ""  # prefix that keeps an expression off an index ("+" on SQLite)
    NO_FLATTEN = ""  # keeps a sub-query from being merged into its outer query

    def unindexed_text(self, expr: str) -> str:
        """``expr`` (a text column) in a form no index serves: SQLite's ``+``; PostgreSQL has no
        such prefix and would otherwise answer MAX() by walking another index (``|| ''``)."""
        return f"{self.NO_INDEX}{expr}" if self.NO_INDEX else f"({expr} || '')"

    # --- primitives (each backend) ----------------------------------------------------------
    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence | dict = ()) -> tuple | None:
        raise NotImplementedError

    def _exec(self, sql: str, params: Sequence | dict = ()) -> int:
        raise NotImplementedError

    def _insert(self, sql: str, params: Sequence | dict = ()) -> int:
        """Run an INSERT into a table with an ``id`` key; the new row's id."""
        raise NotImplementedError

    def _many(self, sql: str, rows: Iterable[Sequence | dict]) -> None:
        raise NotImplementedError

    def _lock(self, concern: str) -> None:
        """Serialise one concern until the transaction ends (no-op where a writer is alone)."""

    def transaction(self) -> AbstractContextManager:
        raise NotImplementedError

    def read_snapshot(self) -> AbstractContextManager:
        """Several reads that must see one committed state (the report's three parts)."""
        raise NotImplementedError

    def data_version(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _scalar(self, sql: str, params: Sequence | dict = ()) -> Any:
        row = self._one(sql, params)
        return row[0] if row else None

    # --- settings -------------------------------------------------------------------------
    def settings(self) -> Settings:
        stored = {r["key"]: json.loads(r["value"]) for r in self._rows("SELECT * FROM settings")}
        return Settings(**{k: v for k, v in stored.items() if k in SETTING_NAMES})

    def save_settings(self, settings: Settings) -> None:
        for key, v in asdict(settings).items():
            self._exec(_UPSERT_SETTING, [key, json.dumps(v, ensure_ascii=False)])

    def meta(self, key: str, default: Any = None) -> Any:
        row = self._one("SELECT value FROM settings WHERE key = ?", [f"_{key}"])
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, v: Any) -> None:
        self._exec(_UPSERT_SETTING, [f"_{key}", json.dumps(v, ensure_ascii=False)])

    # --- catalogue ------------------------------------------------------------------------
    @staticmethod
    def _procedure(row: dict) -> Procedure:
        return Procedure(
            code=row["code"],
            name=row["name"],
            field=row["field"],
            working_days=row["working_days"],
            cutoff_applies=bool(row["cutoff_applies"]),
            fee=row["fee"],
            documents=tuple(json.loads(row["documents"])),
            note=row["note"],
            active=bool(row["active"]),
            position=row["position"],
        )

    def procedures(self, active_only: bool = True) -> list[Procedure]:
        sql = "SELECT * FROM procedures" + (" WHERE active = 1" if active_only else "")
        return [self._procedure(r) for r in self._rows(sql + " ORDER BY position, code")]

    def procedure(self, code: str) -> Procedure | None:
        rows = self._rows("SELECT * FROM procedures WHERE code = ?", [code])
        return self._procedure(rows[0]) if rows else None

    def procedure_by_name(self, name: str) -> Procedure | None:
        rows = self._rows("SELECT * FROM procedures WHERE name = ? LIMIT 1", [name])
        return self._procedure(rows[0]) if rows else None

    def upsert_procedure(self, p: Procedure) -> None:
        self._exec(
            "INSERT INTO procedures (code, name, field, working_days, cutoff_applies, fee, "
            "documents, note, active, position, search_key) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(code) DO UPDATE SET name=excluded.name, field=excluded.field, "
            "working_days=excluded.working_days, cutoff_applies=excluded.cutoff_applies, "
            "fee=excluded.fee, documents=excluded.documents, note=excluded.note, "
            "active=excluded.active, position=excluded.position, search_key=excluded.search_key",
            [
                p.code,
                p.name,
                p.field,
                p.working_days,
                int(p.cutoff_applies),
                p.fee,
                json.dumps(list(p.documents), ensure_ascii=False),
                p.note,
                int(p.active),
                p.position,
                fold(f"{p.code} {p.name}"),
            ],
        )

    def field_order(self) -> list[str]:
        """Fields (lĩnh vực) in catalogue order: the rows of the report."""
        sql = "SELECT field, MIN(position) AS pos FROM procedures GROUP BY field ORDER BY pos, field"
        return [r["field"] for r in self._rows(sql)]

    # --- users ----------------------------------------------------------------------------
    @staticmethod
    def _user(row: dict) -> User:
        return User(
            login=row["login"],
            full_name=row["full_name"],
            role=Role(row["role"]),
            title=row["title"],
            active=bool(row["active"]),
        )

    def users(self) -> list[User]:
        return [self._user(r) for r in self._rows("SELECT * FROM users ORDER BY login")]

    def user(self, login: str) -> User | None:
        rows = self._rows("SELECT * FROM users WHERE login = ?", [login])
        return self._user(rows[0]) if rows else None

    def user_auth_row(self, login: str) -> dict | None:
        rows = self._rows(
            "SELECT login, password_hash, failed_logins, locked_until, active FROM users WHERE login = ?",
            [login],
        )
        return rows[0] if rows else None

    def insert_user(self, user: User, password_hash: str, created_at: datetime) -> None:
        self._exec(
            "INSERT INTO users (login, full_name, role, title, password_hash, active, created_at) "
            "VALUES (?,?,?,?,?,?,?)",
            [
                user.login,
                user.full_name,
                user.role.value,
                user.title,
                password_hash,
                int(user.active),
                to_db(created_at),
            ],
        )

    def update_user(self, login: str, **changes: Any) -> None:
        allowed = {"full_name", "role", "title", "password_hash", "active", "failed_logins", "locked_until"}
        assert set(changes) <= allowed, changes
        sets = ", ".join(f"{k} = ?" for k in changes)
        values = [_plain(v) for v in changes.values()]
        self._exec(f"UPDATE users SET {sets} WHERE login = ?", [*values, login])

    def count_users(self) -> int:
        return self._scalar("SELECT COUNT(*) FROM users")

    # --- calendar overrides ---------------------------------------------------------------
    def overrides(self, year: int | None = None) -> list[CalendarOverride]:
        sql, params = "SELECT * FROM calendar_overrides", []
        if year:
            sql += " WHERE day LIKE ?"
            params.append(f"{year:04d}-%")
        return [
            CalendarOverride(date.fromisoformat(r["day"]), bool(r["working"]), r["note"])
            for r in self._rows(sql + " ORDER BY day", params)
        ]

    def set_override(self, o: CalendarOverride) -> None:
        self._exec(
            "INSERT INTO calendar_overrides (day, working, note) VALUES (?,?,?) "
            "ON CONFLICT(day) DO UPDATE SET working = excluded.working, note = excluded.note",
            [o.day.isoformat(), int(o.working), o.note],
        )

    def delete_override(self, day: date) -> bool:
        return self._exec("DELETE FROM calendar_overrides WHERE day = ?", [day.isoformat()]) > 0

    # --- sequences ------------------------------------------------------------------------
    def next_sequence(self, key: str) -> int:
        """Take the next number of a sequence; call inside a write transaction.

        The upsert locks the sequence's row until the transaction ends (on PostgreSQL a row
        lock; on SQLite the file's write lock), and a rollback gives the number back: the
        numbers stay consecutive with no gap and no duplicate.
        """
        return self._one(
            "INSERT INTO sequences (key, last) VALUES (?, 1) "
            "ON CONFLICT(key) DO UPDATE SET last = sequences.last + 1 RETURNING last",
            [key],
        )[0]

    # --- difficulties ---------------------------------------------------------------------
    def insert_difficulty(self, d: Difficulty) -> int:
        return self._insert(
            "INSERT INTO difficulties (at, text, user_login, user_name, dossier_code, "
            "procedure_code) VALUES (?,?,?,?,?,?)",
            [to_db(d.at), d.text, d.user_login, d.user_name, d.dossier_code, d.procedure_code],
        )

    def difficulties(self, start: datetime, end: datetime) -> list[Difficulty]:
        return [
            Difficulty(
                id=r["id"],
                at=from_db(r["at"]),
                text=r["text"],
                user_login=r["user_login"],
                user_name=r["user_name"],
                dossier_code=r["dossier_code"],
                procedure_code=r["procedure_code"],
            )
            for r in self._rows(
                "SELECT * FROM difficulties WHERE at BETWEEN ? AND ? ORDER BY at", [to_db(start), to_db(end)]
            )
        ]

    # --- whole tables (moving a register between backends) ----------------------------------
    def insert_rows(self, table: str, rows: list[dict]) -> None:
        """Rows copied whole from another register (same column names); ``motcua migrate``."""
        assert table in TABLES, table
        if not rows:
            return
        cols = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
        self._many(sql, rows)

    def table_rows(self, table: str) -> Iterator[dict]:
        """Every row of one table in key order (``motcua migrate``, comparisons in tests)."""
        assert table in TABLES, table
        order = "key" if table in ("settings", "sequences") else TABLE_KEYS[table]
        yield from self._rows(f"SELECT * FROM {table} ORDER BY {order}")


def _plain(v: Any) -> Any:
    if isinstance(v, StrEnum):
        return v.value
    if isinstance(v, datetime):
        return to_db(v)
    if isinstance(v, bool):
        return int(v)
    return v


TABLE_KEYS = {
    "settings": "key",
    "procedures": "code",
    "users": "login",
    "sequences": "key",
    "calendar_overrides": "day",
    "dossiers": "id",
    "events": "id",
    "difficulties": "id",
    "reports": "id",
    "report_sends": "id",
    "audit_log": "id",
}
TABLES = tuple(TABLE_KEYS)
