"""The centre's server register: ``migrate`` (one-PC files in), ``server grant``, ``server info``."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.context import CliContext
from core.errors import MotCuaError
from core.storage import is_server_url, open_store


def add_commands(sub) -> None:
    p = sub.add_parser("migrate", help="chuyển sổ của các máy (tệp .sqlite3) lên máy chủ cơ sở dữ liệu")
    p.add_argument("files", nargs="+", metavar="TỆP", help="tệp cơ sở dữ liệu của từng máy")
    p.add_argument("--to", required=True, metavar="URL", help="máy chủ: postgresql://người_dùng@máy/tên_csdl")
    p.set_defaults(handler=cmd_migrate)

    p = sub.add_parser("server", help="máy chủ cơ sở dữ liệu của trung tâm (PostgreSQL)")
    ssub = p.add_subparsers(dest="server_command", required=True)
    a = ssub.add_parser(
        "grant", help="cấp cho tài khoản của các quầy đúng quyền cần dùng (chạy bằng tài khoản chủ)"
    )
    a.add_argument("role", help="tên tài khoản máy chủ của các quầy, ví dụ motcua_quay")
    a.set_defaults(handler=cmd_grant)
    a = ssub.add_parser("info", help="máy chủ đang dùng, phiên bản lược đồ, số hồ sơ")
    a.set_defaults(handler=cmd_info)


def _server(ctx: CliContext):
    if not ctx.on_server:
        raise MotCuaError("Lệnh này dùng với máy chủ: thêm --db postgresql://... hoặc đặt biến MOTCUA_DB.")
    return ctx.register.store


def cmd_migrate(ctx: CliContext, args: argparse.Namespace) -> int:
    from core.audit_state import CLI, channel_context
    from core.storage.sqlite import SqliteStore
    from core.storage.transfer import move

    if not is_server_url(args.to):
        raise MotCuaError(
            f"“{args.to}” không phải địa chỉ máy chủ (dạng postgresql://người_dùng@máy/tên_csdl)."
        )
    sources = []
    try:
        for name in args.files:
            if not Path(name).is_file():
                raise MotCuaError(f"Không thấy tệp {name}.")
            sources.append((name, SqliteStore.open(name, readonly=True)))
        target = open_store(args.to)
        target.audit_context = channel_context(CLI)  # the move's own entries say how it came in
        try:
            print(move(sources, target).summary())
        finally:
            target.close()
    finally:
        for _, src in sources:
            src.close()
    return 0


def cmd_grant(ctx: CliContext, args: argparse.Namespace) -> int:
    from core.storage.postgres.store import grant_counter_role

    for statement in grant_counter_role(_server(ctx), args.role):
        print(statement)
    print(f"Đã cấp quyền cho tài khoản {args.role}: đọc, thêm, sửa sổ; không sửa, không xóa nhật ký.")
    return 0


def cmd_info(ctx: CliContext, args: argparse.Namespace) -> int:
    store = _server(ctx)
    print(f"Máy chủ: {store.target}")
    print(f"Số hồ sơ: {store.dossier_count()}")
    return 0


def server_backup(ctx: CliContext, args: argparse.Namespace, folder: Path) -> int:
    """``motcua backup`` on a server register: pg_dump, checked, same retention."""
    from core.storage.postgres import backup as pg_backup

    url = ctx.register.store.url
    if args.list:
        for info in pg_backup.list_dumps(folder):
            print(f"{info.taken_at:%d/%m/%Y %H:%M:%S}  {info.size / 1e6:8.2f} MB  {info.path}")
        return 0
    path = pg_backup.backup_now(url, folder)
    print(f"Đã sao lưu máy chủ và kiểm tra bản sao (pg_restore --list): {path}")
    return 0


def server_restore(ctx: CliContext, args: argparse.Namespace) -> int:
    """``motcua restore FILE.dump`` on a server register: an admin's act; the current state is
    dumped first (kept aside), then the dump replaces the tables in one transaction."""
    from core import users as users_mod
    from core.model import Role
    from core.storage.postgres import backup as pg_backup

    admin = ctx.actor()
    users_mod.require(admin, Role.ADMIN, action="khôi phục dữ liệu")
    store = ctx.register.store
    url, target = store.url, store.target
    aside = pg_backup.backup_now(url, Path(args.file).resolve().parent, prefix="truoc-khoi-phuc-")
    ctx.close()  # the restore drops and re-creates the tables: no open transaction of ours
    pg_backup.restore(Path(args.file), url)
    ctx.register.record_admin_action(
        admin, "restore", "register", Path(args.file).name, {"from": str(args.file), "kept_aside": str(aside)}
    )
    print(f"Đã khôi phục {target} từ {args.file}.")
    print(f"Dữ liệu trước khi khôi phục được giữ lại tại: {aside}")
    return 0
