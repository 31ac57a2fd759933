"""The daily backup when the main window closes (``core.backup.backup_if_due``).

A ward's only copy of its register is often the counter PC's disk; the admin's "Sao lưu ngay"
is easy to forget. So closing the window backs up once a day into the folder of the settings.
The copy runs on the thread pool (the window stays painted and says what it is doing) and the
window closes when it is done. It never holds the close hostage: a failure is logged and said in
one calm sentence (the register itself is untouched, the copy only reads it), and closing again
while it runs closes at once (the half-written copy is a ``.dang-ghi`` file, never listed).
Not after a restore: the register is closed and the file was just replaced.
"""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QCloseEvent

from core import backup as backup_mod
from core.attachments.backup_files import FilesNotBackedUp
from core.dbcheck import DamagedDatabaseError
from core.errors import MotCuaError

log = logging.getLogger("motcua.gui.backup")


def _tr(text: str) -> str:
    return QCoreApplication.translate("CloseBackup", text)


class State(Enum):
    IDLE = "idle"
    RUNNING = "running"
    DONE = "done"


class CloseBackup:
    """Asked by ``MainWindow.closeEvent`` whether the window may close now."""

    def __init__(self, window):
        self.window = window
        self.state = State.IDLE
        self.made: Path | None = None  # the backup made on this close, if any
        self.failure: BaseException | None = None
        self._waiting = False  # the close was put off until the copy is done

    def wanted(self) -> bool:
        session = self.window.session
        on_server = session.register.store.kind != "sqlite"  # the server is backed up on the server
        return self.window.backup_on_close and session.logged_in and not session.restoring and not on_server

    def may_close(self, event: QCloseEvent) -> bool:
        """True: close now. False: the event is ignored; the window closes itself when done."""
        if self.state is State.RUNNING:  # closed again while copying: the user wants out
            log.warning("Đóng cửa sổ khi bản sao lưu cuối ngày chưa xong; bản dở dang bị bỏ.")
            return True
        if self.state is State.DONE or not self.wanted():
            return True
        from gui.tasks import Task

        session = self.window.session
        db = session.db_path
        try:
            folder = backup_mod.backup_dir_for(session.register.settings.backup_dir)
        except Exception:  # noqa: BLE001 - the register is already closed: nothing to copy from it
            log.warning("Không sao lưu khi đóng: sổ đã đóng trước cửa sổ.")
            self.state = State.DONE
            return True
        self.state = State.RUNNING
        self.window.show_message(_tr("Đang sao lưu dữ liệu trước khi đóng…"), 0)
        Task(self.window, lambda: backup_mod.backup_if_due(db, folder)).success(self._done).failure(
            self._failed
        ).run_in_background()
        if self.state is State.DONE:  # ran inline (tests): nothing to wait for
            return True
        self._waiting = True
        event.ignore()
        return False

    def _alive(self) -> bool:
        return shiboken6.isValid(self.window)

    def _done(self, made: Path | None) -> None:
        self.made = made
        if made is not None:
            log.info("Sao lưu khi đóng: %s", made)
        if made is not None and self._alive():
            self.window.show_message(_tr("Đã sao lưu: {name}").format(name=made.name), 3000)
        self._finish()

    def _failed(self, exc: BaseException) -> None:
        self.failure = exc
        from gui.prompts import prompts

        if not self._alive():
            log.warning("Sao lưu khi đóng không thành công: %s", exc)
            self.state = State.DONE
            return
        if isinstance(exc, MotCuaError):
            log.warning("Sao lưu khi đóng không thành công: %s", exc.message)
        else:
            from core.logsetup import log_unhandled

            log_unhandled(exc)
        prompts().error(self.window, _message(exc))
        self._finish()

    def _finish(self) -> None:
        self.state = State.DONE
        if self._waiting and self._alive():
            QTimer.singleShot(0, self.window, self.window.close)  # cancelled if the window is gone


def _message(exc: BaseException) -> str:
    """What the user reads when the close-time backup fails. The reason is ``backup_now``'s own
    sentence (``core.backup.failure_reason``), which never says "dữ liệu vừa nhập chưa được lưu";
    "Dữ liệu đang dùng không bị ảnh hưởng" is added only where it is true: not when the register
    itself was found damaged, and not after "Đã sao lưu cơ sở dữ liệu…" (the copy is in place,
    only some scans are not: "Chưa sao lưu được" would be false)."""
    reason = backup_mod.failure_reason(exc)
    if isinstance(exc, FilesNotBackedUp):
        return reason
    if isinstance(exc, DamagedDatabaseError):
        return _tr("Chưa sao lưu được hôm nay: {reason}").format(reason=reason)
    return _tr(
        "Chưa sao lưu được hôm nay: {reason}\n\nDữ liệu đang dùng không bị ảnh hưởng. "
        "Lần sau, hãy sao lưu ở màn hình “Sao lưu, khôi phục”."
    ).format(reason=reason)
