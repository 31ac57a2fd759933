"""``motcua smtp-password set|delete|status|test``: the mail password in the OS credential store.

The password never goes into the database or on the command line (where shell history and
the process list would keep it): ``set`` reads it from stdin, without echo on a terminal.
``test`` connects, secures and logs in with the stored password, and sends nothing, so the
office can check the settings before the vice-chair's report is due.
"""

from __future__ import annotations

import ssl

from cli.context import CliContext
from core.credentials import (
    SERVICE,
    account_name,
    delete_smtp_password,
    get_smtp_password,
    set_smtp_password,
)
from core.errors import MotCuaError
from reports.email_out import DEFAULT_TIMEOUT, check_connection


def add_commands(sub) -> None:
    p = sub.add_parser("smtp-password", help="mật khẩu máy chủ thư (lưu trong kho mật khẩu của hệ điều hành)")
    psub = p.add_subparsers(dest="smtp_password_command", required=True, metavar="VIỆC")
    a = psub.add_parser("set", help="lưu mật khẩu (đọc từ stdin)")
    a.set_defaults(handler=cmd_set)
    a = psub.add_parser("delete", help="xóa mật khẩu đã lưu")
    a.set_defaults(handler=cmd_delete)
    a = psub.add_parser("status", help="cho biết đã lưu mật khẩu chưa (không in mật khẩu)")
    a.set_defaults(handler=cmd_status)
    a = psub.add_parser("test", help="kết nối và đăng nhập máy chủ thư, không gửi thư")
    a.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="số giây chờ máy chủ")
    a.add_argument("--cafile", help="tệp chứng chỉ CA (PEM) nếu máy chủ dùng chứng chỉ nội bộ")
    a.set_defaults(handler=cmd_test)


def cmd_set(ctx: CliContext, args) -> int:
    settings = ctx.require_initialised().settings
    name = account_name(settings)
    password = ctx.read_secret(f"Mật khẩu của {name}: ")
    set_smtp_password(settings, password)
    print(f"Đã lưu mật khẩu của {name} vào kho mật khẩu của hệ điều hành ({SERVICE}).")
    return 0


def cmd_delete(ctx: CliContext, args) -> int:
    settings = ctx.require_initialised().settings
    name = account_name(settings)
    if delete_smtp_password(settings):
        print(f"Đã xóa mật khẩu của {name}.")
    else:
        print(f"Chưa có mật khẩu nào được lưu cho {name}.")
    return 0


def cmd_status(ctx: CliContext, args) -> int:
    settings = ctx.require_initialised().settings
    if not settings.smtp_user.strip():
        print("Máy chủ thư không dùng đăng nhập (chưa thiết lập smtp_user): không cần mật khẩu.")
        return 0
    name = account_name(settings)
    if get_smtp_password(settings):
        print(f"Đã lưu mật khẩu của {name}.")
        return 0
    print(f"Chưa lưu mật khẩu của {name}: chạy “motcua smtp-password set”.")
    return 1


def cmd_test(ctx: CliContext, args) -> int:
    settings = ctx.require_initialised().settings
    context = None
    if args.cafile:
        try:
            context = ssl.create_default_context(cafile=args.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise MotCuaError(f"Không đọc được tệp chứng chỉ {args.cafile}: {exc}.") from None
    print(check_connection(settings, get_smtp_password(settings), ssl_context=context, timeout=args.timeout))
    return 0
