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


# Characters refused in anything typed or imported: C0/C1 controls (BEL, ESC ...), format
# characters (the bidi overrides U+202A-202E and isolates U+2066-2069, zero-width U+200B-200D,
# U+2060, U+FEFF), lone surrogates (undecodable bytes of a command-line argument), private-use
# and unassigned code points, and the Unicode line/paragraph separators. They are invisible on
# screen, can reorder what a clerk or a terminal shows (a name that reads backwards), and make
# the Excel writer refuse the whole register book.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MULTILINE_ALLOWED = frozenset("\t\n\r")


def hidden_character(value: str | None, multiline: bool = False) -> str | None:
    """The first refused character of ``value`` as "U+202E", or None when the text is clean.

    Tabs and line breaks are allowed only in multi-line fields (notes, report texts); leading
    and trailing white space is ignored, since ``nfc`` trims it anyway.
    """
    for ch in (value or "").strip():
        if multiline and ch in MULTILINE_ALLOWED:
            continue
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return f"U+{ord(ch):04X}"
    return None


_SHOWN_AS_IS = frozenset("\t\n\r")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible(text: str) -> str:
    """Text as safe to show on a terminal: control and bidi characters become "�".

    Rows written before MotCua refused them (or by other programs) may still hold an ESC that
    would re-colour or clear the clerk's terminal, or an RTL override that shows a name backwards.
    """
    return _INVISIBLE.sub("\ufffd", text)


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
