"""Report commands: the period's figures and draft, sign-off, sending, list; day summary; roll-up.

``motcua report`` takes plain flags (the figures of a period, saved as a draft) and optional
actions after them (``sign``, ``send``, ``list``, ``show``, ``mark-sent``): argparse sub-parsers
that are not required, so both ``motcua report --preset month --json`` and
``motcua report sign 3 --user phochutich`` work. An action's own ``--user`` is stored as
``signer``/``--json`` as ``json``, so it never clobbers the global ``--user``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cli import cmd_sign
from cli.context import CliContext
from core import reporting as rp
from core.errors import MotCuaError, ValidationError
from core.periods import PRESETS, Period, default_preset, preset_period
from core.stats import TOTAL_LABEL, Table, day_summary
from core.timeutil import fmt_vn, parse_date

# Short headings for the terminal (the workbook carries the full ones of form II.06a).
COLUMNS = (
    ("received_total", "Nhận"),
    ("received_online", "Tr.tuyến"),
    ("received_direct", "Tr.tiếp"),
    ("carried_over", "Kỳ trước"),
    ("resolved_total", "Đã GQ"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("pending_total", "Đang GQ"),
    ("pending_in_time", "Trong hạn"),
    ("pending_overdue", "Quá hạn"),
)


def add_commands(sub) -> None:
    p = sub.add_parser(
        "report",
        help="báo cáo tình hình giải quyết TTHC: số liệu, bản nháp, ký duyệt, gửi",
        description="Không có hành động: tính số liệu của kỳ và lưu bản nháp báo cáo (--no-save: chỉ xem).",
    )
    p.add_argument(
        "--from", dest="date_from", metavar="NGÀY", help="ngày đầu kỳ (2026-11-01 hoặc 01/11/2026)"
    )
    p.add_argument("--to", dest="date_to", metavar="NGÀY", help="ngày cuối kỳ")
    p.add_argument("--preset", choices=PRESETS, help="kỳ có sẵn (mặc định: tháng theo thiết lập)")
    p.add_argument(
        "--date", dest="ref_date", metavar="NGÀY", help="kỳ có sẵn chứa ngày này (mặc định hôm nay)"
    )
    p.add_argument("--json", action="store_true", help="in số liệu dạng JSON")
    p.add_argument("--out", metavar="TỆP.xlsx", help="ghi bảng báo cáo (bản nháp) ra tệp Excel")
    p.add_argument("--highlights", help="kết quả nổi bật")
    p.add_argument("--difficulties", help="khó khăn, vướng mắc (mặc định: các vướng mắc ghi trong kỳ)")
    p.add_argument("--proposals", help="đề xuất, kiến nghị")
    p.add_argument("--no-save", action="store_true", help="chỉ tính số liệu, không lưu bản nháp")
    p.set_defaults(handler=cmd_report)
    rsub = p.add_subparsers(dest="report_action", metavar="HÀNH_ĐỘNG", parser_class=type(p))

    a = rsub.add_parser("sign", help="Phó Chủ tịch ký duyệt báo cáo (mật khẩu đọc từ stdin)")
    a.add_argument("id", type=int)
    a.add_argument("--user", dest="signer", metavar="TÊN_ĐĂNG_NHẬP", help="Phó Chủ tịch ký duyệt")
    a.set_defaults(handler=cmd_report_sign)
    cmd_sign.add_key_options(a)  # --pkcs12 / --pkcs11-lib: the digital signature (cli/cmd_sign.py)

    a = rsub.add_parser("send", help="gửi báo cáo đã ký qua máy chủ thư, hoặc lưu tệp .eml")
    a.add_argument("id", type=int)
    a.add_argument("--eml", metavar="TỆP.eml", help="chỉ lưu thư nháp .eml (mở bằng Outlook/Thunderbird)")
    a.set_defaults(handler=cmd_report_send)

    a = rsub.add_parser("list", help="các báo cáo đã lập: trạng thái, phiên bản")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_report_list)

    a = rsub.add_parser("show", help="xem một báo cáo: số liệu, ký duyệt, lần gửi")
    a.add_argument("id", type=int)
    a.add_argument("--json", action="store_true")
    a.add_argument("--out", metavar="TỆP.xlsx", help="ghi bảng báo cáo ra tệp Excel")
    a.set_defaults(handler=cmd_report_show)

    a = rsub.add_parser("mark-sent", help="đánh dấu đã gửi (đã gửi tệp .eml bằng chương trình thư)")
    a.add_argument("id", type=int)
    a.set_defaults(handler=cmd_report_mark_sent)
    cmd_sign.add_report_actions(rsub)  # report pdf

    p = sub.add_parser("day-summary", help="tổng hợp cuối ngày: số liệu và vướng mắc trong ngày")
    p.add_argument("--date", dest="day", metavar="NGÀY", help="ngày (mặc định hôm nay)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", metavar="TỆP.xlsx", help="ghi bảng tổng hợp ra tệp Excel")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="gửi qua máy chủ thư tới địa chỉ nhận báo cáo")
    how.add_argument("--eml", metavar="TỆP.eml", help="lưu thư nháp .eml")
    p.set_defaults(handler=cmd_day_summary)

    p = sub.add_parser(
        "consolidate", help="tổng hợp báo cáo của các phường (tệp Excel) thành bảng của thành phố"
    )
    p.add_argument("files", nargs="+", metavar="TỆP.xlsx|TỆP.pdf")
    p.add_argument("--out", required=True, metavar="TỆP.xlsx")
    p.add_argument("--trust", metavar="THƯ_MỤC", help="thư mục chứng thư gốc tin cậy (kiểm tra PDF ký số)")
    p.add_argument("--require-signature", action="store_true", help="loại phường không có tệp PDF ký số")
    p.add_argument("--issuer", default="", metavar="CƠ_QUAN", help="cơ quan tổng hợp (UBND thành phố Hà Nội)")
    p.add_argument("--place", default="", metavar="ĐỊA_DANH", help="địa danh ở dòng ngày tháng")
    p.set_defaults(handler=cmd_consolidate)


# --- report: figures and the draft ---------------------------------------------------------------
def chosen_period(ctx: CliContext, args: argparse.Namespace) -> Period:
    """--from/--to, or --preset (around --date), or the default month of the settings."""
    register = ctx.register
    if args.date_from or args.date_to:
        if args.preset:
            raise ValidationError("Kỳ báo cáo", "chọn --preset hoặc --from/--to, không cả hai")
        if not (args.date_from and args.date_to):
            raise ValidationError("Kỳ báo cáo", "cần cả --from và --to")
        return Period(parse_date(args.date_from, "--from"), parse_date(args.date_to, "--to"))
    ref = parse_date(args.ref_date, "--date") if args.ref_date else register.now().date()
    return preset_period(args.preset or default_preset(register.settings.default_period), ref)


def cmd_report(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    period = chosen_period(ctx, args)
    notes = {k: getattr(args, k) for k in rp.NOTE_FIELDS if getattr(args, k) is not None}
    rp.clean_notes(**notes)  # a refused note must not leave a draft behind
    if args.no_save:
        if notes:
            raise ValidationError("--no-save", "không lưu thì không ghi được phần nội dung")
        from core.stats import compute

        report = rp.Report(
            id=None, table=compute(register, period), agency_code=register.settings.agency_code
        )
    else:
        user = ctx.actor()
        report = rp.prepare(register, user, period)
        if notes:
            report = rp.save_notes(register, user, report.id, **notes)
    # The file first: "report ... --out F | head" may close stdout before the table is printed.
    written = write_workbook(register, report, Path(args.out)) if args.out else None
    info = sys.stderr if args.json else sys.stdout
    if args.json:
        ctx.print_json(report.table.to_json())
    else:
        print_table(report.table)
    if report.id is not None:
        print(describe(report), file=info)
        if report.supersedes and not report.is_signed:
            older = rp.get(register, report.supersedes)
            changes = rp.differences(older.table, report.table)
            print("Số liệu khác bản đã ký: " + ("; ".join(changes) or "không"), file=info)
        if not report.is_signed:
            print(f"Ký duyệt: motcua report sign {report.id} --user <tên đăng nhập Phó Chủ tịch>", file=info)
    if written:
        print(f"Đã ghi {written}", file=info)
    return 0


def print_table(table: Table) -> None:
    print(f"Kỳ báo cáo: {table.period.label} (số liệu tính đến {fmt_vn(table.cutoff)})")
    width = max([len(TOTAL_LABEL), 8, *(len(r.field) for r in table.rows)])
    print(f"{'Lĩnh vực':<{width}}  " + " ".join(f"{h:>9}" for _, h in COLUMNS))
    for name, figures in [*((r.field, r.figures) for r in table.rows), (TOTAL_LABEL, table.total)]:
        values = figures.to_dict()
        print(f"{name:<{width}}  " + " ".join(f"{values[k]:>9}" for k, _ in COLUMNS))


def describe(report: rp.Report) -> str:
    """One or two lines: number, version, status, sign-off and fingerprint."""
    text = f"Báo cáo số {report.id}, phiên bản {report.version}"
    if report.supersedes:
        text += f" (thay thế báo cáo số {report.supersedes})"
    text += f": {report.status_label}"
    if report.is_signed:
        text += (
            f"; ký duyệt bởi {report.signed_by_name} ({report.signed_by_title}) "
            f"lúc {fmt_vn(report.signed_at)}"
            f"\nDấu vân tay SHA-256: {report.fingerprint}"
        )
    if report.sent_at:
        text += f"\nĐã gửi lúc {fmt_vn(report.sent_at)}"
    return text


def write_workbook(register, report: rp.Report, path: Path) -> Path:
    from reports.workbook import report_workbook

    path = _xlsx_path(path)
    from core.indicators import compute as compute_indicators

    ward_indicators = compute_indicators(register, report.period)  # the short second table
    path.write_bytes(report_workbook(report, register.settings, ward_indicators))
    return path


def _xlsx_path(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise ValidationError("--out", f"tệp “{path.name}” phải có đuôi .xlsx")
    return path


# --- report actions -------------------------------------------------------------------------------
def cmd_report_sign(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    login = args.signer or ctx.args.user or os.environ.get("MOTCUA_USER")
    if not login:
        raise ValidationError("--user", "cần tên đăng nhập của Phó Chủ tịch ký duyệt")
    password = ctx.read_secret(f"Mật khẩu của {login}: ")
    report = rp.sign(register, args.id, login, password)
    print(f"Đã ký duyệt báo cáo kỳ {report.period.short}.")
    print(describe(report))
    print(chain_head_line(register, report))
    return 0


def chain_head_line(register, report: rp.Report) -> str:
    """The audit chain's head at the sign-off, to keep with the report (it outlives the file)."""
    from core.tamper import sign_head

    head = sign_head(register.store, report.id)
    return f"Đầu chuỗi nhật ký lúc ký: {head} (kiểm tra sau này: motcua audit verify --known {head})"


def smtp_password(ctx: CliContext) -> str | None:
    """The SMTP password: from the credential store, else one line from stdin (no echo on a terminal).

    None when the server needs no login; a missing password is left for the send to refuse
    (and log) with its own Vietnamese reason.
    """
    from core.credentials import CredentialError, get_smtp_password

    settings = ctx.register.settings
    if not (settings.smtp_user.strip() and settings.smtp_host.strip()):
        return None
    try:
        password = get_smtp_password(settings)
    except CredentialError:  # no credential store on this machine: ask instead of stopping
        password = None
    if password is None:
        password = ctx.read_secret(f"Mật khẩu hộp thư {settings.smtp_user}: ")
    return password or None


def cmd_report_send(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.dispatch import send_report

    register = ctx.require_initialised()
    rp.check_sendable(rp.get(register, args.id))  # before asking for a password
    actor = ctx.actor()  # the person's own password first on stdin, then the mailbox's
    password = None if args.eml else smtp_password(ctx)
    eml = Path(args.eml) if args.eml else None
    outcome = send_report(register, actor, args.id, eml=eml, password=password)
    if outcome.path:
        print(f"Đã lưu thư nháp {outcome.path} (gửi tới: {outcome.recipients or 'chưa có địa chỉ'}).")
        print(f"Sau khi gửi bằng chương trình thư: motcua report mark-sent {args.id}")
    else:
        print(f"Đã gửi báo cáo số {args.id} tới {outcome.recipients}.")
    return 0


def cmd_report_list(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.register
    reports = rp.list_reports(register)
    counts = rp.send_counts(register)
    if args.json:
        ctx.print_json([{**rp.report_json(r), "send_attempts": counts.get(r.id, (0, 0))[0]} for r in reports])
        return 0
    if not reports:
        print("Chưa có báo cáo nào.")
    for r in reports:
        attempts, good = counts.get(r.id, (0, 0))
        line = f"{r.id}\t{r.period.short}\tv{r.version}\t{r.status_label}"
        if r.superseded_by:
            line += f" (đã có phiên bản mới: số {r.superseded_by})"
        if r.is_signed:
            line += f"\t{r.signed_by_name}\t{(r.fingerprint or '')[:16]}"
        if attempts:
            line += f"\tgửi {good}/{attempts} lần thành công"
        print(line)
    return 0


def cmd_report_show(ctx: CliContext, args: argparse.Namespace) -> int:
    from core.tamper import report_problems

    register = ctx.register
    report = rp.get(register, args.id)
    log = rp.sends(register, args.id)
    check = rp.check_live(register, report) if report.is_signed and report.is_latest else None
    forged = report_problems(register.store, report)  # named after the report is shown
    if args.json:
        data = {**rp.report_json(report, log), "table": report.table.to_json()}
        if check is not None:
            data["live_differs"] = check.differs
            data["live_changes"] = list(check.changes)
        ctx.print_json(data)
    else:
        print_table(report.table)
        print(describe(report))
        if report.is_signed:
            print(chain_head_line(register, report))
        for label, text in zip(
            rp.NOTE_LABELS.values(), (report.highlights, report.difficulties, report.proposals), strict=True
        ):
            print(f"{label}:\n{text or '(trống)'}")
        for s in log:
            result = "thành công" if s.ok else f"lỗi: {s.error}"
            to = s.recipients or "(chưa có địa chỉ)"
            print(f"Gửi {fmt_vn(s.at)} ({s.method}, {s.user_login}) tới {to}: {result}")
        if check is not None and check.differs:
            print(
                check.message
                + f" Lập phiên bản mới: motcua report --from {report.period.start} --to {report.period.end}"
            )
    if getattr(args, "out", None):
        path = write_workbook(register, report, Path(args.out))
        print(f"Đã ghi {path}", file=sys.stderr if args.json else sys.stdout)
    for problem in forged:
        print(f"CẢNH BÁO: {problem}.", file=sys.stderr)
    return 2 if forged else 0


def cmd_report_mark_sent(ctx: CliContext, args: argparse.Namespace) -> int:
    report = rp.mark_sent(ctx.require_initialised(), ctx.actor(), args.id)
    print(describe(report))
    return 0


# --- end-of-day summary -----------------------------------------------------------------------------
def cmd_day_summary(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    day = parse_date(args.day, "--date") if args.day else None
    summary = day_summary(register, day)
    info = sys.stderr if args.json else sys.stdout
    if args.json:
        ctx.print_json(summary.to_json())
    else:
        print_day(summary)
    if args.out:
        from reports.workbook import day_summary_workbook

        path = _xlsx_path(Path(args.out))
        path.write_bytes(day_summary_workbook(summary, register.settings))
        print(f"Đã ghi {path}", file=info)
    if args.send or args.eml:
        from reports.dispatch import send_day_summary

        actor = ctx.actor()  # the person's own password first on stdin, then the mailbox's
        password = None if args.eml else smtp_password(ctx)
        outcome = send_day_summary(
            register, actor, summary, eml=Path(args.eml) if args.eml else None, password=password
        )
        if outcome.path:
            print(f"Đã lưu thư nháp {outcome.path}", file=info)
        else:
            print(f"Đã gửi tổng hợp ngày {summary.day:%d/%m/%Y} tới {outcome.recipients}.", file=info)
    return 0


def print_day(summary) -> None:
    print(f"Tổng hợp ngày {summary.day:%d/%m/%Y} (tính đến {fmt_vn(summary.at)})")
    print(f"Tiếp nhận trong ngày: {summary.received}")
    for name, count in summary.received_by_field:
        print(f"  {name}: {count}")
    print(f"Có kết quả trong ngày: {summary.resolved}")
    print(f"Đã trả kết quả trong ngày: {summary.returned}")
    print(f"Đến hạn ngày làm việc tiếp theo ({summary.next_working_day:%d/%m/%Y}): {summary.due_next}")
    print(f"Quá hạn, chưa có kết quả: {summary.overdue}")
    print("Khó khăn, vướng mắc:" if summary.difficulties else "Không có vướng mắc được ghi nhận.")
    for d in summary.difficulties:
        about = f" [{d.procedure_code} {d.procedure_name}]".rstrip() if d.procedure_code else ""
        print(f"  {d.at:%H:%M} {d.text}{about} ({d.user_name})")


# --- city roll-up -----------------------------------------------------------------------------------
def cmd_consolidate(ctx: CliContext, args: argparse.Namespace) -> int:
    """Roll up the wards' workbooks; a refused file is named with its reason, the good ones go in.

    Exit 0 when at least one report rolled up (refused files listed), 2 when none did.
    """
    from reports.consolidate import consolidate, write_city_workbook

    out = _xlsx_path(Path(args.out))
    roots, issuer, place = cmd_sign.consolidate_options(ctx, args)
    result = consolidate(
        [Path(f) for f in args.files], trust_roots=roots, require_signature=args.require_signature
    )
    if not result.accepted:
        print(result.message(), file=sys.stderr)
        raise MotCuaError("Không có báo cáo hợp lệ nào để tổng hợp; chưa ghi tệp.")
    write_city_workbook(result, out, issuer=issuer, place=place)
    print(result.message())
    print(f"Đã ghi {out}")
    return 0
