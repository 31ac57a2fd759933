"""Mẫu 06: Sổ theo dõi hồ sơ for a period, as an A4 landscape PDF (header row on every page) and as
an xlsx with the same rows. One ``book_rows`` feeds both, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from core.model import Dossier, EventKind
from core.register import Register
from core.settings import Settings
from core.store import DossierQuery
from reports.common import PAPERS, new_sheet, pdf_surface, short_date, short_moment, write_bytes
from reports.layout import Para, Sheet, text_width

COLUMNS = (  # (title, width in mm on A4 landscape, xlsx width in characters)
    ("TT", 8, 5),
    ("Mã hồ sơ", 30, 26),  # widened to the longest code (see column_widths)
    ("Tên TTHC", 32, 30),
    ("Số lượng hồ sơ", 11, 8),
    ("Tên cá nhân, tổ chức", 28, 26),
    ("Địa chỉ, số điện thoại", 30, 32),
    ("Cơ quan chủ trì giải quyết", 22, 20),
    ("Nhận hồ sơ (ngày)", 17, 12),
    ("Hẹn trả kết quả (ngày)", 17, 12),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 24, 24),
    ("Trả kết quả (ngày, giờ)", 20, 16),
    ("Ký nhận", 13, 10),
    ("Ghi chú", 12, 16),
)
BOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"
MAX_ROWS = 100_000


def dossiers_in_period(register: Register, start: date, end: date) -> list[Dossier]:
    """Dossiers received from ``start`` to ``end`` (inclusive), oldest first, with their events.

    Read-only, through the store's own query (no new SQL): the book lists what was received.
    """
    q = DossierQuery(
        received_from=start, received_to=end, sort="received_at", descending=False, limit=MAX_ROWS
    )
    return [replace(d, events=register.store.events(d.id)) for d in register.store.query_dossiers(q)]


@dataclass(frozen=True)
class BookRow:
    values: tuple[str, ...]  # one text per column, as printed


def _handover(d: Dossier) -> str:
    parts = [
        f"{e.at:%d/%m/%Y}: {e.data.get('to_officer') or e.user_name}"
        for e in d.events
        if e.kind == EventKind.HANDOVER
    ]
    return "; ".join(parts)


def book_rows(dossiers: list[Dossier], settings: Settings) -> list[BookRow]:
    rows = []
    for i, d in enumerate(dossiers, 1):
        contact = ", ".join(x for x in (d.address, d.phone) if x)
        note = d.status.label if d.status.is_final_outcome or d.status.value == "awaiting_supplement" else ""
        rows.append(
            BookRow(
                (
                    str(i),
                    d.code,
                    d.procedure_name,
                    str(d.copies),
                    d.applicant,
                    contact,
                    settings.ward_name,
                    short_date(d.received_at),
                    short_date(d.due_at),
                    _handover(d),
                    short_moment(d.returned_at),
                    d.receiver_name if d.returned_at else "",
                    note,
                )
            )
        )
    return rows


def column_widths(total: float, rows: list[BookRow], size: float, pad: float) -> list[float]:
    """Column widths in points. The code and date columns are as wide as their longest value, so a
    code or a date is never split across lines (a clerk reads a code back and types it); the
    other columns share the rest in proportion to ``COLUMNS``."""
    fixed = {1: "000.17.22.H56-261123-0001", 7: "00/00/0000", 8: "00/00/0000"}
    widths = [c[1] * mm for c in COLUMNS]
    for i, sample in fixed.items():
        values = [r.values[i] for r in rows] + [sample]
        widths[i] = max(text_width(v, "r", size) for v in values) + 2 * pad + 1
    rest = [i for i in range(len(COLUMNS)) if i not in fixed]
    scale = (total - sum(widths[i] for i in fixed)) / sum(widths[i] for i in rest)
    for i in rest:
        widths[i] *= scale
    return widths


def period_text(start: date, end: date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def render_register_pdf(rows: list[BookRow], settings: Settings, start: date, end: date) -> bytes:
    p = PAPERS["A4L"]
    surface = pdf_surface(p, f"{BOOK_TITLE} - {period_text(start, end)}", settings)

    def page_number(sheet: Sheet) -> None:
        text = f"Trang {sheet.page}"
        size = 8
        x = sheet.page_w - sheet.right - text_width(text, "i", size)
        sheet.surface.text(x, sheet.bottom - 14, "i", size, text)

    sheet = new_sheet(surface, p)
    sheet.on_page = page_number
    page_number(sheet)
    sheet.add(
        Para((("b", (settings.ward_name or "").upper()),), size=p.head, space_after=4),
        Para((("b", BOOK_TITLE),), size=p.head + 3, align="center", space_after=2),
        Para((("i", period_text(start, end)),), size=p.head, align="center", space_after=8),
    )
    size = p.body
    pad = 2.5
    widths = column_widths(sheet.width, rows, size, pad)
    header = [[Para((("b", c[0]),), size=size, align="center", space_after=0)] for c in COLUMNS]
    centred = {0, 3, 7, 8, 10}
    body_rows = [
        [
            [Para(v, size=size, align="center" if j in centred else "left", space_after=0)]
            for j, v in enumerate(r.values)
        ]
        for r in rows
    ]
    sheet.table(header, body_rows, widths, pad=pad)
    if not rows:
        sheet.add(Para((("i", "Không có hồ sơ nào trong kỳ."),), size=size, space_before=6))
    return surface.finish()


def write_register_xlsx(
    rows: list[BookRow], settings: Settings, start: date, end: date, path: str | Path
) -> Path:
    """The same book as a workbook: title rows, bold header, frozen panes, landscape print set-up."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "So theo doi ho so"
    ws.append([BOOK_TITLE])
    ws.append([period_text(start, end)])
    ws.append([settings.ward_name])
    ws.append([c[0] for c in COLUMNS])
    header_row = 4
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    for cell in ws[header_row]:
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border
    for r in rows:
        ws.append([int(r.values[0]), *r.values[1:3], int(r.values[3]), *r.values[4:]])
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    for i, c in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(header_row, i).column_letter].width = c[2]
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    target = Path(path)
    wb.save(target)
    return target


def write_register_book(register: Register, start: date, end: date, path: str | Path) -> tuple[Path, int]:
    """Write the book for a period to ``path`` (.pdf or .xlsx); returns the path and the row count."""
    target = Path(path)
    rows = book_rows(dossiers_in_period(register, start, end), register.settings)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return write_register_xlsx(rows, register.settings, start, end, target), len(rows)
    if suffix == ".pdf":
        return write_bytes(render_register_pdf(rows, register.settings, start, end), target), len(rows)
    from core.errors import ValidationError

    raise ValidationError("Tệp xuất", "chỉ nhận .pdf hoặc .xlsx")
