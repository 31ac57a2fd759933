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
