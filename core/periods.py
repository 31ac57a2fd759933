"""Reporting periods: calendar presets and the official cut-offs (report.md, "Periods").

A period is a closed range of local days. Decree 09/2019/NĐ-CP moves official periods off the
calendar: an official month runs from the 15th of the previous month to the 14th, and every
official period ends on a 14th. Each preset is taken from a reference date: the period of that
kind that contains it (for 6 and 9 months: the one in the official year that contains it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.errors import ValidationError
from core.timeutil import MAX_YEAR, MIN_YEAR, end_of_day, start_of_day, to_local

CALENDAR_PRESETS = ("day", "week", "month", "quarter", "year")
OFFICIAL_PRESETS = (
    "official-month",
    "official-quarter",
    "official-6-months",
    "official-9-months",
    "official-year",
)
PRESETS = CALENDAR_PRESETS + OFFICIAL_PRESETS
PRESET_LABELS = {
    "day": "Ngày",
    "week": "Tuần (thứ Hai - Chủ nhật)",
    "month": "Tháng",
    "quarter": "Quý",
    "year": "Năm",
    "official-month": "Tháng (kỳ chốt số liệu 15 - 14)",
    "official-quarter": "Quý (kỳ chốt số liệu)",
    "official-6-months": "6 tháng (15/12 - 14/6)",
    "official-9-months": "9 tháng (15/12 - 14/9)",
    "official-year": "Năm (15/12 - 14/12)",
}


@dataclass(frozen=True)
class Period:
    """Days ``start`` .. ``end`` inclusive, local time; ``preset`` names how it was chosen."""

    start: date
    end: date
    preset: str = ""

    def __post_init__(self) -> None:
        for day in (self.start, self.end):  # a date picker allows 1752-9999; a register does not
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                raise ValidationError("Kỳ báo cáo", f"năm {day.year} nằm ngoài khoảng {MIN_YEAR}-{MAX_YEAR}")
        if self.end < self.start:
            raise ValidationError(
                "Kỳ báo cáo", f"ngày cuối {self.end:%d/%m/%Y} trước ngày đầu {self.start:%d/%m/%Y}"
            )

    @property
    def first_moment(self) -> datetime:
        return start_of_day(self.start)

    @property
    def last_moment(self) -> datetime:
        return end_of_day(self.end)

    @property
    def after(self) -> datetime:
        """The first moment after the period: the exclusive bound SQL compares against."""
        return start_of_day(self.end + timedelta(days=1))

    def cutoff(self, now: datetime) -> datetime:
        """Where pending dossiers are judged: the end of the period, or now if it has not ended."""
        return min(self.after, to_local(now))

    def has_ended(self, now: datetime) -> bool:
        return to_local(now) >= self.after

    @property
    def label(self) -> str:
        """``Từ ngày 15/10/2026 đến ngày 14/11/2026``: the heading line of the report."""
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def short(self) -> str:
        return f"{self.start:%d/%m/%Y} - {self.end:%d/%m/%Y}"


def _month_start(year: int, month: int) -> date:
    while month < 1:
        month, year = month + 12, year - 1
    while month > 12:
        month, year = month - 12, year + 1
    return date(year, month, 1)


def _last_day_of_month(year: int, month: int) -> date:
    return _month_start(year, month + 1) - timedelta(days=1)


def _official_month_end(ref: date) -> date:
    """The 14th that closes the official month containing ``ref``."""
    if ref.day <= 14:
        return date(ref.year, ref.month, 14)
    nxt = _month_start(ref.year, ref.month + 1)
    return date(nxt.year, nxt.month, 14)


def official_year(ref: date) -> int:
    """The official year containing ``ref``: from 15/12 of the year before to 14/12."""
    return ref.year + 1 if (ref.month, ref.day) >= (12, 15) else ref.year


def preset_period(name: str, ref: date) -> Period:
    """The period of kind ``name`` that contains ``ref`` (see the module docstring)."""
    if isinstance(ref, datetime):  # a moment: its local day (a naive one is local time already)
        ref = to_local(ref).date()
    if name == "day":
        return Period(ref, ref, name)
    if name == "week":
        monday = ref - timedelta(days=ref.weekday())
        return Period(monday, monday + timedelta(days=6), name)
    if name == "month":
        return Period(ref.replace(day=1), _last_day_of_month(ref.year, ref.month), name)
    if name == "quarter":
        first = 3 * ((ref.month - 1) // 3) + 1
        return Period(date(ref.year, first, 1), _last_day_of_month(ref.year, first + 2), name)
    if name == "year":
        return Period(date(ref.year, 1, 1), date(ref.year, 12, 31), name)
    if name == "official-month":
        end = _official_month_end(ref)
        prev = _month_start(end.year, end.month - 1)
        return Period(date(prev.year, prev.month, 15), end, name)
    if name == "official-quarter":
        end = _official_month_end(ref)
        last_month = 3 * ((end.month - 1) // 3) + 3  # 3, 6, 9 or 12
        first = _month_start(end.year, last_month - 3)
        return Period(date(first.year, first.month, 15), date(end.year, last_month, 14), name)
    year = official_year(ref)
    start = date(year - 1, 12, 15)
    if name == "official-6-months":
        return Period(start, date(year, 6, 14), name)
    if name == "official-9-months":
        return Period(start, date(year, 9, 14), name)
    if name == "official-year":
        return Period(start, date(year, 12, 14), name)
    raise ValidationError("Kỳ báo cáo", f"không có kỳ “{name}” (chọn một trong: {', '.join(PRESETS)})")


def default_preset(setting: str) -> str:
    """The month preset the office setting ``default_period`` (official | calendar) chooses."""
    return "month" if setting == "calendar" else "official-month"
