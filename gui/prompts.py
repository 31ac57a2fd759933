"""Every question the window asks the user goes through here, so tests can answer without a modal.

Tests call ``set_prompts(FakePrompts(...))``; the app uses the real message boxes and file dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("Prompts", text)


class Prompts:
    """Real dialogs. Each method is small so a test double can replace it."""

    def error(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.critical(parent, _tr("Không thực hiện được"), message)

    def info(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.information(parent, _tr("MotCua"), message)

    def confirm(self, parent: QWidget | None, message: str) -> bool:
        answer = QMessageBox.question(parent, _tr("Xác nhận"), message)
        return answer == QMessageBox.StandardButton.Yes

    def save_path(self, parent: QWidget | None, title: str, name: str, pattern: str) -> str:
        return QFileDialog.getSaveFileName(parent, title, name, pattern)[0]

    def open_path(self, parent: QWidget | None, title: str, pattern: str) -> str:
        return QFileDialog.getOpenFileName(parent, title, "", pattern)[0]

    def open_paths(self, parent: QWidget | None, title: str, pattern: str) -> list[str]:
        """Several files at once (the wards' workbooks for the city roll-up)."""
        return QFileDialog.getOpenFileNames(parent, title, "", pattern)[0]

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Run a dialog of ours modally; tests fill it in and accept it instead."""
        return dialog.exec() == QDialog.DialogCode.Accepted


_current: Prompts = Prompts()


def prompts() -> Prompts:
    return _current


def set_prompts(value: Prompts) -> Prompts:
    """Install another prompter (tests); returns the previous one."""
    global _current
    previous, _current = _current, value
    return previous
