"""Entry point of ``motcua``: parses the command line and dispatches to the command modules.

Each ``cli/cmd_*.py`` module adds its sub-commands through ``add_commands(subparsers)``.
Exit codes: 0 success, 2 a refusal or bad input (Vietnamese message on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
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
    "cli.cmd_server",
    "cli.cmd_email",
    "cli.cmd_sign",
    "cli.cmd_attach",
    "cli.cmd_indicators",
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
    parser.add_argument(
        "--version", action="version", version=f"MotCua {__version__}", help="in số phiên bản rồi thoát"
    )
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


# Whole numbers a command takes (a fee, a limit, a report number) fit in SQLite's 64-bit
# integers with room to spare; a bigger one is a typing slip, refused before any work starts.
MAX_INT_ARG = 10**15


def _undecodable(argv: list[str]) -> str | None:
    """The first argument that is not UTF-8 text (Python keeps its bytes as lone surrogates),
    or that holds a NUL (which every file and database call would refuse with an English error)."""
    for arg in argv:
        if "\x00" in arg:  # no program can pass one (C strings); only an in-process caller
            return arg.replace("\x00", "\ufffd")
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return None


def _option_names(parser: argparse.ArgumentParser, found: dict[str, str] | None = None) -> dict[str, str]:
    """dest -> the option as typed ("--fee", "ID"), over the parser and all its sub-parsers."""
    found = {} if found is None else found
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _option_names(child, found)
        elif action.dest not in found:
            found[action.dest] = action.option_strings[-1] if action.option_strings else action.dest.upper()
    return found


def _check_numbers(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """A refusal for an integer argument too large to be meant (argparse's ``int`` has no bound)."""
    names = None
    for dest, value in vars(args).items():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT_ARG:
            names = names or _option_names(parser)
            return f"tham số {names.get(dest, dest)}: số {str(value)[:30]} quá lớn"
    return None


class _Visible:
    """stdout/stderr for one command: what it prints passes ``core.text.visible`` (no escapes)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from core.text import visible

        return self._stream.write(visible(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (never raises, never prints a traceback)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Visible(saved[0]), _Visible(saved[1])  # messages echo what was typed
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = saved


def _main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (never raises, never prints a traceback).

    In-process callers (tests, the fuzzer) get argparse's exits as return values too.
    """
    _utf8_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    bad = _undecodable(argv)
    if bad is not None:
        print(
            f"Lỗi: tham số “{bad}” không phải văn bản UTF-8 hợp lệ (gõ lại bằng bộ gõ Unicode).",
            file=sys.stderr,
        )
        return 2
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a refusal already printed in Vietnamese
        return exc.code if isinstance(exc.code, int) else 2
    refusal = _check_numbers(parser, args)
    if refusal:
        print(f"Lỗi: lệnh không hợp lệ: {refusal}", file=sys.stderr)
        return 2
    if not args.command:
        from cli.context import open_window

        return open_window(args)
    from cli.context import CliContext
    from core.logsetup import start_command_log

    log = start_command_log(args)  # the log file (personal data scrubbed) and the excepthook
    ctx = CliContext(args)
    try:
        code = int(args.handler(ctx, args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handling below, not at exit
        log.info("Xong (mã thoát %d)", code)
        return code
    except MotCuaError as exc:
        log.warning("Từ chối: %s", exc.message)
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        from core.db import describe_sqlite_error

        print(f"Lỗi: {describe_sqlite_error(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away ("motcua report ... | head"): the work is done, nothing to say.
        # Point stdout at /dev/null so Python's own flush at exit does not complain either.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        from core.filesafety import os_reason

        print(f"Lỗi: không đọc/ghi được tệp {exc.filename or ''}: {os_reason(exc)}.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: the user still gets a sentence, the log gets the details
        from core.logsetup import log_unhandled

        log_unhandled(exc)
        print(
            f"Lỗi ngoài dự kiến ({type(exc).__name__}): lệnh chưa hoàn tất, dữ liệu đã ghi trước đó vẫn "
            "nguyên vẹn. Chi tiết đã ghi vào nhật ký của MotCua; hãy báo cho quản trị.",
            file=sys.stderr,
        )
        return 2
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
