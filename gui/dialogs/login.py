"""Login: user name and password, checked by the register (lock-out after repeated failures)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from core.errors import MotCuaError
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
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập"), self.login_edit)
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Đăng nhập"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Thoát"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        # Enter in the name moves to the password; Enter in the password logs in.
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self.try_login)
        for button in buttons.buttons():
            button.setAutoDefault(False)
        self.login_edit.setFocus()

    def try_login(self) -> bool:
        try:
            self.session.login(self.login_edit.text(), self.password_edit.text())
        except MotCuaError as exc:
            self.message.setText(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return False
        self.accept()
        return True
