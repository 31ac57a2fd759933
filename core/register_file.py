"""Reading an old register file: rows, the header row, and what each cell means.

Separate from ``core/register_import`` (which builds and writes dossiers) so each stays one job:
this module knows spreadsheets, encodings and the words registers use; nothing here writes.
Headers match ignoring case, accents, spacing and bracketed hints ("Ngày nhận (dd/mm/yyyy)"),
and a header typed in TCVN3/VNI matches too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from core import legacy_text
from core.errors import MotCuaError
from core.filesafety import read_csv_bytes, read_xlsx_rows, split_csv
from core.model import Channel, Status
from core.text import fold, nfc
from core.timeutil import VN_TZ

LABELS = {
    "code": "Mã hồ sơ",
    "procedure": "Mã thủ tục",
    "applicant": "Người nộp",
    "id_number": "Số định danh",
    "phone": "Điện thoại",
    "address": "Địa chỉ",
    "channel": "Kênh nộp",
    "received": "Ngày nhận",
    "due": "Ngày hẹn trả",
    "outcome": "Ngày có kết quả",
    "returned": "Ngày trả",
    "status": "Trạng thái",
    "note": "Ghi chú",
}
REQUIRED = ("code", "procedure", "applicant", "received")
_HEADERS = {
    "code": "ma ho so|so ho so|ma hs|so hs|ma so ho so|so bien nhan|ma bien nhan|so phieu",
    "procedure": "ma thu tuc|ma tthc|thu tuc|ten thu tuc|ten tthc|thu tuc hanh chinh|"
    "ten thu tuc hanh chinh|loai ho so|linh vuc thu tuc",
    "applicant": "nguoi nop|ho ten|ho va ten|ten nguoi nop|nguoi nop ho so|ho ten nguoi nop|"
    "to chuc ca nhan|ca nhan to chuc|ten to chuc ca nhan|chu ho so|nguoi de nghi|cong dan",
    "id_number": "so dinh danh|so dinh danh ca nhan|cccd|so cccd|cmnd|so cmnd|cmnd cccd|cccd cmnd|"
    "so giay to|giay to tuy than|so cmnd cccd|so cccd cmnd|ma so thue",
    "phone": "dien thoai|so dien thoai|sdt|dt|so dt|dien thoai lien he",
    "address": "dia chi|dia chi lien he|noi cu tru|dia chi thuong tru|dia chi cu tru",
    "channel": "kenh nop|kenh|hinh thuc nop|hinh thuc|kenh tiep nhan|hinh thuc tiep nhan|nop qua",
    "received": "ngay nhan|ngay tiep nhan|ngay nhan ho so|thoi gian tiep nhan|thoi gian nhan|ngay nop|"
    "tiep nhan|ngay gio tiep nhan|ngay gio nhan",
    "due": "ngay hen tra|hen tra|ngay hen|hen tra ket qua|ngay hen tra ket qua|han giai quyet|han tra|"
    "han tra ket qua|thoi han tra",
    "outcome": "ngay co ket qua|co ket qua|ngay giai quyet|ngay hoan thanh|ngay ket thuc|"
    "ngay xu ly xong|ngay giai quyet xong",
    "returned": "ngay tra|ngay tra ket qua|tra ket qua|ngay tra kq|ngay nhan ket qua|ngay da tra",
    "status": "trang thai|tinh trang|trang thai ho so|tinh trang ho so|tinh trang giai quyet",
    "note": "ghi chu|ghi chu khac",
}
HEADERS = {variant: key for key, text in _HEADERS.items() for variant in text.split("|")}
STATUSES = {
    "dang giai quyet": Status.IN_PROGRESS,
    "dang xu ly": Status.IN_PROGRESS,
    "da tiep nhan": Status.RECEIVED,
    "moi tiep nhan": Status.RECEIVED,
    "cho bo sung": Status.AWAITING_SUPPLEMENT,
    "yeu cau bo sung": Status.AWAITING_SUPPLEMENT,
    "da co ket qua": Status.RESOLVED,
    "co ket qua": Status.RESOLVED,
    "da giai quyet": Status.RESOLVED,
    "cho tra ket qua": Status.RESOLVED,
    "da tra ket qua": Status.RETURNED,
    "da tra": Status.RETURNED,
    "tra ket qua": Status.RETURNED,
    "tu choi": Status.REFUSED,
    "da tu choi": Status.REFUSED,
    "rut ho so": Status.WITHDRAWN,
    "da rut": Status.WITHDRAWN,
    "rut": Status.WITHDRAWN,
    "dung giai quyet": Status.STOPPED,
    "dung": Status.STOPPED,
    **{s.value: s for s in Status},
}
CHANNELS = {
    "truc tiep": Channel.DIRECT,
    "tai quay": Channel.DIRECT,
    "truc tuyen": Channel.ONLINE,
    "online": Channel.ONLINE,
    "dich vu cong": Channel.ONLINE,
    "qua mang": Channel.ONLINE,
    "buu chinh": Channel.POST,
    "buu dien": Channel.POST,
    "qua buu chinh": Channel.POST,
    **{c.value: c for c in Channel},
}
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:hg](\d{2})(?::(\d{2}))?)?")
_HM_DMY = re.compile(r"(\d{1,2})[:hg](\d{2})(?::\d{2})?,?\s*(?:ngay\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?:[+-]\d{2}:\d{2}|Z)?")
_EXCEL_EPOCH = datetime(1899, 12, 30)


class RowError(Exception):
    """One row's problem, in Vietnamese; the row is skipped."""


# --- reading the file ------------------------------------------------------------------------------
def decode_legacy_csv(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file: UTF-8 (BOM or not), else the Windows code page that reads
    as Vietnamese: cp1258 (Vietnamese Windows) or cp1252 (a TCVN3/VNI file saved on Western
    Windows, whose bytes the per-cell converter then turns into Unicode)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, str, str] | None = None
    for encoding in ("cp1258", "cp1252"):
        text = raw.decode(encoding, errors="replace")
        score = _vietnamese_score(text) - 5 * text.count("\ufffd")
        if best is None or score > best[0]:
            best = (score, text, encoding)
    assert best is not None
    return best[1], best[2]


def _vietnamese_score(text: str) -> int:
    """Words that read as Vietnamese (converted where legacy) minus words that are gibberish."""
    score = 0
    for cell in set(re.split(r"[,;\t\r\n\"]+", text[:200_000])):
        if cell.isascii():
            continue
        reading = legacy_text.classify(nfc(cell))
        if reading.kind in ("tcvn3", "vni") or (
            reading.kind == "plain" and legacy_text.has_unicode_vietnamese(reading.text)
        ):
            score += 1
        elif reading.kind == "unknown" or any("\u0300" <= ch <= "\u036f" for ch in reading.text):
            score -= 1
    return score


def _read_csv(path: Path) -> tuple[list[list[Any]], str]:
    text, encoding = decode_legacy_csv(read_csv_bytes(path))
    first = text[:4096]
    delimiter = max((",", ";", "\t"), key=lambda d: first.split("\n", 1)[0].count(d))
    return split_csv(text, path.name, delimiter), encoding


def read_rows(path: str | Path) -> tuple[list[list[Any]], str]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_rows(path), "xlsx"
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix == ".xls":
        raise MotCuaError(
            f"Tệp {path.name} là Excel 97-2003 (.xls): hãy mở bằng Excel và lưu lại dạng .xlsx rồi nhập."
        )
    raise MotCuaError(f"Chỉ nhận tệp .xlsx hoặc .csv, không nhận “{path.suffix}”")


@lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    value = re.sub(r"\(.*?\)|\[.*?\]", " ", fold(text))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


def header_key(text: Any) -> str:
    """'Ngày tiếp nhận (dd/mm/yyyy)' -> 'ngay tiep nhan': folded, brackets and punctuation gone.

    Also the key of status and channel words, which repeat on every row: hence the cache."""
    return _header_key(str(text or ""))


def _header_readings(text: Any) -> list[str]:
    """The header as it is, and as TCVN3/VNI where it could be one (headers are short)."""
    value = nfc(str(text or ""))
    reading = legacy_text.classify(value)
    return [value, reading.text, *(t for _, t in reading.options)]


def find_header(rows: list[list[Any]], scan: int = 15) -> tuple[int, dict[str, int], list[str]]:
    """(row index, field -> column, ignored headers) of the first row naming the required columns."""
    best: tuple[int, int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:scan]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            for reading in _header_readings(cell):
                key = HEADERS.get(header_key(reading))
                if key and key not in columns:
                    columns[key] = col
                    break
        if best is None or len(columns) > best[1]:
            best = (index, len(columns), columns)
        if all(k in columns for k in REQUIRED):
            ignored = [
                nfc(str(c)) for i, c in enumerate(row) if c not in (None, "") and i not in columns.values()
            ]
            return index, columns, ignored
    found = best[2] if best else {}
    missing = ", ".join(LABELS[k] for k in REQUIRED if k not in found)
    raise MotCuaError(
        f"Không tìm thấy dòng tiêu đề của sổ: thiếu cột {missing}. "
        "Cần ít nhất các cột Mã hồ sơ, Mã thủ tục (hoặc tên thủ tục), Người nộp, Ngày nhận."
    )


# --- cells --------------------------------------------------------------------------------------------
def parse_moment(value: Any, label: str) -> tuple[datetime, bool] | None:
    """(local moment, whether a time of day was given), ``None`` for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        has_time = value.time() != time(0, 0)
        return (value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)), has_time
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), VN_TZ), False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial date left without a date format
            moment = _EXCEL_EPOCH + timedelta(days=float(value))
            moment = moment.replace(microsecond=0)
            return moment.replace(tzinfo=VN_TZ), moment.time() != time(0, 0)
        raise RowError(f"{label} “{value}” không phải ngày")
    raw = str(value)
    text = raw.strip().lower() if raw.isascii() else fold(raw).strip()
    original = nfc(raw)
    try:
        if m := _DMY.fullmatch(text):
            d, mo, y, hh, mm, ss = m.groups()
            moment = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=VN_TZ)
            return moment, hh is not None
        if m := _HM_DMY.fullmatch(text):
            hh, mm, d, mo, y = m.groups()
            return datetime(int(y), int(mo), int(d), int(hh), int(mm), tzinfo=VN_TZ), True
        if _ISO.fullmatch(text.upper()):
            moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
            aware = moment.replace(tzinfo=VN_TZ) if moment.tzinfo is None else moment.astimezone(VN_TZ)
            return aware, len(text) > 10
    except (ValueError, OverflowError):
        raise RowError(f"{label} “{original}” không phải ngày có thật") from None
    raise RowError(f"{label} “{original}” không đọc được (dạng 23/11/2026, 23/11/2026 08:30 hoặc 2026-11-23)")


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return _clean(value)
    return nfc(str(value))


@lru_cache(maxsize=65536)
def _clean(value: str) -> str:
    """nfc() for cells: procedure names, statuses and places repeat down a register."""
    return nfc(value)


def id_number_parts(value: str) -> tuple[str, str, str]:
    """(id_kind, number, applicant_kind) from whatever the register held (old 9-digit ID cards too)."""
    text = re.sub(r"[\s.]", "", value).upper()
    if not text:
        return "none", "", "person"
    if re.fullmatch(r"\d{12}", text, re.ASCII):
        return "cccd", text, "person"
    if re.fullmatch(r"\d{10}(-\d{3})?", text, re.ASCII):
        return "tax_code", text, "organisation"
    if re.fullmatch(r"[A-Z]\d{7,8}", text, re.ASCII):
        return "passport", text, "person"
    return "none", text, "person"


def phone_digits(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if digits else value
