"""Validation messages name the field in Vietnamese; text is NFC; search folds accents."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from core.errors import ValidationError, ValidationErrors
from core.model import IdKind, IntakeForm
from core.storage.query import DossierQuery
from core.text import fold, nfc
from core.validation import (
    normalise_phone,
    validate_cccd,
    validate_email,
    validate_intake,
    validate_passport,
    validate_tax_code,
)
from tests.helpers import at, make_form


@pytest.mark.parametrize("value", ["001190012345", "079 203 001 234", "101099123456"])
def test_valid_cccd(value):
    assert validate_cccd(value) == value.replace(" ", "")


@pytest.mark.parametrize(
    "value, words",
    [
        ("12345", "12 chữ số"),
        ("00119001234a", "12 chữ số"),
        ("003190012345", "mã tỉnh"),
        ("097190012345", "mã tỉnh"),
        ("001399012345", "tương lai"),
    ],
)
def test_invalid_cccd_names_the_problem(value, words):
    with pytest.raises(ValidationError) as err:
        validate_cccd(value)
    assert err.value.field == "Số định danh cá nhân"
    assert words in err.value.message


def test_cccd_birth_year_check():
    assert validate_cccd("001190012345", birth_year=1990)
    with pytest.raises(ValidationError, match="không khớp năm sinh"):
        validate_cccd("001190012345", birth_year=1991)
    assert validate_cccd("001205012345", birth_year=2005)  # digit 4 = 2: 2000s male


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("84 356 123 456", "0356123456"),
        ("024 3753 2345", "02437532345"),
        ("", ""),
    ],
)
def test_phone_normalised(raw, clean):
    assert normalise_phone(raw) == clean


@pytest.mark.parametrize("raw", ["0123456789", "091234567", "09123456789", "abc", "0612345678"])
def test_bad_phone(raw):
    with pytest.raises(ValidationError) as err:
        normalise_phone(raw)
    assert err.value.field == "Số điện thoại"


def test_other_ids_and_email():
    assert validate_passport("c1234567") == "C1234567"
    assert validate_tax_code("0101234567-001") == "0101234567-001"
    with pytest.raises(ValidationError, match="Mã số thuế"):
        validate_tax_code("01012345")
    with pytest.raises(ValidationError, match="Email"):
        validate_email("a@b")


def test_form_reports_every_bad_field_at_once():
    with pytest.raises(ValidationErrors) as err:
        validate_intake(IntakeForm(procedure_code="", applicant="", id_number="12", phone="123", copies=0))
    fields = {e.field for e in err.value.errors}
    assert fields == {"Thủ tục", "Người nộp", "Số định danh cá nhân", "Số điện thoại", "Số lượng hồ sơ"}


def test_decomposed_input_is_stored_nfc(register, clerk):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ưởng")
    assert decomposed != "Nguyễn Thị Ưởng"
    d = register.intake(
        make_form(applicant=decomposed, address=unicodedata.normalize("NFD", "Số 5 Đặng Thai Mai")),
        clerk,
        at=at("2026-11-23T09:00"),
    )
    assert d.applicant == "Nguyễn Thị Ưởng"
    assert unicodedata.is_normalized("NFC", d.address)


def test_fold():
    assert fold("Nguyễn Thị Ưởng") == "nguyen thi uong"
    assert fold("ĐẶNG  Đức") == "dang duc"
    assert fold(unicodedata.normalize("NFD", "Đỗ Hồng Ánh")) == "do hong anh"
    assert nfc("  a\u0300  b ") == "à b"


@pytest.fixture
def filled(register, clerk):
    register.intake(
        make_form(applicant="Nguyễn Thị Ưởng", id_number="001190012345", phone="0912345678"),
        clerk,
        at=at("2026-11-23T09:00"),
    )
    register.intake(
        make_form(applicant="Đặng Văn Đông", id_number="031085001111", phone="0356123456"),
        clerk,
        at=at("2026-11-23T09:05"),
    )
    register.intake(
        make_form(applicant="Lê Thu Hà", id_kind=IdKind.PASSPORT, id_number="B7654321", phone=""),
        clerk,
        at=at("2026-11-23T09:10"),
    )
    return register


SEARCHES = [
    ("nguyen thi uong", ["Nguyễn Thị Ưởng"]),
    ("NGUYỄN", ["Nguyễn Thị Ưởng"]),
    (unicodedata.normalize("NFD", "Ưởng"), ["Nguyễn Thị Ưởng"]),
    ("dang dong", ["Đặng Văn Đông"]),
    ("đông", ["Đặng Văn Đông"]),
    ("031085", ["Đặng Văn Đông"]),
    ("0356", ["Đặng Văn Đông"]),
    ("261123-0003", ["Lê Thu Hà"]),
    ("ha", ["Lê Thu Hà"]),  # short token: substring
    ("b7654321", ["Lê Thu Hà"]),
    ("khong co ai", []),
]


@pytest.mark.parametrize("query, expected", SEARCHES)
def test_search_is_accent_insensitive(filled, query, expected):
    assert [d.applicant for d in filled.search(query)] == expected


@pytest.mark.parametrize("query, expected", SEARCHES)
def test_a_broad_search_read_along_the_sort_order_finds_the_same(filled, query, expected, monkeypatch):
    """Above BROAD_TEXT trigram matches SQLite walks the sort order with LIKE: the same rows."""
    from core.storage import query as dossier_query

    monkeypatch.setattr(dossier_query, "BROAD_TEXT", 0)
    assert [d.applicant for d in filled.search(query)] == expected
    assert filled.count(DossierQuery(text=query)) == len(expected)  # counted on the index


def test_find_by_scanned_code(filled):
    assert filled.find("000.17.22.H56-261123-0002").applicant == "Đặng Văn Đông"
    assert filled.find("  000.17.22.h56-261123-0002 ").applicant == "Đặng Văn Đông"  # caps lock
    assert filled.find("000.17.22.H56-261123-0099") is None


def test_code_typed_from_the_agency_prefix(filled, monkeypatch):
    """A code typed from its start is searched on the code index, broad or narrow, any case."""
    from core import store
    from core.storage import query as dossier_query

    def codes(text: str) -> list[str]:
        q = store.DossierQuery(text=text, sort="received_at", descending=False)
        assert filled.count(q) == len(filled.query(q))
        return [d.code[-4:] for d in filled.query(q)]

    assert codes("000.17.22.H56") == ["0001", "0002", "0003"]
    assert codes("000.17.22.h56-261123-000") == ["0001", "0002", "0003"]
    assert codes("000.17.22.H56-261123-0002") == ["0002"]
    assert codes("000.17.22.H56-261124") == []  # no code starts so: the ordinary search, nothing
    monkeypatch.setattr(dossier_query, "BROAD_CODE_PREFIX", 1)  # the broad path: filtered along the sort
    assert codes("000.17.22.H56-") == ["0001", "0002", "0003"]
    assert codes("000.17.22.H56-261123-0003") == ["0003"]


@pytest.fixture
def many(register, clerk):
    """23 dossiers with ties on every sort column (same moment, name, procedure, phone)."""
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    for i in range(23):
        register.intake(
            make_form(applicant=names[i % 3], id_number=f"0011900{i:05d}", phone=f"09123{i % 4:05d}"),
            clerk,
            at=at(f"2026-11-23T09:{i // 4:02d}"),  # four at each moment
        )
    return register


@pytest.mark.parametrize(
    "sort", ["code", "applicant", "procedure", "received_at", "due_at", "status", "phone"]
)
@pytest.mark.parametrize("descending", [True, False])
def test_keyset_pages_are_the_offset_pages(many, sort, descending):
    """Scrolling down reads each page after the last row shown (keyset): the same rows, in the
    same order, as skipping rows by offset, ties included, with nothing repeated or left out."""
    from core.storage.query import page_after

    base = DossierQuery(sort=sort, descending=descending, limit=5)
    by_offset = [d.code for n in range(5) for d in many.query(replace(base, offset=n * 5))]
    by_keyset, q = [], base
    for n in range(5):
        page = many.query(q)
        by_keyset += [d.code for d in page]
        if page:
            q = page_after(base, page[-1], (n + 1) * 5)
            assert q.after is not None and q.offset == 0
    assert by_keyset == by_offset
    assert sorted(by_keyset) == sorted(d.code for d in many.query(DossierQuery(limit=100)))
    assert len(set(by_keyset)) == 23


def test_a_broad_code_prefix_of_an_old_year_starts_at_its_newest_match(register, clerk, monkeypatch):
    """'000.17.22.H56-24' typed on a register whose newest dossiers are of 2026: the walk along
    the moment of receipt starts at the newest 2024 match; same rows as the code index gives."""
    from core.storage import query as dossier_query

    for moment in ("2024-03-04T09:00", "2024-03-05T09:00", "2024-11-05T10:00", "2026-11-23T09:00"):
        register.intake(make_form(), clerk, at=at(moment))
    narrow = register.query(DossierQuery(text="000.17.22.H56-24"))
    monkeypatch.setattr(dossier_query, "BROAD_CODE_PREFIX", 1)
    for descending in (True, False):
        q = DossierQuery(text="000.17.22.H56-24", descending=descending)
        broad = register.query(q)
        assert [d.code for d in broad] == [d.code for d in (narrow if descending else narrow[::-1])]
        assert [d.received_at.year for d in broad] == [2024] * 3
        where, params = register.store._where(register._with_now(q))
        if descending:  # the newest dossier (2026) is no match: the walk starts at 2024-11-05
            assert "d.received_at <= ?" in where and params[2].startswith("2024-11-05"), (where, params)
        else:  # the oldest one matches: the walk starts on a match as it is
            assert "received_at" not in where
    everything = register.query(DossierQuery(text="000.17.22.H56-"))  # the newest matches: no seek
    assert len(everything) == 4
    assert (
        "received_at" not in register.store._where(register._with_now(DossierQuery(text="000.17.22.H56-")))[0]
    )
