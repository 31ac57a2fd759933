"""Register commands: init, demo, user, procedures, intake, life-cycle steps, show, search,
due-date, calendar."""

from __future__ import annotations

import argparse

from cli.context import CliContext
from core import users as users_mod
from core.catalogue import import_procedures
from core.jsonview import dossier_json, procedure_json
from core.lifecycle import STEPS
from core.model import Channel, IdKind, IntakeForm, Payment, Role
from core.timeutil import fmt, parse_date, parse_time

CHANNELS = [c.value for c in Channel]


def add_commands(sub) -> None:
    p = sub.add_parser("init", help="thiết lập cơ sở dữ liệu mới (tên phường, mã cơ quan)")
    p.add_argument("--ward-name", required=True)
    p.add_argument("--agency-code", required=True)
    p.add_argument(
        "--report-to",
        metavar="CƠ_QUAN",
        help="cơ quan nhận báo cáo (ví dụ: Văn phòng UBND thành phố Hà Nội); không phải địa chỉ email: "
        "email nhận báo cáo đặt bằng motcua settings set report_recipients",
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="điền dữ liệu mẫu vào cơ sở dữ liệu")
    p.add_argument("--dossiers", type=int, default=600)
    p.add_argument("--days", type=int, default=120)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("user", help="người dùng")
    usub = p.add_subparsers(dest="user_command", required=True)
    a = usub.add_parser("add", help="thêm người dùng (mật khẩu đọc từ stdin)")
    a.add_argument("login")
    a.add_argument("--role", required=True, choices=[r.value for r in Role])
    a.add_argument("--full-name", required=True)
    a.add_argument("--title", default="")
    a.set_defaults(handler=cmd_user_add)
    a = usub.add_parser("list", help="danh sách người dùng")
    a.set_defaults(handler=cmd_user_list)

    p = sub.add_parser("procedures", help="danh mục thủ tục")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_procedures)
    psub = p.add_subparsers(dest="procedures_command")
    a = psub.add_parser("import", help="thêm/cập nhật thủ tục từ tệp csv/xlsx")
    a.add_argument("file")
    a.set_defaults(handler=cmd_procedures_import)

    p = sub.add_parser("intake", help="tiếp nhận hồ sơ; in mã hồ sơ")
    p.add_argument("--procedure", required=True)
    p.add_argument("--applicant", required=True)
    p.add_argument("--organisation", action="store_true", help="người nộp là tổ chức")
    p.add_argument("--id-kind", choices=[k.value for k in IdKind], default=None)
    p.add_argument("--id-number", default="")
    p.add_argument("--birth-year", type=int)
    p.add_argument("--phone", default="")
    p.add_argument("--address", default="")
    p.add_argument("--email", default="")
    p.add_argument("--channel", choices=CHANNELS, default="truc-tiep")
    p.add_argument("--copies", type=int, default=1)
    p.add_argument("--fee", type=int, default=0, help="lệ phí đã thu (đồng)")
    p.add_argument("--payment", choices=[m.value for m in Payment], help="hình thức nộp phí, lệ phí")
    p.add_argument(
        "--reused",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="thành phần số N tái sử dụng từ dữ liệu quốc gia, không phải quét (lặp lại được)",
    )
    p.add_argument("--document", action="append", default=[], help="thành phần hồ sơ đã nhận")
    p.add_argument("--by-post", action="store_true", help="đăng ký nhận kết quả qua bưu chính")
    p.add_argument(
        "--delivery", choices=["tai-quay", "buu-chinh", "truc-tuyen"], help="phương thức nhận kết quả"
    )
    p.add_argument("--authorised-name", default="", help="người nộp thay (được ủy quyền): họ tên")
    p.add_argument("--authorised-id", default="", help="người nộp thay: số định danh cá nhân")
    p.add_argument("--authorised-relation", default="", help="người nộp thay: quan hệ với người có yêu cầu")
    p.add_argument("--province-code", default="", help="mã hồ sơ trên hệ thống một cửa của tỉnh (nếu có)")
    p.add_argument("--note", default="")
    p.add_argument("--at")
    p.add_argument("--clerk")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_intake)

    for action in ("handover", "resolve", "return", "withdraw", "stop", "refuse"):
        p = sub.add_parser(action, help=STEPS[action].label)
        p.add_argument("code")
        p.add_argument("--at")
        p.add_argument("--note", default="")
        if action == "handover":
            p.add_argument("--to", dest="to_officer", default="")
        if action == "resolve":
            p.add_argument("--signed-by", default="")
        if action == "return":
            p.add_argument("--receiver", default="")
            p.add_argument("--satisfaction", choices=["khong-hai-long", "hai-long", "rat-hai-long"])
        if action in ("refuse", "stop"):
            p.add_argument("--reason", default="", help="lý do (in trên phiếu)")
        if action == "stop":
            p.add_argument("--notice", metavar="TỆP.pdf", help="in Thông báo dừng giải quyết hồ sơ (Mẫu 05)")
        p.set_defaults(handler=cmd_step, action=action)

    p = sub.add_parser("supplement", help="yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)")
    p.add_argument("code")
    p.add_argument("--reason", required=True)
    p.add_argument("--missing", nargs="*", default=[])
    p.add_argument("--at")
    p.set_defaults(handler=cmd_step, action="supplement", note="")
    p = sub.add_parser("supplement-received", help="nhận hồ sơ bổ sung (tiếp tục tính thời hạn)")
    p.add_argument("code")
    p.add_argument("--at")
    p.add_argument("--note", default="")
    p.set_defaults(handler=cmd_step, action="supplement-received")

    p = sub.add_parser("show", help="xem một hồ sơ")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("search", help="tìm hồ sơ (không phân biệt dấu)")
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("due-date", help="tính thời điểm hẹn trả")
    p.add_argument("--procedure", required=True)
    p.add_argument("--at", required=True)
    p.set_defaults(handler=cmd_due_date)

    p = sub.add_parser("calendar", help="lịch làm việc: ngày nghỉ, ngày làm bù")
    csub = p.add_subparsers(dest="calendar_command", required=True)
    for name, working, helptext in (
        ("add-holiday", False, "thêm ngày nghỉ"),
        ("add-workday", True, "thêm ngày làm việc (làm bù)"),
    ):
        a = csub.add_parser(name, help=helptext)
        a.add_argument("date")
        a.add_argument("--note", default="")
        a.set_defaults(handler=cmd_calendar_add, working=working)
    a = csub.add_parser("remove", help="bỏ điều chỉnh của một ngày")
    a.add_argument("date")
    a.set_defaults(handler=cmd_calendar_remove)
    a = csub.add_parser("list", help="các ngày nghỉ lễ và điều chỉnh trong năm")
    a.add_argument("--year", type=int)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_calendar_list)


def cmd_init(ctx: CliContext, args: argparse.Namespace) -> int:
    s = ctx.register.initialise(args.ward_name, args.agency_code, args.report_to, user=ctx.actor())
    count = len(ctx.register.procedures())
    print(f"Đã thiết lập {s.ward_name} (mã {s.agency_code}); danh mục có {count} thủ tục.")
    return 0


def cmd_demo(ctx: CliContext, args: argparse.Namespace) -> int:
    from core.demo import DEMO_PASSWORD, make_demo

    if ctx.register.store.count_users():  # demo users have a known password: an admin's choice
        users_mod.require(ctx.actor(), Role.ADMIN, action="thêm dữ liệu mẫu vào sổ đã có người dùng")
    if ctx.register.store.dossier_count() and ctx.register.is_initialised:
        print("Cơ sở dữ liệu đã có hồ sơ; thêm dữ liệu mẫu vào cùng.")
    result = make_demo(ctx.register, dossiers=args.dossiers, days=args.days)
    print(f"Đã tạo {result.dossiers} hồ sơ mẫu.")
    if result.users:
        print(f"Người dùng mẫu: {', '.join(result.users)} (mật khẩu: {DEMO_PASSWORD})")
    return 0


def cmd_user_add(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor()  # the admin's password comes first on stdin, then the new user's
    password = ctx.read_secret()
    user = ctx.register.add_user(actor, args.login, args.full_name, args.role, password, args.title)
    print(f"Đã thêm {user.login} ({user.full_name}, {user.role.label}).")
    return 0


def cmd_user_list(ctx: CliContext, args: argparse.Namespace) -> int:
    for u in ctx.register.users():
        state = "" if u.active else " (đã khóa)"
        print(f"{u.login}\t{u.full_name}\t{u.role.value}{state}")
    return 0


def cmd_procedures(ctx: CliContext, args: argparse.Namespace) -> int:
    procedures = ctx.register.procedures()
    if args.json:
        ctx.print_json([procedure_json(p) for p in procedures])
        return 0
    for p in procedures:
        print(f"{p.code}\t{p.working_days} ngày\t{p.field}\t{p.name}")
    return 0


def cmd_procedures_import(ctx: CliContext, args: argparse.Namespace) -> int:
    result = import_procedures(ctx.register, ctx.actor(), args.file)
    print(result.summary())
    for error in result.errors:
        print(error)
    return 0


def _at(ctx: CliContext, value: str | None):
    return ctx.moment(value, "--at")  # not in the future, not before 2000


def cmd_intake(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    kind = "organisation" if args.organisation else "person"
    id_kind = args.id_kind or ("tax_code" if args.organisation else "cccd")
    form = IntakeForm(
        procedure_code=args.procedure,
        applicant=args.applicant,
        applicant_kind=kind,
        id_kind=IdKind(id_kind),
        id_number=args.id_number,
        birth_year=args.birth_year,
        phone=args.phone,
        address=args.address,
        email=args.email,
        channel=Channel(args.channel),
        copies=args.copies,
        documents=tuple(args.document),
        fee_collected=args.fee,
        payment=args.payment,
        reused_documents=tuple(args.reused),
        return_by_post=args.by_post,
        note=args.note,
        result_delivery=args.delivery,
        authorised_name=args.authorised_name,
        authorised_id=args.authorised_id,
        authorised_relation=args.authorised_relation,
        province_code=args.province_code,
    )
    dossier = register.intake(form, ctx.actor(args.clerk), at=_at(ctx, args.at))
    if args.json:
        ctx.print_json(dossier_json(dossier))
    else:
        print(dossier.code)
    return 0


def cmd_step(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    details = {}
    for key in ("to_officer", "signed_by", "satisfaction", "missing"):
        if getattr(args, key, None):
            details[key] = getattr(args, key)
    if getattr(args, "receiver", None):
        details["receiver_name"] = args.receiver
    note = getattr(args, "reason", "") or args.note
    actor = ctx.actor()
    d = register.apply(args.code, args.action, actor, at=_at(ctx, args.at), note=note, **details)
    print(f"{d.code}\t{d.status.value}\t{d.status.label}")
    if getattr(args, "notice", None):
        from reports.forms import print_stop_notice

        print_stop_notice(register, d.code, actor, args.notice)
        print(f"Đã in thông báo dừng giải quyết hồ sơ (Mẫu 05) ra {args.notice}")
    return 0


def cmd_show(ctx: CliContext, args: argparse.Namespace) -> int:
    d = ctx.register.dossier(args.code)
    if args.json:
        ctx.print_json(dossier_json(d, with_events=True))
        return 0
    print(
        f"Mã hồ sơ: {d.code}\nThủ tục: {d.procedure_name} ({d.procedure_code})\n"
        f"Người nộp: {d.applicant}\nTrạng thái: {d.status.label}\n"
        f"Tiếp nhận: {fmt(d.received_at)}\nHẹn trả: {fmt(d.due_at)}"
    )
    for e in d.events:
        print(f"  {fmt(e.at)}  {e.kind.label}  {e.user_name}  {e.note}".rstrip())
    return 0


def cmd_search(ctx: CliContext, args: argparse.Namespace) -> int:
    hits = ctx.register.search(args.text, limit=args.limit)
    if args.json:
        ctx.print_json([dossier_json(d) for d in hits])
        return 0
    for d in hits:
        print(f"{d.code}\t{d.applicant}\t{d.status.label}\t{fmt(d.received_at)}")
    if not hits:
        print("Không tìm thấy hồ sơ nào.")
    return 0


def cmd_due_date(ctx: CliContext, args: argparse.Namespace) -> int:
    print(fmt(ctx.register.due_for(args.procedure, parse_time(args.at, "--at"))))
    return 0


def cmd_calendar_add(ctx: CliContext, args: argparse.Namespace) -> int:
    day = parse_date(args.date, "Ngày")
    moved = ctx.register.set_override(ctx.actor(), day, args.working, args.note)
    kind = "ngày làm việc" if args.working else "ngày nghỉ"
    print(f"Đã đặt {day:%d/%m/%Y} là {kind}; {moved} hồ sơ đang giải quyết được tính lại hạn.")
    return 0


def cmd_calendar_remove(ctx: CliContext, args: argparse.Namespace) -> int:
    day = parse_date(args.date, "Ngày")
    moved = ctx.register.remove_override(ctx.actor(), day)
    print(f"Đã bỏ điều chỉnh ngày {day:%d/%m/%Y}; {moved} hồ sơ được tính lại hạn.")
    return 0


def cmd_calendar_list(ctx: CliContext, args: argparse.Namespace) -> int:
    from datetime import date

    from core.workcalendar import _vn_holidays

    year = args.year or ctx.register.now().year
    overrides = {o.day: o for o in ctx.register.store.overrides(year)}
    days = {d: name for d, name in _vn_holidays(year).items()}
    items = []
    for day in sorted(set(days) | set(overrides)):
        o = overrides.get(day)
        kind = ("làm bù" if o.working else "nghỉ (điều chỉnh)") if o else "nghỉ lễ"
        items.append(
            {
                "date": day.isoformat(),
                "kind": kind,
                "working": ctx.register.calendar.is_working_day(day),
                "note": (o.note if o else "") or days.get(day, ""),
            }
        )
    if args.json:
        ctx.print_json(items)
        return 0
    for item in items:
        print(f"{date.fromisoformat(item['date']):%d/%m/%Y}\t{item['kind']}\t{item['note']}")
    return 0
