"""The vice-chair's sign-off: the password again, checked by core, which records who, when and the
SHA-256 fingerprint of the figures shown. The dialog holds no rule: ``core.reporting.sign`` refuses
anyone but a vice-chair, a wrong password (counted towards the lock-out), a stale or old draft."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QLabel, QLineEdit

from core import reporting as rp
from core.errors import MotCuaError
from gui.dialogs.base import ok_cancel, password_field, refusal_label, show_refusal, stack
from gui.session import Session


class SignDialog(QDialog):
    def __init__(self, session: Session, report: rp.Report, parent=None):
        super().__init__(parent)
        self.session = session
        self.report = report
        self.signed: rp.Report | None = None
        self.setWindowTitle(self.tr("Ký duyệt báo cáo"))
        self.setMinimumWidth(460)
        total = report.table.total
        intro = QLabel(
            self.tr(
                "<b>Báo cáo số {id}, phiên bản {v}</b><br>{period}<br>"
                "Tổng số hồ sơ nhận giải quyết: <b>{received}</b>; đã giải quyết: <b>{resolved}</b> "
                "(quá hạn {late}); đang giải quyết: <b>{pending}</b> (quá hạn {overdue}).<br><br>"
                "Sau khi ký, báo cáo không sửa được nữa. Nhập lại mật khẩu để ký duyệt."
            ).format(
                id=report.id,
                v=report.version,
                period=report.period.label,
                received=total.received_total,
                resolved=total.resolved_total,
                late=total.resolved_late,
                pending=total.pending_total,
                overdue=total.pending_overdue,
            )
        )
        intro.setWordWrap(True)
        user = session.user
        self.login_edit = QLineEdit(user.login)
        self.login_edit.setObjectName("login")
        self.login_edit.setReadOnly(True)
        self.password_edit = password_field()
        self.message = refusal_label()
        form = QFormLayout()
        form.addRow(self.tr("Người ký"), QLabel(f"{user.full_name} ({user.title or user.role.label})"))
        form.addRow(self.tr("Tên đăng nhập"), self.login_edit)
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        buttons = ok_cancel(self, self.tr("Ký duyệt"), self.tr("Hủy"), self.try_sign, enter_presses=False)
        self.password_edit.returnPressed.connect(self.try_sign)
        stack(self, intro, form, self.message, buttons)
        self.password_edit.setFocus()

    def try_sign(self) -> bool:
        """Sign through core; a refusal stays in the dialog, in Vietnamese, password cleared."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.signed = rp.sign(
                self.session.register, self.report.id, self.login_edit.text(), self.password_edit.text()
            )
        except MotCuaError as exc:
            show_refusal(self.message, exc.message, self.password_edit)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()
        return True
