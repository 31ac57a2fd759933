"""The figures of the statistical report (report.md) and the end-of-day summary.

The rules are here; the aggregate SQL (three ``GROUP BY field`` queries per report, each on an
index range) is the store's, in ``core/storage/figures.py``: a year on a million dossiers costs
about one pass over the rows that belong to the period, never a Python loop over dossiers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from core.model import Difficulty
from core.periods import Period
from core.register import Register
from core.storage.sqlite.store import CARRIED_SQL, NEW_SQL  # noqa: F401  (re-exported for tests)
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
    by_field: dict[str, Figures] = {}
    with register.store.read_snapshot():  # the three parts see one committed state
        for rows, carried in register.store.figure_parts(params):
            by_field = _add_part(by_field, rows, carried)
        later = _overdue_before_later_pauses(register, params, cut)
    for name in later:
        f = by_field[name]
        by_field[name] = replace(
            f, pending_in_time=f.pending_in_time - 1, pending_overdue=f.pending_overdue + 1
        )
    rows = tuple(FieldRow(f, by_field[f]) for f in ordered_fields(register, list(by_field)))
    total = sum((r.figures for r in rows), Figures())
    return Table(period, cut, rows, total)


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
    for d_id, name, received_at, days, cutoff_applies in register.store.later_pause_rows(params):
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
    received, resolved, returned, due_next, overdue = register.store.day_counts(params)
    counts = register.store.day_by_field(params)
    by_field = tuple((f, counts[f]) for f in ordered_fields(register, list(counts)))
    names = {p.code: p.name for p in register.procedures(active_only=False)}
    lines = tuple(_difficulty_line(d, names) for d in register.difficulties(day, day))
    return DaySummary(day, cut, by_field, received, resolved, returned, due_next, nxt, overdue, lines)


def _difficulty_line(d: Difficulty, names: dict[str, str]) -> DifficultyLine:
    return DifficultyLine(
        d.at, d.text, d.user_name, d.dossier_code, d.procedure_code, names.get(d.procedure_code, "")
    )
