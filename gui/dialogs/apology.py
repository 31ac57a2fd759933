"""Mẫu 04: a late dossier gets a new appointment and a written apology (recorded, then printed)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QFormLayout, QLineEdit

from core.errors import MotCuaError, ValidationError
from core.model import Dossier
from core.timeutil import VN_TZ
from gui.dialogs.base import ok_cancel, refusal_label, show_refusal, stack
from gui.forms_print import print_dossier_form
from gui.session import Session


class ApologyDialog(QDialog):
    def __init__(self, session: Session, dossier: Dossier, parent=None):
        super().__init__(parent)
        self.session = session
        self.dossier = dossier
        self.setWindowTitle(self.tr("Xin lỗi và hẹn lại ngày trả (Mẫu 04): {c}").format(c=dossier.code))
        reg = session.register
        suggested = reg.calendar.due_moment(reg.now(), 2, False)
        self.when = QDateTimeEdit(QDateTime(suggested.date(), suggested.time()))
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.reason = QLineEdit()
        self.message = refusal_label()
        form = QFormLayout()
        form.addRow(self.tr("Hẹn trả mới"), self.when)
        form.addRow(self.tr("Lý do chậm (bắt buộc)"), self.reason)
        buttons = ok_cancel(self, self.tr("Lưu và in Mẫu 04"), self.tr("Hủy"), self.submit)
        stack(self, form, self.message, buttons)

    def new_appointment(self) -> datetime:
        return self.when.dateTime().toPython().replace(tzinfo=VN_TZ)

    def submit(self) -> bool:
        try:
            if not self.reason.text().strip():
                raise ValidationError(self.tr("Lý do"), self.tr("chưa nhập lý do chậm trả kết quả"))
            self.session.register.apologise(
                self.dossier.code, self.session.user, self.new_appointment(), self.reason.text()
            )
        except MotCuaError as exc:
            show_refusal(self.message, exc.message)
            return False
        print_dossier_form(self.session, self, self.dossier.code, "04")
        self.accept()
        return True
