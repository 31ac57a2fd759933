"""The bundled serif covers every Vietnamese letter in all four styles, and registers once."""

from __future__ import annotations

import unicodedata

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFile

from reports.fonts import FAMILY, STYLES, font_file, register_fonts

BASES = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng


def vietnamese_letters() -> set[str]:
    lower = {unicodedata.normalize("NFC", b + t) for b in BASES for t in TONES} | {"đ"}
    return lower | {c.upper() for c in lower}


def test_letter_set_is_the_full_alphabet():
    letters = vietnamese_letters()
    assert all(len(c) == 1 for c in letters)  # every one has a precomposed code point
    assert len(letters) == 146
    assert len([c for c in letters if ord(c) > 127]) == 134  # without plain a e i o u y


def test_every_style_has_every_vietnamese_letter():
    letters = vietnamese_letters()
    for style in STYLES:
        cmap = TTFontFile(str(font_file(style))).charToGlyph
        missing = sorted(c for c in letters if ord(c) not in cmap)
        assert not missing, f"{style}: {''.join(missing)}"


def test_licence_is_bundled_with_the_fonts():
    text = (font_file("r").parent / "LICENSE-LiberationSerif.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in text or "SIL-OFL-1.1" in text


def test_registration_is_idempotent_and_maps_the_family():
    assert register_fonts() == FAMILY
    first = pdfmetrics.getFont(STYLES["b"][0])
    assert register_fonts() == FAMILY
    assert pdfmetrics.getFont(STYLES["b"][0]) is first
    from reportlab.lib.fonts import tt2ps

    assert tt2ps(FAMILY, 1, 1) == STYLES["bi"][0]
