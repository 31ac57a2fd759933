"""Domain values <-> stored values, the same for every backend.

Both backends store moments as ISO text with the fixed +07:00 offset (``core.timeutil.to_db``),
booleans as 0/1 and lists as JSON text: the report's SQL then compares and counts the same
way on SQLite and PostgreSQL, so the figures are identical by construction. The domain hands
datetimes, enums, bools and lists; only this module turns them into column values.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from core.model import (
    ApplicantKind,
    Channel,
    Dossier,
    Event,
    EventKind,
    IdKind,
    Satisfaction,
    Status,
)
from core.text import fold
from core.timeutil import from_db, to_db

# Columns of ``dossiers`` that hold a moment, a boolean or a JSON list.
MOMENTS = frozenset(
    {"received_at", "due_at", "outcome_at", "returned_at", "new_appointment_at"}
    | {"digitised_at", "result_digitised_at"}
)
FLAGS = frozenset({"cutoff_applies", "return_by_post", "receipt_printed"})
LISTS = frozenset({"documents", "reused_documents", "digitised_documents"})


def value(column: str, v: Any) -> Any:
    """One column value as stored. Values already in stored form pass unchanged."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return to_db(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, (list, tuple)) and column in LISTS:
        return json.dumps(list(v), ensure_ascii=False)
    return v


def to_row(values: dict[str, Any]) -> dict[str, Any]:
    return {k: value(k, v) for k, v in values.items()}


def dossier_search_key(applicant: str, code: str, id_number: str, phone: str, province_code: str = "") -> str:
    """The folded text both backends search (FTS5 trigram on SQLite, pg_trgm on PostgreSQL);
    the provincial system's code too, so a code read off the province's list finds the dossier."""
    return " ".join(x for x in (fold(applicant), fold(code), id_number, phone, fold(province_code)) if x)


def dossier_state(row: dict) -> dict[str, Any]:
    """A stored dossier row with domain values (what the life-cycle rules read)."""
    out = dict(row)
    for k in MOMENTS:
        if k in out:
            out[k] = from_db(out[k])
    for k in FLAGS:
        if k in out:
            out[k] = bool(out[k])
    out["status"] = Status(out["status"])
    if "documents" in out:
        out["documents"] = tuple(json.loads(out["documents"]))
    if "reused_documents" in out:
        out["reused_documents"] = tuple(json.loads(out["reused_documents"] or "[]"))
    return out


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
        authorised_name=row.get("authorised_name") or "",
        authorised_id=row.get("authorised_id") or "",
        authorised_relation=row.get("authorised_relation") or "",
        result_delivery=row.get("result_delivery") or "",
        province_code=row.get("province_code") or "",
        payment=row.get("payment") or "",
        reused_documents=tuple(json.loads(row.get("reused_documents") or "[]")),
        digitised_documents=tuple(json.loads(row.get("digitised_documents") or "[]")),
        result_digitised=bool(row.get("result_digitised_at")),
    )


def event_from_row(r: dict) -> Event:
    return Event(
        kind=EventKind(r["kind"]),
        at=from_db(r["at"]),
        user_login=r["user_login"],
        user_name=r["user_name"],
        note=r["note"],
        data=json.loads(r["data"]),
        id=r["id"],
    )


def in_list(values) -> str:
    """``('a', 'b')`` for an IN clause, from enum members: status sets live in the enums only."""
    return "(" + ", ".join("'" + str(getattr(v, "value", v)).replace("'", "''") + "'" for v in values) + ")"
