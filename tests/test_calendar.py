"""Working-day calendar: Tết, the April/May and September breaks, substitutions, overrides,
the 15:00 cut-off and intake on non-working days (domain README, "Working days")."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.model import CalendarOverride
from core.timeutil import VN_TZ
from core.workcalendar import WorkingCalendar


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    "day",
    [
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",  # Tết Bính Ngọ
        "2027-02-05",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",  # Tết Đinh Mùi (weekdays)
        "2026-04-30",
        "2026-05-01",
        "2026-09-01",
        "2026-09-02",
        "2026-01-01",
        "2026-04-27",  # Giỗ Tổ 10/3 âm lịch falls on Sunday 26/4: substituted Monday
        "2027-05-03",
    ],  # 1/5/2027 is a Saturday: substituted Monday
)
def test_public_holidays_are_not_working_days(cal, day):
    assert not cal.is_working_day(date.fromisoformat(day))
    assert cal.why_closed(date.fromisoformat(day))


def test_weekends_closed_weekdays_open(cal):
    assert cal.is_working_day(date(2026, 11, 23))  # Monday
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday
    assert cal.why_closed(date(2026, 11, 29)) == "Chủ nhật"


def test_due_across_tet_2026(cal):
    # Received Friday 13/2/2026, 3 working days: 16-20/2 is Tết, so Mon 23, Tue 24, Wed 25.
    assert cal.due_moment(t("2026-02-13T10:00"), 3) == t("2026-02-25T16:30")


def test_due_across_tet_2027(cal):
    # Received Wed 3/2/2027 (3 working days): 4-10/2 Tết, then Thu 11, Fri 12, Mon 15.
    assert cal.due_moment(t("2027-02-03T09:00"), 3) == t("2027-02-15T16:30")


def test_due_across_30_4_and_1_5(cal):
    # Wed 29/4/2026 + 2 working days: 30/4 Thu and 1/5 Fri off, weekend: Mon 4/5, Tue 5/5.
    assert cal.due_moment(t("2026-04-29T08:00"), 2) == t("2026-05-05T16:30")


def test_due_across_2_9(cal):
    # Fri 28/8/2026 + 1 working day: 31/8 (substituted), 1/9, 2/9 off -> Thu 3/9.
    assert cal.due_moment(t("2026-08-28T08:00"), 1) == t("2026-09-03T16:30")


def test_same_day_procedure_and_cutoff(cal):
    assert cal.due_moment(t("2026-11-25T14:59"), 0, cutoff_applies=True) == t("2026-11-25T16:30")
    # at or after 15:00: next working day
    assert cal.due_moment(t("2026-11-25T15:00"), 0, cutoff_applies=True) == t("2026-11-26T16:30")
    # a procedure without the cut-off stays same-day until the return time
    assert cal.due_moment(t("2026-11-25T15:30"), 0, cutoff_applies=False) == t("2026-11-25T16:30")
    # ... and rolls over once the return time has passed
    assert cal.due_moment(t("2026-11-25T16:45"), 0) == t("2026-11-26T16:30")


def test_cutoff_setting_is_respected():
    cal = WorkingCalendar(cutoff=time(11, 0), return_at=time(17, 0))
    assert cal.due_moment(t("2026-11-25T11:30"), 0, cutoff_applies=True) == t("2026-11-26T17:00")


def test_intake_on_weekend_counts_from_next_working_day(cal):
    # Saturday-morning reception: counted as received Monday 30/11; 0 days -> due Monday.
    assert cal.due_moment(t("2026-11-28T09:00"), 0, cutoff_applies=True) == t("2026-11-30T16:30")
    # 2 days: counting starts the working day after Monday -> Tue 1/12, Wed 2/12.
    assert cal.due_moment(t("2026-11-28T09:00"), 2) == t("2026-12-02T16:30")


def test_overrides_win_over_the_package():
    # Government swap: make-up Saturday 7/2/2026 worked, Monday 23/2/2026 off.
    cal = WorkingCalendar(
        [
            CalendarOverride(date(2026, 2, 7), True, "Làm bù"),
            CalendarOverride(date(2026, 2, 23), False, "Nghỉ bù Tết"),
        ]
    )
    assert cal.is_working_day(date(2026, 2, 7))
    assert not cal.is_working_day(date(2026, 2, 23))
    assert cal.why_closed(date(2026, 2, 23)) == "Nghỉ bù Tết"
    # Fri 6/2 + 1 day: Saturday 7/2 is now a working day.
    assert cal.due_moment(t("2026-02-06T08:00"), 1) == t("2026-02-07T16:30")
    # Fri 13/2 + 1 day: 16-20 Tết, 23 swapped off -> Tue 24.
    assert cal.due_moment(t("2026-02-13T08:00"), 1) == t("2026-02-24T16:30")


def test_pause_counts_working_days_between(cal):
    # Requested Monday 23/11, received Wednesday 25/11 (24/11 is a holiday in the package).
    pauses = [(t("2026-11-23T10:00"), t("2026-11-25T09:00"))]
    assert cal.paused_working_days(pauses) == 1
    assert cal.paused_working_days([(t("2026-11-25T10:00"), t("2026-11-25T15:00"))]) == 0
