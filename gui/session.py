"""The session: the open register, who is logged in, and a signal when dossiers change.

Screens listen to ``changed`` instead of to each other, so a dossier taken in on the intake screen
shows at once in the table and on the Today screen.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from core.model import Role, User
from core.register import Register


class Session(QObject):
    changed = Signal()  # dossiers, difficulties or settings were written
    user_changed = Signal()

    def __init__(self, register: Register, db_path: Path | str | None = None):
        super().__init__()
        self.register = register
        # The SQLite file, or the server's URL (a str: worker threads open their own connection).
        given = db_path or register.store.target or None
        self.db_path = given if isinstance(given, str) or given is None else Path(given)
        self._user: User | None = None
        self.current_code = ""  # the dossier the user last opened (for difficulty notes)
        self.restoring = False  # a restore closed the register: no backup on close
        from gui.printing import PrintService

        self.printing = PrintService(self)
        self._lock = threading.Lock()
        # OS thread id -> its register. Not threading.local: PySide6 drops a pool thread's Python
        # state between tasks, and with it anything thread-local.
        self._worker_registers: dict[int, Register] = {}
        # Pool threads live as long as the app, so each opens its connection once (see below).
        QThreadPool.globalInstance().setExpiryTimeout(-1)

    # --- background work -------------------------------------------------------------------
    def worker_register(self) -> Register:
        """The register for work running off the GUI thread: its own SQLite connection per thread.

        One sqlite3 connection used by two threads at once mixes their transactions and breaks
        sqlite_utils' savepoints ("no such savepoint: sqlite_utils_query", seen when a report was
        computed while the table was being painted). SQLite's way is a connection per thread;
        WAL lets them read while one writes. On the GUI thread (and in tests, where tasks run
        inline) this is the session's own register. Call it inside the work function.
        """
        if threading.current_thread() is threading.main_thread():
            return self.register
        thread = threading.get_ident()
        with self._lock:
            mine = self._worker_registers.get(thread)
        if mine is None:
            mine = Register.open(self.db_path, clock=self.register.clock)
            mine.store.audit_context = getattr(self.register.store, "audit_context", {})  # the window's
            with self._lock:
                self._worker_registers[thread] = mine
        return mine

    def close_workers(self) -> None:
        """Close the worker threads' connections (on quit, and before a restore replaces the file)."""
        with self._lock:
            registers, self._worker_registers = list(self._worker_registers.values()), {}
        for register in registers:
            with contextlib.suppress(Exception):  # closing on the way out must not stop the rest
                register.close()

    @property
    def user(self) -> User:
        if self._user is None:
            raise RuntimeError("no user logged in")
        return self._user

    @property
    def logged_in(self) -> bool:
        return self._user is not None

    def login(self, login: str, password: str) -> User:
        """Check the password in core; raises ``AuthenticationError`` with a Vietnamese message."""
        self._user = self.register.authenticate(login, password)
        self.user_changed.emit()
        return self._user

    def logout(self) -> None:
        """Ctrl+L: nobody is logged in until the next login (the window stays open)."""
        self._user = None
        self.current_code = ""
        self.user_changed.emit()

    def set_user(self, user: User) -> None:
        self._user = user
        self.user_changed.emit()

    @property
    def is_admin(self) -> bool:
        return self._user is not None and self._user.role == Role.ADMIN

    def notify(self) -> None:
        self.changed.emit()

    def watch_other_counters(self, interval_ms: int = 1000) -> None:
        """Emit ``changed`` when another counter (or process) committed: the store's
        ``data_version`` is read each ``interval_ms`` (SQLite: one PRAGMA; the server: the change
        notifications already received, no round trip), so open lists and the Today figures
        follow the other counters' work within about a second, without reading the table."""
        from PySide6.QtCore import QTimer

        self._seen_version = self.register.store.data_version()
        self._watch = QTimer(self)
        self._watch.timeout.connect(self._check_others)
        self._watch.start(interval_ms)

    def _check_others(self) -> None:
        try:
            version = self.register.store.data_version()
        except Exception:  # noqa: BLE001 - the server is away: the next tick tries again
            return
        if version != self._seen_version:
            self._seen_version = version
            self.changed.emit()
