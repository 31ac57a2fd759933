"""Hướng dẫn thành phần hồ sơ: one page per procedure, as PDF (to print) and PNG (to share in a chat
group before the citizen comes). Both are drawn by the same layout, so the image is the page.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.errors import ValidationError
from core.model import Procedure
from core.settings import Settings
from reports.common import DOTS, Paper, body, labelled, paper, pdf_surface, write_bytes
from reports.layout import Para, Sheet
from reports.surfaces import MeasureSurface, PillowSurface

TITLE = "HƯỚNG DẪN THÀNH PHẦN HỒ SƠ"


def _days(p: Procedure) -> str:
    return "Trong ngày" if p.working_days == 0 else f"{p.working_days:02d} ngày làm việc"


def draw_guide(sheet: Sheet, p: Paper, proc: Procedure, settings: Settings) -> None:
    hang = p.body * 1.6
    sheet.add(
        Para(((settings.ward_name or "").upper()), size=p.head, align="center", space_after=0),
        Para(
            (("b", (settings.centre_name or "").upper()),),
            size=p.head,
            align="center",
            rule=40,
            space_after=10,
        ),
        Para((("b", TITLE),), size=p.body + 3, align="center", space_after=4),
        Para((("b", proc.name),), size=p.body + 2, align="center", space_after=10),
        body(p, labelled("Mã thủ tục", proc.code)),
        body(p, labelled("Lĩnh vực", proc.field)),
        body(p, labelled("Thời gian giải quyết", _days(proc))),
        body(p, labelled("Phí, lệ phí", proc.fee or "Không")),
        body(p, (("b", "Hồ sơ cần mang theo:"),), space_before=4),
    )
    for i, doc in enumerate(proc.documents, 1):
        sheet.add(body(p, f"{i}. {doc}", left=p.body, hang=hang, space_after=2))
    if not proc.documents:
        sheet.add(body(p, DOTS, left=p.body))
    if proc.note:
        sheet.add(body(p, labelled("Lưu ý", proc.note), space_before=4))
    sheet.add(
        body(p, (("b", "Nơi nộp hồ sơ:"),), space_before=8),
        body(p, labelled("Địa chỉ", settings.address), left=p.body),
        body(p, labelled("Điện thoại", settings.phone), left=p.body),
        body(p, labelled("Giờ làm việc", settings.opening_hours), left=p.body),
    )


def fitting(proc: Procedure, settings: Settings) -> Paper:
    """A4 at the largest body size (13 pt down to 9 pt) that keeps the guide on one page."""
    base = paper("A4")
    candidate = base
    for size in (13, 12, 11, 10, 9):
        candidate = replace(base, body=size, head=min(base.head, size))
        measure = MeasureSurface()
        draw_guide(Sheet(measure, candidate.size, candidate.margins), candidate, proc, settings)
        if measure.pages == 1:
            break
    return candidate


def render_guide_pdf(proc: Procedure, settings: Settings) -> bytes:
    p = fitting(proc, settings)
    surface = pdf_surface(p, f"{TITLE} - {proc.name}", settings)
    draw_guide(Sheet(surface, p.size, p.margins), p, proc, settings)
    return surface.finish()


def render_guide_png(proc: Procedure, settings: Settings, dpi: int = 110) -> bytes:
    """The same page as an image (Pillow and the bundled TTF: no PDF renderer needed)."""
    p = fitting(proc, settings)
    surface = PillowSurface(p.size, dpi=dpi)
    draw_guide(Sheet(surface, p.size, p.margins), p, proc, settings)
    return surface.png()


def write_guide(proc: Procedure, settings: Settings, path: str | Path) -> Path:
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        return write_bytes(render_guide_pdf(proc, settings), target)
    if suffix == ".png":
        return write_bytes(render_guide_png(proc, settings), target)
    raise ValidationError("Tệp xuất", "chỉ nhận .pdf hoặc .png")
