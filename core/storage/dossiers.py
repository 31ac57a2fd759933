"""Dossiers and their events: writing, reading one, the facts the life-cycle rules check."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.model import OPEN_STATUSES, Dossier, Event, EventKind
from core.storage import rows as conv
from core.timeutil import from_db, to_db

_PAUSE_KINDS = conv.in_list((EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_RECEIVED))
_EVENT_SQL = (
    "INSERT INTO events (dossier_id, kind, at, user_login, user_name, note, data) VALUES (?,?,?,?,?,?,?)"
)


class DossierMixin:
    """Needs the primitives of ``SqlStore``."""

    FOR_UPDATE: str

    def insert_dossier(self, values: dict[str, Any]) -> int:
        """A new dossier from domain values (datetimes, enums, bools, lists); its id."""
        row = conv.to_row(values)
        row["search_key"] = conv.dossier_search_key(
            row["applicant"], row["code"], row["id_number"], row["phone"], row.get("province_code") or ""
        )
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        return self._insert(f"INSERT INTO dossiers ({columns}) VALUES ({marks})", row)

    def update_dossier(self, dossier_id: int, changes: dict[str, Any]) -> None:
        if not changes:
            return
        changes = conv.to_row(changes)
        sets = ", ".join(f"{k} = :{k}" for k in changes)
        self._exec(f"UPDATE dossiers SET {sets} WHERE id = :_id", {**changes, "_id": dossier_id})
        if {"applicant", "id_number", "phone", "province_code"} & set(changes):
            row = self._one(
                "SELECT applicant, code, id_number, phone, province_code FROM dossiers WHERE id = ?",
                [dossier_id],
            )
            self._exec(
                "UPDATE dossiers SET search_key = ? WHERE id = ?", [conv.dossier_search_key(*row), dossier_id]
            )

    def add_event(self, dossier_id: int, event: Event) -> int:
        return self._insert(
            _EVENT_SQL,
            [
                dossier_id,
                event.kind.value,
                to_db(event.at),
                event.user_login,
                event.user_name,
                event.note,
                json.dumps(conv.to_row(event.data), ensure_ascii=False, default=str),
            ],
        )

    def events(self, dossier_id: int) -> tuple[Event, ...]:
        sql = "SELECT * FROM events WHERE dossier_id = ? ORDER BY at, id"
        return tuple(conv.event_from_row(r) for r in self._rows(sql, [dossier_id]))

    def raw_dossier(self, code: str) -> dict | None:
        rows = self._rows("SELECT * FROM dossiers WHERE code = ?", [code])
        return rows[0] if rows else None

    def dossier_state(self, code: str, *, for_update: bool = False) -> dict | None:
        """One dossier's columns as domain values; ``for_update`` inside a write transaction
        locks the row until it ends (check-then-act of a life-cycle step: a second counter
        doing the same step waits, then sees the new status and is refused)."""
        sql = "SELECT * FROM dossiers WHERE code = ?" + (self.FOR_UPDATE if for_update else "")
        rows = self._rows(sql, [code])
        return conv.dossier_state(rows[0]) if rows else None

    def dossier(self, code: str, with_events: bool = True) -> Dossier | None:
        row = self.raw_dossier(code)
        if row is None:
            return None
        return conv.dossier_from_row(row, self.events(row["id"]) if with_events else ())

    @staticmethod
    def dossier_from_row(row: dict, events: tuple[Event, ...] = ()) -> Dossier:
        return conv.dossier_from_row(conv.to_row(row), events)

    def find_exact(self, text: str) -> Dossier | None:
        """A scanned or typed code, ID number or phone that names exactly one dossier."""
        v = text.strip()
        row = self.raw_dossier(v) or self.raw_dossier(v.upper())
        if row is None and v:  # the provincial system's code, as typed or scanned
            found = self._rows("SELECT * FROM dossiers WHERE province_code = ?", [v])
            row = found[0] if len(found) == 1 else None
        return conv.dossier_from_row(row, self.events(row["id"])) if row else None

    def last_step_at(self, dossier_id: int) -> datetime | None:
        """The latest life-cycle moment of a dossier (prints are not steps)."""
        sql = "SELECT MAX(at) FROM events WHERE dossier_id = ? AND kind != ?"
        return from_db(self._scalar(sql, [dossier_id, EventKind.PRINTED.value]))

    def print_count(self, dossier_id: int, form: str) -> int:
        """How often ``form`` was printed for a dossier (a handful of rows: read in Python, no
        JSON functions that differ between engines)."""
        sql = "SELECT data FROM events WHERE dossier_id = ? AND kind = ?"
        rows = self._rows(sql, [dossier_id, EventKind.PRINTED.value])
        return sum(1 for r in rows if json.loads(r["data"]).get("form") == form)

    def open_dossiers_with_pauses(self) -> list[dict]:
        """Open dossiers with what their due moment is derived from (for re-dating)."""
        sql = (
            "SELECT id, received_at, working_days, cutoff_applies, due_at FROM dossiers d "
            f"WHERE d.status IN {conv.in_list(sorted(OPEN_STATUSES))}"
        )
        return [
            {**r, "received_at": from_db(r["received_at"]), "due_at": from_db(r["due_at"]),
             "cutoff_applies": bool(r["cutoff_applies"])}
            for r in self._rows(sql)
        ]  # fmt: skip

    def pauses(self, dossier_id: int) -> list[tuple[str, str | None]]:
        """(requested, received) pairs of supplement pauses, from the events (stored text)."""
        out, start = [], None
        sql = f"SELECT kind, at FROM events WHERE dossier_id = ? AND kind IN {_PAUSE_KINDS} ORDER BY at, id"
        for r in self._rows(sql, [dossier_id]):
            if r["kind"] == EventKind.SUPPLEMENT_REQUESTED.value:
                start = r["at"]
            elif start:
                out.append((start, r["at"]))
                start = None
        if start:
            out.append((start, None))
        return out

    def dossier_count(self) -> int:
        return self._scalar("SELECT COUNT(*) FROM dossiers")

    def open_dossiers_of(self, id_number: str, procedure_code: str, limit: int = 5) -> list[Dossier]:
        """Open dossiers of one ID number for one procedure, newest first (a possible duplicate
        the counter should see before taking the same one in again); uses the id_number index."""
        sql = (
            "SELECT * FROM dossiers WHERE id_number = ? AND procedure_code = ?"
            f" AND status IN {conv.in_list(sorted(OPEN_STATUSES))} ORDER BY received_at DESC, id DESC LIMIT ?"
        )
        return [conv.dossier_from_row(r) for r in self._rows(sql, [id_number, procedure_code, limit])]

    def dossier_codes(self) -> list[str]:
        return [r["code"] for r in self._rows("SELECT code FROM dossiers ORDER BY id")]

    def existing_codes(self, codes: Iterable[str]) -> set[str]:
        codes = list(codes)
        found: set[str] = set()
        for i in range(0, len(codes), 500):
            chunk = codes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found |= {
                r["code"] for r in self._rows(f"SELECT code FROM dossiers WHERE code IN ({marks})", chunk)
            }
        return found

    # --- bulk import -------------------------------------------------------------------------
    def reserve_dossier_ids(self, n: int) -> list[int]:
        """``n`` fresh dossier ids, so a bulk import can name the dossier of each event without
        reading every row back. Inside the write transaction."""
        raise NotImplementedError

    def insert_imported(self, rows: list[dict], events: list[tuple], sequences: dict[str, int]) -> None:
        """Imported dossiers (ids from ``reserve_dossier_ids``), their events (tuples in the
        column order of ``events``) and the daily code sequences raised to at least the given
        numbers. The search key is computed here, as for a dossier taken in at the counter."""
        self._lock("import")
        for row in rows:
            row["search_key"] = conv.dossier_search_key(
                row["applicant"], row["code"], row["id_number"], row["phone"]
            )
        self._many(_IMPORT_SQL, rows)
        self._many(_EVENT_SQL, events)
        self._many(self.RAISE_SEQUENCE_SQL, sorted(sequences.items()))

    RAISE_SEQUENCE_SQL = ""


_IMPORT_SQL = (
    "INSERT INTO dossiers (id, code, procedure_code, procedure_name, field, working_days, cutoff_applies, "
    "applicant, applicant_kind, id_kind, id_number, phone, address, channel, received_at, due_at, status, "
    "outcome_at, returned_at, receiver_name, clerk_login, clerk_name, note, source, search_key) VALUES "
    "(:id, :code, :procedure_code, :procedure_name, :field, :working_days, :cutoff_applies, :applicant, "
    ":applicant_kind, :id_kind, :id_number, :phone, :address, :channel, :received_at, :due_at, :status, "
    ":outcome_at, :returned_at, :receiver_name, :clerk_login, :clerk_name, :note, :source, :search_key)"
)
