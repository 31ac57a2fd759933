"""An error said in Vietnamese, with its technical details one click away to copy (issue 7 item 4).

A refusal the user caused (``MotCuaError``) only needs its sentence. Anything else is a bug or a
broken disk: the person at the counter sees a calm sentence, and the person who supports the office
gets the scrubbed details (``core.logsetup.format_error_details``: no names, ID numbers or phones)
through the "Sao chép chi tiết" button, pasted into an e-mail or a chat.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError
from core.logsetup import format_error_details, log_unhandled, user_message


class ErrorDetailsDialog(QDialog):
    """The sentence on top; the details folded below; a button that copies them."""

    def __init__(self, message: str, details: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Không thực hiện được"))
        self.setMinimumWidth(520)
        self.message = QLabel(message)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 14px;")
        self.details = QPlainTextEdit(details)
        self.details.setObjectName("details")
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(220)
        self.details.setVisible(False)
        self.toggle = QPushButton(self.tr("Xem chi tiết"))
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._show_details)
        self.copy_button = QPushButton(self.tr("Sao chép chi tiết"))
        self.copy_button.setObjectName("copy")
        self.copy_button.clicked.connect(self.copy_details)
        self.copied = QLabel()
        self.copied.setStyleSheet("color: #1b7f3b;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addWidget(self.copy_button)
        row.addWidget(self.copied, 1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addLayout(row)

    @classmethod
    def for_exception(cls, exc: BaseException, parent: QWidget | None = None) -> ErrorDetailsDialog:
        return cls(user_message(exc), format_error_details(exc), parent)

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle.setText(self.tr("Ẩn chi tiết") if shown else self.tr("Xem chi tiết"))
        self.adjustSize()

    def copy_details(self) -> str:
        text = self.details.toPlainText()
        QGuiApplication.clipboard().setText(text)
        self.copied.setText(self.tr("Đã sao chép."))
        return text


def show_failure(parent: QWidget | None, exc: BaseException) -> None:
    """The failure handler for background tasks: a refusal as a sentence, a bug with its details.

    Unexpected errors are also written to the (scrubbed) log, so nothing depends on the user
    remembering to copy them.
    """
    from gui.prompts import prompts

    if isinstance(exc, MotCuaError):
        prompts().error(parent, exc.message)
        return
    log_unhandled(exc)
    prompts().exec_dialog(ErrorDetailsDialog.for_exception(exc, parent))
