"""A difficulty (vướng mắc) noted from anywhere (F8), tied to the open dossier or a procedure;
the end-of-day summary on the Today screen lists them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
)

from core.errors import MotCuaError
from gui.dialogs.base import ok_cancel, refusal_label, stack
from gui.session import Session


class DifficultyDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Ghi vướng mắc, khó khăn"))
        self.setMinimumWidth(560)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("Nội dung vướng mắc (sẽ đưa vào tổng hợp cuối ngày)"))
        self.dossier = QLineEdit(session.current_code)
        self.dossier.setPlaceholderText(self.tr("Mã hồ sơ (không bắt buộc)"))
        self.procedure = QComboBox()
        self.procedure.addItem(self.tr("(theo hồ sơ, hoặc không gắn thủ tục)"), "")
        for p in session.register.procedures():
            self.procedure.addItem(f"{p.code} — {p.name}", p.code)
        self.message = refusal_label()
        form = QFormLayout()
        form.addRow(self.tr("Nội dung"), self.text)
        form.addRow(self.tr("Hồ sơ"), self.dossier)
        form.addRow(self.tr("Thủ tục"), self.procedure)
        buttons = ok_cancel(self, self.tr("Lưu"), self.tr("Hủy"), self.submit)
        stack(self, form, self.message, buttons)
        self.text.setFocus()

    def submit(self) -> bool:
        try:
            self.session.register.add_difficulty(
                self.session.user,
                self.text.toPlainText(),
                dossier_code=self.dossier.text().strip(),
                procedure_code=self.procedure.currentData() or "",
            )
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.session.notify()
        self.accept()
        return True
