"""Sub-commands for what the admin screens and the dossier detail pane do.

settings show|set, user update, difficulty add|list, apologise (Mẫu 04's new appointment) and
edit (correcting an applicant's details): so a scheduled task or a script can do everything the
window does.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from cli.context import CliContext
from core.errors import ValidationError
from core.settings import SETTING_NAMES
from core.timeutil import fmt, parse_date, parse_time, to_db

USER_ACTIVE = {"yes": True, "no": False, "co": True, "khong": False}


def add_commands(sub) -> None:
    p = sub.add_parser("settings", help="thiết lập của đơn vị (xem, đổi)")
    ssub = p.add_subparsers(dest="settings_action", metavar="VIỆC", required=True)
    a = ssub.add_parser("show", help="xem các thiết lập")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_settings_show)
    a = ssub.add_parser("set", help="đổi thiết lập: TÊN=GIÁ_TRỊ ... (quản trị)")
    a.add_argument("pairs", nargs="+", metavar="TÊN=GIÁ_TRỊ")
    a.set_defaults(handler=cmd_settings_set)

    p = sub.add_parser("user-update", help="sửa người dùng: vai trò, chức danh, khóa/mở, mật khẩu")
    p.add_argument("login")
    p.add_argument("--full-name")
    p.add_argument("--role", choices=["clerk", "vice-chair", "admin"])
    p.add_argument("--title")
    p.add_argument("--active", choices=sorted(USER_ACTIVE), help="yes: mở; no: khóa tài khoản")
    p.add_argument("--password-stdin", action="store_true", help="đặt mật khẩu mới đọc từ stdin")
    p.set_defaults(handler=cmd_user_update)

    p = sub.add_parser("difficulty", help="vướng mắc trong ngày (ghi, xem)")
    dsub = p.add_subparsers(dest="difficulty_action", metavar="VIỆC", required=True)
    a = dsub.add_parser("add", help="ghi một vướng mắc")
    a.add_argument("text")
    a.add_argument("--dossier", default="", help="mã hồ sơ liên quan")
    a.add_argument("--procedure", default="", help="mã thủ tục liên quan")
    a.set_defaults(handler=cmd_difficulty_add)
    a = dsub.add_parser("list", help="các vướng mắc trong khoảng ngày")
    a.add_argument("--from", dest="start", help="từ ngày (mặc định: hôm nay)")
    a.add_argument("--to", dest="end", help="đến ngày (mặc định: như --from)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_difficulty_list)

    p = sub.add_parser("apologise", help="xin lỗi và hẹn lại ngày trả (Mẫu 04)")
    p.add_argument("code")
    p.add_argument("--new-appointment", required=True, help="thời điểm hẹn mới, ví dụ “30/11/2026 16:30”")
    p.add_argument("--reason", required=True, help="lý do quá hạn")
    p.set_defaults(handler=cmd_apologise)

    p = sub.add_parser("edit", help="sửa thông tin người nộp của hồ sơ: TRƯỜNG=GIÁ_TRỊ ...")
    p.add_argument("code")
    p.add_argument("pairs", nargs="+", metavar="TRƯỜNG=GIÁ_TRỊ")
    p.add_argument("--reason", default="", help="bắt buộc khi đã in giấy tiếp nhận")
    p.set_defaults(handler=cmd_edit)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError(what, f"“{item}” không có dạng TÊN=GIÁ_TRỊ")
        out[name.strip()] = value
    return out


def cmd_settings_show(ctx: CliContext, args: argparse.Namespace) -> int:
    values = asdict(ctx.register.settings)
    if args.json:
        ctx.print_json(values)
        return 0
    for name, value in values.items():
        print(f"{name}\t{value}")
    return 0


def cmd_settings_set(ctx: CliContext, args: argparse.Namespace) -> int:
    changes = _pairs(args.pairs, "Thiết lập")
    unknown = sorted(set(changes) - set(SETTING_NAMES))
    if unknown:
        raise ValidationError("Thiết lập", f"không có thiết lập {', '.join(unknown)}")
    settings = ctx.register.update_settings(ctx.actor(), **changes)
    values = asdict(settings)
    for name in changes:
        print(f"{name}\t{values[name]}")
    return 0


def cmd_user_update(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor()  # the actor's own password is the first line on stdin
    changes: dict[str, object] = {}
    for name in ("full_name", "role", "title"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.active is not None:
        changes["active"] = USER_ACTIVE[args.active]
    if args.password_stdin:
        changes["password"] = ctx.read_secret("Mật khẩu mới: ")
        if not changes["password"]:
            raise ValidationError("Mật khẩu", "mật khẩu mới trống")
    if not changes:
        raise ValidationError("Sửa người dùng", "chưa nêu điều gì cần sửa")
    user = ctx.register.update_user(actor, args.login, **changes)
    state = "đang dùng" if user.active else "đã khóa"
    print(f"{user.login}\t{user.full_name}\t{user.role.value}\t{user.title}\t{state}")
    return 0


def cmd_difficulty_add(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    item = register.add_difficulty(ctx.actor(), args.text, args.dossier, args.procedure)
    print(f"Đã ghi vướng mắc số {item.id}.")
    return 0


def cmd_difficulty_list(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    start = parse_date(args.start, "--from") if args.start else register.now().date()
    end = parse_date(args.end, "--to") if args.end else start
    items = register.difficulties(start, end)
    if args.json:
        ctx.print_json(
            [
                {
                    "id": d.id,
                    "at": to_db(d.at),
                    "text": d.text,
                    "user": d.user_login,
                    "user_name": d.user_name,
                    "dossier_code": d.dossier_code,
                    "procedure_code": d.procedure_code,
                }
                for d in items
            ]
        )
        return 0
    for d in items:
        about = d.dossier_code or d.procedure_code
        print(f"{fmt(d.at)}\t{d.user_name}\t{about}\t{d.text}")
    if not items:
        print("Không có vướng mắc nào trong khoảng này.")
    return 0


def cmd_apologise(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    when = parse_time(args.new_appointment, "--new-appointment")
    d = register.apologise(args.code, ctx.actor(), when, args.reason)
    print(f"{d.code}\thẹn lại {fmt(when)}")
    return 0


def cmd_edit(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    changes: dict[str, object] = dict(_pairs(args.pairs, "Sửa hồ sơ"))
    for name in ("copies", "fee_collected", "birth_year"):
        if name in changes:
            try:
                changes[name] = int(str(changes[name]).replace(".", "")) if changes[name] != "" else None
            except ValueError:
                raise ValidationError(name, f"“{changes[name]}” không phải số") from None
    d = register.edit_dossier(args.code, ctx.actor(), changes, args.reason)
    print(f"Đã sửa hồ sơ {d.code}.")
    return 0
