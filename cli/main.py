"""Entry point of ``motcua``: parses the command line and dispatches to the command modules.

Each ``cli/cmd_*.py`` module adds its sub-commands through ``add_commands(subparsers)``.
Exit codes: 0 success, 2 a refusal or bad input (Vietnamese message on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sqlite3
import sys

from cli import argparse_vi
from core import __version__
from core.errors import MotCuaError

COMMAND_MODULES = (
    "cli.cmd_register",
    "cli.cmd_admin",
    "cli.cmd_forms",
    "cli.cmd_reports",
    "cli.cmd_import",
    "cli.cmd_trust",
    "cli.cmd_email",
)


class VietnameseArgumentParser(argparse.ArgumentParser):
    """argparse with its refusals prefixed in Vietnamese and the exit code of a refusal (2)."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: lệnh không hợp lệ: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    argparse_vi.install()
    parser = VietnameseArgumentParser(
        prog="motcua",
        description="MotCua: sổ tiếp nhận và trả kết quả hồ sơ TTHC của Bộ phận Một cửa.",
    )
    parser.add_argument("--version", action="version", version=f"MotCua {__version__}")
    parser.add_argument("--db", help="tệp cơ sở dữ liệu (mặc định: biến MOTCUA_DB hoặc thư mục dữ liệu)")
    parser.add_argument("--user", help="người thực hiện (tên đăng nhập; mặc định biến MOTCUA_USER)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=VietnameseArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        from cli.context import open_window

        return open_window(args)
    from cli.context import CliContext

    ctx = CliContext(args)
    try:
        return int(args.handler(ctx, args) or 0)
    except MotCuaError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        from core.db import describe_sqlite_error

        print(f"Lỗi: {describe_sqlite_error(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Lỗi: không đọc/ghi được tệp {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
