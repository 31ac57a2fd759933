"""Users, roles and passwords (argon2id via argon2-cffi; never stored or logged in clear)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import AuthenticationError, PermissionDenied, ValidationError
from core.model import Role, User
from core.text import hidden_character, nfc
from core.timeutil import from_db, to_db

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 6
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


def production_hasher() -> PasswordHasher:
    """The parameters every stored password gets: argon2-cffi's default, RFC 9106's low-memory
    profile (argon2id, 64 MiB, 3 passes, 4 lanes). Deliberately no setting, file or environment
    variable changes them: a weaker hash written by a tampered start would stay in the register."""
    return PasswordHasher()


_hasher = production_hasher()


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Swap the hasher for this process only; returns the previous one. The test suite makes its
    few dozen users with cheap parameters this way; verifying reads the parameters from each hash,
    so a password hashed either way is checked the same."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


# The set-up identity: programs that build a register in this process (the set-up dialog, the
# demo, tests) act as it before any person exists. The command line never hands it out once
# the register has a user: see ``SYSTEM_ACCOUNT``.
SYSTEM_USER = User(login="he-thong", full_name="Hệ thống (dòng lệnh)", role=Role.ADMIN)
# Who a command without ``--user`` acts as: scripts and scheduled tasks (intake from another
# program, life-cycle steps, report drafts, the 17:00 summary, backups) may do register work,
# recorded under this name, but nothing an administrator's password guards (users, settings,
# the calendar, restore), and never a sign-off.
SYSTEM_ACCOUNT = User(login="he-thong", full_name="Hệ thống (không đăng nhập)", role=Role.CLERK)
RESERVED_LOGINS = frozenset({SYSTEM_ACCOUNT.login})


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError("Mật khẩu", f"phải có ít nhất {MIN_PASSWORD} ký tự")
    if hidden_character(password):  # control bytes or undecodable input: never what was meant
        raise ValidationError("Mật khẩu", "có ký tự điều khiển hoặc ký tự không đọc được")
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):  # undecodable stdin bytes
        return False


def validate_login(login: str) -> str:
    text = nfc(login).lower()
    if not _LOGIN.match(text):
        raise ValidationError(
            "Tên đăng nhập", "2-32 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang"
        )
    if text in RESERVED_LOGINS:
        raise ValidationError("Tên đăng nhập", f"“{text}” là tên dành cho tài khoản hệ thống")
    return text


def check_login_allowed(row: dict, at: datetime) -> None:
    if not row["active"]:
        raise AuthenticationError("Tài khoản đã bị khóa. Hãy liên hệ quản trị.")
    locked_until = from_db(row["locked_until"])
    if locked_until and locked_until > at:
        minutes = max(1, int((locked_until - at).total_seconds() // 60) + 1)
        raise AuthenticationError(
            f"Đăng nhập sai quá {MAX_FAILED_LOGINS} lần: tài khoản tạm khóa, thử lại sau {minutes} phút."
        )


def after_failure(row: dict, at: datetime) -> dict:
    """The user-row changes after a wrong password (lock-out after repeated failures)."""
    failures = row["failed_logins"] + 1
    if failures >= MAX_FAILED_LOGINS:
        return {"failed_logins": 0, "locked_until": to_db(at + LOCKOUT)}
    return {"failed_logins": failures}


def require(user: User, *roles: Role, action: str, admin_ok: bool = True) -> None:
    """Refuse unless the user has one of the roles.

    The admin passes every check unless ``admin_ok`` is False: a report's sign-off belongs to
    the vice-chair alone.
    """
    if not user.active:
        raise PermissionDenied(f"Tài khoản {user.login} đã bị khóa.")
    if user.role in roles or (admin_ok and user.role == Role.ADMIN):
        return
    names = ", ".join(r.label for r in roles)
    if user.login in RESERVED_LOGINS:
        raise PermissionDenied(
            f"Chỉ {names} được {action}. Lệnh chưa nêu người thực hiện nên chạy dưới tài khoản hệ "
            "thống: thêm --user <tên đăng nhập> và nhập mật khẩu của người đó (stdin)."
        )
    raise PermissionDenied(f"Chỉ {names} được {action}; {user.full_name} là {user.role.label}.")
