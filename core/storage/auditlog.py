"""SQL of the audit trail (the chain's rules and hashes are in core/audit.py).

Appending reads the last entry and writes the next one with ``id = last id + 1``: the chain
is a sequence with no gap, which ``core.audit.verify`` checks. Two writers must not both read
the same "last": on SQLite the file's write lock (BEGIN IMMEDIATE) already makes them take
turns; on PostgreSQL ``_lock("audit")`` takes a transaction-level advisory lock first.
"""

from __future__ import annotations

from typing import Any

from core import audit as rules
from core import audit_state as seals

_INSERT = (
    "INSERT INTO audit_log (id, at, user_login, action, entity, entity_key, old, new, reason, "
    "prev_hash, hash, channel, os_user, state) VALUES (:id, :at, :user_login, :action, :entity, "
    ":entity_key, :old, :new, :reason, :prev_hash, :hash, :channel, :os_user, :state)"
)


class AuditMixin:
    """Needs the primitives of ``SqlStore``."""

    def audit(self, **entry: Any) -> str:
        """Append one entry (its hash returned); call inside the write transaction of the
        change it records."""
        self._lock("audit")
        last = self._one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        key = str(entry.get("key", ""))
        entry.setdefault("state", seals.state_of(entry["entity"], key, self.entity_rows))
        for name, value in getattr(self, "audit_context", {}).items():  # channel, os_user
            entry.setdefault(name, value)
        row = rules.build_entry(last[1] if last else rules.GENESIS, **entry)
        row["id"] = (last[0] if last else 0) + 1
        self._exec(_INSERT, row)
        return row["hash"]

    def entity_rows(self, part: seals.Part, key: Any) -> list[dict]:
        """The rows of one table that an entity's seal covers (``core.audit_state.SEALED``)."""
        if part.table == "settings":
            return self._rows("SELECT * FROM settings ORDER BY key")
        if part.parent:
            table, column = part.parent.split(".")
            return self._rows(
                f"SELECT * FROM {part.table} WHERE {part.column} = "
                f"(SELECT {column} FROM {table} WHERE code = ?) ORDER BY id",
                [key],
            )
        return self._rows(f"SELECT * FROM {part.table} WHERE {part.column} = ?", [key])

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
