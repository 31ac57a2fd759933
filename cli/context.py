"""What every command needs: the database, the acting user, output helpers."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from core import users as users_mod
from core.audit_state import CLI, channel_context
from core.errors import AuthenticationError, DatabaseError, MotCuaError, PermissionDenied
from core.model import Role, User
from core.paths import default_db_path
from core.register import Register
from core.storage import is_server_url
from core.text import nfc
from core.timeutil import now, parse_time
from core.users import SYSTEM_ACCOUNT, SYSTEM_USER
from core.validation import validate_moment


class CliContext:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._register: Register | None = None
        self._proven: dict[str, User] = {}  # login -> user whose password this command checked

    @property
    def db_path(self) -> Path:
        return Path(self.args.db) if self.args.db else default_db_path()

    @property
    def db_target(self) -> str | Path:
        """``--db`` / ``MOTCUA_DB`` as given: a SQLite file path, or a postgresql:// server URL."""
        given = self.args.db or os.environ.get("MOTCUA_DB")
        return given if is_server_url(given) else self.db_path

    @property
    def on_server(self) -> bool:
        return is_server_url(self.db_target)

    @property
    def register(self) -> Register:
        if self._register is None:
            self._register = Register.open(self.db_target, clock=now)  # the one clock (core.timeutil)
            self._register.store.audit_context = channel_context(CLI)  # every entry says so
        return self._register

    def require_initialised(self) -> Register:
        if not self.register.is_initialised:
            raise MotCuaError(
                f"Cơ sở dữ liệu {self.register.store.target} chưa được thiết lập: chạy “motcua init "
                "--ward-name ... --agency-code ...” hoặc “motcua demo”."
            )
        return self.register

    def actor(self, login: str | None = None) -> User:
        """The person a command acts as, proven by their password; else the system account.

        ``--clerk``/``--user``, then ``MOTCUA_USER``, names the person; their password is read
        from stdin (one line from a pipe, without echo on a terminal), as the sign-off does, and
        checked like a log-in (wrong ones count towards the lock-out). A name alone proves
        nothing: anyone can type one, and the audit trail would believe it.

        With no name the command acts as ``SYSTEM_ACCOUNT`` (register work only), except on a
        register with no user yet, where the set-up identity creates the first one.
        """
        login = login or self.args.user or os.environ.get("MOTCUA_USER")
        if not login:
            return SYSTEM_USER if self.register.store.count_users() == 0 else SYSTEM_ACCOUNT
        key = nfc(login).lower()
        if key not in self._proven:
            password = self.read_secret(f"Mật khẩu của {login}: ")
            if not password:
                raise AuthenticationError(
                    f"Cần mật khẩu của {login}: gõ khi được hỏi, hoặc một dòng trên stdin "
                    f"(echo ... | motcua --user {login} ...)."
                )
            self._proven[key] = self.register.authenticate(login, password)
        return self._proven[key]

    def restore_admin(self, backup: Path) -> User:
        """The admin allowing a restore, proven against the register, or the backup if it cannot open.

        The register to be replaced may be the damaged file the restore is for: then the
        backup's own user table (read-only, without lock-out counting) is asked instead.
        """
        login = self.args.user or os.environ.get("MOTCUA_USER")
        if not login:
            raise PermissionDenied(
                "Khôi phục dữ liệu cần quản trị: thêm --user <tên đăng nhập quản trị> và nhập mật khẩu."
            )
        healthy = self.db_path.is_file() and self.db_path.stat().st_size > 0
        if healthy:
            try:
                _ = self.register  # opened before the password is read: it is read once
            except DatabaseError:  # damaged or unreadable: ask the backup
                self.close()
                healthy = False
        user = self.actor() if healthy else self._proven_in(backup, login)
        users_mod.require(user, Role.ADMIN, action="khôi phục dữ liệu")
        return user

    def _proven_in(self, path: Path, login: str) -> User:
        password = self.read_secret(f"Mật khẩu của {login}: ")
        try:
            other = Register.open(path, clock=now, readonly=True)
        except MotCuaError:
            raise AuthenticationError(f"Không kiểm tra được mật khẩu trong tệp {path.name}.") from None
        try:
            row = other.store.user_auth_row(nfc(login).lower())
            if row is None or not users_mod.password_matches(row["password_hash"], password):
                raise AuthenticationError("Sai tên đăng nhập hoặc mật khẩu.")
            users_mod.check_login_allowed(row, other.now())
            return other.user(login)
        finally:
            other.close()

    def moment(self, text: str | None, field: str = "--at") -> datetime | None:
        """A moment typed on the command line: parsed, and neither in the future nor before 2000."""
        if not text:
            return None
        return validate_moment(parse_time(text, field), field, now=self.register.now())

    def close(self) -> None:
        if self._register is not None:
            self._register.close()
            self._register = None

    @staticmethod
    def print_json(value: Any) -> None:
        print(json.dumps(value, ensure_ascii=False, indent=2, default=str))

    @staticmethod
    def read_secret(prompt: str = "Mật khẩu: ") -> str:
        """A password from stdin: a prompt without echo on a terminal, one line from a pipe."""
        if sys.stdin.isatty():
            import getpass

            return getpass.getpass(prompt)
        return sys.stdin.readline().rstrip("\r\n")


def open_window(args: argparse.Namespace) -> int:
    """``motcua`` with no command: the counter window."""
    try:
        from gui.app import run
    except ImportError as exc:
        print(f"Lỗi: không mở được cửa sổ MotCua ({exc}).", file=sys.stderr)
        return 2
    given = args.db or os.environ.get("MOTCUA_DB")
    if not given:  # the server the window's set-up chose, if it chose one
        from core.storage.postgres.connection import remembered_server

        given = remembered_server()
    return run(given if is_server_url(given) else Path(args.db) if args.db else default_db_path())
