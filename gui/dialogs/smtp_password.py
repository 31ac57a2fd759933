"""Asks for the office mail password when the credential store has none (never kept in the database)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLabel

from core.settings import Settings
from gui.dialogs.base import ok_cancel, password_field, stack


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
        self.password_edit = password_field("smtp-password")
        self.remember = QCheckBox(self.tr("Ghi nhớ trong kho mật khẩu của hệ điều hành"))
        self.remember.setChecked(True)
        form = QFormLayout()
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        stack(self, intro, form, self.remember, ok_cancel(self, self.tr("Gửi"), self.tr("Hủy"), self.accept))

    def password(self) -> str:
        return self.password_edit.text()
