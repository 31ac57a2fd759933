"""The figures of the statistical report (report.md) and the end-of-day summary.

Three aggregate queries per report, ``GROUP BY field`` with ``SUM(...)``: one over the dossiers
received in the period, two over those carried over into it, each found by an index range, so
a year on a million dossiers costs about one pass over the rows that belong to the period,
never a Python loop over dossiers. Timestamps are ISO text with the fixed +07:00 offset, so
they compare as text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from core.model import Difficulty
from core.periods import Period
from core.register import Register
from core.timeutil import from_db, start_of_day, to_db

KEYS = (
    "received_total",
    "received_online",
    "received_direct",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
)
TOTAL_LABEL = "Tổng cộng"
OUTCOME_FOOTNOTE = (
    "Hồ sơ rút, dừng giải quyết hoặc từ chối sau khi tiếp nhận được tính là giải quyết đúng hạn; "
    "hồ sơ đang chờ bổ sung được tính là trong hạn."
)


@dataclass(frozen=True)
class Figures:
    """The eleven counts of one row of the report."""

    received_total: int = 0
    received_online: int = 0
    received_direct: int = 0
    carried_over: int = 0
    resolved_total: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_total: int = 0
    pending_in_time: int = 0
    pending_overdue: int = 0

    def to_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in KEYS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figures:
        return cls(**{k: int(data.get(k) or 0) for k in KEYS})

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{k: getattr(self, k) + getattr(other, k) for k in KEYS})

    def problems(self) -> list[str]:
        """The invariants of report.md this row breaks (empty when it is consistent)."""
        out = []
        if self.received_total != self.received_online + self.received_direct + self.carried_over:
            out.append("tổng số nhận ≠ trực tuyến + trực tiếp + kỳ trước chuyển sang")
        if self.received_total != self.resolved_total + self.pending_total:
            out.append("tổng số nhận ≠ đã giải quyết + đang giải quyết")
        if self.resolved_total != self.resolved_early + self.resolved_on_time + self.resolved_late:
            out.append("đã giải quyết ≠ trước hạn + đúng hạn + quá hạn")
        if self.pending_total != self.pending_in_time + self.pending_overdue:
            out.append("đang giải quyết ≠ trong hạn + quá hạn")
        if any(getattr(self, k) < 0 for k in KEYS):
            out.append("có số âm")
        return out


@dataclass(frozen=True)
class FieldRow:
    field: str
    figures: Figures


@dataclass(frozen=True)
class Table:
    """The report's table for one period, judged at ``cutoff`` (end of period or now)."""

    period: Period
    cutoff: datetime
    rows: tuple[FieldRow, ...]
    total: Figures

    def to_json(self) -> dict[str, Any]:
        """The ``report --json`` contract: from, to, rows (field + eleven keys), total."""
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "rows": [{"field": r.field, **r.figures.to_dict()} for r in self.rows],
            "total": self.total.to_dict(),
        }

    def problems(self) -> list[str]:
        out = [f"{r.field}: {p}" for r in self.rows for p in r.figures.problems()]
        out += [f"{TOTAL_LABEL}: {p}" for p in self.total.problems()]
        summed = sum((r.figures for r in self.rows), Figures())
        if summed != self.total:
            out.append("dòng tổng cộng ≠ tổng các lĩnh vực")
        return out


# Was the dossier awaiting supplementary documents at the cut-off? The last supplement event
# before ``:bound`` (what had happened by the cut-off) decides (events_dossier index: a handful
# of rows per dossier). Only evaluated for open dossiers already past due: CASE WHEN ... AND ...
# stops at the first false term, so it costs nothing on the bulk of the rows.
_PAUSED_AT_CUTOFF = (
    "(SELECT e.kind FROM events e WHERE e.dossier_id = d.id "
    "AND e.kind IN ('supplement_requested', 'supplement_received') AND e.at < :bound "
    "ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'supplement_requested'"
)
_PENDING = "(d.outcome_at IS NULL OR d.outcome_at >= :after)"

# The population of a period is split in three, each found by an index range (a single
# ``received_at < :after AND (...)`` condition would make SQLite read every older row):
# the dossiers received in the period (dossiers_received) and those carried over into it
# (dossiers_outcome_received: outcome since the start or none, received before the start).
# The inner query gives each dossier its class ``k``: 0 early, 1 on time (withdrawn, stopped
# and refused included), 2 late, 3 pending in time, 4 pending overdue. "Early" compares dates:
# an outcome before the due day's date text sorts before it ("2026-11-10T16:59:00+07:00" <
# "2026-11-11"), as all moments carry the same +07:00. ``LIMIT -1`` keeps the inner query from
# being flattened into the outer one, so the GROUP BY sorts two small values per dossier rather
# than every column the classes are made of (about 20 % faster on a year).
_FIGURES_SQL = f"""
SELECT field, COUNT(*) AS received, SUM(online) AS online, SUM(k <= 2) AS resolved,
       SUM(k = 0) AS early, SUM(k = 2) AS late, SUM(k = 4) AS overdue
FROM (
  SELECT d.field AS field, d.channel = 'truc-tuyen' AS online,
    CASE WHEN d.outcome_at < :after THEN
           CASE WHEN d.status NOT IN ('resolved', 'returned') THEN 1
                WHEN d.outcome_at < substr(d.due_at, 1, 10) THEN 0
                WHEN d.outcome_at > d.due_at THEN 2
                ELSE 1 END
         WHEN d.due_at < :cut AND NOT coalesce({_PAUSED_AT_CUTOFF}, 0) THEN 4
         ELSE 3 END AS k
  FROM dossiers d
  WHERE {{where}}
  LIMIT -1
)
GROUP BY field
"""
NEW_SQL = _FIGURES_SQL.format(where="d.received_at >= :start AND d.received_at < :after")
CARRIED_SQL = (  # carried over, with an outcome since: one range of dossiers_outcome_received
    _FIGURES_SQL.format(where="d.outcome_at >= :start AND d.received_at < :start"),
    # carried over, still open: the NULL end of the same index
    _FIGURES_SQL.format(where="d.outcome_at IS NULL AND d.received_at < :start"),
)

# Open at the cut-off with a stored due moment after it, and a supplement pause that began
# after the cut-off and has ended since: the stored due moment counts that pause, which the
# cut-off could not know. Only a past period can have such rows, and few (events_kind_at
# index on the supplements after the cut-off); their due moment at the cut-off is re-derived
# from the pauses that had ended by then.
LATER_PAUSE_SQL = f"""
SELECT DISTINCT d.id, d.field, d.received_at, d.working_days, d.cutoff_applies
FROM events s JOIN dossiers d ON d.id = s.dossier_id
WHERE s.kind = 'supplement_received' AND s.at >= :bound
  AND d.received_at < :after AND {_PENDING} AND d.due_at >= :cut
  AND NOT coalesce({_PAUSED_AT_CUTOFF}, 0)
"""


def ordered_fields(register: Register, present: list[str]) -> list[str]:
    """Fields in catalogue order; fields no longer in the catalogue follow, alphabetically."""
    known = register.store.field_order()
    rank = {f: i for i, f in enumerate(known)}
    return sorted(present, key=lambda f: (rank.get(f, len(known)), f))


def _bound(period: Period, cut: datetime) -> datetime:
    """The exclusive end of what had happened by the cut-off: the period's end, or just after
    now (an event stamped this very second has happened)."""
    return cut if cut >= period.after else cut + timedelta(seconds=1)


def compute(register: Register, period: Period, now: datetime | None = None) -> Table:
    """The report's table for ``period``; pending dossiers judged at min(end of period, now)."""
    cut = period.cutoff(now or register.now())
    params = {
        "start": to_db(period.first_moment),
        "after": to_db(period.after),
        "cut": to_db(cut),
        "bound": to_db(_bound(period, cut)),
    }
    db = register.store.db
    by_field: dict[str, Figures] = {}
    with _snapshot(db.conn):
        for sql, carried in ((NEW_SQL, False), *((q, True) for q in CARRIED_SQL)):
            by_field = _add_part(by_field, db.execute(sql, params).fetchall(), carried)
        later = _overdue_before_later_pauses(register, params, cut)
    for name in later:
        f = by_field[name]
        by_field[name] = replace(
            f, pending_in_time=f.pending_in_time - 1, pending_overdue=f.pending_overdue + 1
        )
    rows = tuple(FieldRow(f, by_field[f]) for f in ordered_fields(register, list(by_field)))
    total = sum((r.figures for r in rows), Figures())
    return Table(period, cut, rows, total)


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction around the queries of a report: in WAL mode they all see the same
    committed state, so a dossier resolved meanwhile is not missed by one part and the next."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _add_part(by_field: dict[str, Figures], rows: list, carried: bool) -> dict[str, Figures]:
    """Add one query's per-field sums (dossiers received in the period, or carried over)."""
    for name, *counts in rows:
        received, online, resolved, early, late, overdue = (int(v or 0) for v in counts)
        part = Figures(
            received_total=received,
            received_online=0 if carried else online,
            received_direct=0 if carried else received - online,
            carried_over=received if carried else 0,
            resolved_total=resolved,
            resolved_early=early,
            resolved_on_time=resolved - early - late,
            resolved_late=late,
            pending_total=received - resolved,
            pending_in_time=received - resolved - overdue,
            pending_overdue=overdue,
        )
        by_field[name] = by_field.get(name, Figures()) + part
    return by_field


def _overdue_before_later_pauses(register: Register, params: dict[str, Any], cut: datetime) -> list[str]:
    """Fields of the dossiers counted in time only thanks to a pause after the cut-off."""
    out = []
    calendar = register.calendar
    for d_id, name, received_at, days, cutoff_applies in register.store.db.execute(
        LATER_PAUSE_SQL, params
    ).fetchall():
        known = [
            (from_db(a), from_db(b))
            for a, b in register.store.pauses(d_id)
            if b is not None and b < params["bound"]
        ]
        paused = calendar.paused_working_days(known)
        due = calendar.due_moment(from_db(received_at), days, bool(cutoff_applies), paused)
        if due < cut:
            out.append(name)
    return out


def table_from_json(data: dict[str, Any], period: Period, cutoff: datetime) -> Table:
    rows = tuple(FieldRow(r["field"], Figures.from_dict(r)) for r in data.get("rows", []))
    return Table(period, cutoff, rows, Figures.from_dict(data.get("total", {})))


# --- the end-of-day summary -------------------------------------------------------------------
@dataclass(frozen=True)
class DifficultyLine:
    at: datetime
    text: str
    user_name: str
    dossier_code: str
    procedure_code: str
    procedure_name: str


@dataclass(frozen=True)
class DaySummary:
    """One day at the counter, for the end-of-day meeting (report.md, "The end-of-day summary")."""

    day: date
    at: datetime  # when "overdue now" was judged
    received_by_field: tuple[tuple[str, int], ...]
    received: int
    resolved: int  # results ready that day
    returned: int  # results handed to the applicant that day
    due_next: int  # open, due on the next working day
    next_working_day: date
    overdue: int  # open, clock running, past due at ``at``
    difficulties: tuple[DifficultyLine, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "at": to_db(self.at),
            "received": self.received,
            "received_by_field": [{"field": f, "count": n} for f, n in self.received_by_field],
            "resolved": self.resolved,
            "returned": self.returned,
            "due_next_working_day": self.due_next,
            "next_working_day": self.next_working_day.isoformat(),
            "overdue": self.overdue,
            "difficulties": [
                {
                    "at": to_db(d.at),
                    "text": d.text,
                    "user_name": d.user_name,
                    "dossier_code": d.dossier_code,
                    "procedure_code": d.procedure_code,
                    "procedure_name": d.procedure_name,
                }
                for d in self.difficulties
            ],
        }


# One index range per figure (an OR across columns would read the whole table; ``+status``
# keeps SQLite off the status index, where "resolved or returned" is nearly every row). Returns are
# counted from their events (events_kind_at): returned_at has no index, and every return is
# recorded as an event at the same moment.
DAY_SQL = """
SELECT
  (SELECT COUNT(*) FROM dossiers WHERE received_at >= :start AND received_at < :after),
  (SELECT COUNT(*) FROM dossiers WHERE outcome_at >= :start AND outcome_at < :after
     AND +status IN ('resolved', 'returned')),
  (SELECT COUNT(*) FROM events WHERE kind = 'returned' AND at >= :start AND at < :after),
  (SELECT COUNT(*) FROM dossiers WHERE status IN ('received', 'in_progress')
     AND due_at >= :next_start AND due_at < :next_after),
  (SELECT COUNT(*) FROM dossiers WHERE status IN ('received', 'in_progress') AND due_at < :cut)
"""
DAY_FIELD_SQL = """
SELECT field, COUNT(*) FROM dossiers WHERE received_at >= :start AND received_at < :after GROUP BY field
"""


def day_summary(register: Register, day: date | None = None, now: datetime | None = None) -> DaySummary:
    """Figures of one day; "overdue" is judged at the end of that day, or now if it is today.

    Due-next and overdue use each dossier's current status: the summary is meant for the
    evening of the day itself.
    """
    now = now or register.now()
    day = day or now.date()
    nxt = register.calendar.next_working_day(day)
    cut = min(start_of_day(day + timedelta(days=1)), now)
    params = {
        "start": to_db(start_of_day(day)),
        "after": to_db(start_of_day(day + timedelta(days=1))),
        "next_start": to_db(start_of_day(nxt)),
        "next_after": to_db(start_of_day(nxt + timedelta(days=1))),
        "cut": to_db(cut),
    }
    db = register.store.db
    sums = db.execute(DAY_SQL, params).fetchone()
    received, resolved, returned, due_next, overdue = (int(v or 0) for v in sums)
    counts = dict(db.execute(DAY_FIELD_SQL, params).fetchall())
    by_field = tuple((f, counts[f]) for f in ordered_fields(register, list(counts)))
    names = {p.code: p.name for p in register.procedures(active_only=False)}
    lines = tuple(_difficulty_line(d, names) for d in register.difficulties(day, day))
    return DaySummary(day, cut, by_field, received, resolved, returned, due_next, nxt, overdue, lines)


def _difficulty_line(d: Difficulty, names: dict[str, str]) -> DifficultyLine:
    return DifficultyLine(
        d.at, d.text, d.user_name, d.dossier_code, d.procedure_code, names.get(d.procedure_code, "")
    )
