"""Vietnamese text: NFC normalisation on the way in, accent folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """NFC-normalise and trim; collapse runs of white space. ``None`` becomes ``""``.

    Unikey's "Unicode tổ hợp" produces decomposed text, which breaks search and PDF
    rendering, so every text that enters the register passes here.
    """
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Lower-case, accent-free form for search: "Nguyễn Thị Ưởng" -> "nguyen thi uong".

    Decompose (NFD), drop combining marks, and map đ/Đ to d (đ does not decompose).
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", str(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def digits_only(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


# Common Vietnamese family names, most frequent first: the demo draws names from them, and the
# log scrubber takes a capitalised run of 2-5 words starting with one for a person's name.
SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đào",
    "Đoàn",
    "Vương",
    "Trịnh",
    "Đinh",
    "Lâm",
    "Phùng",
    "Mai",
    "Tô",
    "Trương",
    "Hà",
    "Lưu",
    "Cao",
    "Quách",
    "Tạ",
    "Thái",
    "Hứa",
    "Kiều",
    "Lương",
    "Mạc",
    "Chu",
    "Châu",
    "Văn",
    "Triệu",
    "Tăng",
    "Khúc",
    "La",
    "Giang",
    "Doãn",
    "Lại",
    "Nghiêm",
    "Quan",
    "Viên",
    "Âu",
    "Thân",
    "Từ",
    "Tống",
    "Cù",
    "Diệp",
    "Ông",
    "Khổng",
    "Ninh",
)
