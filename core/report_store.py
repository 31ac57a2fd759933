"""SQL for the report objects: the ``reports`` and ``report_sends`` tables (schema v1).

Kept apart from ``core/reporting.py`` (the rules) the way ``core/store.py`` is kept apart from
``core/register.py``: plain rows in and out, no business rule, callers own the transaction.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

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
# table once per report: no index on ``supersedes``, and the schema is not ours to change).
_SELECT = (
    "SELECT r.*, n.next_id AS superseded_by FROM reports r "
    "LEFT JOIN (SELECT supersedes, MIN(id) AS next_id FROM reports WHERE supersedes IS NOT NULL "
    "GROUP BY supersedes) n ON n.supersedes = r.id WHERE {where} "
    "ORDER BY r.period_from DESC, r.period_to DESC, r.version DESC, r.id DESC"
)


def insert(db: sqlite_utils.Database, values: dict[str, Any]) -> int:
    cols = [c for c in INSERTED if c in values]
    marks = ", ".join("?" for _ in cols)
    sql = f"INSERT INTO reports ({', '.join(cols)}) VALUES ({marks})"
    return db.execute(sql, [values[c] for c in cols]).lastrowid


def update(db: sqlite_utils.Database, report_id: int, changes: dict[str, Any], expect_status: str) -> bool:
    """Change one report if it still has ``expect_status``; False (nothing written) otherwise.

    The status condition is in the UPDATE itself, so a signed row cannot be rewritten through
    this module even by a caller that forgot to check (the rules check first, with a message).
    """
    unknown = set(changes) - UPDATABLE
    if unknown:  # a programming error, never a user's
        raise ValueError(f"reports: không sửa được cột {sorted(unknown)}")
    sets = ", ".join(f"{k} = ?" for k in changes)
    sql = f"UPDATE reports SET {sets} WHERE id = ? AND status = ?"
    return db.execute(sql, [*changes.values(), report_id, expect_status]).rowcount == 1


def by_id(db: sqlite_utils.Database, report_id: int) -> dict | None:
    rows = list(db.query(_SELECT.format(where="r.id = ?"), [report_id]))
    return rows[0] if rows else None


def by_period(db: sqlite_utils.Database, period_from: str | None, period_to: str | None) -> list[dict]:
    """Versions of one period (or of every period when both are None), newest first."""
    if period_from is None:
        return list(db.query(_SELECT.format(where="1"), []))
    where = "r.period_from = ? AND r.period_to = ?"
    return list(db.query(_SELECT.format(where=where), [period_from, period_to]))


def insert_send(db: sqlite_utils.Database, values: dict[str, Any]) -> int:
    return db.execute(
        "INSERT INTO report_sends (report_id, at, user_login, method, recipients, ok, error) "
        "VALUES (:report_id, :at, :user_login, :method, :recipients, :ok, :error)",
        values,
    ).lastrowid


def sends(db: sqlite_utils.Database, report_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM report_sends WHERE report_id = ? ORDER BY id", [report_id]))


def send_counts(db: sqlite_utils.Database) -> dict[int, tuple[int, int]]:
    """report id -> (attempts, good ones): the list screen's "sent" column in one query."""
    sql = "SELECT report_id, COUNT(*), SUM(ok) FROM report_sends GROUP BY report_id"
    return {r[0]: (r[1], int(r[2] or 0)) for r in db.execute(sql).fetchall()}
