"""SQL of the audit trail (the chain's rules and hashes are in core/audit.py).

Appending reads the last entry and writes the next one with ``id = last id + 1``: the chain
is a sequence with no gap, which ``core.audit.verify`` checks. Two writers must not both read
the same "last": on SQLite the file's write lock (BEGIN IMMEDIATE) already makes them take
turns; on PostgreSQL ``_lock("audit")`` takes a transaction-level advisory lock first.
"""

from __future__ import annotations

from typing import Any

from core import audit as rules

_INSERT = (
    "INSERT INTO audit_log (id, at, user_login, action, entity, entity_key, old, new, reason, "
    "prev_hash, hash) VALUES (:id, :at, :user_login, :action, :entity, :entity_key, :old, :new, "
    ":reason, :prev_hash, :hash)"
)


class AuditMixin:
    """Needs the primitives of ``SqlStore``."""

    def audit(self, **entry: Any) -> str:
        """Append one entry (its hash returned); call inside the write transaction of the
        change it records."""
        self._lock("audit")
        last = self._one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        row = rules.build_entry(last[1] if last else rules.GENESIS, **entry)
        row["id"] = (last[0] if last else 0) + 1
        self._exec(_INSERT, row)
        return row["hash"]

    def audit_rows(self) -> list[dict]:
        return self._rows("SELECT * FROM audit_log ORDER BY id")

    def audit_entries(
        self, entity: str | None = None, key: str | None = None, limit: int = 500
    ) -> list[dict]:
        where, params = [], []
        if entity:
            where.append("entity = ?")
            params.append(entity)
        if key:
            where.append("entity_key = ?")
            params.append(key)
        sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
        return self._rows(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
