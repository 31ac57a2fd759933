"""SqliteStore: the register's storage on one SQLite file.

The domain (``core/register.py``) talks to this class only, so a server database can be added
later as another class with the same methods. SQL lives in ``core/`` only: here, in
``core/dossier_query.py`` (finding dossiers, mixed in), ``core/report_store.py`` (reports),
``core/stats.py`` (the report's aggregates) and ``core/register_import.py`` (bulk import).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

from core import audit
from core.db import connect, write_transaction
from core.dossier_query import (  # noqa: F401  (re-exported: callers import them from core.store)
    _OPEN,
    BROAD_CODE_PREFIX,
    DOSSIER_SORT_COLUMNS,
    DossierQuery,
    DossierQueryMixin,
    QuickFilter,
    _fts_query,
    dossier_search_key,
)
from core.model import (
    ApplicantKind,
    CalendarOverride,
    Channel,
    Difficulty,
    Dossier,
    Event,
    EventKind,
    IdKind,
    Procedure,
    Role,
    Satisfaction,
    Status,
    User,
)
from core.settings import SETTING_NAMES, Settings
from core.text import fold
from core.timeutil import from_db, to_db


class SqliteStore(DossierQueryMixin):
    """The register's storage on one SQLite file."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> SqliteStore:
        return cls(connect(path, readonly=readonly), Path(path))

    def close(self) -> None:
        self.db.conn.close()

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file (PRAGMA data_version)."""
        return self.db.conn.execute("PRAGMA data_version").fetchone()[0]

    def transaction(self):
        return write_transaction(self.db)

    def audit(self, **entry: Any) -> None:
        audit.append(self.db, **entry)

    # --- settings -------------------------------------------------------------------------
    def settings(self) -> Settings:
        stored = {r["key"]: json.loads(r["value"]) for r in self.db.query("SELECT * FROM settings")}
        return Settings(**{k: v for k, v in stored.items() if k in SETTING_NAMES})

    def save_settings(self, settings: Settings) -> None:
        for key, value in asdict(settings).items():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )

    def meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [f"_{key}"]).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [f"_{key}", json.dumps(value, ensure_ascii=False)],
        )

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
        return [self._procedure(r) for r in self.db.query(sql + " ORDER BY position, code")]

    def procedure(self, code: str) -> Procedure | None:
        rows = list(self.db.query("SELECT * FROM procedures WHERE code = ?", [code]))
        return self._procedure(rows[0]) if rows else None

    def procedure_by_name(self, name: str) -> Procedure | None:
        rows = list(self.db.query("SELECT * FROM procedures WHERE name = ? LIMIT 1", [name]))
        return self._procedure(rows[0]) if rows else None

    def upsert_procedure(self, p: Procedure) -> None:
        self.db.execute(
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
        return [
            r["field"]
            for r in self.db.query(
                "SELECT field, MIN(position) AS pos FROM procedures GROUP BY field ORDER BY pos, field"
            )
        ]

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
        return [self._user(r) for r in self.db.query("SELECT * FROM users ORDER BY login")]

    def user(self, login: str) -> User | None:
        rows = list(self.db.query("SELECT * FROM users WHERE login = ?", [login]))
        return self._user(rows[0]) if rows else None

    def user_auth_row(self, login: str) -> dict | None:
        rows = list(
            self.db.query(
                "SELECT login, password_hash, failed_logins, locked_until, active FROM users WHERE login = ?",
                [login],
            )
        )
        return rows[0] if rows else None

    def insert_user(self, user: User, password_hash: str, created_at: datetime) -> None:
        self.db.execute(
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
        values = [v.value if isinstance(v, StrEnum) else v for v in changes.values()]
        self.db.execute(f"UPDATE users SET {sets} WHERE login = ?", [*values, login])

    def count_users(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM users").fetchone()[0]

    # --- calendar overrides ---------------------------------------------------------------
    def overrides(self, year: int | None = None) -> list[CalendarOverride]:
        sql, params = "SELECT * FROM calendar_overrides", []
        if year:
            sql += " WHERE day LIKE ?"
            params.append(f"{year:04d}-%")
        return [
            CalendarOverride(date.fromisoformat(r["day"]), bool(r["working"]), r["note"])
            for r in self.db.query(sql + " ORDER BY day", params)
        ]

    def set_override(self, o: CalendarOverride) -> None:
        self.db.execute(
            "INSERT INTO calendar_overrides (day, working, note) VALUES (?,?,?) "
            "ON CONFLICT(day) DO UPDATE SET working = excluded.working, note = excluded.note",
            [o.day.isoformat(), int(o.working), o.note],
        )

    def delete_override(self, day: date) -> bool:
        cur = self.db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day.isoformat()])
        return cur.rowcount > 0

    # --- sequences ------------------------------------------------------------------------
    def next_sequence(self, key: str) -> int:
        """Take the next number of a sequence; call inside a write transaction."""
        row = self.db.execute(
            "INSERT INTO sequences (key, last) VALUES (?, 1) "
            "ON CONFLICT(key) DO UPDATE SET last = last + 1 RETURNING last",
            [key],
        ).fetchone()
        return row[0]

    # --- dossiers -------------------------------------------------------------------------
    def insert_dossier(self, row: dict) -> int:
        row = dict(row)
        row["search_key"] = dossier_search_key(row["applicant"], row["code"], row["id_number"], row["phone"])
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        return self.db.execute(f"INSERT INTO dossiers ({columns}) VALUES ({marks})", row).lastrowid

    def update_dossier(self, dossier_id: int, changes: dict) -> None:
        if not changes:
            return
        sets = ", ".join(f"{k} = :{k}" for k in changes)
        self.db.execute(f"UPDATE dossiers SET {sets} WHERE id = :_id", {**changes, "_id": dossier_id})
        if {"applicant", "id_number", "phone"} & set(changes):
            row = self.db.execute(
                "SELECT applicant, code, id_number, phone FROM dossiers WHERE id = ?", [dossier_id]
            ).fetchone()
            self.db.execute(
                "UPDATE dossiers SET search_key = ? WHERE id = ?", [dossier_search_key(*row), dossier_id]
            )

    def add_event(self, dossier_id: int, event: Event) -> int:
        return self.db.execute(
            "INSERT INTO events (dossier_id, kind, at, user_login, user_name, note, data) "
            "VALUES (?,?,?,?,?,?,?)",
            [
                dossier_id,
                event.kind.value,
                to_db(event.at),
                event.user_login,
                event.user_name,
                event.note,
                json.dumps(event.data, ensure_ascii=False, default=str),
            ],
        ).lastrowid

    def events(self, dossier_id: int) -> tuple[Event, ...]:
        return tuple(
            Event(
                kind=EventKind(r["kind"]),
                at=from_db(r["at"]),
                user_login=r["user_login"],
                user_name=r["user_name"],
                note=r["note"],
                data=json.loads(r["data"]),
                id=r["id"],
            )
            for r in self.db.query("SELECT * FROM events WHERE dossier_id = ? ORDER BY at, id", [dossier_id])
        )

    def raw_dossier(self, code: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM dossiers WHERE code = ?", [code]))
        return rows[0] if rows else None

    def dossier(self, code: str, with_events: bool = True) -> Dossier | None:
        row = self.raw_dossier(code)
        if row is None:
            return None
        return self.dossier_from_row(row, self.events(row["id"]) if with_events else ())

    @staticmethod
    def dossier_from_row(row: dict, events: tuple[Event, ...] = ()) -> Dossier:
        return Dossier(
            id=row["id"],
            code=row["code"],
            procedure_code=row["procedure_code"],
            procedure_name=row["procedure_name"],
            field=row["field"],
            applicant=row["applicant"],
            applicant_kind=ApplicantKind(row["applicant_kind"]),
            id_kind=IdKind(row["id_kind"]),
            id_number=row["id_number"],
            phone=row["phone"],
            address=row["address"],
            email=row["email"],
            channel=Channel(row["channel"]),
            copies=row["copies"],
            documents=tuple(json.loads(row["documents"])),
            fee_collected=row["fee_collected"],
            received_at=from_db(row["received_at"]),
            due_at=from_db(row["due_at"]),
            status=Status(row["status"]),
            clerk_login=row["clerk_login"],
            clerk_name=row["clerk_name"],
            working_days=row["working_days"],
            resolved_at=from_db(row["outcome_at"]),
            returned_at=from_db(row["returned_at"]),
            signed_by=row["signed_by"],
            receiver_name=row["receiver_name"],
            satisfaction=Satisfaction(row["satisfaction"]) if row["satisfaction"] else None,
            new_appointment_at=from_db(row["new_appointment_at"]),
            return_by_post=bool(row["return_by_post"]),
            register_book=row["register_book"],
            register_seq=row["register_seq"],
            note=row["note"],
            events=events,
        )

    def find_exact(self, text: str) -> Dossier | None:
        """A scanned or typed code, ID number or phone that names exactly one dossier."""
        value = text.strip()
        row = self.raw_dossier(value) or self.raw_dossier(value.upper())
        return self.dossier_from_row(row, self.events(row["id"])) if row else None

    def open_dossiers_with_pauses(self) -> list[dict]:
        """Open dossiers with what their due moment is derived from (for re-dating)."""
        rows = list(
            self.db.query(
                f"SELECT id, received_at, working_days, cutoff_applies, due_at FROM dossiers d "
                f"WHERE d.status IN {_OPEN}"
            )
        )
        return rows

    def pauses(self, dossier_id: int) -> list[tuple[str, str | None]]:
        """(requested, received) pairs of supplement pauses, from the events."""
        pauses, start = [], None
        for r in self.db.query(
            "SELECT kind, at FROM events WHERE dossier_id = ? AND kind IN "
            "('supplement_requested', 'supplement_received') ORDER BY at, id",
            [dossier_id],
        ):
            if r["kind"] == "supplement_requested":
                start = r["at"]
            elif start:
                pauses.append((start, r["at"]))
                start = None
        if start:
            pauses.append((start, None))
        return pauses

    def dossier_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]

    def existing_codes(self, codes: Iterable[str]) -> set[str]:
        codes = list(codes)
        found: set[str] = set()
        for i in range(0, len(codes), 500):
            chunk = codes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found |= {
                r[0] for r in self.db.execute(f"SELECT code FROM dossiers WHERE code IN ({marks})", chunk)
            }
        return found

    # --- difficulties ---------------------------------------------------------------------
    def insert_difficulty(self, d: Difficulty) -> int:
        return self.db.execute(
            "INSERT INTO difficulties (at, text, user_login, user_name, dossier_code, "
            "procedure_code) VALUES (?,?,?,?,?,?)",
            [to_db(d.at), d.text, d.user_login, d.user_name, d.dossier_code, d.procedure_code],
        ).lastrowid

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
            for r in self.db.query(
                "SELECT * FROM difficulties WHERE at BETWEEN ? AND ? ORDER BY at", [to_db(start), to_db(end)]
            )
        ]


DOSSIER_COLUMNS = [f.name for f in fields(Dossier)]
