"""One helper for long work off the GUI thread (like Anki's QueryOp, Picard's thread pool).

The work function runs on a ``QThreadPool`` worker and never touches widgets; its result (or its
exception) comes back to the GUI thread through a queued signal, where ``success``/``failure`` run.
Tests call :func:`set_synchronous` so the work runs inline and GUI tests never race.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

_synchronous = False
_running: set[Task] = set()  # keeps Python wrappers alive until the result is delivered


def set_synchronous(value: bool) -> None:
    """Run every task inline on the calling thread (tests), or on the pool (the app)."""
    global _synchronous
    _synchronous = value


def is_synchronous() -> bool:
    return _synchronous


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.done, result)

    @staticmethod
    def _deliver(signal, value: object) -> None:
        """Emit, unless the process is ending: the interpreter's exit deletes the signal object
        under a worker still running (a warm-up, a count), and there is no one left to tell."""
        try:
            signal.emit(value)
        except RuntimeError:
            if not _exiting():
                raise


def _exiting() -> bool:
    import sys

    return sys.is_finalizing() or QCoreApplication.instance() is None


class Task:
    """Fluent description of one piece of background work.

    ``Task(parent, work).success(fn).failure(fn).with_progress(text).run_in_background()``
    """

    def __init__(self, parent: QWidget | None, work: Callable[[], Any]):
        self.parent = parent
        self.work = work
        self._success: Callable[[Any], None] = lambda _result: None
        self._failure: Callable[[BaseException], None] | None = None
        self._progress_text = ""
        self._progress: QProgressDialog | None = None
        self._signals: _Signals | None = None

    def success(self, fn: Callable[[Any], None]) -> Task:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> Task:
        self._failure = fn
        return self

    def with_progress(self, text: str) -> Task:
        self._progress_text = text
        return self

    def run_in_background(self) -> Task:
        if _synchronous:
            try:
                result = self.work()
            except Exception as exc:  # noqa: BLE001
                self._fail(exc)
            else:
                self._success(result)
            return self
        self._signals = _Signals()
        # Queued: the slots run on the GUI thread, whatever thread emits.
        self._signals.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        if self._progress_text:
            self._progress = QProgressDialog(self._progress_text, "", 0, 0, self.parent)
            self._progress.setCancelButton(None)
            self._progress.setWindowModality(Qt.WindowModality.WindowModal)
            self._progress.setMinimumDuration(400)  # no flash for quick work
        _running.add(self)
        QThreadPool.globalInstance().start(_Runnable(self.work, self._signals))
        return self

    def _finish(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None
        # Drop our reference on the next loop turn, after Qt has finished with the signal.
        QTimer.singleShot(0, lambda: _running.discard(self))

    def _on_done(self, result: Any) -> None:
        self._finish()
        self._success(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._finish()
        self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        if self._failure is not None:
            self._failure(exc)
            return
        from gui.prompts import prompts

        prompts().error(self.parent, _describe(exc))


def _describe(exc: BaseException) -> str:
    from core.errors import MotCuaError

    if isinstance(exc, MotCuaError):
        return exc.message
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Task", "Lỗi không mong đợi: {exc}").format(exc=exc)


def run_in_background(
    parent: QWidget | None,
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
    progress_text: str = "",
) -> Task:
    """Shorthand for the fluent form."""
    task = Task(parent, work).success(on_success)
    if on_failure is not None:
        task.failure(on_failure)
    if progress_text:
        task.with_progress(progress_text)
    return task.run_in_background()


def wait_for_idle(timeout_ms: int = 10_000) -> bool:
    """Block until the pool is idle (used on quit, so no worker outlives the register)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
