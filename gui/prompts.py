"""Every question the window asks the user goes through here, so tests can answer without a modal.

Tests call ``set_prompts(FakePrompts(...))``; the app uses the real message boxes and file dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

LAST_FOLDER_KEY = "files/last-folder"


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
        chosen = QFileDialog.getSaveFileName(parent, title, start_path(name), pattern)[0]
        remember_folder(chosen)
        return chosen

    def open_path(self, parent: QWidget | None, title: str, pattern: str) -> str:
        chosen = QFileDialog.getOpenFileName(parent, title, start_path(), pattern)[0]
        remember_folder(chosen)
        return chosen

    def open_paths(self, parent: QWidget | None, title: str, pattern: str) -> list[str]:
        """Several files at once (the wards' workbooks for the city roll-up)."""
        chosen = QFileDialog.getOpenFileNames(parent, title, start_path(), pattern)[0]
        if chosen:
            remember_folder(chosen[0])
        return chosen

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


# --- where the file dialogs open --------------------------------------------------------------
# A bare file name opened the dialog in the program's working folder (the install folder of the
# bundle, or the source tree), and every dialog went back there: a clerk saving the receipt PDF
# or the vice-chair the workbook had to find their folder each time.


def _folders() -> QSettings:
    from core.paths import data_dir

    return QSettings(str(data_dir() / "cua-so.ini"), QSettings.Format.IniFormat)


def start_folder() -> Path:
    """The folder a file was last saved to or opened from on this PC, else Documents, else home."""
    last = _folders().value(LAST_FOLDER_KEY)
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def start_path(name: str = "") -> str:
    """What a file dialog opens on: the suggested name inside the start folder (a name that is
    already a full path is kept)."""
    if name and Path(name).is_absolute():
        return name
    folder = start_folder()
    return str(folder / name) if name else str(folder)


def remember_folder(chosen: str) -> None:
    """The next dialog opens where this file went (nothing is kept when the user cancelled)."""
    if chosen:
        _folders().setValue(LAST_FOLDER_KEY, str(Path(chosen).parent))
