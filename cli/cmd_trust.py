"""Trust commands: ``audit verify``, ``audit list``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from cli.context import CliContext
from core import audit
from core import backup as backup_mod
from core.errors import MotCuaError


def add_commands(sub) -> None:
    p = sub.add_parser("audit", help="nhật ký thay đổi (kiểm tra toàn vẹn, xem)")
    asub = p.add_subparsers(dest="audit_command", required=True)
    a = asub.add_parser("verify", help="kiểm tra chuỗi băm của nhật ký: mục nào bị sửa/xóa")
    a.add_argument(
        "--known", action="append", default=[], metavar="SỐ_MỤC:BĂM",
        help="đầu chuỗi in trên một báo cáo đã ký: nhật ký phải còn đúng mục đó",
    )  # fmt: skip
    a.set_defaults(handler=cmd_audit_verify)
    a = asub.add_parser("list", help="xem các mục nhật ký mới nhất")
    a.add_argument("--entity", help="dossier, user, settings, procedure, calendar_override ...")
    a.add_argument("--key", help="mã hồ sơ, tên đăng nhập, mã thủ tục, ngày ...")
    a.add_argument("--limit", type=int, default=50)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_audit_list)

    p = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu (kiểm tra toàn vẹn bản sao)")
    p.add_argument("--to", dest="to_dir", help="thư mục sao lưu (mặc định: thiết lập hoặc thư mục dữ liệu)")
    p.add_argument("--list", action="store_true", help="chỉ liệt kê các bản sao lưu")
    p.add_argument(
        "--manual", action="store_true",
        help="bản thủ công (như “Sao lưu ngay”): giữ bên cạnh bản hằng ngày, không thay bản đó",
    )  # fmt: skip
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="khôi phục từ bản sao lưu (giữ lại cơ sở dữ liệu hiện tại)")
    p.add_argument("file")
    p.set_defaults(handler=cmd_restore)


def cmd_audit_verify(ctx: CliContext, args: argparse.Namespace) -> int:
    verdict = audit.verify(ctx.register.store)
    damaged_files = ctx.register.verify_files()  # every scan present and matching its SHA-256
    for problem in damaged_files:
        print(f"Tệp đính kèm KHÔNG toàn vẹn: {problem.message}", file=sys.stderr)
    if verdict.ok:
        found = _rows_and_heads(ctx, args)  # rows against their seals, the chain against backups
        for problem in found.problems:
            print(f"Dữ liệu KHÔNG toàn vẹn: {problem}.", file=sys.stderr)
        if found.problems:
            return 2
        print(f"Nhật ký toàn vẹn: {verdict.checked} mục")
        return 2 if damaged_files else 0
    print(
        f"Nhật ký KHÔNG toàn vẹn: {verdict.problem}. Mục đầu tiên bị sửa/xóa: {verdict.first_bad_id} "
        f"({verdict.checked} mục trước đó vẫn đúng).",
        file=sys.stderr,
    )
    return 2


def _rows_and_heads(ctx: CliContext, args: argparse.Namespace):
    from core import tamper

    known = [tamper.parse_known(k) for k in args.known]
    backups = []
    with contextlib.suppress(OSError, MotCuaError):
        folders = [
            *backup_mod.known_backup_dirs(ctx.db_path),
            _backup_dir(ctx, argparse.Namespace(to_dir=None)),
        ]
        infos = {b.path: b for f in folders for b in backup_mod.list_backups(f)}
        backups = [b.path for b in sorted(infos.values(), key=lambda b: b.taken_at, reverse=True)]
    return tamper.examine(ctx.register.store, backups, known)


def cmd_audit_list(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = audit.entries(ctx.register.store, args.entity, args.key, max(1, args.limit))
    if args.json:
        ctx.print_json(rows)
        return 0
    for r in rows:
        reason = f" | lý do: {r['reason']}" if r["reason"] else ""
        who = f"{r['user_login']:<12} {r['action']:<12}"
        via = f"  [{r['channel']}, {r['os_user']}]" if r.get("channel") else ""  # how, and which PC account
        print(f"{r['id']:>6} {r['at']} {who} {r['entity']} {r['entity_key']}{via}")
        if r["old"]:
            print(f"         trước: {r['old']}")
        if r["new"]:
            print(f"         sau:   {r['new']}{reason}")
        elif reason:
            print(f"        {reason}")
    if not rows:
        print("Không có mục nhật ký nào.")
    return 0


def _backup_dir(ctx: CliContext, args: argparse.Namespace) -> Path:
    if args.to_dir:
        return Path(args.to_dir)
    return backup_mod.backup_dir_for(ctx.register.settings.backup_dir)


def cmd_backup(ctx: CliContext, args: argparse.Namespace) -> int:
    """Without ``--manual`` a daily backup, as the close-time one: the Task Scheduler job of
    docs/build.md runs this, and the newest daily one of a day is the one kept. ``--manual`` is the
    IT officer's "Sao lưu ngay": kept beside the day's daily backup."""
    folder = _backup_dir(ctx, args)
    if ctx.on_server:
        from cli.cmd_server import server_backup

        if args.manual:  # server dumps have one kind (core.storage.postgres.backup)
            raise MotCuaError("Sao lưu máy chủ chưa có bản thủ công: bỏ --manual rồi chạy lại.")
        return server_backup(ctx, args, folder)
    if args.list:
        backup_mod.backup_folder(folder, create=False)  # a missing folder (unplugged disk) is said
        for info in backup_mod.list_backups(folder):
            taken, kind = f"{info.taken_at:%d/%m/%Y %H:%M:%S}", f"{info.kind.label:<9}"
            print(f"{taken}  {kind}  {info.size / 1e6:8.2f} MB  {info.path}")
        return 0
    kind = backup_mod.BackupKind.MANUAL if args.manual else backup_mod.BackupKind.DAILY
    path = backup_mod.backup_now(ctx.db_path, folder, kind=kind)
    print(f"Đã sao lưu và kiểm tra toàn vẹn: {path}")
    return 0


def cmd_restore(ctx: CliContext, args: argparse.Namespace) -> int:
    if ctx.on_server:
        from cli.cmd_server import server_restore

        return server_restore(ctx, args)
    admin = ctx.restore_admin(Path(args.file))  # an admin's password, before anything moves
    ctx.close()  # never hold the file open while it is being replaced
    aside = backup_mod.restore(Path(args.file), ctx.db_path)
    ctx.register.record_admin_action(
        admin, "restore", "register", Path(args.file).name,
        {"from": str(args.file), "kept_aside": str(aside) if aside else ""},
    )  # fmt: skip
    print(f"Đã khôi phục {ctx.db_path} từ {args.file}.")
    if aside:
        print(f"Cơ sở dữ liệu trước khi khôi phục được giữ lại tại: {aside}")
    return 0
