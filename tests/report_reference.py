"""A slow, independent re-computation of report.md's definitions, one dossier at a time.

``core.stats.compute`` answers with one aggregate query over the dossier columns. This module
answers the same question the long way, to compare against: it reads each dossier's *events*
(not the columns the query sums), re-derives every due moment from the working calendar and
the supplement pauses known at the moment that matters, and applies the definitions literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.model import Channel, Event, EventKind
from core.periods import Period
from core.stats import KEYS
from core.workcalendar import WorkingCalendar

OUTCOMES = {EventKind.RESOLVED, EventKind.REFUSED, EventKind.WITHDRAWN, EventKind.STOPPED}


@dataclass(frozen=True)
class Life:
    """What the definitions need of one dossier: its field, channel, time limit and events."""

    field: str
    channel: Channel
    working_days: int
    cutoff_applies: bool
    events: tuple[Event, ...]  # in the order they happened


def load(register) -> list[Life]:
    procedures = {p.code: p for p in register.procedures(active_only=False)}
    lives = []
    for (code,) in register.store.db.execute("SELECT code FROM dossiers ORDER BY id").fetchall():
        d = register.dossier(code)
        p = procedures[d.procedure_code]
        events = tuple(sorted(d.events, key=lambda e: (e.at, e.id)))
        lives.append(Life(d.field, d.channel, p.working_days, p.cutoff_applies, events))
    return lives


def _pauses(events: tuple[Event, ...]) -> tuple[list[tuple[datetime, datetime]], bool]:
    """The supplement pauses that ended among ``events``, and whether one is still running."""
    done, start = [], None
    for e in events:
        if e.kind == EventKind.SUPPLEMENT_REQUESTED:
            start = e.at
        elif e.kind == EventKind.SUPPLEMENT_RECEIVED and start is not None:
            done.append((start, e.at))
            start = None
    return done, start is not None


def _due(life: Life, received: datetime, events: tuple[Event, ...], calendar: WorkingCalendar) -> datetime:
    done, _ = _pauses(events)
    paused = calendar.paused_working_days(done)
    return calendar.due_moment(received, life.working_days, life.cutoff_applies, paused)


def figures(
    lives: list[Life], calendar: WorkingCalendar, period: Period, now: datetime, field_order: list[str]
) -> tuple[list[tuple[str, dict[str, int]]], dict[str, int]]:
    """(rows in catalogue order, total) as plain dicts of the eleven keys."""
    first, after = period.first_moment, period.after
    cut = min(after, now)
    # What had happened by the cut-off: events before the end of the period, or up to now.
    happened = after if now >= after else now + timedelta(seconds=1)
    rows: dict[str, dict[str, int]] = {}
    for life in lives:
        received = next(e.at for e in life.events if e.kind == EventKind.RECEIVED)
        ends = [i for i, e in enumerate(life.events) if e.kind in OUTCOMES]
        outcome = life.events[ends[0]] if ends else None
        if received >= after or (outcome is not None and outcome.at < first):
            continue  # not in the period's population
        c = rows.setdefault(life.field, dict.fromkeys(KEYS, 0))
        c["received_total"] += 1
        if received < first:
            c["carried_over"] += 1
        elif life.channel == Channel.ONLINE:
            c["received_online"] += 1
        else:
            c["received_direct"] += 1
        if outcome is not None and outcome.at < after:
            c["resolved_total"] += 1
            if outcome.kind != EventKind.RESOLVED:
                c["resolved_on_time"] += 1  # withdrawn, stopped, refused
                continue
            due = _due(life, received, life.events[: ends[0]], calendar)
            if outcome.at.date() < due.date():
                c["resolved_early"] += 1
            elif outcome.at > due:
                c["resolved_late"] += 1
            else:
                c["resolved_on_time"] += 1
        else:
            c["pending_total"] += 1
            known = tuple(e for e in life.events if e.at < happened)
            _, paused_now = _pauses(known)
            if not paused_now and _due(life, received, known, calendar) < cut:
                c["pending_overdue"] += 1
            else:
                c["pending_in_time"] += 1
    rank = {f: i for i, f in enumerate(field_order)}
    ordered = sorted(rows, key=lambda f: (rank.get(f, len(rank)), f))
    total = {k: sum(rows[f][k] for f in rows) for k in KEYS}
    return [(f, rows[f]) for f in ordered], total
