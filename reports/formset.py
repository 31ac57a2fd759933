"""Which printed set a ward uses: the 2025 forms (Circular 03/2025/TT-VPCP, seven forms, the
default) or the 2018 ones (Circular 01/2018/TT-VPCP, six), and the number each form has in it.

Forms are named by what they are (``receipt``, ``supplement`` ...), never by number, because the
numbers moved in 2025 (the control sheet was 05 and is 06; the register was 06 and is 07). A number
typed on the command line means the configured set's number.
"""

from __future__ import annotations

from core.errors import ValidationError
from core.settings import Settings

KINDS = ("receipt", "supplement", "refusal", "apology", "stop-notice", "control-sheet", "register")
NUMBERS = {
    "2025": {
        "receipt": "01",
        "supplement": "02",
        "refusal": "03",
        "apology": "04",
        "stop-notice": "05",
        "control-sheet": "06",
        "register": "07",
    },
    "2018": {
        "receipt": "01",
        "supplement": "02",
        "refusal": "03",
        "apology": "04",
        "control-sheet": "05",
        "register": "06",
    },
}
CIRCULAR = {"2025": "Thông tư 03/2025/TT-VPCP", "2018": "Thông tư 01/2018/TT-VPCP"}
LABELS = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "apology": "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "stop-notice": "Thông báo dừng giải quyết hồ sơ",
    "control-sheet": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "register": "Sổ theo dõi hồ sơ",
}
# Printed events recorded before forms were named carry the 2018 numbers.
LEGACY_NUMBERS = {v: k for k, v in NUMBERS["2018"].items()}


def form_set(settings: Settings) -> str:
    return "2018" if settings.form_set == "2018" else "2025"


def is_2025(settings: Settings) -> bool:
    return form_set(settings) == "2025"


def number(kind: str, settings: Settings) -> str:
    """The form's number in the configured set ("" for a form the set does not have)."""
    return NUMBERS[form_set(settings)].get(kind, "")


def subject(kind: str, settings: Settings) -> str:
    """The PDF subject: "Mẫu 01 - Thông tư 03/2025/TT-VPCP"."""
    n = number(kind, settings)
    circular = CIRCULAR[form_set(settings)]
    return f"Mẫu {n} - {circular}" if n else f"{LABELS[kind]} - {CIRCULAR['2025']}"


def kind_of(name: str, settings: Settings) -> str:
    """``receipt`` ... from a name or a number of the configured set ("5" and "05" alike)."""
    text = (name or "").strip().lower()
    if text in KINDS:
        return text
    if text.isdigit():
        wanted = f"{int(text):02d}"
        for kind, n in NUMBERS[form_set(settings)].items():
            if n == wanted:
                return kind
    known = ", ".join(f"{k} ({n})" for k, n in NUMBERS[form_set(settings)].items())
    raise ValidationError("Mẫu", f"không có mẫu “{name}” trong bộ {form_set(settings)} (có: {known})")
