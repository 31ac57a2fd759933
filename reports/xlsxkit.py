"""What the report workbooks share: Times New Roman cells, the official 13-column table, print set-up.

The ward report, the end-of-day summary and the city roll-up are all read first in an email
preview or on paper, so every cell carries its own font (a preview ignores the workbook's default
style), merged text cells get a row height sized to their wrapped text (neither Excel nor
LibreOffice grows a merged row by itself), and values are plain numbers, never formulas.

Every workbook MotCua writes is saved through :func:`to_bytes` / :func:`save`, which first runs
:func:`guard_workbook`: text that a spreadsheet would read as a formula (an applicant typed as
``=HYPERLINK(...)``, ``+1``, ``@SUM(A1)``, ``-2+3``) stays text, stored as a string with Excel's
quote prefix so that editing the cell later does not turn it into a formula either. The value
itself is kept as typed: the register must show what the citizen wrote.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core.filesafety import write_whole
from core.stats import KEYS, Figures

FONT = "Times New Roman"
SIZE = 12
TABLE_SIZE = 11
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
RED = "C00000"
NUMBER_FORMAT = "#,##0"  # shows 1.234 or 1,234 by the reader's locale; the value stays an integer

# The 13 columns of form II.06a (report.md, "Columns"): widths in Excel character units.
FIRST_NUMBER_COL = 3
LAST_COL = 13
NUMBER_WIDTH = 10.5
ROW_HEADER_LINES = (1, 1, 3)  # lines of text in the three header rows (sizes their heights)


@cache
def font(bold: bool = False, italic: bool = False, size: float = SIZE, **kw) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, **kw)


@cache
def centred(wrap: bool = True) -> Alignment:
    return Alignment(horizontal="center", vertical="center", wrap_text=wrap)


@cache
def left(wrap: bool = True, indent: int = 0) -> Alignment:
    return Alignment(horizontal="left", vertical="top" if wrap else "center", wrap_text=wrap, indent=indent)


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value,
    *,
    to_col: int | None = None,
    to_row: int | None = None,
    fnt: Font | None = None,
    align: Alignment | None = None,
    border: bool = False,
    number: bool = False,
) -> None:
    """Write ``value`` at (row, col), merged to (to_row, to_col); borders go on every merged cell."""
    last_col = to_col or col
    last_row = to_row or row
    cell = ws.cell(row=row, column=col, value=clean(value))
    _style(cell, fnt or font(), align or left(wrap=False), number, border)
    guard(cell)
    if last_col != col or last_row != row:
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
        if border:
            for r in range(row, last_row + 1):
                for c in range(col, last_col + 1):
                    if (r, c) != (row, col):
                        _style(ws.cell(row=r, column=c), None, None, False, True)


# openpyxl hashes every style object it is given (most of the time of a styled workbook);
# a cell's style is a small array of indexes into the workbook's tables, so the array is
# copied from the first cell that got the same combination. Keyed by object identity: font()
# and the alignments are cached, and the cache keeps every key object alive.
_STYLES: WeakKeyDictionary[Workbook, dict[tuple, tuple]] = WeakKeyDictionary()


def _style(cell, fnt: Font | None, align: Alignment | None, number: bool, border: bool) -> None:
    cache = _STYLES.setdefault(cell.parent.parent, {})
    key = (id(fnt), id(align), number, border)
    hit = cache.get(key)
    if hit is not None:
        cell._style = copy(hit[0])
        return
    if fnt is not None:
        cell.font = fnt
    if align is not None:
        cell.alignment = align
    if number:
        cell.number_format = NUMBER_FORMAT
    if border:
        cell.border = BOX
    cache[key] = (copy(cell._style), fnt, align)


def clean(value):
    """Text without the control characters XML forbids (pasted from Word, a tab becomes a space)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\t", " "))
    return value


# What makes Excel or LibreOffice read typed text as a formula (or DDE), with leading blanks
# skipped as both do: "=", "+", "-", "@", and a tab / line break in front of one of them.
FORMULA_LEADS = frozenset("=+-@\t\r\n|\uff1d\uff0b\uff0d\uff20")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could evaluate ``text`` typed into a cell."""
    stripped = text.lstrip(" \u00a0")
    return bool(stripped) and (stripped[0] in FORMULA_LEADS or text[:1] in FORMULA_LEADS)


def guard(cell) -> None:
    """Keep a text cell text: string type (openpyxl makes "=..." a formula) and the quote prefix."""
    value = cell.value
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def guard_workbook(wb: Workbook) -> int:
    """Guard every cell of every sheet; returns how many cells needed it (0 for ordinary data)."""
    fixed = 0
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if isinstance(cell.value, str) and (cell.data_type == "f" or looks_like_formula(cell.value)):
                guard(cell)
                fixed += 1
    return fixed


def append_row(ws: Worksheet, values: Sequence) -> int:
    """``ws.append`` for data rows: text cleaned of XML-illegal characters and guarded; returns the row."""
    ws.append([clean(v) for v in values])
    row = ws.max_row
    for cell in ws[row]:
        guard(cell)
    return row


def lines_needed(text: str, width_chars: float, size: float = SIZE) -> int:
    """How many lines ``text`` wraps to in a cell ``width_chars`` wide (width counts 12 pt Times digits)."""
    per_line = max(1.0, width_chars * 1.05 * SIZE / size)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in (text or " ").split("\n"))


def height_for(lines: int, size: float = SIZE) -> float:
    return round(lines * size * 1.3 + 3, 1)


def span_width(ws: Worksheet, first: int, last: int) -> float:
    return sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first, last + 1))


def text_row(ws: Worksheet, row: int, text: str, first: int = 1, last: int = LAST_COL, **kw) -> None:
    """A wrapped paragraph merged across ``first``..``last`` with a height that shows all of it."""
    size = kw.get("fnt").size if kw.get("fnt") else SIZE
    kw.setdefault("align", left())
    put(ws, row, first, text, to_col=last, **kw)
    ws.row_dimensions[row].height = height_for(lines_needed(text, span_width(ws, first, last), size), size)


@dataclass(frozen=True)
class Group:
    """A header group of the official table: title over ``Tổng số`` and the ``Trong đó`` columns."""

    title: str
    parts: tuple[str, ...]
    subtitle: str = "Trong đó"
    lone_last: str = ""  # a last column that stands beside the sub-group (e.g. "Từ kỳ trước")


GROUPS = (
    Group(
        "Số hồ sơ nhận giải quyết",
        ("Trực tuyến", "Trực tiếp, dịch vụ bưu chính"),
        subtitle="Số mới tiếp nhận",
        lone_last="Từ kỳ trước",
    ),
    Group("Số hồ sơ đã giải quyết", ("Trước hạn", "Đúng hạn", "Quá hạn")),
    Group("Số hồ sơ đang giải quyết", ("Trong hạn", "Quá hạn")),
)


def set_table_widths(ws: Worksheet, label_width: float) -> None:
    ws.column_dimensions["A"].width = 5.5
    ws.column_dimensions["B"].width = label_width
    for c in range(FIRST_NUMBER_COL, LAST_COL + 1):
        ws.column_dimensions[get_column_letter(c)].width = NUMBER_WIDTH


def label_width(labels: Iterable[str], minimum: float = 24, maximum: float = 36) -> float:
    """Column B wide enough for the longest label on one line, within reason (longer ones wrap)."""
    longest = max((len(t) for t in labels), default=0)
    return max(minimum, min(maximum, longest * 0.95 + 2))


def table_header(ws: Worksheet, top: int, label_title: str) -> int:
    """The three header rows and the column-number row of form II.06a; returns the first data row."""
    hf = font(bold=True, size=TABLE_SIZE)
    put(ws, top, 1, "STT", to_row=top + 2, fnt=hf, align=centred(), border=True)
    put(ws, top, 2, label_title, to_row=top + 2, fnt=hf, align=centred(), border=True)
    col = FIRST_NUMBER_COL
    for g in GROUPS:
        width = 1 + len(g.parts) + (1 if g.lone_last else 0)
        put(ws, top, col, g.title, to_col=col + width - 1, fnt=hf, align=centred(), border=True)
        put(ws, top + 1, col, "Tổng số", to_row=top + 2, fnt=hf, align=centred(), border=True)
        sub = font(size=TABLE_SIZE, italic=True)
        put(
            ws, top + 1, col + 1, g.subtitle, to_col=col + len(g.parts), fnt=sub, align=centred(), border=True
        )
        for i, part in enumerate(g.parts):
            put(ws, top + 2, col + 1 + i, part, fnt=font(size=TABLE_SIZE), align=centred(), border=True)
        if g.lone_last:
            last = col + width - 1
            put(
                ws,
                top + 1,
                last,
                g.lone_last,
                to_row=top + 2,
                fnt=font(size=TABLE_SIZE),
                align=centred(),
                border=True,
            )
        col += width
    for c in range(1, LAST_COL + 1):
        put(
            ws, top + 3, c, f"({c})", fnt=font(italic=True, size=TABLE_SIZE - 1), align=centred(), border=True
        )
    for i, n in enumerate(ROW_HEADER_LINES):
        ws.row_dimensions[top + i].height = height_for(n, TABLE_SIZE)
    return top + 4


def figures_row(
    ws: Worksheet, row: int, number: int | str | None, label: str, figures: Figures, bold: bool = False
) -> None:
    """One table row: STT, label, then the eleven counts as integers (no formulas)."""
    f = font(bold=bold, size=TABLE_SIZE)
    if number is None:  # a total: the label spans STT and label columns
        put(ws, row, 1, label, to_col=2, fnt=f, align=centred(), border=True)
    else:
        put(ws, row, 1, number, fnt=f, align=centred(), border=True)
        put(ws, row, 2, label, fnt=f, align=Alignment(vertical="center", wrap_text=True), border=True)
    for i, key in enumerate(KEYS):
        put(
            ws,
            row,
            FIRST_NUMBER_COL + i,
            int(getattr(figures, key)),
            fnt=f,
            align=centred(wrap=False),
            border=True,
            number=True,
        )
    lines = lines_needed(label, ws.column_dimensions["B"].width or 20, TABLE_SIZE)
    ws.row_dimensions[row].height = max(17.0, height_for(lines, TABLE_SIZE))


def national_heading(
    ws: Worksheet,
    left_lines: Sequence[tuple[str, bool]],
    place_date: str,
    split: int = 5,
    last: int = LAST_COL,
) -> int:
    """Issuing body left (columns 1..split), national heading and motto right; returns the next row."""
    rows = max(len(left_lines), 2)
    for i, (text, bold) in enumerate(left_lines):
        put(ws, 1 + i, 1, text, to_col=split, fnt=font(bold=bold), align=centred(wrap=False))
    put(
        ws,
        1,
        split + 1,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        to_col=last,
        fnt=font(bold=True),
        align=centred(wrap=False),
    )
    put(
        ws,
        2,
        split + 1,
        "Độc lập - Tự do - Hạnh phúc",
        to_col=last,
        fnt=font(bold=True, size=SIZE + 1, underline="single"),
        align=centred(wrap=False),
    )
    put(ws, rows + 1, split + 1, place_date, to_col=last, fnt=font(italic=True), align=centred(wrap=False))
    return rows + 2


def print_setup(ws: Worksheet, title_rows: str | None, landscape: bool = True) -> None:
    """A4, one page wide (as many pages tall as needed), centred, header rows repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT
    ws.sheet_view.showGridLines = False


DEFAULT_ROW_PT = 16.0  # a row with no set height holds one line of 12 pt Times
A4_LANDSCAPE_PT = (842.0, 595.0)


def keep_together(ws: Worksheet, first: int, last: int, title_rows: tuple[int, int]) -> bool:
    """Start a new printed page before rows ``first``..``last`` if they would straddle a page end.

    Neither Excel nor openpyxl can "keep rows together", so the pages are estimated from the
    row heights and the fit-to-width scale (the print set-up of :func:`print_setup`); an
    estimate that is off only adds or misses one page break. Returns True if a break was set.
    """
    from openpyxl.worksheet.pagebreak import Break

    m = ws.page_margins
    page_w, page_h = A4_LANDSCAPE_PT if ws.page_setup.orientation == "landscape" else A4_LANDSCAPE_PT[::-1]
    usable_w = page_w - 72 * (m.left + m.right)
    usable_h = page_h - 72 * (m.top + m.bottom)
    # Column widths count the default font's digits: 8 px for 12 pt Times at 96 dpi, plus 5 px padding.
    sheet_w = sum((span_width(ws, c, c) * 8 + 5) * 0.75 for c in range(1, ws.max_column + 1))
    scale = min(1.0, usable_w / sheet_w)
    room = usable_h / scale

    def height(r: int) -> float:
        return ws.row_dimensions[r].height or DEFAULT_ROW_PT

    repeated = sum(height(r) for r in range(title_rows[0], title_rows[1] + 1))
    used = 0.0
    for r in range(1, first):
        if used + height(r) > room:
            used = repeated
        used += height(r)
    block = sum(height(r) for r in range(first, last + 1))
    if used + block <= room or block > room - repeated:
        return False
    ws.row_breaks.append(Break(id=first - 1))
    return True


def new_workbook(title: str, sheet_title: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose default font is Times New Roman 12.

    The default font sets the unit of column widths: with openpyxl's Calibri default, Excel
    (Calibri) and LibreOffice without Calibri (a wider fallback) lay the same widths out
    differently, so pages break in different places. Times New Roman and Liberation Serif
    share their metrics, so every reader gets the same layout.
    """
    wb = Workbook()
    default = Font(name=FONT, size=SIZE, family=1)
    wb._fonts = IndexedList([default])  # font 0: what cells without a font of their own use
    wb._named_styles["Normal"].font = default
    ws = wb.active
    ws.title = sheet_title
    wb.properties.title = title
    wb.properties.creator = "MotCua"
    return wb, ws


def to_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, every cell guarded first (the one way MotCua saves a workbook)."""
    guard_workbook(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def save(wb: Workbook, path) -> Path:
    """Write :func:`to_bytes` to ``path`` through a temporary file: no half-written workbook."""
    return write_whole(path, to_bytes(wb), "bảng tính")
