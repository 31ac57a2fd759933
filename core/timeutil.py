"""Local time for the register: Asia/Ho_Chi_Minh (UTC+7, no daylight saving), and the one clock.

Timestamps are stored as ISO text with their offset ("2026-11-23T08:15:00+07:00"):
aware, and - because the offset never changes - they sort and compare as text in SQL.

``now()`` is the only reader of the wall clock in MotCua: the register, the command line, the
window, backups, the audit trail and the printed forms all ask it, so one setting moves them all.
Two ways to move it, both aids for testing and training, never for production use:

- in the process: ``set_clock(fn)`` (the test suite installs its hand-moved clock this way);
- for programs started from a shell or by a test: ``MOTCUA_NOW="2027-06-15T09:00"`` (or a bare
  date, read as 09:00). The clock then stands still at that moment. Whoever starts MotCua can set
  it, so it gives them the power to stamp records with a chosen time, like changing the PC's clock
  would; it is therefore never silent: the log records it once per process and the window's
  title shows it (``clock_override()``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
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
# The years a register's moment can fall in: "23/11/0026" (a typo for 2026) or year 1 / 9999
# (which overflow once shifted to +07:00) are refused where text becomes a moment.
MIN_YEAR, MAX_YEAR = 2000, 2100


ENV_NOW = "MOTCUA_NOW"
_source: Callable[[], datetime] | None = None
_env_cache: tuple[str, datetime] | None = None
_warned = False


def set_clock(source: Callable[[], datetime] | None) -> Callable[[], datetime] | None:
    """Make ``source`` this process's clock (``None``: the wall clock again); returns the previous one."""
    global _source
    previous, _source = _source, source
    return previous


def clock_override() -> datetime | None:
    """The moment ``MOTCUA_NOW`` fixes, or ``None`` when the clock is the real one.

    A value that is not a time raises ``ValidationError`` (Vietnamese): a mistyped setting must
    not silently fall back to the real date."""
    global _env_cache, _warned
    text = os.environ.get(ENV_NOW, "").strip()
    if not text:
        return None
    if _env_cache is None or _env_cache[0] != text:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}", text):
            moment = datetime.combine(parse_date(text, ENV_NOW), time(9, 0), VN_TZ)
        else:
            moment = parse_time(text, ENV_NOW)
        _env_cache = (text, moment.replace(microsecond=0))
        if not _warned:
            _warned = True
            logging.getLogger(__name__).info(
                "Đồng hồ giả lập %s=%s: mọi thời điểm là %s", ENV_NOW, text, moment
            )
    return _env_cache[1]


def now() -> datetime:
    """This moment, local, to the second: the process's set clock, else ``MOTCUA_NOW``, else the PC's."""
    if _source is not None:
        return to_local(_source()).replace(microsecond=0)
    fixed = clock_override()
    if fixed is not None:
        return fixed
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
            return _sane_year(datetime.strptime(value, pattern).replace(tzinfo=VN_TZ), field)
        except ValueError:
            continue
    try:
        return _sane_year(to_local(datetime.fromisoformat(value)), field)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted to +07:00
        pass
    raise ValidationError(
        field, f"“{value}” không phải thời gian hợp lệ (dạng 2026-11-23 08:30 hoặc 23/11/2026 08:30)"
    )


def _sane_year(moment, field: str):
    """The moment (or day) itself, unless its year is outside ``MIN_YEAR``-``MAX_YEAR``."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValidationError(field, f"năm {moment.year} nằm ngoài khoảng {MIN_YEAR}-{MAX_YEAR}")
    return moment


def parse_date(text: str, field: str = "Ngày") -> date:
    """Parse ``YYYY-MM-DD`` or ``dd/mm/yyyy``."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(field, "chưa nhập ngày")
    for pattern in _DATE_FORMATS:
        try:
            return _sane_year(datetime.strptime(value, pattern).date(), field)
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
