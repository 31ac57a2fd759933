"""Scans kept with a dossier: attach, attachments, attachment-get, documents."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.context import CliContext
from core.attachments.content import human_size
from core.filesafety import write_whole
from core.timeutil import fmt


def add_commands(sub) -> None:
    p = sub.add_parser("attach", help="đính kèm tệp quét (PDF, JPEG, PNG, TIFF) vào hồ sơ; in số tệp")
    p.add_argument("code")
    p.add_argument("file")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--document", type=int, metavar="N", help="thành phần hồ sơ số N (như trên giấy tiếp nhận)"
    )
    target.add_argument("--result", action="store_true", help="tệp là kết quả giải quyết")
    p.set_defaults(handler=cmd_attach)

    p = sub.add_parser("attachments", help="các tệp đính kèm của hồ sơ")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_attachments)

    p = sub.add_parser("attachment-get", help="lấy lại tệp đính kèm (kiểm tra SHA-256)")
    p.add_argument("code")
    p.add_argument("id", type=int)
    p.add_argument("--out", required=True, help="tệp ghi ra")
    p.set_defaults(handler=cmd_attachment_get)

    p = sub.add_parser("documents", help="thành phần hồ sơ: đã số hóa / chưa / không phải số hóa")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_documents)


def cmd_attach(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    item = register.attach(
        args.code, Path(args.file), ctx.actor(), document=args.document, result=bool(args.result)
    )
    print(item.id)
    return 0


def cmd_attachments(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    items = register.attachments(args.code, ctx.actor())
    if args.json:
        ctx.print_json([a.to_json() for a in items])
        return 0
    if not items:
        print(f"Hồ sơ {register.dossier(args.code).code} chưa có tệp đính kèm.")
        return 0
    for a in items:
        print(
            f"{a.id}\t{a.target_label}\t{a.file_name}\t{human_size(a.size)}\t{a.sha256}\t"
            f"{fmt(a.at)}\t{a.user_login}"
        )
    return 0


def cmd_attachment_get(ctx: CliContext, args: argparse.Namespace) -> int:
    """Written under a temporary name and renamed: a half-written copy never bears the name."""
    register = ctx.require_initialised()
    data = register.attachment_bytes(args.code, args.id, ctx.actor())
    out = write_whole(args.out, data)
    print(f"{out}\t{len(data)} byte")
    return 0


def cmd_documents(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    states = register.document_status(args.code)
    result = register.result_digitised(args.code)
    if args.json:
        ctx.print_json(
            {
                "documents": [
                    {
                        "number": s.number,
                        "name": s.name,
                        "state": s.state.value,
                        "label": s.state.label,
                        "files": s.files,
                    }
                    for s in states
                ],
                "result_digitised": result,
            }
        )
        return 0
    for s in states:
        print(f"{s.number}\t{s.state.label}\t{s.name}")
    print(f"Kết quả\t{'Đã số hóa' if result else 'Chưa số hóa'}")
    return 0


def _state_json(s) -> dict:
    label = s.state.label
    return {"number": s.number, "name": s.name, "state": s.state.value, "label": label, "files": s.files}
