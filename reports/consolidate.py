"""The city office's roll-up: read the wards' report workbooks, check each, add up the good ones.

Only the "Dữ liệu" sheet is read (reports.datasheet, the same code that wrote it), after
core.filesafety has refused anything that is not a sane .xlsx zip. A file is rolled up only if
it is signed, its figures still give the fingerprint the vice-chair signed, the invariants of
report.md hold, it covers the same period as the others, and no other file reports for the same
agency code. Each refused file is named with its reasons in Vietnamese; the good ones still roll up.

A ward that signs with a certificate sends its report PDF too (reports.signing). Each PDF is
paired with its workbook by the agency code, report number and version it carries (else by file
name) and verified against the city's trust roots (reports.signing.verify): signature intact,
certificate trusted and valid at signing time, and the signed figures and fingerprint equal to
the workbook's. A failure refuses that ward, named with the PDF's reasons. A ward without a PDF
rolls up on its password sign-off, said so in "Tệp đã tổng hợp", unless ``require_signature``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from core.errors import MotCuaError
from core.filesafety import write_whole
from core.stats import TOTAL_LABEL, Figures
from core.timeutil import now as local_now
from core.timeutil import to_local
from reports.common import DOTS, vn_date
from reports.datasheet import SHEET_NAME, WardData, read_workbook, ward_rows, write_datasheet
from reports.xlsxkit import (
    LAST_COL,
    SIZE,
    TABLE_SIZE,
    centred,
    figures_row,
    font,
    height_for,
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

CITY_TITLE = "TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CỦA CÁC PHƯỜNG"
CITY_SHEET = "Tổng hợp"
REJECTED_SHEET = "Tệp bị loại"
ACCEPTED_SHEET = "Tệp đã tổng hợp"
WARD_HEADING = "Đơn vị báo cáo"
MAX_LISTED_PROBLEMS = 3


@dataclass(frozen=True)
class Accepted:
    path: Path
    data: WardData
    pdf: Path | None = None  # the signed PDF that went with it, verified
    signature: str = ""  # "PAdES B-B, Phạm Quang Vinh (CA ...)" for the files sheet

    @property
    def sign_off(self) -> str:
        return self.signature or "chỉ ký duyệt bằng mật khẩu (không có chữ ký số)"


@dataclass(frozen=True)
class Rejected:
    path: Path
    reasons: tuple[str, ...]
    ward_name: str = ""
    agency_code: str = ""

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class ConsolidationResult:
    """The period rolled up, the wards that went in (by agency code) and the files refused."""

    period: tuple[date, date] | None
    accepted: tuple[Accepted, ...]
    rejected: tuple[Rejected, ...]

    @property
    def wards(self) -> tuple[WardData, ...]:
        return tuple(a.data for a in self.accepted)

    @property
    def period_label(self) -> str:
        if self.period is None:
            return ""
        return f"Từ ngày {self.period[0]:%d/%m/%Y} đến ngày {self.period[1]:%d/%m/%Y}"

    @property
    def total(self) -> Figures:
        return sum((w.total for w in self.wards), Figures())

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field any ward reported, in the order they first appear (wards keep catalogue order)."""
        seen: dict[str, None] = {}
        for w in self.wards:
            for r in w.rows:
                seen.setdefault(r.field, None)
        return tuple(seen)

    def field_rows(self, field: str) -> list[tuple[WardData, Figures]]:
        """The wards that reported ``field``, with their figures in it."""
        return [(w, r.figures) for w in self.wards for r in w.rows if r.field == field]

    def field_total(self, field: str) -> Figures:
        return sum((f for _, f in self.field_rows(field)), Figures())

    def message(self) -> str:
        """What the command line prints: how many rolled up, and each refused file with why."""
        lines = [f"Đã tổng hợp {len(self.accepted)} báo cáo, kỳ {self.period_label or '(không xác định)'}."]
        if self.rejected:
            lines.append(f"{len(self.rejected)} tệp bị loại:")
            lines += [f"- {r.path.name}: {r.reason}" for r in self.rejected]
        return "\n".join(lines)


@dataclass
class _Candidate:
    path: Path
    data: WardData
    reasons: list[str]
    pdf: Path | None = None
    signature: str = ""


def consolidate(
    paths: Iterable[str | Path],
    *,
    trust_roots: list | None = None,
    require_signature: bool = False,
    now: datetime | None = None,
) -> ConsolidationResult:
    """Read and check every ward workbook (and signed PDF) in ``paths``; roll up the ones that pass."""
    rejected: list[Rejected] = []
    candidates: list[_Candidate] = []
    pdfs: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() == ".pdf":
            pdfs.append(path)
            continue
        try:
            data = read_workbook(path)
        except MotCuaError as exc:
            rejected.append(Rejected(path, (exc.message,)))
            continue
        candidates.append(_Candidate(path, data, _own_problems(data)))
    rejected += _check_pdfs(pdfs, candidates, trust_roots, now)
    if require_signature:
        for c in candidates:
            if c.pdf is None:
                c.reasons.append("không có tệp PDF ký số đi kèm (thành phố yêu cầu chữ ký số)")
    period = _period_of(candidates)
    for c in candidates:
        if c.data.period != period:
            c.reasons.append(
                f"khác kỳ báo cáo: tệp là {c.data.period_label}, "
                f"kỳ tổng hợp là {period[0]:%d/%m/%Y} - {period[1]:%d/%m/%Y}"
            )
    _one_per_agency([c for c in candidates if not c.reasons])
    accepted = sorted((c for c in candidates if not c.reasons), key=lambda c: c.data.agency_code)
    rejected += [
        Rejected(c.path, tuple(c.reasons), c.data.ward_name, c.data.agency_code)
        for c in candidates
        if c.reasons
    ]
    return ConsolidationResult(
        period,
        tuple(Accepted(c.path, c.data, c.pdf, c.signature) for c in accepted),
        tuple(rejected),
    )


def _check_pdfs(
    pdfs: list[Path], candidates: list[_Candidate], roots: list | None, now: datetime | None
) -> list[Rejected]:
    """Verify each PDF and pin it to its workbook; a PDF with no workbook is refused by itself."""
    from reports.signing.verify import figure_differences, read_pdf, snapshot_table, verify_pdf

    refused: list[Rejected] = []
    for path in pdfs:
        try:
            data = read_pdf(path)
        except MotCuaError as exc:
            refused.append(Rejected(path, (exc.message,)))
            continue
        verdict = verify_pdf(data, roots, path.name, now)
        snap = verdict.snapshot or {}
        partner = _partner(path, snap, candidates)
        if partner is None:
            reasons = [f"không có tệp Excel của cùng báo cáo trong các tệp đưa vào ({path.stem}.xlsx)"]
            reasons += verdict.problems
            refused.append(
                Rejected(
                    path, tuple(reasons), str(snap.get("ward_name", "")), str(snap.get("agency_code", ""))
                )
            )
            continue
        if partner.pdf is not None:
            refused.append(
                Rejected(path, (f"tệp Excel {partner.path.name} đã có tệp PDF {partner.pdf.name}",))
            )
            continue
        partner.pdf = path
        if verdict.problems:
            partner.reasons.append(
                f"chữ ký số trong {path.name} không hợp lệ: " + "; ".join(verdict.problems)
            )
            continue
        table = snapshot_table(snap)
        ward = partner.data
        if snap.get("fingerprint") != ward.fingerprint or table is None:
            changes = figure_differences(table, ward.table_json()) if table else []
            partner.reasons.append(
                f"số liệu hoặc mã xác thực trong {path.name} (đã ký số) khác tệp Excel"
                + (": " + "; ".join(changes[:MAX_LISTED_PROBLEMS]) if changes else "")
            )
            continue
        signer = verdict.signer
        partner.signature = (
            f"{verdict.level}, {signer.common_name if signer else ''}"
            f" (chứng thư do {signer.issuer if signer else ''} cấp), tệp {path.name}"
        )
    return refused


def _partner(path: Path, snap: dict, candidates: list[_Candidate]) -> _Candidate | None:
    """The workbook of the same report: agency code, report number and version; else the same name."""
    key = (str(snap.get("agency_code", "")), snap.get("report_id"), snap.get("version"))
    for c in candidates:
        if snap and (c.data.agency_code, c.data.report_id, c.data.version) == key:
            return c
    return next((c for c in candidates if c.path.stem == path.stem), None)


def _own_problems(data: WardData) -> list[str]:
    """What is wrong with one file on its own: unsigned, edited after signing, figures that do not add up."""
    reasons = []
    if not data.is_signed:
        reasons.append("báo cáo chưa được Phó Chủ tịch ký duyệt (bản nháp)")
    elif not data.fingerprint_ok:
        reasons.append("số liệu không khớp mã xác thực đã ký (tệp đã bị sửa sau khi ký duyệt)")
    problems = data.problems()
    if problems:
        shown = "; ".join(problems[:MAX_LISTED_PROBLEMS])
        more = (
            f" và {len(problems) - MAX_LISTED_PROBLEMS} lỗi khác"
            if len(problems) > MAX_LISTED_PROBLEMS
            else ""
        )
        reasons.append(f"số liệu không cân đối: {shown}{more}")
    return reasons


def _period_of(candidates: list[_Candidate]) -> tuple[date, date] | None:
    """The period most good files report; on a tie, the first good file's.

    If no file is good, the files with a readable sheet vote, so each is still told its period.
    """
    voters = [c.data.period for c in candidates if not c.reasons] or [c.data.period for c in candidates]
    if not voters:
        return None
    counts = Counter(voters)
    best = max(counts.values())
    return next(p for p in voters if counts[p] == best)


def _one_per_agency(good: list[_Candidate]) -> None:
    """Keep one file per agency code: the highest version; the same report twice counts once."""
    by_code: dict[str, list[_Candidate]] = {}
    for c in good:
        by_code.setdefault(c.data.agency_code, []).append(c)
    for group in by_code.values():
        if len(group) < 2:
            continue
        top = max(c.data.version for c in group)
        newest = [c for c in group if c.data.version == top]
        if len({c.data.fingerprint for c in newest}) > 1:
            names = ", ".join(c.path.name for c in newest)
            for c in newest:
                c.reasons.append(
                    f"mã cơ quan {c.data.agency_code} có {len(newest)} báo cáo khác nhau cùng phiên bản "
                    f"{top} ({names}): không biết tệp nào đúng, đề nghị phường gửi lại"
                )
            keeper = None
        else:
            keeper = newest[0]
            for c in newest[1:]:
                c.reasons.append(
                    f"trùng báo cáo của mã cơ quan {c.data.agency_code} trong tệp {keeper.path.name}"
                )
        for c in group:
            if c.data.version < top:
                where = f" trong tệp {keeper.path.name}" if keeper else ""
                c.reasons.append(
                    f"mã cơ quan {c.data.agency_code} đã có phiên bản mới hơn (phiên bản {top}){where}"
                )


# --- the city workbook --------------------------------------------------------------------
def city_workbook(
    result: ConsolidationResult, at: datetime | None = None, *, issuer: str = "", place: str = ""
) -> bytes:
    """The roll-up as .xlsx bytes: wards and total, a table per field, the files kept and refused.

    ``issuer`` (the city office, "UBND thành phố Hà Nội") heads it on the left as on every
    official paper, ``place`` starts the date line; dots for the pen when not given.
    """
    at = to_local(at) if at else local_now()
    wb, ws = new_workbook(CITY_TITLE.capitalize(), CITY_SHEET)
    labels = [w.ward_name for w in result.wards] + [f"Lĩnh vực: {f}" for f in result.fields]
    set_table_widths(ws, label_width(labels))
    row = national_heading(
        ws, [((issuer.strip() or DOTS).upper(), True)], f"{place.strip() or DOTS}, {vn_date(at)}"
    )
    text_row(ws, row, CITY_TITLE, fnt=font(bold=True, size=SIZE + 1), align=centred())
    period = f"Kỳ báo cáo: {result.period_label}" if result.period else "Kỳ báo cáo: (không có tệp hợp lệ)"
    period += f" (tổng hợp lúc {at:%H:%M} ngày {at:%d/%m/%Y})"
    put(ws, row + 1, 1, period, to_col=LAST_COL, fnt=font(italic=True), align=centred(wrap=False))
    counts = f"Số đơn vị đã tổng hợp: {len(result.accepted)}; số tệp bị loại: {len(result.rejected)}"
    if result.rejected:
        counts += f" (xem trang “{REJECTED_SHEET}”)"
    put(ws, row + 2, 1, counts, to_col=7)
    put(ws, row + 2, 8, "Đơn vị tính: Số hồ sơ TTHC.", to_col=LAST_COL, fnt=font(italic=True))
    top = row + 3
    first = table_header(ws, top, WARD_HEADING)
    r = first
    for i, ward in enumerate(result.wards, start=1):
        figures_row(ws, r, i, ward.ward_name, ward.total)
        r += 1
    figures_row(ws, r, None, TOTAL_LABEL, result.total, bold=True)
    r += 2
    if result.fields:
        put(ws, r, 1, "Chi tiết theo lĩnh vực", to_col=LAST_COL, fnt=font(bold=True))
        r += 1
    for n, field in enumerate(result.fields, start=1):
        put(
            ws,
            r,
            1,
            f"{n}. Lĩnh vực: {field}",
            to_col=LAST_COL,
            fnt=font(bold=True, size=TABLE_SIZE),
            align=left(wrap=False),
            border=True,
        )
        r += 1
        for i, (ward, figures) in enumerate(result.field_rows(field), start=1):
            figures_row(ws, r, i, ward.ward_name, figures)
            r += 1
        figures_row(ws, r, None, f"Cộng lĩnh vực {field}", result.field_total(field), bold=True)
        r += 1
    ws.freeze_panes = ws.cell(row=first, column=3)
    print_setup(ws, f"{top}:{first - 1}")
    _files_sheet(wb.create_sheet(ACCEPTED_SHEET), result)
    _rejected_sheet(wb.create_sheet(REJECTED_SHEET), result)
    write_datasheet(wb.create_sheet(SHEET_NAME), [row for w in result.wards for row in ward_rows(w)])
    return to_bytes(wb)


def write_city_workbook(
    result: ConsolidationResult, out: Path, at: datetime | None = None, *, issuer: str = "", place: str = ""
) -> Path:
    """Write :func:`city_workbook` to ``out`` (through a temporary file, so a failure leaves no half file)."""
    return write_whole(out, city_workbook(result, at, issuer=issuer, place=place), "bảng tổng hợp")


def _list_sheet(ws, headers: tuple[tuple[str, float], ...], rows: list[tuple], empty: str) -> None:
    for c, (title, width) in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(1, c).column_letter].width = width
        put(ws, 1, c, title, fnt=font(bold=True, size=TABLE_SIZE), align=centred(), border=True)
    if not rows:
        put(ws, 2, 1, empty, to_col=len(headers), fnt=font(italic=True, size=TABLE_SIZE))
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            put(
                ws, r, c, value, fnt=font(size=TABLE_SIZE), align=centred() if c == 1 else left(), border=True
            )
        tallest = max(lines_needed(str(v), w, TABLE_SIZE) for v, (_, w) in zip(values, headers, strict=True))
        ws.row_dimensions[r].height = height_for(tallest, TABLE_SIZE)
    ws.freeze_panes = "A2"
    print_setup(ws, "1:1")


def _rejected_sheet(ws, result: ConsolidationResult) -> None:
    rows = [(i, r.path.name, r.ward_name, r.agency_code, r.reason) for i, r in enumerate(result.rejected, 1)]
    headers = (("STT", 5.5), ("Tệp", 36), ("Đơn vị", 26), ("Mã cơ quan", 15), ("Lý do bị loại", 70))
    _list_sheet(ws, headers, rows, "Không có tệp nào bị loại.")


def _files_sheet(ws, result: ConsolidationResult) -> None:
    rows = [
        (
            i,
            a.path.name,
            a.data.ward_name,
            a.data.agency_code,
            a.data.version,
            a.data.signed_by,
            f"{a.data.signed_at:%H:%M %d/%m/%Y}" if a.data.signed_at else "",
            a.sign_off,
            a.data.fingerprint,
        )
        for i, a in enumerate(result.accepted, 1)
    ]
    headers = (
        ("STT", 5.5),
        ("Tệp", 36),
        ("Đơn vị", 26),
        ("Mã cơ quan", 15),
        ("Phiên bản", 9),
        ("Người ký duyệt", 20),
        ("Thời điểm ký", 16),
        ("Chữ ký số", 36),
        ("Mã xác thực (SHA-256)", 40),
    )
    _list_sheet(ws, headers, rows, "Không có báo cáo hợp lệ nào.")
