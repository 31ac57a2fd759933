"""The text of the report e-mails: the key figures as plain text and as a small HTML table.

The city office reads these on a phone, often in the mail preview before opening the
attachment, so the body carries the figures that matter (received, resolved and how, pending
and overdue) per field and in total, in a table narrow enough for a phone. The HTML uses
inline styles only: mail clients drop ``<style>`` blocks. Counts only, never names of
applicants (Decree 13/2023).
"""

from __future__ import annotations

from html import escape

from core.indicators import Indicators
from core.reporting import Report
from core.settings import Settings
from core.stats import TOTAL_LABEL, DaySummary, Figures
from core.timeutil import fmt_vn, to_local
from reports.indicators_table import TITLE as INDICATORS_TITLE
from reports.indicators_table import indicator_lines, indicators_html

FOOTER = "Thư được gửi từ phần mềm MotCua (sổ tiếp nhận và trả kết quả hồ sơ TTHC)."
# Old HTML attributes rather than a style on every cell: every mail client honours them and
# the body stays small.
_TABLE = '<table border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse;font-size:13px;">'
# Columns of the short HTML table: (heading, function of a row's figures).
_COLUMNS = (
    ("Tiếp nhận", lambda f: f.received_total),
    ("Đã giải quyết", lambda f: f.resolved_total),
    ("Trong đó quá hạn", lambda f: f.resolved_late),
    ("Đang giải quyết", lambda f: f.pending_total),
    ("Trong đó quá hạn", lambda f: f.pending_overdue),
)


def number(n: int) -> str:
    """Vietnamese thousands separator: 12.345."""
    return f"{n:,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


def key_lines(f: Figures) -> list[str]:
    """The key figures of one row in words (the text body and the HTML body share them)."""
    lines = [
        f"Số hồ sơ nhận giải quyết: {number(f.received_total)} (trực tuyến {number(f.received_online)}; "
        f"trực tiếp, bưu chính {number(f.received_direct)}; từ kỳ trước {number(f.carried_over)})",
        f"Số hồ sơ đã giải quyết: {number(f.resolved_total)} (trước hạn {number(f.resolved_early)}; "
        f"đúng hạn {number(f.resolved_on_time)}; quá hạn {number(f.resolved_late)})",
    ]
    if f.resolved_total:
        on_time = f.resolved_early + f.resolved_on_time
        lines.append(f"Tỷ lệ giải quyết trước và đúng hạn: {percent(on_time, f.resolved_total)}")
    lines.append(
        f"Số hồ sơ đang giải quyết: {number(f.pending_total)} (trong hạn {number(f.pending_in_time)}; "
        f"quá hạn {number(f.pending_overdue)})"
    )
    return lines


def _notes(report: Report) -> list[tuple[str, str]]:
    parts = (
        ("Kết quả nổi bật", report.highlights),
        ("Khó khăn, vướng mắc", report.difficulties),
        ("Đề xuất, kiến nghị", report.proposals),
    )
    return [(label, text.strip()) for label, text in parts if text and text.strip()]


def _sign_line(report: Report) -> str:
    if not report.is_signed:
        return "BẢN NHÁP: báo cáo chưa được ký duyệt."
    title = report.signed_by_title or "Phó Chủ tịch UBND"
    when = fmt_vn(report.signed_at) if report.signed_at else ""
    line = f"Báo cáo đã được {title} {report.signed_by_name or report.signed_by or ''} ký duyệt"
    return " ".join((line + (f" lúc {when}" if when else "")).split()) + "."


def _signature(settings: Settings) -> list[str]:
    lines = [settings.ward_name, settings.centre_name, settings.address]
    contact = "; ".join(x for x in (settings.phone and f"ĐT: {settings.phone}", settings.email) if x)
    return [x for x in (*lines, contact) if x]


def report_bodies(
    report: Report, settings: Settings, indicators: Indicators | None = None, *, signed_pdf: bool = False
) -> tuple[str, str]:
    """(plain text, HTML) of the report e-mail; with ``indicators``, the ward's indicators too.

    ``signed_pdf``: the digitally signed PDF travels beside the workbook, and the first sentence
    names both (the city office looks for the PDF: it is the document of record).
    """
    table = report.table
    attached = "tệp PDF đã ký số và tệp Excel đính kèm" if signed_pdf else "tệp Excel đính kèm"
    intro = (
        f"{settings.ward_name} gửi báo cáo tình hình, kết quả giải quyết thủ tục hành chính, "
        f"kỳ báo cáo {table.period.label[0].lower()}{table.period.label[1:]} ({attached})."
    )
    greeting = f"Kính gửi: {settings.report_to}," if settings.report_to else "Kính gửi,"
    sign = _sign_line(report)
    fingerprint = f"Mã kiểm tra số liệu (SHA-256): {report.fingerprint}" if report.fingerprint else ""
    notes = _notes(report)

    text = [greeting, "", intro, "", "Số liệu chính (đơn vị tính: số hồ sơ TTHC):"]
    text += [f"- {line}" for line in key_lines(table.total)]
    if table.rows:
        text += ["", "Theo lĩnh vực:"]
        for row in table.rows:
            f = row.figures
            text.append(
                f"- {row.field}: nhận {number(f.received_total)}, đã giải quyết {number(f.resolved_total)} "
                f"(quá hạn {number(f.resolved_late)}), đang giải quyết {number(f.pending_total)} "
                f"(quá hạn {number(f.pending_overdue)})"
            )
    for label, note in notes:
        text += ["", f"{label}:", note]
    if indicators is not None:
        text += ["", f"{INDICATORS_TITLE}:", *[f"- {line}" for line in indicator_lines(indicators)]]
    text += ["", sign] + ([fingerprint] if fingerprint else [])
    text += ["", "Trân trọng.", "", *_signature(settings), "", FOOTER]

    html = [
        '<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;">',
        f"<p>{escape(greeting)}</p>",
        f"<p>{escape(intro)}</p>",
        "<p><b>Số liệu chính</b> (đơn vị tính: số hồ sơ TTHC):</p>",
        "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in key_lines(table.total)) + "</ul>",
        _html_table(table.rows, table.total),
    ]
    for label, note in notes:
        body = "<br>".join(escape(x) for x in note.splitlines())
        html.append(f"<p><b>{escape(label)}:</b><br>{body}</p>")
    if indicators is not None:
        html.append(indicators_html(indicators))
    html.append(f"<p>{escape(sign)}" + (f"<br><small>{escape(fingerprint)}</small>" if fingerprint else ""))
    html.append("</p><p>Trân trọng.</p>")
    html.append("<p>" + "<br>".join(escape(x) for x in _signature(settings)) + "</p>")
    html.append(f'<p style="color:#777;font-size:12px;">{escape(FOOTER)}</p></div>')
    return "\n".join(text) + "\n", _page("\n".join(html))


def _html_table(rows, total: Figures) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h, _ in _COLUMNS)
    out = [_TABLE, f'<tr bgcolor="#eeeeee"><th>Lĩnh vực</th>{head}</tr>']
    for field, figures, bold in [(r.field, r.figures, False) for r in rows] + [(TOTAL_LABEL, total, True)]:
        b, end = ("<b>", "</b>") if bold else ("", "")
        cells = "".join(f'<td align="right">{b}{number(get(figures))}{end}</td>' for _, get in _COLUMNS)
        out.append(f"<tr><td>{b}{escape(field)}{end}</td>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"></head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


# --- the end-of-day summary --------------------------------------------------------------------
def _day_lines(s: DaySummary) -> list[tuple[str, int]]:
    return [
        ("Hồ sơ tiếp nhận trong ngày", s.received),
        ("Hồ sơ có kết quả trong ngày", s.resolved),
        ("Kết quả đã trả cho người nộp trong ngày", s.returned),
        (f"Hồ sơ đến hạn ngày làm việc tiếp theo ({s.next_working_day:%d/%m/%Y})", s.due_next),
        (f"Hồ sơ đang quá hạn (tính đến {fmt_vn(s.at)})", s.overdue),
    ]


def _difficulty(d) -> str:
    what = d.procedure_name or d.procedure_code
    code = f" - hồ sơ {d.dossier_code}" if d.dossier_code else ""
    who = f" ({d.user_name})" if d.user_name else ""
    head = f"{to_local(d.at):%H:%M}{who}"
    return f"{head}: {what}{code}: {d.text}" if what else f"{head}: {d.text}"


def day_summary_bodies(s: DaySummary, settings: Settings) -> tuple[str, str]:
    """(plain text, HTML) of the end-of-day summary e-mail."""
    intro = (
        f"{settings.ward_name} gửi tổng hợp tình hình tiếp nhận, giải quyết hồ sơ TTHC "
        f"ngày {s.day:%d/%m/%Y} (tệp Excel đính kèm)."
    )
    text = [intro, ""]
    text += [f"- {label}: {number(n)}" for label, n in _day_lines(s)]
    if s.received_by_field:
        text += ["", "Tiếp nhận theo lĩnh vực:"]
        text += [f"- {field}: {number(n)}" for field, n in s.received_by_field]
    text += ["", "Khó khăn, vướng mắc trong ngày:"]
    text += [f"- {_difficulty(d)}" for d in s.difficulties] or ["- Không có."]
    text += ["", *_signature(settings), "", FOOTER]

    rows = "".join(
        f'<tr><td>{escape(label)}</td><td align="right">{number(n)}</td></tr>' for label, n in _day_lines(s)
    )
    html = [
        '<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;">',
        f"<p>{escape(intro)}</p>",
        f"{_TABLE}{rows}</table>",
    ]
    if s.received_by_field:
        items = "".join(f"<li>{escape(f)}: {number(n)}</li>" for f, n in s.received_by_field)
        html.append(f"<p><b>Tiếp nhận theo lĩnh vực:</b></p><ul>{items}</ul>")
    items = "".join(f"<li>{escape(_difficulty(d))}</li>" for d in s.difficulties) or "<li>Không có.</li>"
    html.append(f"<p><b>Khó khăn, vướng mắc trong ngày:</b></p><ul>{items}</ul>")
    html.append("<p>" + "<br>".join(escape(x) for x in _signature(settings)) + "</p>")
    html.append(f'<p style="color:#777;font-size:12px;">{escape(FOOTER)}</p></div>')
    return "\n".join(text) + "\n", _page("\n".join(html))
