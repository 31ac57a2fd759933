"""Login: user name and password, checked by the register (lock-out after repeated failures)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit

from core.errors import MotCuaError
from gui.dialogs.base import ok_cancel, password_field, refusal_label, show_refusal, stack
from gui.session import Session


class LoginDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        settings = session.register.settings
        self.setWindowTitle(self.tr("Đăng nhập MotCua"))
        self.setMinimumWidth(380)
        title = QLabel(f"<b>{settings.ward_name}</b><br>{self.tr('Bộ phận tiếp nhận và trả kết quả')}")
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.password_edit = password_field()
        self.message = refusal_label()
        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập"), self.login_edit)
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        buttons = ok_cancel(self, self.tr("Đăng nhập"), self.tr("Thoát"), self.try_login, enter_presses=False)
        stack(self, title, form, self.message, buttons)
        # Enter in the name moves to the password; Enter in the password logs in.
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self.try_login)
        self.login_edit.setFocus()

    def try_login(self) -> bool:
        try:
            self.session.login(self.login_edit.text(), self.password_edit.text())
        except MotCuaError as exc:
            show_refusal(self.message, exc.message, self.password_edit)
            return False
        self.accept()
        return True
