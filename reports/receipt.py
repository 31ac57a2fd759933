"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, the paper the citizen takes home.

Printed in ``settings.receipt_copies`` copies (liên) on one run, each starting on a new page, on A4
or A5 (``settings.receipt_paper``). The QR code carries the dossier code alone, so any counter
scanner typing into the search box finds the dossier.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reportlab.lib.units import mm

from core.model import Dossier
from core.settings import Settings
from reports.common import (
    Paper,
    Signer,
    body,
    heading,
    labelled,
    money,
    new_sheet,
    paper,
    pdf_surface,
    signatures,
    two,
    vn_moment,
    write_bytes,
)
from reports.layout import Box, Para, Sheet
from reports.surfaces import MeasureSurface

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
COUNTER = "Bộ phận tiếp nhận và trả kết quả"
MIN_BODY = 9  # below this a receipt is hard to read: spill onto a second page instead
COPY_NAMES = ("giao người nộp hồ sơ", "lưu cùng Phiếu kiểm soát")


def processing_time(days: int) -> tuple[str, str]:
    """(value, tail) of line 7: "05" + " ngày làm việc", or "Trong ngày" for 0-day procedures."""
    return ("Trong ngày", "") if days == 0 else (two(days), " ngày làm việc")


def return_place(dossier: Dossier) -> str:
    if dossier.return_by_post:
        return "Dịch vụ bưu chính công ích" + (f" (gửi về: {dossier.address})" if dossier.address else "")
    return COUNTER


def _qr_box(code: str, size: float) -> Box:
    def draw(surface, x: float, y_top: float, width: float) -> None:
        surface.qr(x + width - size, y_top - size, size, code)

    return Box(size, draw)


def draw_receipt(sheet: Sheet, p: Paper, d: Dossier, settings: Settings) -> None:
    """One copy of the receipt, from the current position of ``sheet``."""
    heading(sheet, p, settings, d.received_at)
    qr = (24 if p.name == "A4" else 19) * mm
    middle = sheet.width - 2 * qr
    title_items = [
        Para((("b", TITLE),), size=p.body + 1, align="center", space_before=qr * 0.18, space_after=4),
        Para((("r", "Mã hồ sơ: "), ("b", d.code)), size=p.body, align="center"),
    ]
    sheet.row([[Box(qr)], title_items, [_qr_box(d.code, qr)]], [qr, middle, qr])
    sheet.space(p.body * 0.4)
    centre = settings.centre_name.strip()
    hang = p.body * 1.2
    days, days_tail = processing_time(d.working_days)
    lines = [
        labelled(f"1. {COUNTER}{' - ' + centre if centre else ''} tiếp nhận hồ sơ của", d.applicant),
        labelled("2. Địa chỉ", d.address),
        [*labelled("3. Số điện thoại", d.phone), ("r", "\u2003"), *labelled("Email", d.email)],
        labelled("4. Nội dung yêu cầu giải quyết", d.procedure_name),
    ]
    sheet.add(*(body(p, runs, hang=hang) for runs in lines))
    sheet.add(body(p, "5. Thành phần hồ sơ nộp gồm:", hang=hang))
    number_w = p.body * 1.6
    for i, doc in enumerate(d.documents, 1):
        sheet.add(body(p, (("r", f"{i}. "), ("b", doc)), left=hang, hang=number_w, space_after=1))
    if not d.documents:
        sheet.add(body(p, "……", left=hang))
    lines = [
        labelled("6. Số lượng hồ sơ", two(d.copies), " (bộ)"),
        labelled("7. Thời gian giải quyết hồ sơ theo quy định", days, days_tail),
        labelled("8. Thời gian nhận hồ sơ", vn_moment(d.received_at)),
        labelled("9. Thời gian trả kết quả giải quyết hồ sơ", vn_moment(d.due_at)),
        labelled("10. Đăng ký nhận kết quả tại", return_place(d)),
        [
            *labelled("Vào Sổ theo dõi hồ sơ, Quyển số", d.register_book),
            ("r", "\u2003"),
            *labelled("Số thứ tự", str(d.register_seq) if d.register_seq else ""),
        ],
        labelled("Phí, lệ phí (nếu có)", money(d.fee_collected) if d.fee_collected else "Không thu"),
    ]
    sheet.add(*(body(p, runs, hang=hang) for runs in lines))
    signatures(
        sheet,
        p,
        Signer("NGƯỜI NỘP HỒ SƠ"),
        Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", name=d.clerk_name),
    )


def render_receipt(
    dossier: Dossier,
    settings: Settings,
    copies: int | None = None,
    reprint: bool = False,
    paper_name: str | None = None,
) -> bytes:
    """The receipt as PDF bytes: ``copies`` (default ``settings.receipt_copies``) copies, each on its
    own page(s), marked "Liên 1", "Liên 2"... and "Bản in lại" when ``reprint``."""
    count = max(1, copies if copies is not None else (settings.receipt_copies or 2))
    p = fitting_paper(paper(paper_name or settings.receipt_paper), dossier, settings)
    surface = pdf_surface(p, f"{TITLE} - {dossier.code}", settings)
    sheet = new_sheet(surface, p, reprint=reprint, mark=_copy_mark(1, count))
    for n in range(1, count + 1):
        if n > 1:
            sheet.mark = _copy_mark(n, count)  # type: ignore[attr-defined]
            sheet.new_page()
        draw_receipt(sheet, p, dossier, settings)
    return surface.finish()


def fitting_paper(p: Paper, dossier: Dossier, settings: Settings) -> Paper:
    """The paper with the largest body size (down to 2 pt smaller, never under 9 pt) at which one
    copy fits one page: twelve long documents should not push the signatures onto a page alone."""
    candidate = p
    for step in (0, 1, 2):
        if p.body - step < MIN_BODY:
            break
        candidate = replace(p, body=p.body - step)
        measure = MeasureSurface()
        draw_receipt(new_sheet(measure, candidate), candidate, dossier, settings)
        if measure.pages == 1:
            break
    return candidate


def _copy_mark(n: int, count: int) -> str:
    if count == 1:
        return ""
    name = COPY_NAMES[n - 1] if n <= len(COPY_NAMES) else ""
    return f"Liên {n}" + (f": {name}" if name else "")


def write_receipt(
    dossier: Dossier, settings: Settings, path: str | Path, copies: int | None = None, reprint: bool = False
) -> Path:
    return write_bytes(render_receipt(dossier, settings, copies=copies, reprint=reprint), path)
