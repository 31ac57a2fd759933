"""Errors that carry a Vietnamese message for the user.

Every rejection a clerk can cause is a ``MotCuaError``: the GUI shows its message,
the command line prints it on stderr and exits non-zero. Anything else is a bug.
"""

from __future__ import annotations


class MotCuaError(Exception):
    """A refusal with a message meant for the user (Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(MotCuaError):
    """Bad input in one named field; nothing was written."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class ValidationErrors(MotCuaError):
    """Several fields rejected at once (a form is checked as a whole)."""

    def __init__(self, errors: list[ValidationError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class NotFoundError(MotCuaError):
    pass


class TransitionError(MotCuaError):
    """An illegal life-cycle step; the dossier is unchanged."""


class PermissionDenied(MotCuaError):
    pass


class AuthenticationError(MotCuaError):
    pass


class DatabaseError(MotCuaError):
    """The database can't be used as asked (newer schema, damaged, locked, full, read-only)."""


class QueryInterrupted(DatabaseError):
    """A read stopped by ``Register.interrupt`` (a count nobody waits for any more)."""

    def __init__(self, message: str = "Việc đọc dữ liệu đã được dừng giữa chừng; không có gì thay đổi."):
        super().__init__(message)
