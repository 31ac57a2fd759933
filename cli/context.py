"""What every command needs: the database, the acting user, output helpers."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from core.errors import MotCuaError
from core.model import User
from core.paths import default_db_path
from core.register import Register
from core.timeutil import now
from core.users import SYSTEM_USER


class CliContext:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._register: Register | None = None

    @property
    def db_path(self) -> Path:
        return Path(self.args.db) if self.args.db else default_db_path()

    @property
    def register(self) -> Register:
        if self._register is None:
            self._register = Register.open(self.db_path, clock=now)  # the one clock (core.timeutil)
        return self._register

    def require_initialised(self) -> Register:
        if not self.register.is_initialised:
            raise MotCuaError(
                f"Cơ sở dữ liệu {self.db_path} chưa được thiết lập: chạy “motcua init "
                "--ward-name ... --agency-code ...” hoặc “motcua demo”."
            )
        return self.register

    def actor(self, login: str | None = None) -> User:
        """The user a command acts as: ``--clerk``/``--user``, then ``MOTCUA_USER``, else the system."""
        login = login or self.args.user or os.environ.get("MOTCUA_USER")
        return self.register.user(login) if login else SYSTEM_USER

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
    return run(Path(args.db) if args.db else default_db_path())
