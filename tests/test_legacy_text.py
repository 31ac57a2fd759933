"""TCVN3 and VNI: every letter round-trips, real text is recognised, real Unicode and English never move."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import legacy_text as lt

SENTENCES = [
    "Nguyễn Thị Ưởng",
    "Số 12 Âu Cơ, phường Tây Hồ, Hà Nội",
    "Cấp bản sao trích lục hộ tịch",
    "Chứng thực chữ ký trong giấy tờ, văn bản",
    "Đăng ký thường trú",
    "Trần Quốc Toản",
    "Phạm Thị Hương, khuỷu tay",
    "Đã trả kết quả",
    "Chờ bổ sung giấy tờ",
    "Lê Văn Tám, xóm Giữa",
    "Nguyễn Văn Ánh",
    "Đỗ Thị Ớt",
]


def test_the_tables_cover_the_134_letters_once_each():
    assert len(lt.LETTERS) == 134 == len(set(lt.LETTERS))
    assert all(unicodedata.is_normalized("NFC", ch) for ch in lt.LETTERS)
    assert len(set(lt.VNI_ENCODE.values())) == 134, "VNI gives every letter its own code"
    tcvn3_codes = [lt.TCVN3_ENCODE[ch] for ch in lt.LOWER]
    assert len(set(tcvn3_codes)) == 67 and all(len(c) == 1 and 0xA0 < ord(c) <= 0xFF for c in tcvn3_codes)


@pytest.mark.parametrize("letter", lt.LETTERS)
def test_every_letter_round_trips_through_vni(letter):
    code = lt.encode_vni(letter)
    assert code != letter or letter in "ìíÌÍ"  # VNI keeps ì/í as Latin-1 has them
    assert all(ord(ch) <= 0xFF for ch in code)
    assert lt.decode_vni(code) == letter


@pytest.mark.parametrize("letter", lt.LOWER)
def test_every_lower_case_letter_round_trips_through_tcvn3(letter):
    code = lt.encode_tcvn3(letter)
    assert len(code) == 1 and (code != letter or letter == "ý")  # TCVN3 ý is Latin-1 ý
    assert lt.decode_tcvn3(code) == letter


@pytest.mark.parametrize("letter", lt.UPPER)
def test_every_capital_round_trips_through_tcvn3_in_a_capitals_heading(letter):
    """TCVN3 capitals share the lower-case codes (.VnTimeH draws them); a heading in capitals
    comes back in capitals, and the seven base capitals (Ă Â Ê Ô Ơ Ư Đ) have codes of their own."""
    word = f"TH{letter}NG"
    assert lt.decode_tcvn3(lt.encode_tcvn3(word)) == word
    if letter in "ĂÂÊÔƠƯĐ":
        assert lt.decode_tcvn3(lt.encode_tcvn3(letter)) == letter


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("encoding", [lt.TCVN3, lt.VNI])
def test_legacy_sentences_are_recognised_and_converted(text, encoding):
    legacy = (lt.encode_tcvn3 if encoding == lt.TCVN3 else lt.encode_vni)(text)
    assert legacy != text
    converted, found = lt.convert_cell(legacy)
    assert (converted, found) == (text, encoding)


def test_capitals_headings_in_tcvn3_come_back_in_capitals():
    legacy = lt.encode_tcvn3("NGUYỄN THỊ ƯỞNG")
    assert legacy == "NGUYÔN THÞ ¦ëNG"
    assert lt.convert_cell(legacy) == ("NGUYỄN THỊ ƯỞNG", lt.TCVN3)


@pytest.mark.parametrize(
    "text",
    SENTENCES
    + [
        "José Müller",
        "café crème",
        "25°C, © 2020, ½ trang",
        "Straße",
        "naïve façade",
        "Ñandú",
        "Tô Hoài",
        "Bé Tí",
        "Hello, world",
        "A-1/2026",
    ],
)
def test_real_unicode_and_western_text_never_move(text):
    assert lt.convert_cell(text) == (text, "")


def test_ambiguous_cells_follow_the_file_only_when_asked():
    reading = lt.classify(lt.encode_tcvn3("Ghi chú"))  # "Ghi chó" is valid Vietnamese as it is
    assert reading.kind == "ambiguous" and (lt.TCVN3, "Ghi chú") in reading.options
    assert lt.convert_cell("Ghi chó") == ("Ghi chó", "")
    assert lt.convert_cell("Ghi chó", prior=lt.TCVN3) == ("Ghi chú", lt.TCVN3)
    assert lt.convert_cell("Ghi chó", prior=lt.VNI) == ("Ghi chĩ", lt.VNI)  # VNI ó is ĩ


def test_syllables():
    for word in ("nguyễn", "khuỷu", "giữ", "gì", "quyển", "xoong", "ĐỨC", "Hương", "oanh", "ý"):
        assert lt.is_syllable(word), word
    for word in ("cafộ", "josộ", "mỹller", "NguyÔn", "aum", "hóà", "xyz"):
        assert not lt.is_syllable(word), word


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60))
def test_ascii_is_never_touched(text):
    assert lt.convert_cell(text) == (text, "")
    assert lt.convert_cell(text, prior=lt.TCVN3) == (text, "")


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=40), st.sampled_from([ch for ch in lt.LOWER if ord(ch) > 0xFF]))
def test_text_with_a_unicode_only_vietnamese_letter_is_never_touched(text, letter):
    cell = text + letter
    assert lt.convert_cell(cell, prior=lt.VNI) == (cell, "")
    assert lt.convert_cell(cell, prior=lt.TCVN3) == (cell, "")
