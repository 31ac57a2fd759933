"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, the paper the citizen takes home.

Printed in ``settings.receipt_copies`` copies (liên) on one run, each starting on a new page, on A4
or A5 (``settings.receipt_paper``), in the layout of the configured set: 2025 (Circular 03/2025:
the applicant's ID number, the authorised person, unnumbered lines, "Số: …/TTPVHCC") or 2018. The
QR code carries the dossier code alone, so any counter scanner typing into the search box finds it.

A copy that runs onto a second page (twelve long documents on A5) carries on every page the dossier
code and "trang x/y" at the foot, and on the following pages a short heading with the code and QR:
a loose second sheet still says which dossier it belongs to.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reportlab.lib.units import mm

from core.fees import receipt_fee_line
from core.model import Dossier, IdKind, ResultDelivery
from core.settings import Settings
from reports.common import (
    REPRINT,
    Paper,
    Signer,
    body,
    form_number,
    heading,
    keep_together,
    labelled,
    paper,
    pdf_surface,
    signatures,
    two,
    vn_moment,
    write_bytes,
)
from reports.formset import is_2025, subject
from reports.layout import Box, Para, Sheet, text_width
from reports.surfaces import MeasureSurface

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
COUNTER = "Bộ phận tiếp nhận và trả kết quả"
MIN_BODY = 9  # below this a receipt is hard to read: spill onto a second page instead
COPY_NAMES = ("giao người nộp hồ sơ", "lưu cùng Phiếu kiểm soát")
ID_LABEL = "Số định danh cá nhân/tổ chức"
PROVINCE_CODE = "Mã hồ sơ trên hệ thống của tỉnh"


def processing_time(days: int) -> tuple[str, str]:
    """(value, tail) of the processing time: "05" + " ngày làm việc", or "Trong ngày" for 0 days."""
    return ("Trong ngày", "") if days == 0 else (two(days), " ngày làm việc")


def return_place(dossier: Dossier) -> str:
    way = dossier.delivery()
    if way == ResultDelivery.POST:
        return "Dịch vụ bưu chính công ích" + (f" (gửi về: {dossier.address})" if dossier.address else "")
    if way == ResultDelivery.ONLINE:
        return "Trực tuyến (Cổng Dịch vụ công)" + (f", {dossier.email}" if dossier.email else "")
    return COUNTER


def id_text(d: Dossier) -> str:
    """The applicant's ID with what kind it is when not a CCCD ("0101234567 (mã số thuế)")."""
    if not d.id_number:
        return ""
    if d.id_kind in (IdKind.TAX_CODE, IdKind.PASSPORT):
        return f"{d.id_number} ({IdKind(d.id_kind).label.lower()})"
    return d.id_number


def _qr_box(code: str, size: float) -> Box:
    def draw(surface, x: float, y_top: float, width: float) -> None:
        surface.qr(x + width - size, y_top - size, size, code)

    return Box(size, draw)


class _Pages:
    """Draws what every page of a copy carries: the copy mark, the foot line with the code and
    "trang x/y", and on a copy's second and later pages a short heading with the code and QR."""

    def __init__(self, p: Paper, d: Dossier, reprint: bool, count: int):
        self.p, self.d, self.reprint, self.count = p, d, reprint, count
        self.copy = 1
        self.first_page = 1
        self.totals: list[int] = []  # pages of each copy (known after measuring)

    def mark(self) -> str:
        if self.count == 1:
            return ""
        name = COPY_NAMES[self.copy - 1] if self.copy <= len(COPY_NAMES) else ""
        return f"Liên {self.copy}" + (f": {name}" if name else "")

    def __call__(self, sheet: Sheet) -> None:
        p, surface = self.p, sheet.surface
        size = max(7.0, p.body - 3)
        marks = " · ".join(m for m in (self.mark(), REPRINT if self.reprint else "") if m)
        if marks:
            x = sheet.page_w - sheet.right - text_width(marks, "i", size)
            surface.text(x, sheet.page_h - sheet.top + size * 0.8, "i", size, marks)
        n = sheet.page - self.first_page + 1
        total = self.totals[self.copy - 1] if len(self.totals) >= self.copy else n
        foot = f"Mã hồ sơ: {self.d.code} · trang {n}/{max(total, n)}"
        x = sheet.left + (sheet.width - text_width(foot, "i", size)) / 2
        surface.text(x, sheet.bottom * 0.5, "i", size, foot)
        if n > 1:
            qr = (16 if p.name == "A4" else 13) * mm
            left = [
                Para((("b", keep_together(f"{TITLE} (tiếp theo)")),), size=p.body, space_after=1),
                Para((("r", "Mã hồ sơ: "), ("b", self.d.code)), size=p.body, space_after=0),
            ]
            sheet.row([left, [_qr_box(self.d.code, qr)]], [sheet.width - qr, qr], keep=False)
            sheet.space(p.body * 0.6)


def _lines_2025(d: Dossier, settings: Settings) -> list:
    centre = settings.centre_name.strip()
    who = f"{COUNTER}{' - ' + centre if centre else ''} tiếp nhận hồ sơ của"
    lines = [labelled(who, d.applicant), labelled(ID_LABEL, id_text(d))]
    if d.authorised_name:
        lines.append(labelled("Người được ủy quyền (nộp thay)", d.authorised_name))
        lines.append(
            [
                *labelled("Số định danh cá nhân", d.authorised_id),
                ("r", "\u2003"),
                *labelled("Quan hệ với người có yêu cầu", d.authorised_relation),
            ]
        )
    lines += [
        labelled("Địa chỉ", d.address),
        [*labelled("Số điện thoại", d.phone), ("r", "\u2003"), *labelled("Email", d.email)],
        labelled("Nội dung yêu cầu giải quyết", d.procedure_name),
    ]
    return lines


def _tail_2025(d: Dossier, fee_text: str | None) -> list:
    days, days_tail = processing_time(d.working_days)
    return [
        labelled("Số lượng hồ sơ", two(d.copies), " (bộ)"),
        labelled("Thời gian giải quyết hồ sơ theo quy định", days, days_tail),
        labelled("Thời gian nhận hồ sơ", vn_moment(d.received_at)),
        labelled("Thời gian trả kết quả giải quyết hồ sơ", vn_moment(d.due_at)),
        labelled("Phương thức nhận kết quả", return_place(d)),
        [
            *labelled("Vào Sổ theo dõi hồ sơ, Quyển số", d.register_book),
            ("r", "\u2003"),
            *labelled("Số thứ tự", str(d.register_seq) if d.register_seq else ""),
        ],
        labelled("Phí, lệ phí (nếu có)", receipt_fee_line(d.fee_collected, fee_text)),
    ]


def draw_receipt(
    sheet: Sheet, p: Paper, d: Dossier, settings: Settings, fee_text: str | None = None, number: str = ""
) -> None:
    """One copy of the receipt, from the current position of ``sheet``."""
    new = is_2025(settings)
    heading(sheet, p, settings, d.received_at, number=form_number(number) if new else "")
    qr = (24 if p.name == "A4" else 19) * mm
    middle = sheet.width - 2 * qr
    title_items = [
        Para(
            (("b", keep_together(TITLE)),),
            size=p.body + 1,
            align="center",
            space_before=qr * 0.12,
            space_after=4,
            balance=True,
        ),
        Para((("r", "Mã hồ sơ: "), ("b", d.code)), size=p.body, align="center", space_after=1),
    ]
    if d.province_code:
        title_items.append(
            Para((("r", f"{PROVINCE_CODE}: "), ("b", d.province_code)), size=p.body - 1, align="center")
        )
    sheet.row([[Box(qr)], title_items, [_qr_box(d.code, qr)]], [qr, middle, qr])
    sheet.space(p.body * 0.4)
    hang = p.body * 1.2
    number_w = p.body * 1.6
    if new:
        sheet.add(*(body(p, runs, hang=hang) for runs in _lines_2025(d, settings)))
        sheet.add(body(p, "Thành phần hồ sơ nộp gồm:", hang=hang))
    else:
        centre = settings.centre_name.strip()
        lines = [
            labelled(f"1. {COUNTER}{' - ' + centre if centre else ''} tiếp nhận hồ sơ của", d.applicant),
            labelled("2. Địa chỉ", d.address),
            [*labelled("3. Số điện thoại", d.phone), ("r", "\u2003"), *labelled("Email", d.email)],
            labelled("4. Nội dung yêu cầu giải quyết", d.procedure_name),
        ]
        sheet.add(*(body(p, runs, hang=hang) for runs in lines))
        sheet.add(body(p, "5. Thành phần hồ sơ nộp gồm:", hang=hang))
    for i, doc in enumerate(d.documents, 1):
        runs = (("r", f"{i}. "), ("b", doc), *_digitised_mark(d, i))
        sheet.add(body(p, runs, left=hang, hang=number_w, space_after=1))
    if not d.documents:
        sheet.add(body(p, "……", left=hang))
    if new:
        tail = _tail_2025(d, fee_text)
    else:
        days, days_tail = processing_time(d.working_days)
        tail = [
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
            labelled("Phí, lệ phí (nếu có)", receipt_fee_line(d.fee_collected, fee_text)),
        ]
    sheet.add(*(body(p, runs, hang=hang) for runs in tail))
    signatures(
        sheet,
        p,
        Signer("NGƯỜI NỘP HỒ SƠ"),
        Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", name=d.clerk_name),
    )


def _digitised_mark(d: Dossier, number: int) -> tuple:
    """The mark after a document: "(đã số hóa)" when a scan is kept, "(tái sử dụng dữ liệu)" when
    reused from the national data (Decree 118/2025 art. 17: digitised at intake)."""
    if number in d.digitised_documents:
        return (("r", " (đã số hóa)"),)
    if number in d.reused_documents:
        return (("r", " (tái sử dụng dữ liệu)"),)
    return ()


def render_receipt(
    dossier: Dossier,
    settings: Settings,
    copies: int | None = None,
    reprint: bool = False,
    paper_name: str | None = None,
    fee_text: str | None = None,
    number: int | str | None = None,
) -> bytes:
    """The receipt as PDF bytes: ``copies`` (default ``settings.receipt_copies``) copies, each on its
    own page(s), marked "Liên 1", "Liên 2"... and "Bản in lại" when ``reprint``.

    ``fee_text`` is the catalogue's fee of the procedure (decides "Không thu"); ``number`` the
    form's own number in the register (2025 set: "Số: 12/TTPVHCC").
    """
    count = max(1, copies if copies is not None else (settings.receipt_copies or 2))
    number_text = str(number or "")
    # measured first (while choosing the size), so the foot can say "trang 1/2" on page 1
    p, measured = _fit(paper(paper_name or settings.receipt_paper), dossier, settings, fee_text)
    pages = _Pages(p, dossier, reprint, count)
    pages.totals = [measured] * count
    surface = pdf_surface(p, f"{TITLE} - {dossier.code}", settings, subject=subject("receipt", settings))
    sheet = Sheet(surface, p.size, p.margins, on_page=pages)
    for n in range(1, count + 1):
        if n > 1:
            pages.copy = n
            pages.first_page = sheet.page + 1
            sheet.new_page()
        draw_receipt(sheet, p, dossier, settings, fee_text, number_text)
    return surface.finish()


def fitting_paper(p: Paper, dossier: Dossier, settings: Settings, fee_text: str | None = None) -> Paper:
    """The paper with the largest body size (down to 2 pt smaller, never under 9 pt) at which one
    copy fits one page: twelve long documents should not push the signatures onto a page alone."""
    return _fit(p, dossier, settings, fee_text)[0]


def _fit(p: Paper, dossier: Dossier, settings: Settings, fee_text: str | None) -> tuple[Paper, int]:
    """(paper, pages of one copy at that size)."""
    candidate, pages_used = p, 1
    for step in (0, 1, 2):
        if p.body - step < MIN_BODY:
            break
        candidate = replace(p, body=p.body - step)
        measure = MeasureSurface()
        pages = _Pages(candidate, dossier, False, 1)
        sheet = Sheet(measure, candidate.size, candidate.margins, on_page=pages)
        draw_receipt(sheet, candidate, dossier, settings, fee_text, "0000")  # widest likely number
        pages_used = measure.pages
        if pages_used == 1:
            break
    return candidate, pages_used


def write_receipt(
    dossier: Dossier, settings: Settings, path: str | Path, copies: int | None = None, reprint: bool = False
) -> Path:
    return write_bytes(render_receipt(dossier, settings, copies=copies, reprint=reprint), path)
