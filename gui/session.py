"""The session: the open register, who is logged in, and a signal when dossiers change.

Screens listen to ``changed`` instead of to each other, so a dossier taken in on the intake screen
shows at once in the table and on the Today screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from core.model import Role, User
from core.register import Register


class Session(QObject):
    changed = Signal()  # dossiers, difficulties or settings were written
    user_changed = Signal()

    def __init__(self, register: Register, db_path: Path | None = None):
        super().__init__()
        self.register = register
        self.db_path = Path(db_path) if db_path else register.store.path
        self._user: User | None = None
        self.current_code = ""  # the dossier the user last opened (for difficulty notes)
        from gui.printing import PrintService

        self.printing = PrintService(self)

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

    def set_user(self, user: User) -> None:
        self._user = user
        self.user_changed.emit()

    @property
    def is_admin(self) -> bool:
        return self._user is not None and self._user.role == Role.ADMIN

    def notify(self) -> None:
        self.changed.emit()
