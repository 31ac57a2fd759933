"""The audit trail: every change, by whom, old and new values, hash-chained.

Each entry's hash covers its content and the previous entry's hash, so altering or
removing any entry breaks the chain from there on; ``verify`` names the first break.
The rules and hashes are here; the SQL is the store's (``core/storage/auditlog.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.timeutil import now, to_db

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def _plain(value: Any) -> str:
    """Moments as stored (ISO with offset), whatever the caller handed in."""
    return to_db(value) if isinstance(value, datetime) else str(value)


# Written since issue 18: how the change came in, the operating-system account, and the seal of
# the changed rows (core.audit_state). Hashed only when present, so older entries still verify.
EXTRA_FIELDS = ("channel", "os_user", "state")


def _entry_hash(row: dict) -> str:
    fields = ["at", "user_login", "action", "entity", "entity_key", "old", "new", "reason", "prev_hash"]
    if any(row.get(k) for k in EXTRA_FIELDS):
        fields += EXTRA_FIELDS
    payload = "\x1f".join(str(row.get(k) or "") if k in EXTRA_FIELDS else str(row[k]) for k in fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_entry(
    prev_hash: str,
    *,
    user_login: str,
    action: str,
    entity: str,
    key: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    at: datetime | None = None,
    channel: str = "",
    os_user: str = "",
    state: str = "",
) -> dict[str, Any]:
    """The next entry's columns, hashed over its content and ``prev_hash`` (the store writes it)."""
    row = {
        "at": to_db(at or now()),
        "user_login": user_login,
        "action": action,
        "entity": entity,
        "entity_key": str(key),
        "old": _canonical(old),
        "new": _canonical(new),
        "reason": reason,
        "prev_hash": prev_hash,
        "channel": channel,
        "os_user": os_user,
        "state": state,
    }
    row["hash"] = _entry_hash(row)
    return row


def _store(source: Any) -> Any:
    """A store; a bare SQLite database (older callers and tests) is wrapped in one."""
    if hasattr(source, "audit_rows"):
        return source
    if hasattr(source, "store"):  # a test's SQL door onto a store
        return source.store
    from core.storage.sqlite import SqliteStore

    return SqliteStore(source)


@dataclass(frozen=True)
class AuditVerdict:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def verify(store: Any) -> AuditVerdict:
    """Walk the chain; report the first entry that was altered, or after which one was removed."""
    return verify_rows(_store(store).audit_rows())


def verify_rows(rows: Iterable[dict]) -> AuditVerdict:
    expected_prev, expected_id, checked = GENESIS, None, 0
    for row in rows:
        if expected_id is not None and row["id"] != expected_id:
            return AuditVerdict(
                False, checked, row["id"], f"thiếu mục nhật ký trước mục {row['id']} (đã bị xóa)"
            )
        if row["prev_hash"] != expected_prev:
            return AuditVerdict(
                False,
                checked,
                row["id"],
                f"mục {row['id']} không nối tiếp mục trước (mục trước bị sửa hoặc xóa)",
            )
        if _entry_hash(row) != row["hash"]:
            return AuditVerdict(False, checked, row["id"], f"nội dung mục {row['id']} đã bị sửa")
        expected_prev, expected_id = row["hash"], row["id"] + 1
        checked += 1
    return AuditVerdict(True, checked)


def entries(store: Any, entity: str | None = None, key: str | None = None, limit: int = 500) -> list[dict]:
    return _store(store).audit_entries(entity, key, limit)
