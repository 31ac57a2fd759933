"""The ward's service indicators as a short second table of the report workbook, and as e-mail lines.

Short on purpose: eight lines under the report's table, each with its figure and the sentence
that defines it (``core.indicators``), in the same 13 columns, so the sheet stays one page wide
and the file small. Not part of the signed figures (the fingerprint covers the report's table
only): the heading says the indicators are the ward's own, computed when the file was made.
"""

from __future__ import annotations

from html import escape

from core.indicators import FOOTNOTE, Indicators
from core.timeutil import fmt_vn
from reports.xlsxkit import (
    LAST_COL,
    TABLE_SIZE,
    centred,
    font,
    height_for,
    left,
    lines_needed,
    put,
    span_width,
)

TITLE = "CHỈ SỐ PHỤC VỤ NGƯỜI DÂN (đơn vị tự đánh giá theo Quyết định 766/QĐ-TTg)"
HEADINGS = ((1, 2, "Nhóm chỉ số"), (3, 4, "Chỉ số"), (5, 6, "Kết quả"), (7, LAST_COL, "Cách tính"))


def write_indicators(ws, row: int, result: Indicators) -> int:
    """The table from ``row``; returns the first row after it."""
    put(ws, row, 1, TITLE, to_col=LAST_COL, fnt=font(bold=True), align=left(wrap=False))
    put(
        ws,
        row + 1,
        1,
        f"Kỳ: {result.period.label}; số liệu tính lúc {fmt_vn(result.cutoff)}.",
        to_col=LAST_COL,
        fnt=font(italic=True, size=TABLE_SIZE),
        align=left(wrap=False),
    )
    r = row + 2
    for first, last, text in HEADINGS:
        put(
            ws,
            r,
            first,
            text,
            to_col=last,
            fnt=font(bold=True, size=TABLE_SIZE),
            align=centred(),
            border=True,
        )
    ws.row_dimensions[r].height = height_for(1, TABLE_SIZE)
    for item in result.items:
        r += 1
        value = item.value_text + (f"\n({item.detail_text})" if item.detail_text else "")
        cells = ((1, 2, item.group), (3, 4, item.label), (5, 6, value), (7, LAST_COL, item.definition))
        lines = 1
        for first, last, text in cells:
            align = centred() if first == 5 else left()
            put(ws, r, first, text, to_col=last, fnt=font(size=TABLE_SIZE), align=align, border=True)
            lines = max(lines, lines_needed(text, span_width(ws, first, last), TABLE_SIZE))
        ws.row_dimensions[r].height = height_for(lines, TABLE_SIZE)
    put(
        ws,
        r + 1,
        1,
        FOOTNOTE,
        to_col=LAST_COL,
        fnt=font(italic=True, size=TABLE_SIZE - 1),
        align=left(),
    )
    ws.row_dimensions[r + 1].height = height_for(
        lines_needed(FOOTNOTE, span_width(ws, 1, LAST_COL), TABLE_SIZE - 1), TABLE_SIZE - 1
    )
    return r + 2


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
