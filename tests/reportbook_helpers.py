"""Reports made from a real register, shared by the workbook and roll-up tests.

The dossiers below go through the register's own intake and life-cycle steps, so the figures
come from ``core.stats.compute`` on a real SQLite file, never typed in by hand.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date

from openpyxl import load_workbook

from core.model import Channel
from core.periods import Period
from core.reporting import SIGNED, Report
from core.stats import compute
from tests.helpers import at, make_form

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30), "month")
NOTES = dict(
    highlights="Tiếp nhận 100% hồ sơ trực tuyến đúng quy trình; không có hồ sơ trả chậm ở lĩnh vực Hộ tịch.",
    difficulties="Đường truyền Cổng Dịch vụ công chậm ngày 12/11.\nThiếu máy quét tại quầy số 2.",
    proposals="Đề nghị thành phố cấp thêm 01 máy quét hai mặt.",
)


def populate(register, clerk, clock) -> None:
    """A month at the counter: carried-over, online and direct intakes, early/on-time/late, open."""
    clock.set("2026-10-20 09:00")  # before the period: carried over, resolved late in November
    late = register.intake(make_form("1.004222"), clerk)
    clock.set("2026-10-21 09:00")  # carried over, still open: overdue at the cut-off
    register.intake(make_form("1.004194", applicant="Trần Văn Bình"), clerk)
    clock.set("2026-11-02 09:00")
    same_day = register.intake(make_form("1.001193", applicant="Lê Thị Cúc"), clerk)
    register.apply(same_day.code, "resolve", clerk, at=at("2026-11-02 10:00"))
    clock.set("2026-11-03 08:30")
    online = register.intake(make_form("2.000815", channel=Channel.ONLINE, applicant="Đỗ Quốc Đạt"), clerk)
    register.apply(online.code, "resolve", clerk, at=at("2026-11-03 09:00"))
    clock.set("2026-11-04 09:00")
    early = register.intake(make_form("1.004194", applicant="Phan Thị Én"), clerk)
    register.apply(early.code, "resolve", clerk, at=at("2026-11-05 09:00"))
    register.apply(late.code, "resolve", clerk, at=at("2026-11-05 10:00"))
    clock.set("2026-11-10 09:00")
    register.intake(make_form("1.009122", channel=Channel.POST, applicant="Vũ Văn Giang"), clerk)
    clock.set("2026-11-11 09:00")
    gone = register.intake(make_form("1.001776", applicant="Hoàng Thị Hoa"), clerk)
    register.apply(gone.code, "withdraw", clerk, at=at("2026-11-12 09:00"), note="Người nộp rút hồ sơ")
    clock.set("2026-11-23 09:00")


def draft_report(register, clerk, period: Period = NOVEMBER, **changes) -> Report:
    """An unsaved draft of ``period`` with the three notes, figures from ``core.stats.compute``."""
    table = compute(register, period)
    base = Report(
        id=7,
        table=table,
        created_at=register.now(),
        created_by=clerk.login,
        created_by_name=clerk.full_name,
        agency_code=register.settings.agency_code,
        **NOTES,
    )
    return dataclasses.replace(base, **changes)


def signed(report: Report, vice_chair, when: str = "2026-11-23 16:30") -> Report:
    """The report as R1's sign-off leaves it (status, who, when, the snapshot's fingerprint)."""
    return dataclasses.replace(
        report,
        status=SIGNED,
        signed_at=at(when),
        signed_by=vice_chair.login,
        signed_by_name=vice_chair.full_name,
        signed_by_title="Phó Chủ tịch UBND phường",
        fingerprint=report.computed_fingerprint(),
    )


def open_book(data: bytes, **kw):
    return load_workbook(io.BytesIO(data), **kw)
