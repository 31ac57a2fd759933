"""Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06 of the 2025 set, Mẫu 05 of 2018), filled from
the dossier's events.

Each hand-over of the paper file is a row "1. Giao: … 2. Nhận: …" with the time and both names, and
whether that step came before, on or after the due moment. Only hand-overs: an apology, a print,
an edit or a note moves no paper and has no row (the apology has its own form, Mẫu 04).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.model import Dossier, Event, EventKind, Timeliness
from core.settings import Settings
from core.timeutil import to_local
from reports.common import (
    DOTS,
    body,
    form_number,
    heading,
    labelled,
    new_sheet,
    paper,
    pdf_surface,
    short_moment,
    title,
    vn_moment,
)
from reports.formset import is_2025, subject
from reports.layout import Para

COUNTER = "Bộ phận tiếp nhận và trả kết quả"
OFFICER = "Công chức chuyên môn"
SKIPPED = {EventKind.PRINTED, EventKind.EDITED, EventKind.NOTE, EventKind.IMPORTED, EventKind.APOLOGY}


@dataclass(frozen=True)
class ControlRow:
    agency: str
    giver: str
    receiver: str
    at: datetime
    result: str
    note: str


def step_timeliness(at: datetime, due: datetime) -> str:
    """Where a step falls against the due moment (same rule as the report: a day early is early)."""
    if at.date() < due.date():
        return Timeliness.EARLY.label
    return Timeliness.ON_TIME.label if at <= due else Timeliness.LATE.label


def control_rows(d: Dossier) -> list[ControlRow]:
    """One row per hand-over of the paper file, in the order it moved."""
    rows: list[ControlRow] = []
    officer = OFFICER
    for e in d.events:
        if e.kind in SKIPPED:
            continue
        rows.append(_row(d, e, officer))
        if e.kind == EventKind.HANDOVER and e.data.get("to_officer"):
            officer = e.data["to_officer"]
    return rows


def _row(d: Dossier, e: Event, officer: str) -> ControlRow:
    timing = step_timeliness(e.at, d.due_at)
    k = e.kind
    if k == EventKind.RECEIVED:
        return ControlRow(COUNTER, d.applicant, e.user_name, e.at, "", e.note or e.kind.label)
    if k == EventKind.HANDOVER:
        to = e.data.get("to_officer") or OFFICER
        return ControlRow(to, e.user_name, to, e.at, timing, e.note or e.kind.label)
    if k == EventKind.RESOLVED:
        return ControlRow(COUNTER, officer, e.user_name, e.at, timing, e.note or e.kind.label)
    if k == EventKind.RETURNED:
        receiver = e.data.get("receiver_name") or d.receiver_name or d.applicant
        return ControlRow(COUNTER, e.user_name, receiver, e.at, timing, e.note or e.kind.label)
    if k == EventKind.SUPPLEMENT_REQUESTED:
        return ControlRow(COUNTER, e.user_name, d.applicant, e.at, timing, f"{k.label}: {e.note}")
    if k == EventKind.SUPPLEMENT_RECEIVED:
        return ControlRow(COUNTER, d.applicant, e.user_name, e.at, "", e.note or k.label)
    return ControlRow(COUNTER, e.user_name, "", e.at, timing, f"{k.label}: {e.note}".rstrip(": "))


def render_control_sheet(
    d: Dossier,
    settings: Settings,
    when: datetime | None = None,
    reprint: bool = False,
    number: int | str | None = None,
) -> bytes:
    """The control sheet that travels with the paper file (PDF bytes), dated on intake."""
    p = paper("A4")
    when = to_local(when) if when else d.received_at
    title_text = f"Phiếu kiểm soát quá trình giải quyết hồ sơ - {d.code}"
    surface = pdf_surface(p, title_text, settings, subject=subject("control-sheet", settings))
    sheet = new_sheet(surface, p, reprint=reprint)
    heading(sheet, p, settings, when, number=form_number(number) if is_2025(settings) else "")
    title(sheet, p, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", (("r", "Mã hồ sơ: "), ("b", d.code)))
    sheet.add(
        body(p, labelled("Kèm theo hồ sơ của", d.applicant)),
        body(p, labelled("Số điện thoại", d.phone)),
        body(p, labelled("Nội dung yêu cầu giải quyết", d.procedure_name)),
        body(p, labelled("Thời gian nhận hồ sơ", vn_moment(d.received_at))),
        body(p, labelled("Thời gian hẹn trả kết quả", vn_moment(d.due_at)), space_after=p.body * 0.6),
    )
    size = p.body - 2
    w = sheet.width
    widths = [w * 0.22, w * 0.38, w * 0.2, w * 0.2]
    header = [
        [Para((("b", h),), size=size, align="center", space_after=0)]
        for h in (
            "TÊN CƠ QUAN",
            "THỜI GIAN GIAO, NHẬN HỒ SƠ",
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)",
            "GHI CHÚ",
        )
    ]
    rows = []
    for r in control_rows(d):
        moment = short_moment(r.at)
        rows.append(
            [
                [Para(r.agency, size=size, space_after=0)],
                [
                    Para((("r", f"1. Giao: {moment} "), ("b", r.giver or DOTS)), size=size, space_after=1),
                    Para((("r", f"2. Nhận: {moment} "), ("b", r.receiver or DOTS)), size=size, space_after=0),
                ],
                [Para(r.result, size=size, align="center", space_after=0)],
                [Para(r.note, size=size, space_after=0)],
            ]
        )
    sheet.table(header, rows, widths)
    return surface.finish()
