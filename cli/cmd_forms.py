"""Form commands: receipt, form NAME (supplement, refusal, apology, stop-notice, control-sheet, or
the configured set's numbers), register-book, guide, due-soon.

Printing a form for a dossier records it on the dossier; a reprint says so here and on the page.
"""

from __future__ import annotations

import argparse

from cli.context import CliContext
from core.errors import ValidationError
from core.timeutil import parse_date, parse_time

FORM_NAMES = ("supplement", "refusal", "apology", "stop-notice", "control-sheet")


def add_commands(sub) -> None:
    p = sub.add_parser("receipt", help="in Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) ra tệp PDF")
    p.add_argument("code")
    p.add_argument("--out", required=True, help="tệp PDF")
    p.add_argument("--copies", type=int, help="số liên (mặc định theo thiết lập, thường là 2)")
    p.set_defaults(handler=cmd_receipt)

    p = sub.add_parser(
        "form",
        help="in phiếu ra tệp PDF: supplement (Mẫu 02), refusal (03), apology (04), stop-notice (05), "
        "control-sheet (06); số mẫu theo bộ biểu mẫu đang dùng (form_set 2025 hoặc 2018)",
    )
    p.add_argument("name", metavar="MẪU", help="tên mẫu (" + ", ".join(FORM_NAMES) + ") hoặc số mẫu")
    p.add_argument("code", nargs="?", default="", help="mã hồ sơ")
    p.add_argument("--procedure", default="", help="phiếu bổ sung tại quầy: mã thủ tục")
    p.add_argument("--applicant", default="", help="phiếu bổ sung tại quầy: họ tên người nộp")
    p.add_argument("--address", default="", help="phiếu bổ sung tại quầy: địa chỉ")
    p.add_argument("--phone", default="", help="phiếu bổ sung tại quầy: số điện thoại")
    p.add_argument(
        "--missing",
        nargs="+",
        default=[],
        help="phiếu bổ sung: từng thành phần cần bổ sung, có thể kèm “| nội dung cần bổ sung”",
    )
    p.add_argument("--reason", default="", help="lý do (bổ sung, từ chối, xin lỗi)")
    p.add_argument("--new-date", default="", help="phiếu xin lỗi: thời gian hẹn trả mới (2026-12-05 16:30)")
    p.add_argument("--at", help="phiếu xin lỗi: thời điểm ghi nhận việc hẹn lại (mặc định: bây giờ)")
    p.add_argument("--aftermath", default="", help="thông báo dừng: xử lý hồ sơ, phí, lệ phí đã nộp")
    p.add_argument("--out", required=True, help="tệp PDF")
    p.set_defaults(handler=cmd_form)

    p = sub.add_parser(
        "register-book", help="xuất Sổ theo dõi hồ sơ (Mẫu 07; Mẫu 06 bộ 2018) một kỳ ra PDF hoặc xlsx"
    )
    p.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ")
    p.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ")
    p.add_argument("--field", default="", help="chỉ một lĩnh vực (ví dụ: Hộ tịch); mặc định: tất cả")
    p.add_argument("--out", required=True, help="tệp .pdf hoặc .xlsx")
    p.set_defaults(handler=cmd_register_book)

    p = sub.add_parser("guide", help="hướng dẫn thành phần hồ sơ của một thủ tục (PDF hoặc PNG)")
    p.add_argument("procedure")
    p.add_argument("--out", required=True, help="tệp .pdf hoặc .png")
    p.set_defaults(handler=cmd_guide)

    p = sub.add_parser(
        "due-soon", help="hồ sơ sắp đến hạn (trong một ngày làm việc, chưa có kết quả): gửi phiếu xin lỗi kịp"
    )
    p.add_argument("--at", help="tính tại thời điểm này (mặc định: bây giờ)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=cmd_due_soon)


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
    from reports.formset import LABELS, kind_of, number

    register = ctx.require_initialised()
    kind = kind_of(args.name, register.settings)
    if kind in ("receipt", "register"):
        raise ValidationError(
            "Mẫu", f"“{args.name}” in bằng lệnh motcua {'receipt' if kind == 'receipt' else 'register-book'}"
        )
    user = ctx.actor()
    if kind != "supplement" and not args.code:
        raise ValidationError("Mã hồ sơ", f"{LABELS[kind]} cần mã hồ sơ")
    if kind == "supplement":
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
    elif kind == "refusal":
        reprint = forms.print_refusal(register, args.code, user, args.out, args.reason)
    elif kind == "apology":
        new = parse_time(args.new_date, "--new-date") if args.new_date else None
        at = ctx.moment(args.at, "--at") if args.at else None
        reprint = forms.print_apology(register, args.code, user, args.out, new, args.reason, at=at)
    elif kind == "stop-notice":
        reprint = forms.print_stop_notice(register, args.code, user, args.out, args.aftermath)
    else:
        reprint = forms.print_control_sheet(register, args.code, user, args.out)
    n = number(kind, register.settings)
    return _report(args.out, reprint, f"{LABELS[kind].lower()}" + (f" (Mẫu {n})" if n else ""))


def cmd_register_book(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.forms import write_register_book

    start, end = parse_date(args.start, "--from"), parse_date(args.end, "--to")
    if end < start:
        raise ValidationError("Kỳ", "ngày kết thúc trước ngày bắt đầu")
    path, count = write_register_book(ctx.require_initialised(), start, end, args.out, field=args.field)
    print(f"Đã xuất sổ theo dõi hồ sơ ({count} hồ sơ) ra {path}")
    return 0


def cmd_guide(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.forms import write_guide

    register = ctx.require_initialised()
    path = write_guide(register.procedure(args.procedure), register.settings, args.out)
    print(f"Đã xuất hướng dẫn ra {path}")
    return 0


def cmd_due_soon(ctx: CliContext, args: argparse.Namespace) -> int:
    from core.timeutil import to_db
    from core.today import due_soon

    register = ctx.require_initialised()
    at = ctx.moment(args.at, "--at") if args.at else None
    items = due_soon(register, at)
    if args.json:
        ctx.print_json(
            [
                {
                    "code": d.code,
                    "applicant": d.applicant,
                    "procedure": d.procedure_name,
                    "status": d.status.value,
                    "due_at": to_db(d.due_at),
                    "new_appointment_at": to_db(d.new_appointment_at),
                    "province_code": d.province_code,
                }
                for d in items
            ]
        )
        return 0
    for d in items:
        print(f"{d.code}\t{d.due_at:%H:%M %d/%m/%Y}\t{d.applicant}\t{d.procedure_name}")
    if not items:
        print("Không có hồ sơ nào sắp đến hạn.")
    return 0
