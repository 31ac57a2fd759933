"""The "Dữ liệu" sheet: the report's figures in tidy, machine-readable form, and its reader.

The printed sheet is for people; the city office's roll-up reads this one. Writer and reader
live together so the roll-up reads exactly what the ward wrote: one header row with fixed ASCII
names, one row per field and a last row "Tổng cộng", the ward, period and sign-off repeated on
every row (so a filter or a pivot table needs nothing else), dates as ISO text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core.errors import MotCuaError
from core.filesafety import check_xlsx
from core.report_snapshot import fingerprint_of
from core.reporting import SENT, SIGNED, STATUS_LABELS, Report
from core.settings import Settings
from core.stats import KEYS, TOTAL_LABEL, FieldRow, Figures
from core.timeutil import to_db, to_local
from reports.xlsxkit import append_row

SHEET_NAME = "Dữ liệu"
META = (
    "agency_code",
    "ward_name",
    "period_from",
    "period_to",
    "report_id",
    "version",
    "status",
    "signed_by",
    "signed_at",
    "fingerprint",
)
HEADERS = (*META, "field", *KEYS)
MAX_ROWS = 500  # a ward has a dozen fields; anything far larger is not a report


class DatasheetError(MotCuaError):
    """The "Dữ liệu" sheet is missing or not in the expected form (message in Vietnamese)."""


@dataclass(frozen=True)
class WardData:
    """One ward's report as read back from its "Dữ liệu" sheet."""

    agency_code: str
    ward_name: str
    period_from: date
    period_to: date
    report_id: int | None
    version: int
    status: str
    signed_by: str
    signed_at: datetime | None
    fingerprint: str
    rows: tuple[FieldRow, ...]
    total: Figures

    @property
    def period(self) -> tuple[date, date]:
        return (self.period_from, self.period_to)

    @property
    def period_label(self) -> str:
        return f"{self.period_from:%d/%m/%Y} - {self.period_to:%d/%m/%Y}"

    @property
    def is_signed(self) -> bool:
        return self.status in (SIGNED, SENT) and self.signed_at is not None and bool(self.fingerprint)

    @property
    def fingerprint_ok(self) -> bool:
        """Do the figures give the fingerprint the vice-chair signed? (False once edited after signing.)"""
        computed = fingerprint_of(self.table_json(), self.agency_code)
        return bool(self.fingerprint) and computed == self.fingerprint

    def table_json(self) -> dict[str, Any]:
        """The figures in the ``report --json`` shape (what the fingerprint covers)."""
        return {
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "rows": [{"field": r.field, **r.figures.to_dict()} for r in self.rows],
            "total": self.total.to_dict(),
        }

    def problems(self) -> list[str]:
        """The invariants of report.md this sheet breaks, in Vietnamese (empty when consistent)."""
        out = [f"lĩnh vực “{r.field}”: {p}" for r in self.rows for p in r.figures.problems()]
        out += [f"dòng {TOTAL_LABEL}: {p}" for p in self.total.problems()]
        if sum((r.figures for r in self.rows), Figures()) != self.total:
            out.append(f"dòng {TOTAL_LABEL} khác tổng các lĩnh vực")
        return out


# --- writing ------------------------------------------------------------------------------
def meta_values(report: Report, settings: Settings) -> list[Any]:
    """The ten columns every row repeats: who reports, for which period, and the sign-off."""
    period = report.table.period
    return [
        report.agency_code or settings.agency_code,
        settings.ward_name,
        period.start.isoformat(),
        period.end.isoformat(),
        report.id if report.id is not None else "",
        report.version,
        report.status,
        (report.signed_by_name or report.signed_by or "") if report.is_signed else "",
        (to_db(report.signed_at) or "") if report.is_signed else "",
        (report.fingerprint or "") if report.is_signed else "",
    ]


def data_rows(report: Report, settings: Settings) -> list[list[Any]]:
    """The sheet's rows after the header: one per field, then the total."""
    meta = meta_values(report, settings)
    out = [[*meta, r.field, *(int(getattr(r.figures, k)) for k in KEYS)] for r in report.table.rows]
    out.append([*meta, TOTAL_LABEL, *(int(getattr(report.table.total, k)) for k in KEYS)])
    return out


def ward_rows(data: WardData) -> list[list[Any]]:
    """A sheet read back, as rows again (the city workbook's own "Dữ liệu" sheet stacks them)."""
    meta = [
        data.agency_code,
        data.ward_name,
        data.period_from.isoformat(),
        data.period_to.isoformat(),
        data.report_id if data.report_id is not None else "",
        data.version,
        data.status,
        data.signed_by,
        to_db(data.signed_at) or "",
        data.fingerprint,
    ]
    out = [[*meta, r.field, *(int(getattr(r.figures, k)) for k in KEYS)] for r in data.rows]
    out.append([*meta, TOTAL_LABEL, *(int(getattr(data.total, k)) for k in KEYS)])
    return out


def write_datasheet(ws: Worksheet, rows: list[list[Any]]) -> None:
    """Header row and ``rows`` (from :func:`data_rows`, possibly several wards) into ``ws``.

    The sheet is hidden: Excel and LibreOffice print every visible sheet, and this one (for a
    machine) came out as an extra unreadable page after the report. A reader still finds it by
    name, and a person can unhide it (Format > Sheet > Show).
    """
    ws.append(list(HEADERS))
    for row in rows:
        append_row(ws, row)
    ws.freeze_panes = "A2"
    for i, name in enumerate(HEADERS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, len(name) + 2)
    ws.column_dimensions["K"].width = 30  # field names
    ws.column_dimensions["J"].width = 66  # SHA-256 in hex
    ws.sheet_state = "hidden"
    # Should someone unhide and print it: one page wide.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


# --- reading ------------------------------------------------------------------------------
def load(source: str | Path | bytes):
    """Open a workbook read-only for its values, refusing hostile zips before openpyxl parses them."""
    from openpyxl import load_workbook

    if isinstance(source, bytes):
        handle: Any = io.BytesIO(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise DatasheetError(f"Không tìm thấy tệp {path.name}.")
        check_xlsx(path)
        handle = path
    try:
        return load_workbook(handle, read_only=True, data_only=True)
    except MotCuaError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise DatasheetError("Không mở được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx.") from exc


def read_workbook(source: str | Path | bytes) -> WardData:
    """The ward report in a workbook file (or its bytes), from its "Dữ liệu" sheet."""
    wb = load(source)
    try:
        if SHEET_NAME not in wb.sheetnames:
            raise DatasheetError(f"Tệp không có trang “{SHEET_NAME}” (không phải báo cáo xuất từ MotCua).")
        return read_datasheet(wb[SHEET_NAME])
    except MotCuaError:
        raise
    except Exception as exc:  # damaged sheet XML inside a sane zip
        raise DatasheetError(f"Không đọc được trang “{SHEET_NAME}”: nội dung trang bị hỏng.") from exc
    finally:
        wb.close()


def read_datasheet(ws) -> WardData:
    """Parse and check the sheet's form; raises ``DatasheetError`` saying what is wrong.

    Invariants are not checked here (see :meth:`WardData.problems`): a sheet can be well formed
    and still hold figures that do not add up, and the roll-up names that reason separately.
    """
    rows = []
    if hasattr(ws, "reset_dimensions"):  # read-only: a declared A1:XFD1048576 would pad 16,384 columns
        ws.reset_dimensions()
    for index, values in enumerate(ws.iter_rows(max_col=len(HEADERS) + 20, values_only=True)):
        if len(rows) > MAX_ROWS + 1 or index > 10 * MAX_ROWS:  # blank rows count too: a far-off cell
            raise DatasheetError(f"Trang “{SHEET_NAME}” có quá {MAX_ROWS} dòng: không phải một báo cáo.")
        cells = list(values[: len(HEADERS) + 20])
        if any(v not in (None, "") for v in cells):
            rows.append(cells)
    if not rows:
        raise DatasheetError(f"Trang “{SHEET_NAME}” trống.")
    header = tuple(str(v).strip() if v is not None else "" for v in rows[0])
    while header and header[-1] == "":
        header = header[:-1]
    if header != HEADERS:
        raise DatasheetError(
            f"Dòng tiêu đề của trang “{SHEET_NAME}” không đúng mẫu (cần: {', '.join(HEADERS)})."
        )
    body = [dict(zip(HEADERS, r + [None] * (len(HEADERS) - len(r)), strict=False)) for r in rows[1:]]
    if not body or _text(body[-1]["field"]) != TOTAL_LABEL:
        raise DatasheetError(f"Trang “{SHEET_NAME}” thiếu dòng cuối “{TOTAL_LABEL}”.")
    first = body[0]
    for n, r in enumerate(body, start=2):
        for name in META:
            if _text(r[name]) != _text(first[name]):
                raise DatasheetError(
                    f"Trang “{SHEET_NAME}”, dòng {n}: cột {name} khác dòng 2 (mỗi tệp chỉ một báo cáo)."
                )
    field_rows = []
    seen: set[str] = set()
    for n, r in enumerate(body[:-1], start=2):
        name = _text(r["field"])
        if not name or name == TOTAL_LABEL or name in seen:
            raise DatasheetError(f"Trang “{SHEET_NAME}”, dòng {n}: tên lĩnh vực trống hoặc bị lặp.")
        seen.add(name)
        field_rows.append(FieldRow(name, _figures(r, n)))
    start, end = _date(first, "period_from"), _date(first, "period_to")
    if end < start:
        raise DatasheetError(f"Trang “{SHEET_NAME}”: period_to trước period_from.")
    return WardData(
        agency_code=_required(first, "agency_code"),
        ward_name=_required(first, "ward_name"),
        period_from=start,
        period_to=end,
        report_id=_int(first["report_id"], "report_id", 2) if _text(first["report_id"]) else None,
        version=_int(first["version"], "version", 2),
        status=_status(first),
        signed_by=_text(first["signed_by"]),
        signed_at=_moment(first),
        fingerprint=_text(first["fingerprint"]),
        rows=tuple(field_rows),
        total=_figures(body[-1], len(body) + 1),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _required(row: dict[str, Any], name: str) -> str:
    value = _text(row[name])
    if not value:
        raise DatasheetError(f"Trang “{SHEET_NAME}”: cột {name} trống.")
    return value


def _int(value: Any, name: str, n: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise DatasheetError(f"Trang “{SHEET_NAME}”, dòng {n}: cột {name} không phải số nguyên (“{value}”).")
    return int(value)


def _figures(row: dict[str, Any], n: int) -> Figures:
    return Figures(**{k: _int(row[k], k, n) for k in KEYS})


def _date(row: dict[str, Any], name: str) -> date:
    value = row[name]
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise DatasheetError(
            f"Trang “{SHEET_NAME}”: cột {name} không phải ngày dạng YYYY-MM-DD (“{value}”)."
        ) from None


def _moment(row: dict[str, Any]) -> datetime | None:
    value = row["signed_at"]
    if isinstance(value, datetime):
        return to_local(value)
    text = _text(value)
    if not text:
        return None
    try:
        return to_local(datetime.fromisoformat(text))
    except ValueError:
        raise DatasheetError(
            f"Trang “{SHEET_NAME}”: cột signed_at không phải thời điểm ISO (“{text}”)."
        ) from None


def _status(row: dict[str, Any]) -> str:
    value = _text(row["status"])
    if value not in STATUS_LABELS:
        raise DatasheetError(
            f"Trang “{SHEET_NAME}”: trạng thái “{value}” không hợp lệ (cần: {', '.join(STATUS_LABELS)})."
        )
    return value
