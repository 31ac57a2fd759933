"""SQL for the report objects: the ``reports`` and ``report_sends`` tables.

Kept apart from ``core/reporting.py`` (the rules): plain rows in and out, no business rule,
callers own the transaction.
"""

from __future__ import annotations

from typing import Any

INSERTED = (
    "period_from", "period_to", "preset", "version", "supersedes", "status", "snapshot",
    "highlights", "difficulties", "proposals", "created_at", "created_by", "created_by_name",
)  # fmt: skip
# What may change after a row is written. Period, version, snapshot of a signed row and the
# chain of versions are guarded by the rules in core/reporting.py, not by this list alone.
UPDATABLE = frozenset(
    {
        "snapshot", "status", "signed_at", "signed_by", "signed_by_name", "signed_by_title",
        "fingerprint", "sent_at", "highlights", "difficulties", "proposals",
    }
)  # fmt: skip
# One pass for "which version replaced this one" (a correlated sub-query per row would scan the
# table once per report: there is no index on ``supersedes``).
_SELECT = (
    "SELECT r.*, n.next_id AS superseded_by FROM reports r "
    "LEFT JOIN (SELECT supersedes, MIN(id) AS next_id FROM reports WHERE supersedes IS NOT NULL "
    "GROUP BY supersedes) n ON n.supersedes = r.id WHERE {where} "
    "ORDER BY r.period_from DESC, r.period_to DESC, r.version DESC, r.id DESC"
)


class ReportMixin:
    """Needs the primitives of ``SqlStore``."""

    def report_insert(self, values: dict[str, Any]) -> int:
        cols = [c for c in INSERTED if c in values]
        marks = ", ".join("?" for _ in cols)
        sql = f"INSERT INTO reports ({', '.join(cols)}) VALUES ({marks})"
        return self._insert(sql, [values[c] for c in cols])

    def report_update(self, report_id: int, changes: dict[str, Any], expect_status: str) -> bool:
        """Change one report if it still has ``expect_status``; False (nothing written) otherwise.

        The status condition is in the UPDATE itself, so a signed row cannot be rewritten through
        this method even by a caller that forgot to check (the rules check first, with a message).
        """
        unknown = set(changes) - UPDATABLE
        if unknown:  # a programming error, never a user's
            raise ValueError(f"reports: không sửa được cột {sorted(unknown)}")
        sets = ", ".join(f"{k} = ?" for k in changes)
        sql = f"UPDATE reports SET {sets} WHERE id = ? AND status = ?"
        return self._exec(sql, [*changes.values(), report_id, expect_status]) == 1

    def report_by_id(self, report_id: int) -> dict | None:
        rows = self._rows(_SELECT.format(where="r.id = ?"), [report_id])
        return rows[0] if rows else None

    def reports_by_period(self, period_from: str | None, period_to: str | None) -> list[dict]:
        """Versions of one period (or of every period when both are None), newest first."""
        if period_from is None:
            return self._rows(_SELECT.format(where="1 = 1"), [])
        where = "r.period_from = ? AND r.period_to = ?"
        return self._rows(_SELECT.format(where=where), [period_from, period_to])

    def report_send_insert(self, values: dict[str, Any]) -> int:
        return self._insert(
            "INSERT INTO report_sends (report_id, at, user_login, method, recipients, ok, error) "
            "VALUES (:report_id, :at, :user_login, :method, :recipients, :ok, :error)",
            {**values, "ok": int(values["ok"])},
        )

    def report_sends(self, report_id: int) -> list[dict]:
        return self._rows("SELECT * FROM report_sends WHERE report_id = ? ORDER BY id", [report_id])

    def report_send_counts(self) -> dict[int, tuple[int, int]]:
        """report id -> (attempts, good ones): the list screen's "sent" column in one query."""
        sql = "SELECT report_id, COUNT(*), SUM(ok) FROM report_sends GROUP BY report_id"
        return {r[0]: (int(r[1]), int(r[2] or 0)) for r in self._tuples(sql)}
