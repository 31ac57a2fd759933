"""Office settings: the ward's details and the rules a province may set differently."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields
from datetime import time
from email.utils import parseaddr
from typing import Any

from core.errors import ValidationError
from core.text import nfc
from core.timeutil import parse_hhmm
from core.validation import normalise_phone, validate_email, validate_text


@dataclass(frozen=True)
class Settings:
    ward_name: str = ""  # e.g. "UBND phường Tây Hồ"
    centre_name: str = "Trung tâm Phục vụ hành chính công"
    place_name: str = ""  # for the date line: "Tây Hồ, ngày ..."
    agency_code: str = ""  # at most 13 characters, first part of every dossier code
    address: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = "Sáng 7:30 - 11:30, chiều 13:30 - 17:00, từ thứ Hai đến thứ Sáu"
    report_to: str = "Văn phòng UBND thành phố"
    report_recipients: str = ""  # comma-separated e-mail addresses
    cutoff_time: str = "15:00"
    return_time: str = "16:30"
    saturday_reception: bool = False
    receipt_paper: str = "A4"  # A4 | A5
    receipt_copies: int = 2
    register_book: str = "01"  # "Quyển số" printed on receipts
    form_set: str = "2025"  # printed forms: "2025" (Circular 03/2025/TT-VPCP) or "2018" (Circular 01/2018)
    default_period: str = "official"  # official | calendar
    printer: str = ""
    backup_dir: str = ""
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_security: str = "ssl"  # ssl | starttls | none
    smtp_user: str = ""
    smtp_sender: str = ""
    attach_max_file_mb: int = 20  # one scanned file (a 300 dpi A4 page is 0.3-1 MB)
    attach_max_dossier_mb: int = 200  # all the scans of one dossier
    scan_watch_dir: str = ""  # where the scanner saves: new files are offered for the dossier on screen
    pkcs11_library: str = ""  # the USB token's PKCS#11 library (its CA's middleware DLL), for signing
    tsa_url: str = ""  # RFC 3161 time-stamping server: signatures become PAdES B-T; empty: B-B
    trust_dir: str = ""  # city office: folder of the trusted root certificates (PEM/DER) for the roll-up

    @property
    def cutoff(self) -> time:
        return parse_hhmm(self.cutoff_time, "Giờ cắt tiếp nhận trong ngày")

    @property
    def return_at(self) -> time:
        return parse_hhmm(self.return_time, "Giờ trả kết quả")

    @property
    def recipients(self) -> list[str]:
        return [r.strip() for r in self.report_recipients.replace(";", ",").split(",") if r.strip()]

    @property
    def is_configured(self) -> bool:
        return bool(self.ward_name and self.agency_code)


SETTING_NAMES = {f.name for f in fields(Settings)}
_FIELD_TYPES = {f.name: f.type for f in fields(Settings)}
_TRUE_WORDS = {"1", "true", "yes", "co", "có", "on"}
_FALSE_WORDS = {"0", "false", "no", "khong", "không", "off", ""}
_INT_RANGES = {
    "receipt_copies": (1, 5),
    "smtp_port": (1, 65535),
    "attach_max_file_mb": (1, 500),
    "attach_max_dossier_mb": (1, 10_000),
}


def coerce_setting(name: str, value: Any) -> Any:
    """Check and convert one setting; raises ``ValidationError`` with a Vietnamese message."""
    if name not in SETTING_NAMES:
        raise ValidationError(name, "không có thiết lập này")
    kind = _FIELD_TYPES[name]
    if kind == "bool":
        if not isinstance(value, str):
            return bool(value)
        word = nfc(value).strip().lower()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return word in _TRUE_WORDS
        raise ValidationError(name, f"“{value}” không phải có/không (yes/no)")
    if kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(name, f"“{str(value)[:40]}” không phải số") from None
        low, high = _INT_RANGES.get(name, (0, 10**9))
        if not low <= number <= high:
            raise ValidationError(name, f"{number} nằm ngoài khoảng {low} - {high}")
        return number
    text = _checked_text(name, value)
    if name in ("cutoff_time", "return_time"):
        parse_hhmm(text, "Giờ cắt tiếp nhận" if name == "cutoff_time" else "Giờ trả kết quả")
    if name == "receipt_paper" and text not in ("A4", "A5"):
        raise ValidationError("Khổ giấy", "chỉ nhận A4 hoặc A5")
    if name == "form_set" and text not in ("2025", "2018"):
        raise ValidationError("Bộ biểu mẫu", "chỉ nhận 2025 (Thông tư 03/2025) hoặc 2018 (Thông tư 01/2018)")
    if name == "smtp_security" and text not in ("ssl", "starttls", "none"):
        raise ValidationError("Bảo mật SMTP", "chỉ nhận ssl, starttls hoặc none")
    return text


# Longest text each setting may hold; a name not listed may hold 200 characters.
_TEXT_LIMITS = {
    "address": 300,
    "opening_hours": 300,
    "report_recipients": 1000,
    "backup_dir": 1000,
    "scan_watch_dir": 1000,
    "pkcs11_library": 1000,
    "tsa_url": 500,
    "trust_dir": 1000,
    "register_book": 10,
    "smtp_host": 253,
    "smtp_user": 254,
    "smtp_sender": 320,
    "email": 254,
}
# The agency code opens every dossier code and the fingerprint of every report: letters and
# digits in dot-separated groups ("000.17.22.H56", "H56"), nothing a file name or SQL could trip on.
_AGENCY_CODE = re.compile(r"[A-Za-z0-9]+(\.[A-Za-z0-9]+)*", re.ASCII)
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(\.{_LABEL})*", re.ASCII)
_TSA_URL = re.compile(r"https?://[^\s/?#]+(/\S*)?", re.IGNORECASE)
_PKCS11_LIB = re.compile(r"\.(dll|so|dylib)(\.\d+)*$", re.IGNORECASE)
_NAMES = {
    "ward_name": "Tên đơn vị",
    "centre_name": "Tên bộ phận",
    "place_name": "Địa danh",
    "report_to": "Nơi nhận báo cáo",
    "address": "Địa chỉ",
    "opening_hours": "Giờ làm việc",
    "email": "Email của cơ quan",
    "smtp_sender": "Địa chỉ gửi thư",
    "report_recipients": "Địa chỉ nhận báo cáo",
    "pkcs11_library": "Thư viện PKCS#11 của USB token",
    "tsa_url": "Máy chủ cấp dấu thời gian",
    "trust_dir": "Thư mục chứng thư gốc tin cậy",
}


def _checked_text(name: str, value: Any) -> str:
    """A text setting: no hidden characters, bounded, and the shape its use needs.

    Why so strict: the ward's name and the body reported to are printed on every form and every
    report, the agency code starts every dossier code, the addresses are where the report goes.
    """
    field = _NAMES.get(name, name)
    text = validate_text("" if value is None else str(value), field, _TEXT_LIMITS.get(name, 200))
    if name == "agency_code" and not (len(text) <= 13 and _AGENCY_CODE.fullmatch(text)):
        raise ValidationError(
            "Mã cơ quan",
            "1-13 chữ cái không dấu hoặc chữ số, các nhóm cách nhau bằng dấu chấm (000.17.22.H56)",
        )
    if name in ("ward_name", "report_to") and text and not any(ch.isalpha() for ch in text):
        raise ValidationError(field, f"“{text}” không phải tên cơ quan")
    if name == "report_to" and "@" in text:
        raise ValidationError(
            field,
            "là tên cơ quan nhận báo cáo (Văn phòng UBND thành phố); địa chỉ email ghi ở report_recipients",
        )
    if name in ("email", "smtp_sender") and text:
        _address(text, field)
    if name == "report_recipients":
        for part in text.replace(";", ",").split(","):
            if part.strip():
                _address(part.strip(), field)
    if name == "phone" and text:
        text = normalise_phone(text)
    if name == "smtp_host" and text and not _HOST.fullmatch(text):
        raise ValidationError("Máy chủ thư", f"“{text}” không phải tên máy chủ (ví dụ smtp.hanoi.gov.vn)")
    if name == "smtp_user" and any(ch.isspace() for ch in text):
        raise ValidationError("Tài khoản thư", "không được có khoảng trắng")
    if name == "register_book" and not (text and text.isascii() and text.isalnum()):
        raise ValidationError("Quyển số", "1-10 chữ cái không dấu hoặc chữ số")
    if name == "default_period" and text not in ("official", "calendar"):
        raise ValidationError("Kỳ báo cáo mặc định", "chỉ nhận official hoặc calendar")
    if name == "tsa_url" and text and not _TSA_URL.fullmatch(text):
        raise ValidationError(field, f"“{text}” không phải địa chỉ http(s) (ví dụ http://tsa.ca.gov.vn)")
    if name == "pkcs11_library" and text and not _PKCS11_LIB.search(text):
        raise ValidationError(field, f"“{text}” không phải tệp thư viện (.dll trên Windows, .so trên Linux)")
    return text


def _address(text: str, field: str) -> None:
    """An e-mail address, bare or as "Tên <địa chỉ>"."""
    _, address = parseaddr(text)
    try:
        ok = bool(address) and validate_email(address) == address
    except ValidationError:
        ok = False
    if not ok:
        raise ValidationError(field, f"“{text}” không phải địa chỉ email hợp lệ")


def with_updates(settings: Settings, **changes: Any) -> Settings:
    clean = {name: coerce_setting(name, value) for name, value in changes.items()}
    return dataclasses.replace(settings, **clean)
