"""Legacy Vietnamese encodings (TCVN3/ABC and VNI) recognised per cell and converted to Unicode.

Old registers were typed with ``.VnTime`` (TCVN3, one byte per letter) or ``VNI-Times`` fonts
(VNI: a base letter followed by a mark byte). Excel stored those bytes through the Windows code
page, so a cell now holds Latin-1 look-alikes: "NguyÔn V¨n A" (TCVN3) or "Nguyeãn Vaên A" (VNI).

No PyPI package does this soundly (see docs/import.md), so the tables are here, built from the
published charts (TCVN 5712:1993 VN3; VNI-Windows). The detector is deliberately conservative:
plain ASCII and text with characters beyond Latin-1 (real Unicode Vietnamese) are never touched;
a Latin-1 cell is converted only when the conversion yields valid Vietnamese syllables and a
converted letter sits inside a word next to an ASCII letter. A cell that reads as valid
Vietnamese both as it is and converted ("Bé" is also TCVN3 for "Bộ") is *ambiguous*: the caller
decides it with what the rest of the file says (:func:`convert_cell` ``prior``).

TCVN3 (VN3) has no upper-case accented letters: headings were set in ``.VnTimeH`` fonts, which
draw the lower-case codes as capitals. A converted cell whose ASCII letters are all capitals is
therefore put in capitals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TCVN3 = "tcvn3"
VNI = "vni"

# The 67 lower-case Vietnamese letters outside ASCII, in a fixed order (tables below follow it).
LOWER = (
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị"
    "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ" "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ"
)  # fmt: skip
UPPER = LOWER.upper()
LETTERS = LOWER + UPPER  # the 134 letters

# TCVN3: one byte per lower-case letter (shown as its Windows-1252 character), same order as LOWER.
_TCVN3_LOWER = (
    "µ¸¶·¹" "¨»¾¼½Æ" "©ÇÊÈÉË" "®" "ÌÐÎÏÑ" "ªÒÕÓÔÖ" "×ÝØÜÞ"
    "ßãáâä" "«åèæçé" "¬êíëìî" "ïóñòô" "\xadõøö÷ù" "úýûüþ"
)  # fmt: skip
# Upper-case base letters do have their own codes.
_TCVN3_UPPER_BASE = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}

TCVN3_DECODE: dict[str, str] = dict(zip(_TCVN3_LOWER, LOWER, strict=True))
TCVN3_DECODE.update({code: letter for letter, code in _TCVN3_UPPER_BASE.items()})
TCVN3_ENCODE: dict[str, str] = dict(zip(LOWER, _TCVN3_LOWER, strict=True))
TCVN3_ENCODE.update({letter: TCVN3_ENCODE[letter.lower()] for letter in UPPER})  # .VnTimeH
TCVN3_ENCODE.update(_TCVN3_UPPER_BASE)

# VNI-Windows: a base letter plus a mark byte; a few letters are single bytes.
# Marks: ù acute, ø grave, û hook, õ tilde, ï dot; â circumflex, ê breve; circumflex+tone:
# á à å ã ä; breve+tone: é è ú ü ë.
_VNI_LOWER = (
    ("aø", "aù", "aû", "aõ", "aï"),
    ("aê", "aè", "aé", "aú", "aü", "aë"),
    ("aâ", "aà", "aá", "aå", "aã", "aä"),
    ("ñ",),
    ("eø", "eù", "eû", "eõ", "eï"),
    ("eâ", "eà", "eá", "eå", "eã", "eä"),
    ("ì", "í", "æ", "ó", "ò"),
    ("oø", "où", "oû", "oõ", "oï"),
    ("oâ", "oà", "oá", "oå", "oã", "oä"),
    ("ô", "ôø", "ôù", "ôû", "ôõ", "ôï"),
    ("uø", "uù", "uû", "uõ", "uï"),
    ("ö", "öø", "öù", "öû", "öõ", "öï"),
    ("yø", "yù", "yû", "yõ", "î"),
)
_VNI_LOWER_FLAT = tuple(code for group in _VNI_LOWER for code in group)
VNI_ENCODE: dict[str, str] = dict(zip(LOWER, _VNI_LOWER_FLAT, strict=True))
VNI_ENCODE.update({letter: VNI_ENCODE[letter.lower()].upper() for letter in UPPER})
VNI_DECODE: dict[str, str] = {code: letter for letter, code in VNI_ENCODE.items() if code != letter}

_TCVN3_RE = re.compile("|".join(map(re.escape, TCVN3_DECODE)))
_VNI_RE = re.compile("|".join(map(re.escape, sorted(VNI_DECODE, key=len, reverse=True))))

# --- what a Vietnamese syllable may look like (tones removed) ------------------------------------
_ONSET = "ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx]"
# Nuclei that end in a glide take no final consonant; the open ones may.
_CLOSED = (
    "oai|oay|oao|oeo|uây|uôi|ươi|ươu|uyu|uya|yêu|iêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|uơ"
)
_OPEN = "uyê|iê|yê|oa|oă|oe|oo|uâ|uê|uô|ươ|uy|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
_CODA = "ch|nh|ng|[cmnpt]"
_SYLLABLE = re.compile(rf"^(?:{_ONSET})?(?:(?:{_CLOSED})|(?:{_OPEN})(?:{_CODA})?)$")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"[^\W\d_]+")
# Latin-1 letters that are Vietnamese letters in Unicode too: text made only of these can be real.
_VIET_LATIN1 = frozenset(ch for ch in LETTERS if ord(ch) <= 0xFF)
_CP1252_PUNCT = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def is_syllable(word: str) -> bool:
    """True when ``word`` can be one Vietnamese syllable (one tone at most, sane letter case)."""
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(ch in _TONES for ch in decomposed)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return bool(_SYLLABLE.match(base))


def _reads_as_vietnamese(text: str, need_evidence: bool) -> bool:
    """Every word with a non-ASCII letter is a syllable; with ``need_evidence``, one such word
    also holds an ASCII letter (a lone "ã" from a stray "·" proves nothing)."""
    evidence = False
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if not is_syllable(word):
            return False
        if any(ch.isascii() for ch in word):
            evidence = True
    return evidence or not need_evidence


def decode_tcvn3(text: str) -> str:
    """TCVN3 look-alikes to Unicode (no detection: the caller knows the cell is TCVN3)."""
    out = _TCVN3_RE.sub(lambda m: TCVN3_DECODE[m.group(0)], text)  # one character for one
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    capital_word = any(sum(ch.isascii() and ch.isupper() for ch in w) >= 2 for w in _WORD.findall(text))
    if capital_word and all(ch.isupper() for ch in letters):
        out = out.upper()  # .VnTimeH: capitals drawn from the lower-case codes
    else:
        out = _capitalise_names(text, out)
    return unicodedata.normalize("NFC", out)


def _capitalise_names(text: str, out: str) -> str:
    """ "Nguyễn Văn ánh" -> "Nguyễn Văn Ánh": VN3 has no code for a capital with a tone, so a name
    whose other words all start with a capital gets one on the word that starts with a tone."""
    words = list(_WORD.finditer(out))
    if len(words) < 3:
        return out
    starts = [m.start() for m in words if text[m.start()] in TCVN3_DECODE and out[m.start()].islower()]
    others = [m for m in words if m.start() not in starts]
    if not starts or not all(m.group(0)[0].isupper() for m in others):
        return out
    chars = list(out)
    for i in starts:
        chars[i] = chars[i].upper()
    return "".join(chars)


def decode_vni(text: str) -> str:
    """VNI look-alikes to Unicode (no detection)."""
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: VNI_DECODE[m.group(0)], text))


def encode_tcvn3(text: str) -> str:
    """Unicode to TCVN3 look-alikes (for tests and for writing legacy samples)."""
    return "".join(TCVN3_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def encode_vni(text: str) -> str:
    return "".join(VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def encode_cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows (cp1258) writes it: toned letters as a base letter plus a
    combining tone (the codec has no precomposed toned letters), as old CSV registers hold them."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            quality = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += (quality + "".join(tones)).encode("cp1258")
    return out


_DECODERS = {TCVN3: decode_tcvn3, VNI: decode_vni}


@dataclass(frozen=True)
class Reading:
    """What a cell turned out to be.

    ``kind``: "plain" (ASCII or real Unicode: left as is), "tcvn3"/"vni" (converted),
    "ambiguous" (valid as is and converted, or in both encodings: ``options`` holds each
    encoding's text), or "unknown" (Latin-1 text that is none of these: left as is).
    """

    kind: str
    text: str
    options: tuple[tuple[str, str], ...] = ()


def _unconsumed(name: str, cell: str) -> int:
    """Non-ASCII letters of ``cell`` that the encoding's table does not account for."""
    rest = (_TCVN3_RE if name == TCVN3 else _VNI_RE).sub("", cell)
    if name == VNI:
        rest = rest.replace("ì", "").replace("í", "").replace("Ì", "").replace("Í", "")
    return sum(not ch.isascii() and ch.isalpha() for ch in rest)


def classify(cell: str) -> Reading:
    """Recognise one cell; never changes ASCII or text with characters beyond Latin-1."""
    if cell.isascii():
        return Reading("plain", cell)
    if any(ord(ch) > 0xFF and ch not in _CP1252_PUNCT for ch in cell):
        return Reading("plain", cell)
    candidates = []
    for name, decode in _DECODERS.items():
        converted = decode(cell)
        if converted == cell:
            continue
        if not _unconsumed(name, cell) and _reads_as_vietnamese(converted, need_evidence=True):
            candidates.append((name, converted))
    as_is = _plausible_as_is(cell)
    if len(candidates) == 1 and not as_is:
        return Reading(*candidates[0])
    if candidates:
        return Reading("ambiguous", cell, tuple(candidates))
    return Reading("plain" if as_is else "unknown", cell)


def _plausible_as_is(cell: str) -> bool:
    """Could this Latin-1 text be real Unicode Vietnamese (or plain Western text with symbols)?"""
    if any(not ch.isascii() and not ch.isalpha() and ch not in _CP1252_PUNCT for ch in cell):
        return False
    return all(ch in _VIET_LATIN1 or ch.isascii() or ch in _CP1252_PUNCT for ch in cell) and (
        _reads_as_vietnamese(cell, need_evidence=False)
    )


def convert_cell(cell: str, prior: str = "") -> tuple[str, str]:
    """(text, encoding converted from or ""). ``prior`` ("tcvn3"/"vni") settles ambiguous cells:
    pass it only when the rest of the file is legacy text and holds no real Unicode Vietnamese."""
    reading = classify(cell)
    if reading.kind in (TCVN3, VNI):
        return reading.text, reading.kind
    if reading.kind == "ambiguous" and prior:
        for name, converted in reading.options:
            if name == prior:
                return converted, prior
    return cell, ""


def has_unicode_vietnamese(cell: str) -> bool:
    """True when the cell holds a Vietnamese letter only Unicode has (ă, đ, ơ, ư, ạ, ...)."""
    return any(ord(ch) > 0xFF and ch in LETTERS for ch in unicodedata.normalize("NFC", cell))
