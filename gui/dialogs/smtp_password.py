"""Asks for the office mail password when the credential store has none (never kept in the database)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from core.settings import Settings


class SmtpPasswordDialog(QDialog):
    def __init__(self, settings: Settings, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mật khẩu hộp thư"))
        self.setMinimumWidth(420)
        intro = QLabel(
            self.tr("Nhập mật khẩu tài khoản <b>{user}</b> trên máy chủ thư <b>{host}</b>.").format(
                user=settings.smtp_user, host=settings.smtp_host
            )
        )
        intro.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("smtp-password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("Ghi nhớ trong kho mật khẩu của hệ điều hành"))
        self.remember.setChecked(True)
        form = QFormLayout()
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Gửi"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(buttons)

    def password(self) -> str:
        return self.password_edit.text()
