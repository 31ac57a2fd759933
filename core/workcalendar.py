"""Working days and the appointment (domain README, "Working days and the appointment").

The ``holidays`` package (country VN) is the base: it knows Tết, Giỗ Tổ and the
substituted days off. The office's overrides (extra day off, extra working day such
as a make-up Saturday) win over it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from core.model import CalendarOverride
from core.timeutil import VN_TZ, to_local


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


def public_holiday_name(day: date) -> str | None:
    return _vn_holidays(day.year).get(day)


class WorkingCalendar:
    """Answers "is this a working day?" and counts working days; immutable once built."""

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        cutoff: time = time(15, 0),
        return_at: time = time(16, 30),
    ):
        self.overrides = {o.day: o for o in overrides}
        self.cutoff = cutoff
        self.return_at = return_at

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override.working
        if day.weekday() >= 5:
            return False
        return public_holiday_name(day) is None

    def why_closed(self, day: date) -> str:
        """A human reason a day is not a working day ("" for working days)."""
        override = self.overrides.get(day)
        if override is not None:
            return "" if override.working else (override.note or "Ngày nghỉ bổ sung")
        if day.weekday() == 5:
            return "Thứ Bảy"
        if day.weekday() == 6:
            return "Chủ nhật"
        return public_holiday_name(day) or ""

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        probe = day + timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(probe):
                return probe
            probe += timedelta(days=1)
        raise ValueError("no working day within 400 days")  # only with absurd overrides

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``count`` = 0 gives ``day`` itself)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
        count, probe = 0, start + timedelta(days=1)
        while probe <= end:
            count += self.is_working_day(probe)
            probe += timedelta(days=1)
        return count

    def counting_day(self, received_at: datetime, cutoff_applies: bool) -> date:
        """The working day an intake counts as received on.

        A dossier received on a non-working day counts as received at the start of the next
        working day; one received after the cut-off hour, where the procedure applies it,
        counts as received the next working day.
        """
        local = to_local(received_at)
        day = local.date()
        if not self.is_working_day(day):
            return self.next_working_day(day)
        if cutoff_applies and local.time() >= self.cutoff:
            return self.next_working_day(day)
        return day

    def due_moment(
        self,
        received_at: datetime,
        working_days: int,
        cutoff_applies: bool = False,
        paused_working_days: int = 0,
    ) -> datetime:
        """The appointment: counting starts the working day after intake; due at return time."""
        start = self.counting_day(received_at, cutoff_applies)
        due_day = self.add_working_days(start, max(0, working_days) + max(0, paused_working_days))
        due = datetime.combine(due_day, self.return_at, VN_TZ)
        if due < to_local(received_at):  # a same-day procedure taken in after return time
            due = datetime.combine(self.next_working_day(due_day), self.return_at, VN_TZ)
        return due

    def paused_working_days(self, pauses: Iterable[tuple[datetime, datetime]]) -> int:
        """Working days spent awaiting supplementary documents.

        A pause from ``a`` to ``b`` costs the working days after ``a``'s day up to and
        including ``b``'s day: requested Monday, received Wednesday = 2 days added.
        """
        return sum(self.working_days_between(to_local(a).date(), to_local(b).date()) for a, b in pauses)
