"""Reporting periods (report.md, "Periods") and the end-of-day summary, against dates by hand.

Official cut-offs (Decree 09/2019/NĐ-CP): a month runs 15th-14th, a quarter from the 15th of the
month before it to the 14th of its last month, six months 15/12-14/6, nine months 15/12-14/9,
a year 15/12 of the year before to 14/12.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.errors import ValidationError
from core.periods import PRESET_LABELS, PRESETS, Period, default_preset, official_year, preset_period
from core.stats import day_summary
from tests.helpers import at, make_form

D = date


def span(name: str, ref: date) -> tuple[date, date]:
    p = preset_period(name, ref)
    assert p.preset == name
    return p.start, p.end


# --- calendar presets ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, ref, expected",
    [
        ("day", D(2026, 12, 31), (D(2026, 12, 31), D(2026, 12, 31))),
        ("week", D(2026, 12, 31), (D(2026, 12, 28), D(2027, 1, 3))),  # Monday-Sunday across the year
        ("week", D(2027, 1, 3), (D(2026, 12, 28), D(2027, 1, 3))),  # the Sunday itself
        ("week", D(2026, 11, 23), (D(2026, 11, 23), D(2026, 11, 29))),  # the Monday itself
        ("month", D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        ("month", D(2027, 1, 1), (D(2027, 1, 1), D(2027, 1, 31))),
        ("month", D(2028, 2, 10), (D(2028, 2, 1), D(2028, 2, 29))),  # leap year
        ("month", D(2027, 2, 28), (D(2027, 2, 1), D(2027, 2, 28))),
        ("month", D(2100, 2, 1), (D(2100, 2, 1), D(2100, 2, 28))),  # 2100 is not a leap year
        ("quarter", D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
        ("quarter", D(2027, 1, 1), (D(2027, 1, 1), D(2027, 3, 31))),
        ("quarter", D(2026, 6, 30), (D(2026, 4, 1), D(2026, 6, 30))),
        ("quarter", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 9, 30))),
        ("year", D(2026, 12, 31), (D(2026, 1, 1), D(2026, 12, 31))),
        ("year", D(2027, 1, 1), (D(2027, 1, 1), D(2027, 12, 31))),
    ],
)
def test_calendar_presets(name, ref, expected):
    assert span(name, ref) == expected


# --- official cut-offs ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, ref, expected",
    [
        ("official-month", D(2026, 11, 14), (D(2026, 10, 15), D(2026, 11, 14))),
        ("official-month", D(2026, 11, 15), (D(2026, 11, 15), D(2026, 12, 14))),
        ("official-month", D(2026, 12, 14), (D(2026, 11, 15), D(2026, 12, 14))),
        ("official-month", D(2026, 12, 15), (D(2026, 12, 15), D(2027, 1, 14))),  # over the year end
        ("official-month", D(2027, 1, 1), (D(2026, 12, 15), D(2027, 1, 14))),
        ("official-month", D(2027, 1, 14), (D(2026, 12, 15), D(2027, 1, 14))),
        ("official-month", D(2028, 2, 29), (D(2028, 2, 15), D(2028, 3, 14))),  # leap day
        ("official-month", D(2028, 3, 1), (D(2028, 2, 15), D(2028, 3, 14))),
        ("official-quarter", D(2026, 12, 14), (D(2026, 9, 15), D(2026, 12, 14))),
        ("official-quarter", D(2026, 12, 15), (D(2026, 12, 15), D(2027, 3, 14))),  # Q1 of 2027
        ("official-quarter", D(2027, 1, 20), (D(2026, 12, 15), D(2027, 3, 14))),
        ("official-quarter", D(2027, 3, 14), (D(2026, 12, 15), D(2027, 3, 14))),
        ("official-quarter", D(2027, 3, 15), (D(2027, 3, 15), D(2027, 6, 14))),
        ("official-quarter", D(2026, 6, 15), (D(2026, 6, 15), D(2026, 9, 14))),
        ("official-quarter", D(2028, 2, 29), (D(2027, 12, 15), D(2028, 3, 14))),
        ("official-6-months", D(2026, 12, 15), (D(2026, 12, 15), D(2027, 6, 14))),
        ("official-6-months", D(2027, 6, 14), (D(2026, 12, 15), D(2027, 6, 14))),
        ("official-6-months", D(2026, 12, 14), (D(2025, 12, 15), D(2026, 6, 14))),  # same official year
        ("official-9-months", D(2027, 1, 2), (D(2026, 12, 15), D(2027, 9, 14))),
        ("official-9-months", D(2026, 9, 14), (D(2025, 12, 15), D(2026, 9, 14))),
        ("official-year", D(2026, 12, 14), (D(2025, 12, 15), D(2026, 12, 14))),
        ("official-year", D(2026, 12, 15), (D(2026, 12, 15), D(2027, 12, 14))),
        ("official-year", D(2026, 1, 1), (D(2025, 12, 15), D(2026, 12, 14))),
        ("official-year", D(2028, 2, 29), (D(2027, 12, 15), D(2028, 12, 14))),
    ],
)
def test_official_presets(name, ref, expected):
    assert span(name, ref) == expected


def test_official_year_runs_15_december_to_14_december():
    assert official_year(D(2026, 12, 14)) == 2026
    assert official_year(D(2026, 12, 15)) == 2027
    assert official_year(D(2027, 1, 1)) == 2027


def test_official_months_tile_the_official_year_without_gaps_or_overlaps():
    year = preset_period("official-year", D(2027, 5, 1))
    day, months = year.start, []
    while day <= year.end:
        month = preset_period("official-month", day)
        assert month.start == day and month.start.day == 15 and month.end.day == 14
        months.append(month)
        day = month.end + timedelta(days=1)
    assert len(months) == 12 and months[-1].end == year.end == D(2027, 12, 14)
    quarters = {preset_period("official-quarter", m.start) for m in months}
    assert sorted((q.start, q.end) for q in quarters) == [
        (D(2026, 12, 15), D(2027, 3, 14)),
        (D(2027, 3, 15), D(2027, 6, 14)),
        (D(2027, 6, 15), D(2027, 9, 14)),
        (D(2027, 9, 15), D(2027, 12, 14)),
    ]


def test_every_day_of_a_leap_year_lies_in_its_calendar_presets():
    day = D(2028, 1, 1)
    while day.year == 2028:
        for name in ("day", "week", "month", "quarter", "year", "official-month", "official-quarter"):
            p = preset_period(name, day)
            assert p.start <= day <= p.end, (name, day)
        day += timedelta(days=1)
    assert span("year", D(2028, 7, 1)) == (D(2028, 1, 1), D(2028, 12, 31))
    assert (preset_period("year", D(2028, 7, 1)).end - D(2028, 1, 1)).days == 365  # 366 days


# --- the period object ----------------------------------------------------------------------------
def test_period_moments_label_and_cut_off():
    p = preset_period("official-month", D(2026, 11, 23))
    assert (p.start, p.end) == (D(2026, 11, 15), D(2026, 12, 14))
    assert p.label == "Từ ngày 15/11/2026 đến ngày 14/12/2026"
    assert p.short == "15/11/2026 - 14/12/2026"
    assert p.first_moment == at("2026-11-15 00:00")
    assert p.last_moment == at("2026-12-14 23:59:59")
    assert p.after == at("2026-12-15 00:00")
    now = at("2026-11-23 09:00")
    assert p.cutoff(now) == now and not p.has_ended(now)
    assert p.cutoff(at("2027-01-01 08:00")) == p.after and p.has_ended(p.after)
    # A moment names its day in Hà Nội: 20:00 UTC on the 22nd is 03:00 on the 23rd.
    assert preset_period("day", datetime(2026, 11, 22, 20, 0, tzinfo=UTC)).start == D(2026, 11, 23)
    assert preset_period("day", datetime(2026, 11, 23, 23, 30)).start == D(2026, 11, 23)  # naive: local
    assert p.cutoff(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)) == now


def test_bad_periods_are_refused_in_vietnamese():
    with pytest.raises(ValidationError, match="trước ngày đầu"):
        Period(D(2026, 11, 30), D(2026, 11, 1))
    with pytest.raises(ValidationError, match="không có kỳ"):
        preset_period("fortnight", D(2026, 11, 23))
    assert Period(D(2026, 11, 23), D(2026, 11, 23)).start == D(2026, 11, 23)  # one day is fine


def test_every_preset_has_a_vietnamese_label_and_the_setting_picks_a_default():
    assert set(PRESET_LABELS) == set(PRESETS) and len(PRESETS) == 10
    assert all(PRESET_LABELS[p] for p in PRESETS)
    assert default_preset("calendar") == "month" and default_preset("official") == "official-month"


# --- the end-of-day summary on a small day --------------------------------------------------------
P3, SAME_DAY, HT3 = "1.004194", "2.000815", "1.004873"  # Cư trú 3 days, Chứng thực same day, Hộ tịch 3


def test_day_summary_of_a_small_day(register, clock, clerk):
    """Friday 20/11/2026; the next working day is Monday 23/11 (24/11 is a day off)."""

    def intake(when: str, procedure: str) -> str:
        clock.set(when)
        return register.intake(make_form(procedure), clerk).code

    def step(code: str, action: str, when: str) -> None:
        clock.set(when)
        register.apply(code, action, clerk, note="Thiếu giấy tờ" if action == "supplement" else "")

    ready_and_back = intake("2026-11-19 09:00", P3)  # due 25/11
    overdue_old = intake("2026-11-16 09:00", P3)  # due 19/11 16:30: overdue
    back_today = intake("2026-11-17 09:00", SAME_DAY)  # due 17/11
    due_monday = intake("2026-11-18 09:00", P3)  # 19, 20, 23: due Monday 23/11
    paused = intake("2026-11-16 09:10", P3)  # due 19/11, but awaiting supplement: not overdue
    step(back_today, "resolve", "2026-11-18 10:00")
    step(paused, "supplement", "2026-11-19 10:00")
    # Friday 20/11
    new_residence = intake("2026-11-20 08:00", P3)  # due 26/11
    intake("2026-11-20 08:30", HT3)  # Hộ tịch, due 26/11
    same_day = intake("2026-11-20 09:00", SAME_DAY)  # due today 16:30: overdue by the evening
    intake("2026-11-20 15:30", SAME_DAY)  # after the 15:00 cut-off: due Monday 23/11
    withdrawn = intake("2026-11-20 09:30", P3)
    step(back_today, "return", "2026-11-20 09:05")
    step(ready_and_back, "resolve", "2026-11-20 10:00")
    step(withdrawn, "withdraw", "2026-11-20 11:00")
    step(ready_and_back, "return", "2026-11-20 15:00")
    clock.set("2026-11-20 14:00")
    register.add_difficulty(clerk, "Công dân thiếu giấy tờ chứng minh chỗ ở", dossier_code=overdue_old)
    assert register.dossier(same_day).due_at == at("2026-11-20 16:30")
    assert register.dossier(due_monday).due_at == at("2026-11-23 16:30")
    assert register.dossier(new_residence).due_at == at("2026-11-26 16:30")

    evening = day_summary(register, D(2026, 11, 20), at("2026-11-20 17:30"))
    assert evening.received == 5
    assert evening.received_by_field == (("Hộ tịch", 1), ("Chứng thực", 2), ("Cư trú", 2))
    assert evening.resolved == 1  # results ready today (a withdrawal is not a result)
    assert evening.returned == 2
    assert evening.next_working_day == D(2026, 11, 23)
    assert evening.due_next == 2
    assert evening.overdue == 2  # the old one and today's same-day certification
    assert evening.at == at("2026-11-20 17:30")
    (line,) = evening.difficulties
    assert (line.dossier_code, line.procedure_code) == (overdue_old, P3)
    assert line.procedure_name == "Đăng ký tạm trú" and line.user_name == clerk.full_name

    afternoon = day_summary(register, D(2026, 11, 20), at("2026-11-20 16:00"))
    assert afternoon.overdue == 1  # today's same-day result is not due yet
    assert day_summary(register, now=at("2026-11-20 16:00")) == afternoon  # the day defaults to now's

    data = evening.to_json()
    assert data["date"] == "2026-11-20" and data["next_working_day"] == "2026-11-23"
    assert data["received_by_field"][0] == {"field": "Hộ tịch", "count": 1}
    assert data["difficulties"][0]["procedure_name"] == "Đăng ký tạm trú"

    quiet = day_summary(register, D(2026, 11, 21), at("2026-11-23 08:00"))  # a Saturday
    assert (quiet.received, quiet.resolved, quiet.returned, quiet.difficulties) == (0, 0, 0, ())
    assert quiet.at == at("2026-11-22 00:00")  # judged at the end of that day
    assert quiet.next_working_day == D(2026, 11, 23)
    assert (quiet.due_next, quiet.overdue) == (2, 2)  # by today's statuses, as documented
