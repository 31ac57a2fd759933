"""Local time for the register: Asia/Ho_Chi_Minh (UTC+7, no daylight saving).

Timestamps are stored as ISO text with their offset ("2026-11-23T08:15:00+07:00"):
aware, and - because the offset never changes - they sort and compare as text in SQL.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from core.errors import ValidationError

VN_TZ = timezone(timedelta(hours=7), "ICT")

_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def now() -> datetime:
    return datetime.now(VN_TZ).replace(microsecond=0)


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


def to_db(moment: datetime | None) -> str | None:
    """The stored form of a moment (local, seconds precision, with offset)."""
    if moment is None:
        return None
    return to_local(moment).replace(microsecond=0).isoformat()


def from_db(text: str | None) -> datetime | None:
    if not text:
        return None
    return to_local(datetime.fromisoformat(text))


def fmt(moment: datetime | None) -> str:
    """The printed form of a moment: ``YYYY-MM-DD HH:MM`` local."""
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def fmt_vn(moment: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM``: how a clerk reads a moment on screen."""
    return to_local(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def parse_time(text: str, field: str = "Thời gian") -> datetime:
    """Parse ``YYYY-MM-DD HH:MM`` or ``dd/mm/yyyy HH:MM`` (local time), or an ISO string."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(field, "chưa nhập thời gian")
    for pattern in _FORMATS:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=VN_TZ)
        except ValueError:
            continue
    try:
        return to_local(datetime.fromisoformat(value))
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted to +07:00
        pass
    raise ValidationError(
        field, f"“{value}” không phải thời gian hợp lệ (dạng 2026-11-23 08:30 hoặc 23/11/2026 08:30)"
    )


def parse_date(text: str, field: str = "Ngày") -> date:
    """Parse ``YYYY-MM-DD`` or ``dd/mm/yyyy``."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(field, "chưa nhập ngày")
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", value):
        return parse_time(value, field).date()
    raise ValidationError(field, f"“{value}” không phải ngày hợp lệ (dạng 2026-11-23 hoặc 23/11/2026)")


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), VN_TZ)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), VN_TZ)


def parse_hhmm(text: str, field: str = "Giờ") -> time:
    match = re.fullmatch(r"\s*(\d{1,2})[:hg](\d{2})\s*", text or "")
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError(field, f"“{text}” không phải giờ hợp lệ (dạng 16:30)")
    return time(int(match[1]), int(match[2]))
