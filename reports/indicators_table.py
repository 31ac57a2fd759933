"""The ward's service indicators as a short second table of the report workbook, and as e-mail lines.

Short on purpose: eight lines, each with its figure and the sentence that defines it
(``core.indicators``), on a sheet of its own ("Chỉ số", one A4 page wide) so the report's sheet
is still exactly the document the vice-chair signed, and the file stays small. Not part of the
signed figures (the fingerprint covers the report's table only): the heading says the
indicators are the ward's own, computed when the file was made.
"""

from __future__ import annotations

from html import escape

from openpyxl.utils import get_column_letter

from core.indicators import FOOTNOTE, Indicators
from core.timeutil import fmt_vn
from reports.xlsxkit import TABLE_SIZE, centred, font, height_for, left, lines_needed, print_setup, put

TITLE = "CHỈ SỐ PHỤC VỤ NGƯỜI DÂN (đơn vị tự đánh giá theo Quyết định 766/QĐ-TTg)"
SHEET = "Chỉ số"
HEADINGS = ("Nhóm chỉ số", "Chỉ số", "Kết quả", "Cách tính")
WIDTHS = (17, 24, 13, 62)  # A4 portrait at fit-to-width


def write_indicators(ws, result: Indicators, ward_name: str = "") -> None:
    """The table on its own sheet: the report's sheet stays the document that was signed, and this
    sheet prints on one A4 page of its own (no report header rows repeated above it)."""
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last = len(WIDTHS)
    put(ws, 1, 1, TITLE, to_col=last, fnt=font(bold=True), align=centred())
    ws.row_dimensions[1].height = height_for(2)
    period = f"{ward_name} - " if ward_name else ""
    period += f"Kỳ: {result.period.label}; số liệu tính lúc {fmt_vn(result.cutoff)}."
    put(ws, 2, 1, period, to_col=last, fnt=font(italic=True, size=TABLE_SIZE), align=centred())
    for col, text in enumerate(HEADINGS, start=1):
        bold = font(bold=True, size=TABLE_SIZE)
        put(ws, 4, col, text, fnt=bold, align=centred(), border=True)
    ws.row_dimensions[4].height = height_for(1, TABLE_SIZE)
    r, group = 4, ""
    for item in result.items:
        r += 1
        value = item.value_text + (f"\n({item.detail_text})" if item.detail_text else "")
        shown_group = item.group if item.group != group else ""  # each group named once
        group = item.group
        lines = 1
        for col, text in enumerate((shown_group, item.label, value, item.definition), start=1):
            cell_font = font(bold=col == 3 or bool(shown_group and col == 1), size=TABLE_SIZE)
            put(ws, r, col, text, fnt=cell_font, align=centred() if col == 3 else left(), border=True)
            lines = max(lines, lines_needed(text, WIDTHS[col - 1], TABLE_SIZE))
        ws.row_dimensions[r].height = height_for(lines, TABLE_SIZE)
    put(ws, r + 2, 1, FOOTNOTE, to_col=last, fnt=font(italic=True, size=TABLE_SIZE - 1), align=left())
    ws.row_dimensions[r + 2].height = height_for(
        lines_needed(FOOTNOTE, sum(WIDTHS), TABLE_SIZE - 1), TABLE_SIZE - 1
    )
    print_setup(ws, "4:4", landscape=False)
    ws.print_area = f"A1:{get_column_letter(last)}{r + 2}"


def indicator_lines(result: Indicators) -> list[str]:
    """One line per indicator for the plain-text e-mail: label, figure, definition."""
    out = []
    for item in result.items:
        detail = f" ({item.detail_text})" if item.detail_text else ""
        out.append(f"{item.label}: {item.value_text}{detail}. Cách tính: {item.definition}")
    return out


def indicators_html(result: Indicators) -> str:
    rows = "".join(
        "<tr>"
        f'<td style="padding:2px 6px;">{escape(i.label)}</td>'
        f'<td style="padding:2px 6px;text-align:right;white-space:nowrap;"><b>{escape(i.value_text)}</b>'
        + (f"<br><small>{escape(i.detail_text)}</small>" if i.detail_text else "")
        + f'</td><td style="padding:2px 6px;color:#555;font-size:12px;">{escape(i.definition)}</td></tr>'
        for i in result.items
    )
    return (
        f"<p><b>{escape(TITLE)}</b></p>"
        '<table style="border-collapse:collapse;font-size:13px;" border="1" cellspacing="0">'
        f'{rows}</table><p style="color:#777;font-size:12px;">{escape(FOOTNOTE)}</p>'
    )
