"""The report as a PDF: the workbook's heading, table, notes and sign-off block on A4 landscape.

This is the document the vice-chair signs with a certificate: the city office reads it as the
paper copy, and its signature says who approved exactly these figures. It is drawn with
ReportLab (platypus tables for form II.06a's merged header) in the bundled Liberation Serif,
which has every Vietnamese letter (ReportLab's built-in Times has none).

Two things are placed for the signing step: an empty rectangle in the sign-off block where
the visible signature goes (its page and position are recorded while the page is drawn, so the
signature field lands on it wherever the block ends up), and the snapshot the fingerprint
covers as an embedded JSON file, so the city's roll-up compares the signed figures with the
workbook's without reading text off the page.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.report_snapshot import canonical_snapshot, printed_settings
from core.reporting import Report
from core.settings import Settings
from core.stats import KEYS, OUTCOME_FOOTNOTE, TOTAL_LABEL, Figures
from reports.common import DOTS, MOTTO, NATIONAL, place_date, vn_moment
from reports.fonts import font_name, register_fonts
from reports.workbook import (
    DRAFT_MARK,
    FIELD_HEADING,
    NOTES,
    NOTHING,
    PREPARER,
    SIGNER,
    TITLE,
    UNIT,
    _day_of,
    _grouped,
)
from reports.xlsxkit import GROUPS

PAGE = landscape(A4)
MARGINS = (12 * mm, 12 * mm, 9 * mm, 10 * mm)  # left, right, top, bottom
BODY = 11
TABLE = 9.5
SIGNATURE_FIELD = "ChuKyPhoChuTich"
SIGNATURE_BOX = (80 * mm, 22 * mm)  # width, height of the visible signature
SNAPSHOT_FILE = "motcua-bao-cao.json"
SNAPSHOT_VERSION = 1
RED = colors.HexColor("#C00000")
INDICATOR_HEADINGS = ("Nhóm chỉ số", "Chỉ số", "Kết quả", "Cách tính")


@dataclass
class SignatureSpot:
    """Where the visible signature goes: page index (from 0) and box in PDF points."""

    page: int = 0
    box: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass
class RenderedReport:
    """The unsigned PDF, where its signature goes, and the snapshot embedded with it."""

    pdf: bytes
    spot: SignatureSpot
    snapshot: dict[str, Any] = field(default_factory=dict)


class _Spot(Flowable):
    """An empty box that records its page and position when drawn (the signature's place)."""

    def __init__(self, spot: SignatureSpot, width: float, height: float):
        super().__init__()
        self.spot = spot
        self.width, self.height = width, height

    def wrap(self, avail_w, avail_h):
        return self.width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.spot.page = self.canv.getPageNumber() - 1
        self.spot.box = (int(x), int(y), int(x + self.width), int(y + self.height))


def _style(size: float = BODY, *, bold=False, italic=False, align=TA_CENTER, color=colors.black, lead=1.2):
    register_fonts()
    key = ("b" if bold else "") + ("i" if italic else "") or "r"
    return ParagraphStyle(
        f"s{size}{key}{align}{color}",
        fontName=font_name(key),
        fontSize=size,
        leading=size * lead,
        alignment=align,
        textColor=color,
    )


def _p(text: str, **kw) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _style(**kw))


def snapshot_of(report: Report, settings: Settings) -> dict[str, Any]:
    """What the PDF carries for machines: who, which period and version, the sign-off, the figures."""
    settings = printed_settings(report, settings)
    table = report.table.to_json()
    return {
        "motcua_report": SNAPSHOT_VERSION,
        "agency_code": report.agency_code or settings.agency_code,
        "ward_name": settings.ward_name,
        "report_id": report.id,
        "version": report.version,
        "status": report.status,
        "signed_by": (report.signed_by_name or report.signed_by or "") if report.is_signed else "",
        "signed_at": report.signed_at.isoformat() if report.signed_at and report.is_signed else "",
        "fingerprint": (report.fingerprint or "") if report.is_signed else "",
        "canonical": json.loads(canonical_snapshot(table, report.agency_code or settings.agency_code)),
    }


def render_report(report: Report, settings: Settings, indicators=None) -> RenderedReport:
    """The report's PDF (unsigned) and the spot reserved for the vice-chair's visible signature.

    ``indicators`` (``core.indicators.Indicators``) adds the ward's service indicators as a short
    table before the sign-off, as the workbook does; they are outside the fingerprint.
    """
    register_fonts()
    settings = printed_settings(report, settings)  # a signed report: the heading it was signed with
    buffer = io.BytesIO()
    period = report.table.period
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGINS[0],
        rightMargin=MARGINS[1],
        topMargin=MARGINS[2],
        bottomMargin=MARGINS[3],
        title=f"Báo cáo tình hình, kết quả giải quyết thủ tục hành chính kỳ {period.short}",
        author=settings.ward_name or "MotCua",
        subject=(
            f"Báo cáo {TITLE.lower()} của {settings.ward_name or 'đơn vị'} gửi "
            f"{settings.report_to or 'cơ quan cấp trên'}, {period.label.lower()}, phiên bản {report.version}"
        ),
        keywords="báo cáo TTHC, một cửa, mẫu II.06a, chữ ký số",
        creator="MotCua",
        producer="MotCua (ReportLab)",
    )
    width = PAGE[0] - MARGINS[0] - MARGINS[1]
    spot = SignatureSpot()
    story: list[Flowable] = [*_heading(report, settings, width)]
    story.append(_table(report, width))
    story.append(Spacer(1, 2 * mm))
    story.append(_p(f"Ghi chú: {OUTCOME_FOOTNOTE}", size=TABLE - 0.5, italic=True, align=TA_LEFT))
    story.append(Spacer(1, 2 * mm))
    for heading, text in zip(NOTES, (report.highlights, report.difficulties, report.proposals), strict=True):
        story.append(
            KeepTogether(
                [
                    _p(f"{heading}:", bold=True, align=TA_LEFT),
                    _p((text or "").strip() or NOTHING, align=TA_LEFT),
                    Spacer(1, 1.5 * mm),
                ]
            )
        )
    if indicators is not None:
        story.append(KeepTogether(_indicators(indicators, width)))
    story.append(KeepTogether(_sign_off(report, width, spot)))
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return RenderedReport(buffer.getvalue(), spot, snapshot_of(report, settings))


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(font_name("i"), 8)
    canvas.drawRightString(PAGE[0] - MARGINS[1], MARGINS[3] / 2, f"Trang {doc.page}")
    canvas.restoreState()


def _heading(report: Report, settings: Settings, width: float) -> list[Flowable]:
    left = [_p((settings.ward_name or "UBND").upper())]
    if settings.centre_name:
        left.append(_p(settings.centre_name.upper(), bold=True))
    right = [_p(NATIONAL, bold=True), Paragraph(f"<u>{escape(MOTTO)}</u>", _style(BODY + 1, bold=True))]
    top = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    date_line = Table(
        [["", _p(place_date(settings, _day_of(report)), italic=True)]], colWidths=[width * 0.42, width * 0.58]
    )
    period = f"Kỳ báo cáo: {report.table.period.label}"
    if report.version > 1:
        period += f" (phiên bản {report.version}, thay thế phiên bản trước)"
    units = Table(
        [
            [
                _p(f"Đơn vị báo cáo: {settings.ward_name or DOTS}", align=TA_LEFT),
                _p(f"Đơn vị nhận báo cáo: {settings.report_to or DOTS}", align=TA_LEFT),
            ],
            [
                _p(DRAFT_MARK, bold=True, color=RED, align=TA_LEFT) if not report.is_signed else "",
                _p(UNIT, italic=True, align=TA_LEFT),
            ],
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    units.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return [
        top,
        date_line,
        Spacer(1, 2 * mm),
        _p(TITLE, size=BODY + 2, bold=True),
        _p(period, italic=True),
        Spacer(1, 2 * mm),
        units,
        Spacer(1, 1 * mm),
    ]


def _table(report: Report, width: float) -> Table:
    """Form II.06a: three header rows as the workbook merges them, the column numbers, the rows."""
    stt_w, label_w = 10 * mm, 64 * mm
    number_w = (width - stt_w - label_w) / len(KEYS)
    h = {"size": TABLE, "bold": True}
    rows: list[list[Any]] = [[_p("STT", **h), _p(FIELD_HEADING, **h)], ["", ""], ["", ""]]
    spans = [((0, 0), (0, 2)), ((1, 0), (1, 2))]
    col = 2
    for g in GROUPS:
        n = 1 + len(g.parts) + (1 if g.lone_last else 0)
        rows[0] += [_p(g.title, **h)] + [""] * (n - 1)
        rows[1] += [_p("Tổng số", **h), _p(g.subtitle, size=TABLE, italic=True)] + [""] * (n - 2)
        rows[2] += [""] + [_p(part, size=TABLE) for part in g.parts]
        spans += [((col, 0), (col + n - 1, 0)), ((col, 1), (col, 2)), ((col + 1, 1), (col + len(g.parts), 1))]
        if g.lone_last:
            last = col + n - 1
            rows[1][last] = _p(g.lone_last, size=TABLE)
            rows[2].append("")
            spans.append(((last, 1), (last, 2)))
        col += n
    rows.append([_p(f"({c})", size=TABLE - 1, italic=True) for c in range(1, 14)])

    def figures(label: str, number: str, values: Figures, bold: bool = False) -> list[Any]:
        align = TA_CENTER if not number else TA_LEFT
        cells: list[Any] = [_p(number, size=TABLE, bold=bold), _p(label, size=TABLE, bold=bold, align=align)]
        return cells + [
            _p(f"{int(getattr(values, k)):,}".replace(",", "."), size=TABLE, bold=bold) for k in KEYS
        ]

    for i, r in enumerate(report.table.rows, start=1):
        rows.append(figures(r.field, str(i), r.figures))
    rows.append(figures(TOTAL_LABEL, "", report.table.total, bold=True))
    spans.append(((0, len(rows) - 1), (1, len(rows) - 1)))
    rows[-1][0], rows[-1][1] = rows[-1][1], ""
    table = Table(rows, colWidths=[stt_w, label_w] + [number_w] * len(KEYS), repeatRows=4)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    style += [("SPAN", a, b) for a, b in spans]
    table.setStyle(TableStyle(style))
    return table


def _indicators(result, width: float) -> list[Flowable]:
    """The workbook's indicators table (reports.indicators_table) in four columns."""
    from core.indicators import FOOTNOTE
    from core.timeutil import fmt_vn
    from reports.indicators_table import TITLE as INDICATORS_TITLE

    rows: list[list[Any]] = [[_p(text, size=TABLE, bold=True) for text in INDICATOR_HEADINGS]]
    for item in result.items:
        value = item.value_text + (f"\n({item.detail_text})" if item.detail_text else "")
        rows.append(
            [
                _p(item.group, size=TABLE, align=TA_LEFT),
                _p(item.label, size=TABLE, align=TA_LEFT),
                _p(value, size=TABLE),
                _p(item.definition, size=TABLE - 0.5, align=TA_LEFT),
            ]
        )
    table = Table(rows, colWidths=[width * 0.16, width * 0.2, width * 0.12, width * 0.52], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return [
        Spacer(1, 2 * mm),
        _p(INDICATORS_TITLE, bold=True, align=TA_LEFT),
        _p(
            f"Kỳ: {result.period.label}; số liệu tính lúc {fmt_vn(result.cutoff)}.",
            size=TABLE,
            italic=True,
            align=TA_LEFT,
        ),
        table,
        Spacer(1, 1 * mm),
        _p(FOOTNOTE, size=TABLE - 1, italic=True, align=TA_LEFT),
        Spacer(1, 2 * mm),
    ]


def _sign_off(report: Report, width: float, spot: SignatureSpot) -> list[Flowable]:
    """Preparer left; the vice-chair right: role, sign-off time, the signature's box, name, title."""
    left = [
        _p(PREPARER, bold=True),
        _p("(Ký, ghi rõ họ tên)", italic=True),
        Spacer(1, 14 * mm),
        _p(report.created_by_name or DOTS, bold=True),
    ]
    right: list[Flowable] = [_p(SIGNER, bold=True)]
    if not report.is_signed or report.signed_at is None:
        right += [
            _p(DRAFT_MARK, size=BODY + 1, bold=True, color=RED),
            _p("(Chưa được Phó Chủ tịch ký duyệt: không dùng để báo cáo)", italic=True, color=RED),
        ]
    else:
        right += [
            _p(f"Đã ký duyệt lúc {vn_moment(report.signed_at)}", italic=True),
            Spacer(1, 1 * mm),
            _Spot(spot, *SIGNATURE_BOX),
            Spacer(1, 1 * mm),
            _p(report.signed_by_name or report.signed_by or DOTS, bold=True),
        ]
        if report.signed_by_title:
            right.append(_p(report.signed_by_title, italic=True))
        right.append(_p(f"Mã xác thực số liệu (SHA-256): {_grouped(report.fingerprint or '')}", size=8))
    block = Table([[left, right]], colWidths=[width * 0.4, width * 0.6])
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [Spacer(1, 1.5 * mm), block]


def ward_indicators(register, report: Report):
    """The ward's indicators for the report's period, as the workbook shows them (None if unavailable)."""
    try:
        from core.indicators import compute
    except ImportError:  # pragma: no cover - an older tree without indicators
        return None
    return compute(register, report.period)


def embed_snapshot(writer, snapshot: dict[str, Any]) -> None:
    """Attach the snapshot as ``motcua-bao-cao.json`` (covered by the signature added after it)."""
    from pyhanko.pdf_utils import embed

    data = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    ef = embed.EmbeddedFileObject.from_file_data(writer, data=data, mime_type="application/json")
    spec = embed.FileSpec(
        file_spec_string=SNAPSHOT_FILE,
        file_name=SNAPSHOT_FILE,
        embedded_data=ef,
        description="Số liệu báo cáo (bản máy đọc) mà mã xác thực SHA-256 bao trùm",
    )
    embed.embed_file(writer, spec)


def report_pdf(report: Report, settings: Settings, indicators=None) -> bytes:
    """The unsigned PDF with its snapshot embedded (``motcua report pdf``): a draft or a copy."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    rendered = render_report(report, settings, indicators)
    writer = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf))
    embed_snapshot(writer, rendered.snapshot)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_filename(report: Report, settings: Settings) -> str:
    """The workbook's name with ``.pdf`` (``_đã ký số`` for the signed copy is added by the caller)."""
    from reports.workbook import report_filename

    return report_filename(report, settings)[: -len(".xlsx")] + ".pdf"
