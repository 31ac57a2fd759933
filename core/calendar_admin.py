"""The register's working-day calendar: the office's overrides, and re-dating open dossiers.

A part of the ``Register`` facade (mixed into it), kept apart so each module has one job. An
override (an extra day off, an extra working day) wins over the holidays of ``holidays``; each
change re-computes the due moment of every open dossier from its events, in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from core import users as users_mod
from core.errors import NotFoundError, ValidationError
from core.model import CalendarOverride, Role, User
from core.settings import Settings
from core.storage import Store
from core.timeutil import MAX_YEAR, MIN_YEAR, from_db
from core.validation import validate_text
from core.workcalendar import WorkingCalendar


class CalendarMixin:
    """Overrides and re-dating; needs the facade's store, settings, clock and cache hooks."""

    store: Store
    settings: Settings
    _calendar: WorkingCalendar | None

    def now(self) -> datetime:  # provided by Register
        raise NotImplementedError

    def _refresh_if_changed(self) -> None:  # provided by Register
        raise NotImplementedError

    def _invalidate(self) -> None:  # provided by Register
        raise NotImplementedError

    @property
    def calendar(self) -> WorkingCalendar:
        self._refresh_if_changed()
        if self._calendar is None:
            s = self.settings
            self._calendar = WorkingCalendar(self.store.overrides(), s.cutoff, s.return_at)
        return self._calendar

    def set_override(self, user: User, day: date, working: bool, note: str = "") -> int:
        """Add or change an extra day off / extra working day; re-dates open dossiers."""
        users_mod.require(user, Role.ADMIN, action="sửa lịch làm việc")
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValidationError("Ngày", f"năm {day.year} nằm ngoài khoảng {MIN_YEAR}-{MAX_YEAR}")
        override = CalendarOverride(day, working, validate_text(note, "Ghi chú"))
        with self.store.transaction():
            old = {o.day: o for o in self.store.overrides(day.year)}.get(day)
            self.store.set_override(override)
            self.store.audit(
                user_login=user.login,
                action="set",
                entity="calendar_override",
                key=day.isoformat(),
                old=asdict(old) if old else None,
                new=asdict(override),
                at=self.now(),
            )
            self._invalidate()
            return self._redate_open_dossiers()

    def remove_override(self, user: User, day: date) -> int:
        users_mod.require(user, Role.ADMIN, action="sửa lịch làm việc")
        with self.store.transaction():
            old = {o.day: o for o in self.store.overrides(day.year)}.get(day)
            if old is None:
                raise NotFoundError(f"Ngày {day:%d/%m/%Y} không có điều chỉnh nào trong lịch.")
            self.store.delete_override(day)
            self.store.audit(
                user_login=user.login,
                action="delete",
                entity="calendar_override",
                key=day.isoformat(),
                old=asdict(old),
                at=self.now(),
            )
            self._invalidate()
            return self._redate_open_dossiers()

    def _paused_days(self, dossier_id: int) -> int:
        pauses = [(from_db(a), from_db(b)) for a, b in self.store.pauses(dossier_id) if b]
        return self.calendar.paused_working_days(pauses)

    def _redate_open_dossiers(self) -> int:
        """Recompute the due moment of every open dossier from its events; returns how many moved."""
        moved = 0
        for row in self.store.open_dossiers_with_pauses():
            paused = self._paused_days(row["id"])
            due = self.calendar.due_moment(
                row["received_at"], row["working_days"], row["cutoff_applies"], paused
            )
            if due != row["due_at"]:
                self.store.update_dossier(row["id"], {"due_at": due, "paused_days": paused})
                moved += 1
        return moved
