"""The short report as an Excel workbook, and the end-of-day summary as its own small workbook.

The report workbook is what the city office opens in an email preview or prints: sheet
"Báo cáo" holds the heading, form II.06a's 13-column table, the three notes and the sign-off
block; sheet "Dữ liệu" (reports.datasheet) holds the same figures for the city's roll-up.
Values only (a preview shows formulas as empty), numbers as numbers, A4 landscape one page wide.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.indicators import Indicators
from core.report_snapshot import printed_settings
from core.reporting import Report
from core.settings import Settings
from core.stats import OUTCOME_FOOTNOTE, TOTAL_LABEL, DaySummary
from core.timeutil import now as local_now
from core.timeutil import to_local
from reports.common import DOTS, place_date, vn_moment
from reports.datasheet import SHEET_NAME, data_rows, write_datasheet
from reports.indicators_table import SHEET as INDICATORS_SHEET
from reports.indicators_table import write_indicators
from reports.xlsxkit import (
    LAST_COL,
    RED,
    SIZE,
    TABLE_SIZE,
    centred,
    figures_row,
    font,
    height_for,
    keep_together,
    label_width,
    left,
    lines_needed,
    national_heading,
    new_workbook,
    print_setup,
    put,
    set_table_widths,
    table_header,
    text_row,
    to_bytes,
)

TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
REPORT_SHEET = "Báo cáo"
FIELD_HEADING = "Lĩnh vực, công việc giải quyết theo cấp"
UNIT = "Đơn vị tính: Số hồ sơ TTHC."
DRAFT_MARK = "BẢN NHÁP - CHƯA KÝ DUYỆT"
PREPARER = "NGƯỜI LẬP BIỂU"
SIGNER = "PHÓ CHỦ TỊCH"
NOTES = ("1. Kết quả nổi bật", "2. Khó khăn, vướng mắc", "3. Đề xuất, kiến nghị")
NOTHING = "Không có."
DAY_TITLE = "TỔNG HỢP CUỐI NGÀY"
DAY_SHEET = "Tổng hợp ngày"


def _day_of(report: Report) -> date:
    """The date on the place/date line: when it was signed, else when drafted, else today."""
    moment = report.signed_at or report.created_at
    return to_local(moment).date() if moment else local_now().date()


def _left_heading(settings: Settings) -> list[tuple[str, bool]]:
    lines = [((settings.ward_name or "UBND").upper(), False)]
    if settings.centre_name:
        lines.append((settings.centre_name.upper(), True))
    return lines


def report_workbook(report: Report, settings: Settings, indicators: Indicators | None = None) -> bytes:
    """The report as .xlsx bytes: sheet "Báo cáo" for people, sheet "Dữ liệu" for the roll-up.

    A signed report prints the heading frozen in its snapshot (ward, centre, place, recipient),
    not today's settings: what the vice-chair signed does not change afterwards. With
    ``indicators``, the ward's service indicators are a short second table on sheet "Chỉ số"
    (``reports.indicators_table``), computed when the file is made, outside the signed figures.
    """
    settings = printed_settings(report, settings)
    table = report.table
    wb, ws = new_workbook(f"Báo cáo {TITLE.lower()} {table.period.short}", REPORT_SHEET)
    set_table_widths(ws, label_width([r.field for r in table.rows]))
    row = national_heading(ws, _left_heading(settings), place_date(settings, _day_of(report)))
    put(ws, row, 1, TITLE, to_col=LAST_COL, fnt=font(bold=True, size=SIZE + 2), align=centred(wrap=False))
    ws.row_dimensions[row].height = height_for(1, SIZE + 2)
    period = f"Kỳ báo cáo: {table.period.label}"
    if report.version > 1:
        period += f" (phiên bản {report.version}, thay thế phiên bản trước)"
    put(ws, row + 1, 1, period, to_col=LAST_COL, fnt=font(italic=True), align=centred(wrap=False))
    put(ws, row + 2, 1, f"Đơn vị báo cáo: {settings.ward_name or DOTS}", to_col=7)
    put(ws, row + 2, 8, f"Đơn vị nhận báo cáo: {settings.report_to or DOTS}", to_col=LAST_COL)
    if not report.is_signed:
        put(ws, row + 3, 1, DRAFT_MARK, to_col=7, fnt=font(bold=True, color=RED))
    put(ws, row + 3, 8, UNIT, to_col=LAST_COL, fnt=font(italic=True), align=left(wrap=False))
    top = row + 4
    first = table_header(ws, top, FIELD_HEADING)
    r = first
    for i, field_row in enumerate(table.rows, start=1):
        figures_row(ws, r, i, field_row.field, field_row.figures)
        r += 1
    figures_row(ws, r, None, TOTAL_LABEL, table.total, bold=True)
    text_row(ws, r + 1, f"Ghi chú: {OUTCOME_FOOTNOTE}", fnt=font(italic=True, size=TABLE_SIZE - 1))
    r += 2
    for heading, text in zip(NOTES, (report.highlights, report.difficulties, report.proposals), strict=True):
        put(ws, r, 1, f"{heading}:", to_col=LAST_COL, fnt=font(bold=True))
        text_row(ws, r + 1, (text or "").strip() or NOTHING)
        r += 2
    _sign_off(ws, r + 1, report)
    ws.freeze_panes = ws.cell(row=first, column=3)
    print_setup(ws, f"{top}:{first - 1}")
    keep_together(ws, r + 1, ws.max_row, (top, first - 1))
    ws.print_area = f"A1:M{ws.max_row}"
    write_datasheet(wb.create_sheet(SHEET_NAME), data_rows(report, settings))
    if indicators is not None:  # a short second table, on its own sheet after the report
        write_indicators(wb.create_sheet(INDICATORS_SHEET, 1), indicators, settings.ward_name)
    return to_bytes(wb)


def _sign_off(ws, r: int, report: Report) -> None:
    """Preparer on the left; the vice-chair's sign-off (or the draft mark) on the right."""
    bold, italic = font(bold=True), font(italic=True)
    put(ws, r, 1, PREPARER, to_col=5, fnt=bold, align=centred(wrap=False))
    put(ws, r + 1, 1, "(Ký, ghi rõ họ tên)", to_col=5, fnt=italic, align=centred(wrap=False))
    put(ws, r + 4, 1, report.created_by_name or DOTS, to_col=5, fnt=bold, align=centred(wrap=False))
    put(ws, r, 8, SIGNER, to_col=LAST_COL, fnt=bold, align=centred(wrap=False))
    if not report.is_signed or report.signed_at is None:
        put(
            ws,
            r + 1,
            8,
            DRAFT_MARK,
            to_col=LAST_COL,
            fnt=font(bold=True, size=SIZE + 1, color=RED),
            align=centred(wrap=False),
        )
        put(
            ws,
            r + 2,
            8,
            "(Chưa được Phó Chủ tịch ký duyệt: không dùng để báo cáo)",
            to_col=LAST_COL,
            fnt=font(italic=True, color=RED),
            align=centred(wrap=False),
        )
        return
    put(
        ws,
        r + 1,
        8,
        f"Đã ký duyệt lúc {vn_moment(report.signed_at)}",
        to_col=LAST_COL,
        fnt=italic,
        align=centred(wrap=False),
    )
    put(
        ws,
        r + 4,
        8,
        report.signed_by_name or report.signed_by or DOTS,
        to_col=LAST_COL,
        fnt=bold,
        align=centred(wrap=False),
    )
    if report.signed_by_title:
        put(ws, r + 5, 8, report.signed_by_title, to_col=LAST_COL, fnt=italic, align=centred(wrap=False))
    put(
        ws,
        r + 6,
        7,
        f"Mã xác thực số liệu (SHA-256): {_grouped(report.fingerprint or '')}",
        to_col=LAST_COL,
        fnt=font(size=9),
        align=centred(),
    )


def _grouped(fingerprint: str) -> str:
    """Groups of eight hex digits: easier to compare by eye or read out over the phone."""
    return " ".join(fingerprint[i : i + 8] for i in range(0, len(fingerprint), 8))


# --- the end-of-day summary ---------------------------------------------------------------
DAY_WIDTHS = {"A": 5.5, "B": 8, "C": 32, "D": 26, "E": 24, "F": 17}


def day_summary_workbook(summary: DaySummary, settings: Settings) -> bytes:
    """One A4 portrait sheet: the day's figures, then the difficulties noted with their procedure."""
    wb, ws = new_workbook(f"{DAY_TITLE.capitalize()} {summary.day:%d/%m/%Y}", DAY_SHEET)
    for letter, width in DAY_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    last = len(DAY_WIDTHS)
    row = national_heading(ws, _left_heading(settings), place_date(settings, summary.day), split=3, last=last)
    put(ws, row, 1, DAY_TITLE, to_col=last, fnt=font(bold=True, size=SIZE + 2), align=centred(wrap=False))
    judged = f"Ngày {summary.day:%d/%m/%Y} - số liệu tính đến {to_local(summary.at):%H:%M %d/%m/%Y}"
    put(ws, row + 1, 1, judged, to_col=last, fnt=font(italic=True), align=centred(wrap=False))
    r = row + 3
    hf = font(bold=True, size=TABLE_SIZE)
    put(ws, r, 1, "STT", fnt=hf, align=centred(), border=True)
    put(ws, r, 2, "Nội dung", to_col=5, fnt=hf, align=centred(), border=True)
    put(ws, r, 6, "Số hồ sơ", fnt=hf, align=centred(), border=True)
    lines: list[tuple[str, str, int, bool]] = [("1", "Tiếp nhận trong ngày", summary.received, True)]
    lines += [("", f"- {name}", n, False) for name, n in summary.received_by_field]
    lines += [
        ("2", "Có kết quả trong ngày", summary.resolved, True),
        ("3", "Đã trả kết quả trong ngày", summary.returned, True),
        (
            "4",
            f"Đến hạn trả ngày làm việc tiếp theo ({summary.next_working_day:%d/%m/%Y})",
            summary.due_next,
            True,
        ),
        (
            "5",
            f"Quá hạn, chưa có kết quả (tính đến {to_local(summary.at):%H:%M %d/%m/%Y})",
            summary.overdue,
            True,
        ),
    ]
    for number, label, count, main in lines:
        r += 1
        f = font(size=TABLE_SIZE, bold=main)
        put(ws, r, 1, number, fnt=f, align=centred(), border=True)
        put(
            ws,
            r,
            2,
            label,
            to_col=5,
            fnt=f if main else font(size=TABLE_SIZE, italic=True),
            align=left(wrap=False, indent=0 if main else 2),
            border=True,
        )
        put(ws, r, 6, int(count), fnt=f, align=centred(), border=True, number=True)
    r += 2
    put(ws, r, 1, "Khó khăn, vướng mắc trong ngày", to_col=last, fnt=font(bold=True))
    r += 1
    if not summary.difficulties:
        put(ws, r, 1, "Không có vướng mắc được ghi nhận trong ngày.", to_col=last, fnt=font(italic=True))
    else:
        for c, title in enumerate(("STT", "Giờ", "Nội dung vướng mắc", "Thủ tục", "Hồ sơ", "Người ghi"), 1):
            put(ws, r, c, title, fnt=hf, align=centred(), border=True)
        for i, d in enumerate(summary.difficulties, start=1):
            r += 1
            procedure = " - ".join(p for p in (d.procedure_code, d.procedure_name) if p)
            values = (i, f"{to_local(d.at):%H:%M}", d.text, procedure, d.dossier_code, d.user_name)
            for c, value in enumerate(values, start=1):
                put(
                    ws,
                    r,
                    c,
                    value,
                    fnt=font(size=TABLE_SIZE),
                    border=True,
                    align=centred() if c <= 2 else left(),
                )
            tallest = max(
                lines_needed(str(v), DAY_WIDTHS[k], TABLE_SIZE)
                for k, v in zip("CDEF", values[2:], strict=True)
            )
            ws.row_dimensions[r].height = height_for(tallest, TABLE_SIZE)
    print_setup(ws, None, landscape=False)
    ws.print_area = f"A1:F{ws.max_row}"
    return to_bytes(wb)


# --- file names ---------------------------------------------------------------------------
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_filename(stem: str, suffix: str = ".xlsx", limit: int = 120) -> str:
    """A Windows-safe file name that keeps Vietnamese letters (NFC): no reserved characters or
    names, no trailing dot or space, at most ``limit`` characters before the suffix."""
    text = unicodedata.normalize("NFC", stem)
    text = _FORBIDDEN.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip(" .")[:limit].rstrip(" .")
    if not text or text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text + suffix


def report_filename(report: Report, settings: Settings) -> str:
    """``Báo cáo TTHC_UBND phường Tây Hồ_2026-10-15_2026-11-14_v1.xlsx`` (``_bản nháp`` if unsigned)."""
    p = report.table.period
    ward = settings.ward_name or settings.agency_code or "MotCua"
    draft = "" if report.is_signed else "_bản nháp"
    return safe_filename(
        f"Báo cáo TTHC_{ward}_{p.start.isoformat()}_{p.end.isoformat()}_v{report.version}{draft}"
    )


def day_summary_filename(summary: DaySummary, settings: Settings) -> str:
    """``Tổng hợp cuối ngày_UBND phường Tây Hồ_2026-11-23.xlsx``."""
    ward = settings.ward_name or settings.agency_code or "MotCua"
    return safe_filename(f"Tổng hợp cuối ngày_{ward}_{summary.day.isoformat()}")


__all__ = [
    "report_workbook",
    "day_summary_workbook",
    "report_filename",
    "day_summary_filename",
    "safe_filename",
    "TITLE",
    "DRAFT_MARK",
]
