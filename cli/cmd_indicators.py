"""``motcua indicators``: the ward's own service indicators for a period, each with its definition."""

from __future__ import annotations

import argparse

from cli.cmd_reports import chosen_period
from cli.context import CliContext
from core import indicators
from core.periods import PRESETS
from core.timeutil import fmt


def add_commands(sub) -> None:
    p = sub.add_parser(
        "indicators",
        help="chỉ số phục vụ tự đánh giá (Quyết định 766/QĐ-TTg): tiến độ, trực tuyến, thanh toán, "
        "hài lòng, số hóa",
    )
    p.add_argument("--from", dest="date_from", metavar="NGÀY", help="ngày đầu kỳ")
    p.add_argument("--to", dest="date_to", metavar="NGÀY", help="ngày cuối kỳ")
    p.add_argument("--preset", choices=PRESETS, help="kỳ có sẵn (mặc định: tháng theo thiết lập)")
    p.add_argument("--date", dest="ref_date", metavar="NGÀY", help="kỳ có sẵn chứa ngày này")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_indicators)


def cmd_indicators(ctx: CliContext, args: argparse.Namespace) -> int:
    register = ctx.require_initialised()
    result = indicators.compute(register, chosen_period(ctx, args))
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    print(f"CHỈ SỐ PHỤC VỤ - {result.period.label} (số liệu chốt lúc {fmt(result.cutoff)})")
    group = ""
    for item in result.items:
        if item.group != group:
            group = item.group
            print(f"\n{group}")
        detail = f" ({item.detail_text})" if item.detail_text else ""
        print(f"  {item.label}: {item.value_text}{detail}")
        print(f"    Cách tính: {item.definition}")
    print(f"\n{indicators.FOOTNOTE}")
    return 0
