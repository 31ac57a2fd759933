"""Sổ theo dõi hồ sơ (Mẫu 07 of Circular 03/2025; Mẫu 06 of Circular 01/2018) for a period, per field
or all, as an A4 landscape PDF (header row on every page) and as an xlsx with the same rows. One
``book_rows`` feeds both, so they cannot disagree.

"STT" is the dossier's number in the register (``register_seq``, the "Số thứ tự" its receipt
shows), not the row's position in this export: a book for November starts where October ended.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm

from core.errors import ValidationError
from core.model import Dossier, EventKind, Status
from core.register import Register
from core.settings import Settings
from core.store import DossierQuery
from core.timeutil import to_local
from reports.common import PAPERS, new_sheet, pdf_surface, short_date, short_moment, write_bytes
from reports.layout import Para, Sheet, text_width

# (title, width in mm on A4 landscape, xlsx width in characters, kind) kind: text | int | date | moment
COLUMNS_2025 = (
    ("STT", 9, 5, "int"),
    ("Mã hồ sơ", 30, 23, "text"),
    ("Tên TTHC", 34, 24, "text"),
    ("Tên cá nhân, tổ chức", 30, 20, "text"),
    ("Địa chỉ, số điện thoại", 34, 26, "text"),
    ("Cơ quan chủ trì giải quyết", 22, 14, "text"),
    ("Nhận hồ sơ (ngày, giờ)", 18, 15, "moment"),
    ("Hẹn trả kết quả (ngày, giờ)", 18, 15, "moment"),
    ("Trả kết quả (ngày, giờ)", 18, 15, "moment"),
    ("Phương thức nhận kết quả (tại Bộ phận Một cửa / bưu chính / trực tuyến)", 22, 16, "text"),
    ("Ký nhận", 14, 12, "text"),
    ("Ghi chú", 16, 16, "text"),
)
COLUMNS_2018 = (
    ("TT", 8, 6, "int"),
    ("Mã hồ sơ", 30, 26, "text"),
    ("Tên TTHC", 32, 30, "text"),
    ("Số lượng hồ sơ", 11, 8, "int"),
    ("Tên cá nhân, tổ chức", 28, 26, "text"),
    ("Địa chỉ, số điện thoại", 30, 32, "text"),
    ("Cơ quan chủ trì giải quyết", 22, 20, "text"),
    ("Nhận hồ sơ (ngày)", 17, 12, "date"),
    ("Hẹn trả kết quả (ngày)", 17, 12, "date"),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 24, 24, "text"),
    ("Trả kết quả (ngày, giờ)", 20, 16, "moment"),
    ("Ký nhận", 13, 10, "text"),
    ("Ghi chú", 12, 16, "text"),
)
COLUMNS = COLUMNS_2025
BOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"
MAX_ROWS = 100_000
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"


def columns_for(settings: Settings) -> tuple[tuple[str, int, int, str], ...]:
    return COLUMNS_2018 if settings.form_set == "2018" else COLUMNS_2025


def dossiers_in_period(register: Register, start: date, end: date, field: str = "") -> list[Dossier]:
    """Dossiers received from ``start`` to ``end`` (inclusive), oldest first, with their events;
    only those of ``field`` (lĩnh vực) when given. Read-only, through the store's own query."""
    q = DossierQuery(
        received_from=start,
        received_to=end,
        field=field,
        sort="received_at",
        descending=False,
        limit=MAX_ROWS,
    )
    return [replace(d, events=register.store.events(d.id)) for d in register.store.query_dossiers(q)]


@dataclass(frozen=True)
class BookRow:
    cells: tuple[object, ...]  # typed values for the workbook (int, datetime, date, str, None)
    values: tuple[str, ...]  # the same, as printed


def _handover(d: Dossier) -> str:
    parts = [
        f"{e.at:%d/%m/%Y}: {e.data.get('to_officer') or e.user_name}"
        for e in d.events
        if e.kind == EventKind.HANDOVER
    ]
    return "; ".join(parts)


def _note(d: Dossier) -> str:
    parts = []
    if d.status.is_final_outcome or d.status == Status.AWAITING_SUPPLEMENT:
        parts.append(d.status.label)
    if d.new_appointment_at:
        parts.append(f"Hẹn lại: {short_moment(d.new_appointment_at)}")
    if d.province_code:
        parts.append(f"Mã hồ sơ của tỉnh: {d.province_code}")
    done = sorted({*d.digitised_documents, *d.reused_documents})
    if done:  # Decree 118/2025 art. 17: which documents were digitised (scanned or reused)
        parts.append(f"Đã số hóa thành phần {', '.join(map(str, done))}/{len(d.documents)}")
    if d.result_digitised:
        parts.append("Kết quả đã số hóa")
    return "; ".join(parts)


def _printed(value: object, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "date":
        return short_date(value)  # type: ignore[arg-type]
    if kind == "moment":
        return short_moment(value)  # type: ignore[arg-type]
    return str(value)


def _naive(moment: datetime | None) -> datetime | None:
    """Local wall-clock time without a zone: what a spreadsheet cell can hold."""
    return to_local(moment).replace(tzinfo=None) if moment else None


def book_rows(dossiers: list[Dossier], settings: Settings) -> list[BookRow]:
    columns = columns_for(settings)
    rows = []
    for i, d in enumerate(dossiers, 1):
        contact = ", ".join(x for x in (d.address, d.phone) if x)
        number = d.register_seq or i
        signed = d.receiver_name if d.returned_at else ""
        if settings.form_set == "2018":
            cells: tuple[object, ...] = (
                number, d.code, d.procedure_name, d.copies, d.applicant, contact, settings.ward_name,
                to_local(d.received_at).date(), to_local(d.due_at).date(), _handover(d),
                _naive(d.returned_at), signed, _note(d),
            )  # fmt: skip
        else:
            cells = (
                number, d.code, d.procedure_name, d.applicant, contact, settings.ward_name,
                _naive(d.received_at), _naive(d.due_at), _naive(d.returned_at), d.delivery().label,
                signed, _note(d),
            )  # fmt: skip
        values = tuple(_printed(v, c[3]) for v, c in zip(cells, columns, strict=True))
        rows.append(BookRow(cells, values))
    return rows


def column_widths(total: float, rows: list[BookRow], size: float, pad: float, columns=COLUMNS) -> list[float]:
    """Column widths in points. The code and date columns are as wide as their longest value, so a
    code or a date is never split across lines (a clerk reads a code back and types it); the
    other columns share the rest in proportion to the column table."""
    samples = {"date": "00/00/0000", "moment": "00/00/0000"}
    fixed = {1: "000.17.22.H56-261123-0001"}
    fixed.update({i: samples[c[3]] for i, c in enumerate(columns) if c[3] in samples})
    widths = [c[1] * mm for c in columns]
    for i, sample in fixed.items():
        values = [r.values[i].split(" ")[0] for r in rows] if columns[i][3] == "moment" else []
        values += [r.values[i] for r in rows if columns[i][3] != "moment"] + [sample]
        widths[i] = max(max(text_width(v, "r", size) for v in values) + 2 * pad + 1, widths[i] * 0.6)
    rest = [i for i in range(len(columns)) if i not in fixed]
    scale = (total - sum(widths[i] for i in fixed)) / sum(widths[i] for i in rest)
    for i in rest:
        widths[i] *= scale
    return widths


def period_text(start: date, end: date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def book_title(settings: Settings, field: str = "") -> str:
    return f"{BOOK_TITLE} - LĨNH VỰC {field.upper()}" if field else BOOK_TITLE


def render_register_pdf(
    rows: list[BookRow], settings: Settings, start: date, end: date, field: str = ""
) -> bytes:
    p = PAPERS["A4L"]
    columns = columns_for(settings)
    number = "07" if settings.form_set != "2018" else "06"
    circular = "Thông tư 03/2025/TT-VPCP" if settings.form_set != "2018" else "Thông tư 01/2018/TT-VPCP"
    title = book_title(settings, field)
    surface = pdf_surface(
        p, f"{title} - {period_text(start, end)}", settings, subject=f"Mẫu {number} - {circular}"
    )

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
        Para((("b", title),), size=p.head + 3, align="center", space_after=2),
        Para((("i", period_text(start, end)),), size=p.head, align="center", space_after=8),
    )
    size = p.body
    pad = 2.5
    widths = column_widths(sheet.width, rows, size, pad, columns)
    header = [[Para((("b", c[0]),), size=size, align="center", space_after=0)] for c in columns]
    centred = {i for i, c in enumerate(columns) if c[3] != "text"}
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
    rows: list[BookRow], settings: Settings, start: date, end: date, path: str | Path, field: str = ""
) -> Path:
    """The same book as a workbook: title rows, bold header, frozen panes, landscape print set-up.

    One font (Times New Roman, as every MotCua workbook), each row as tall as its longest
    wrapped cell (LibreOffice does not grow rows written by another program), dates as real
    dates shown dd/mm/yyyy, and every text guarded so a name starting with "=" stays a name.
    """
    from reports import xlsxkit as xk

    columns = columns_for(settings)
    title = book_title(settings, field)
    wb, ws = xk.new_workbook(f"{title} - {period_text(start, end)}", "Sổ theo dõi hồ sơ")
    for i, c in enumerate(columns, 1):
        ws.column_dimensions[xk.get_column_letter(i)].width = c[2]
    last = len(columns)
    size = xk.TABLE_SIZE
    xk.put(ws, 1, 1, title, to_col=last, fnt=xk.font(bold=True, size=xk.SIZE + 2), align=xk.centred(False))
    xk.put(ws, 2, 1, period_text(start, end), to_col=last, fnt=xk.font(italic=True), align=xk.centred(False))
    xk.put(ws, 3, 1, settings.ward_name, to_col=last, fnt=xk.font(bold=True), align=xk.left(wrap=False))
    header_row = 4
    hf = xk.font(bold=True, size=size)
    for i, c in enumerate(columns, 1):
        xk.put(ws, header_row, i, c[0], fnt=hf, align=xk.centred(), border=True)
    ws.row_dimensions[header_row].height = xk.height_for(
        max(xk.lines_needed(c[0], c[2], size) for c in columns), size
    )
    cell_font = xk.font(size=size)
    for r, row in enumerate(rows, header_row + 1):
        for i, (value, c) in enumerate(zip(row.cells, columns, strict=True), 1):
            kind = c[3]
            align = xk.left() if kind == "text" else xk.centred()
            xk.put(ws, r, i, value, fnt=cell_font, align=align, border=True)
            if kind in ("date", "moment") and value is not None:
                ws.cell(r, i).number_format = DATE_FORMAT if kind == "date" else MOMENT_FORMAT
        tallest = max(
            xk.lines_needed(v, c[2], size) if c[3] == "text" else 1
            for v, c in zip(row.values, columns, strict=True)
        )
        ws.row_dimensions[r].height = xk.height_for(tallest, size)
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    xk.print_setup(ws, f"{header_row}:{header_row}")
    ws.print_area = f"A1:{xk.get_column_letter(last)}{max(ws.max_row, header_row)}"
    return xk.save(wb, path)


def write_register_book(
    register: Register, start: date, end: date, path: str | Path, field: str = ""
) -> tuple[Path, int]:
    """Write the book for a period (one field or all) to ``path`` (.pdf or .xlsx); returns the path
    and the row count."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ValidationError("Tệp xuất", "chỉ nhận .pdf hoặc .xlsx")
    rows = book_rows(dossiers_in_period(register, start, end, field), register.settings)
    if suffix == ".xlsx":
        return write_register_xlsx(rows, register.settings, start, end, target, field), len(rows)
    return write_bytes(render_register_pdf(rows, register.settings, start, end, field), target), len(rows)
