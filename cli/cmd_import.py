"""Import commands: ``motcua import-register FILE [--dry-run] [--json]`` brings an old register in."""

from __future__ import annotations

import argparse

from cli.context import CliContext
from core import register_import
from core.register_file import LABELS


def add_commands(sub) -> None:
    p = sub.add_parser(
        "import-register",
        help="nhập sổ theo dõi hồ sơ cũ từ tệp .xlsx/.csv (nhận cả bảng mã TCVN3, VNI)",
    )
    p.add_argument("file", help="tệp sổ theo dõi hồ sơ (.xlsx hoặc .csv)")
    p.add_argument("--dry-run", action="store_true", help="chỉ đọc và kiểm tra, không ghi gì vào sổ")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_import_register)


def cmd_import_register(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    if args.dry_run:
        preview = register_import.preview(register, args.file, rows=10)
        if args.json:
            ctx.print_json(
                {
                    "dry_run": True,
                    "encoding": preview.encoding,
                    "mapping": preview.mapping,
                    "ignored_headers": preview.ignored_headers,
                    "rows": preview.total_rows,
                    "would_import": preview.good_rows - preview.already_there,
                    "already_there": preview.already_there,
                    "converted_cells": preview.converted_cells,
                    "problems": preview.problems,
                    "first_rows": preview.rows,
                }
            )
            return 0
        print(preview.summary())
        print("Cột nhận ra: " + "; ".join(f"{LABELS[k]} ← “{v}”" for k, v in preview.mapping.items()))
        if preview.ignored_headers:
            print("Cột bỏ qua: " + ", ".join(preview.ignored_headers))
        for problem in preview.problems:
            print(problem)
        return 0
    result = register_import.import_register(register, ctx.actor(), args.file)
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    print(result.summary())
    for problem in result.problems:
        print(problem)
    return 0
