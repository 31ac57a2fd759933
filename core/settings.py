"""Office settings: the ward's details and the rules a province may set differently."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from datetime import time
from typing import Any

from core.errors import ValidationError
from core.text import nfc
from core.timeutil import parse_hhmm


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
        except (TypeError, ValueError):
            raise ValidationError(name, f"“{value}” không phải số") from None
        low, high = _INT_RANGES.get(name, (0, 10**9))
        if not low <= number <= high:
            raise ValidationError(name, f"{number} nằm ngoài khoảng {low} - {high}")
        return number
    text = nfc(value)
    if name == "agency_code" and (not text or len(text) > 13 or any(ch.isspace() for ch in text)):
        raise ValidationError("Mã cơ quan", "phải có từ 1 đến 13 ký tự, không có khoảng trắng")
    if name in ("cutoff_time", "return_time"):
        parse_hhmm(text, "Giờ cắt tiếp nhận" if name == "cutoff_time" else "Giờ trả kết quả")
    if name == "receipt_paper" and text not in ("A4", "A5"):
        raise ValidationError("Khổ giấy", "chỉ nhận A4 hoặc A5")
    if name == "smtp_security" and text not in ("ssl", "starttls", "none"):
        raise ValidationError("Bảo mật SMTP", "chỉ nhận ssl, starttls hoặc none")
    return text


def with_updates(settings: Settings, **changes: Any) -> Settings:
    clean = {name: coerce_setting(name, value) for name, value in changes.items()}
    return dataclasses.replace(settings, **clean)
