"""Form commands: receipt (Mẫu 01), form 02-05, register-book (Mẫu 06), guide.

Printing a form for a dossier records it on the dossier; a reprint says so here and on the page.
"""

from __future__ import annotations

import argparse

from cli.context import CliContext
from core.errors import ValidationError
from core.timeutil import parse_date, parse_time


def add_commands(sub) -> None:
    p = sub.add_parser("receipt", help="in Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) ra tệp PDF")
    p.add_argument("code")
    p.add_argument("--out", required=True, help="tệp PDF")
    p.add_argument("--copies", type=int, help="số liên (mặc định theo thiết lập, thường là 2)")
    p.set_defaults(handler=cmd_receipt)

    p = sub.add_parser("form", help="in phiếu Mẫu 02, 03, 04, 05 ra tệp PDF")
    p.add_argument("number", choices=["02", "03", "04", "05"], help="số mẫu")
    p.add_argument("code", nargs="?", default="", help="mã hồ sơ")
    p.add_argument("--procedure", default="", help="Mẫu 02 tại quầy: mã thủ tục")
    p.add_argument("--applicant", default="", help="Mẫu 02 tại quầy: họ tên người nộp")
    p.add_argument("--address", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--missing", nargs="+", default=[], help="Mẫu 02: thành phần hồ sơ cần bổ sung")
    p.add_argument("--reason", default="", help="lý do (Mẫu 02, 03, 04)")
    p.add_argument("--new-date", default="", help="Mẫu 04: thời gian hẹn trả mới (2026-12-05 16:30)")
    p.add_argument("--out", required=True, help="tệp PDF")
    p.set_defaults(handler=cmd_form)

    p = sub.add_parser("register-book", help="xuất Sổ theo dõi hồ sơ (Mẫu 06) một kỳ ra PDF hoặc xlsx")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--out", required=True, help="tệp .pdf hoặc .xlsx")
    p.set_defaults(handler=cmd_register_book)

    p = sub.add_parser("guide", help="hướng dẫn thành phần hồ sơ của một thủ tục (PDF hoặc PNG)")
    p.add_argument("procedure")
    p.add_argument("--out", required=True, help="tệp .pdf hoặc .png")
    p.set_defaults(handler=cmd_guide)


def _report(out: str, reprint: bool, what: str) -> int:
    print(f"Đã in {what} ra {out}" + (" (bản in lại)" if reprint else ""))
    return 0


def cmd_receipt(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.forms import print_receipt

    if args.copies is not None and not 1 <= args.copies <= 9:
        raise ValidationError("Số liên", "phải từ 1 đến 9")
    register = ctx.require_initialised()
    reprint = print_receipt(register, args.code, ctx.actor(), args.out, copies=args.copies)
    return _report(args.out, reprint, "giấy tiếp nhận hồ sơ")


def cmd_form(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports import forms

    register = ctx.require_initialised()
    user = ctx.actor()
    if args.number != "02" and not args.code:
        raise ValidationError("Mã hồ sơ", f"Mẫu {args.number} cần mã hồ sơ")
    if args.number == "02":
        reprint = forms.print_supplement(
            register,
            user,
            args.out,
            code=args.code,
            procedure=args.procedure,
            applicant=args.applicant,
            missing=args.missing,
            reason=args.reason,
            address=args.address,
            phone=args.phone,
        )
    elif args.number == "03":
        reprint = forms.print_refusal(register, args.code, user, args.out, args.reason)
    elif args.number == "04":
        new = parse_time(args.new_date, "--new-date") if args.new_date else None
        reprint = forms.print_apology(register, args.code, user, args.out, new, args.reason)
    else:
        reprint = forms.print_control_sheet(register, args.code, user, args.out)
    return _report(args.out, reprint, f"Mẫu {args.number}")


def cmd_register_book(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.forms import write_register_book

    start, end = parse_date(args.start, "--from"), parse_date(args.end, "--to")
    if end < start:
        raise ValidationError("Kỳ", "ngày kết thúc trước ngày bắt đầu")
    path, count = write_register_book(ctx.require_initialised(), start, end, args.out)
    print(f"Đã xuất sổ theo dõi hồ sơ ({count} hồ sơ) ra {path}")
    return 0


def cmd_guide(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.forms import write_guide

    register = ctx.require_initialised()
    path = write_guide(register.procedure(args.procedure), register.settings, args.out)
    print(f"Đã xuất hướng dẫn ra {path}")
    return 0
