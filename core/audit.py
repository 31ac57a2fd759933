"""The audit trail: every change, by whom, old and new values, hash-chained.

Each entry's hash covers its content and the previous entry's hash, so altering or
removing any entry breaks the chain from there on; ``verify`` names the first break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from core.timeutil import now, to_db

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _entry_hash(row: dict) -> str:
    payload = "\x1f".join(
        str(row[k])
        for k in ("at", "user_login", "action", "entity", "entity_key", "old", "new", "reason", "prev_hash")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    db: sqlite_utils.Database,
    *,
    user_login: str,
    action: str,
    entity: str,
    key: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    at: datetime | None = None,
) -> None:
    """Append one entry; call inside the write transaction of the change it records."""
    last = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = {
        "at": to_db(at or now()),
        "user_login": user_login,
        "action": action,
        "entity": entity,
        "entity_key": str(key),
        "old": _canonical(old),
        "new": _canonical(new),
        "reason": reason,
        "prev_hash": last[0] if last else GENESIS,
    }
    row["hash"] = _entry_hash(row)
    db.execute(
        "INSERT INTO audit_log (at, user_login, action, entity, entity_key, old, new, reason, "
        "prev_hash, hash) VALUES (:at, :user_login, :action, :entity, :entity_key, :old, :new, "
        ":reason, :prev_hash, :hash)",
        row,
    )


@dataclass(frozen=True)
class AuditVerdict:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def verify(db: sqlite_utils.Database) -> AuditVerdict:
    """Walk the chain; report the first entry that was altered, or after which one was removed."""
    expected_prev, expected_id, checked = GENESIS, None, 0
    for row in db.query("SELECT * FROM audit_log ORDER BY id"):
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


def entries(
    db: sqlite_utils.Database, entity: str | None = None, key: str | None = None, limit: int = 500
) -> list[dict]:
    where, params = [], []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if key:
        where.append("entity_key = ?")
        params.append(key)
    sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
    return list(db.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]))
