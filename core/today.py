"""The counter's day at a glance (Today screen): tiles and a 30-day series, Qt-free.

Built only on the register's query API (no SQL of its own). When ``core.stats`` (the report engine)
offers a day summary, the Today screen can switch to it; these figures follow the same definitions:
"resolved" is a result ready (resolved or since returned), on time when not after the due moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from core.model import Dossier, Status, Timeliness
from core.register import Register
from core.store import DossierQuery, QuickFilter
from core.timeutil import start_of_day

PAGE = 500


@dataclass(frozen=True)
class TodayFigures:
    day: date
    received: int  # taken in today
    ready: int  # results waiting at the counter
    returned: int  # handed over today
    due_today: int  # open, clock running, due before the end of today
    overdue: int  # open, clock running, past due
    awaiting_supplement: int


@dataclass(frozen=True)
class DayPoint:
    day: date
    received: int
    resolved: int  # results ready that day
    on_time: int  # of which early or on time

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.resolved if self.resolved else None


def _newest_first(register: Register, q: DossierQuery) -> Iterator[Dossier]:
    offset = 0
    while True:
        page = register.query(replace(q, offset=offset, limit=PAGE))
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def today_figures(register: Register, at: datetime | None = None) -> TodayFigures:
    at = at or register.now()
    start = start_of_day(at.date())

    def count(quick: QuickFilter) -> int:
        return register.count(DossierQuery(quick=quick, now=at))

    returned = 0
    newest = DossierQuery(status=Status.RETURNED, sort="returned_at", descending=True)
    for d in _newest_first(register, newest):
        if d.returned_at is None or d.returned_at < start:
            break
        returned += d.returned_at <= at
    return TodayFigures(
        day=at.date(),
        received=count(QuickFilter.RECEIVED_TODAY),
        ready=count(QuickFilter.READY_TO_RETURN),
        returned=returned,
        due_today=count(QuickFilter.DUE_TODAY),
        overdue=count(QuickFilter.OVERDUE),
        awaiting_supplement=count(QuickFilter.AWAITING_SUPPLEMENT),
    )


def last_days(register: Register, days: int = 30, at: datetime | None = None) -> list[DayPoint]:
    """Received and resolved per calendar day for the ``days`` days ending today (oldest first)."""
    at = at or register.now()
    first = at.date() - timedelta(days=days - 1)
    resolved = {first + timedelta(days=i): [0, 0] for i in range(days)}
    for d in _newest_first(register, DossierQuery(sort="outcome_at", descending=True)):
        if d.resolved_at is None or d.resolved_at < start_of_day(first):
            break
        if d.status not in (Status.RESOLVED, Status.RETURNED):
            continue
        slot = resolved.get(d.resolved_at.date())
        if slot is not None:
            slot[0] += 1
            slot[1] += d.timeliness() in (Timeliness.EARLY, Timeliness.ON_TIME)
    points = []
    for i in range(days):
        day = first + timedelta(days=i)
        received = register.count(DossierQuery(received_from=day, received_to=day))
        points.append(DayPoint(day, received, resolved[day][0], resolved[day][1]))
    return points


def due_soon_until(register: Register, at: datetime) -> datetime:
    """The end of the next working day after ``at``'s day: "within one working day"."""
    from core.timeutil import end_of_day

    return end_of_day(register.calendar.add_working_days(at.date(), 1))


def due_soon(register: Register, at: datetime | None = None, limit: int = 1000) -> list[Dossier]:
    """Dossiers "sắp đến hạn": not resolved, the clock running, due from now to the end of the
    next working day; soonest first. What the Today screen lists and ``motcua due-soon`` prints,
    so the apology (Mẫu 04) can go out at least one working day before the due date."""
    at = at or register.now()
    q = DossierQuery(
        quick=QuickFilter.DUE_SOON,
        now=at,
        due_soon_until=due_soon_until(register, at),
        sort="due_at",
        descending=False,
        limit=limit,
    )
    return register.store.query_dossiers(q)
