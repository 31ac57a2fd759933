"""One life-cycle step on a dossier: the few details that step needs, then ``register.apply``.

The dialog applies the step itself on OK so a refusal (reason missing, wrong status) shows inside
the dialog and nothing is lost; ``print_form`` tells the caller which form (Mẫu 02/03) to print.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
)

from core.errors import MotCuaError
from core.lifecycle import Step
from core.model import Dossier, Role, Satisfaction
from gui.dialogs.base import ok_cancel, refusal_label, stack
from gui.session import Session

FORM_AFTER = {"supplement": "02", "refuse": "03"}


class StepDialog(QDialog):
    def __init__(self, session: Session, dossier: Dossier, step: Step, parent=None):
        super().__init__(parent)
        self.session = session
        self.dossier = dossier
        self.step = step
        self.result_dossier: Dossier | None = None
        self.setWindowTitle(f"{step.label}: {dossier.code}")
        self.setMinimumWidth(520)
        form = QFormLayout()
        form.addRow(
            self.tr("Hồ sơ"), QLabel(f"{dossier.code} · {dossier.applicant} · {dossier.procedure_name}")
        )
        self.to_officer = QLineEdit()
        self.signed_by = QComboBox()
        self.signed_by.setEditable(True)
        self.receiver = QLineEdit(dossier.applicant)
        self.satisfaction = QComboBox()
        self.missing = QListWidget()
        self.print_after = QCheckBox()
        if step.action == "handover":
            form.addRow(self.tr("Chuyển cho"), self.to_officer)
        if step.action == "resolve":
            for u in session.register.users():
                if u.role == Role.VICE_CHAIR and u.active:
                    self.signed_by.addItem(u.full_name)
            form.addRow(self.tr("Người ký kết quả"), self.signed_by)
        if step.action == "supplement":
            docs = list(session.register.procedure(dossier.procedure_code).documents) or list(
                dossier.documents
            )
            for doc in docs:
                item = QListWidgetItem(doc)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.missing.addItem(item)
            self.missing.setMaximumHeight(130)
            form.addRow(self.tr("Giấy tờ cần bổ sung"), self.missing)
        if step.action == "return":
            form.addRow(self.tr("Người nhận kết quả"), self.receiver)
            self.satisfaction.addItem(self.tr("(không hỏi)"), None)
            for s in Satisfaction:
                self.satisfaction.addItem(s.label, s.value)
            form.addRow(self.tr("Mức độ hài lòng"), self.satisfaction)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        needs_reason = step.action in ("supplement", "refuse")
        form.addRow(self.tr("Lý do (bắt buộc)") if needs_reason else self.tr("Ghi chú"), self.note)
        if step.action in FORM_AFTER:
            self.print_after.setText(self.tr("In Mẫu {n} sau khi lưu").format(n=FORM_AFTER[step.action]))
            self.print_after.setChecked(True)
            form.addRow("", self.print_after)
        self.message = refusal_label()
        buttons = ok_cancel(self, step.label, self.tr("Hủy"), self.submit)
        stack(self, form, self.message, buttons)

    @property
    def print_form(self) -> str:
        """The form to print after this step ("" for none)."""
        if self.step.action in FORM_AFTER and self.print_after.isChecked():
            return FORM_AFTER[self.step.action]
        return ""

    def missing_documents(self) -> list[str]:
        return [
            self.missing.item(i).text()
            for i in range(self.missing.count())
            if self.missing.item(i).checkState() == Qt.CheckState.Checked
        ]

    def submit(self) -> bool:
        details: dict = {}
        if self.step.action == "handover" and self.to_officer.text().strip():
            details["to_officer"] = self.to_officer.text()
        if self.step.action == "resolve" and self.signed_by.currentText().strip():
            details["signed_by"] = self.signed_by.currentText()
        if self.step.action == "supplement":
            details["missing"] = self.missing_documents()
        if self.step.action == "return":
            details["receiver_name"] = self.receiver.text()
            if self.satisfaction.currentData():
                details["satisfaction"] = self.satisfaction.currentData()
        try:
            self.result_dossier = self.session.register.apply(
                self.dossier.code,
                self.step.action,
                self.session.user,
                note=self.note.toPlainText(),
                **details,
            )
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.accept()
        return True
