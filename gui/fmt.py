"""How moments and amounts read on screen (Vietnamese conventions)."""

from __future__ import annotations

from datetime import date, datetime

from core.timeutil import to_local

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def moment(value: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` for tables."""
    return to_local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def appointment(value: datetime | None) -> str:
    """``16:30, Thứ Năm 26/11/2026``: the appointment as the clerk says it aloud."""
    if not value:
        return ""
    v = to_local(value)
    return f"{v:%H:%M}, {WEEKDAYS[v.weekday()]} {v:%d/%m/%Y}"


def day(value: date) -> str:
    return f"{WEEKDAYS[value.weekday()]} {value:%d/%m/%Y}"


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"
