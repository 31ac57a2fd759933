"""No workbook MotCua writes holds a formula, whatever was typed: hostile names through every
exporter (register book, report workbook with its "Dữ liệu" sheet, end-of-day summary, city roll-up),
read back with openpyxl (no cell of type "f") and in the raw XML (no <f> element)."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from core.stats import day_summary
from reports.consolidate import city_workbook, consolidate
from reports.register_book import write_register_book
from reports.workbook import day_summary_workbook, report_workbook
from reports.xlsxkit import looks_like_formula
from tests.helpers import at, make_form
from tests.reportbook_helpers import draft_report, signed

HOSTILE = ('=HYPERLINK("http://x","Bấm vào đây")', "=1+1", "+1", "@SUM(A1)", "-2+3")


def formulas(data: bytes) -> list[str]:
    """Every formula in the workbook, by openpyxl's reading and by the sheets' XML."""
    found = []
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        found += [f"{ws.title}!{c.coordinate}" for row in ws.iter_rows() for c in row if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >]", z.read(name)):
                found.append(name)
    return found


def all_text(data: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(data))
    cells = (c for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    return [c.value for c in cells if isinstance(c.value, str)]


def quote_prefixed(data: bytes, value: str) -> bool:
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == value]
    return bool(cells) and all(c.quotePrefix and c.data_type == "s" for c in cells)


def test_formula_leads_are_recognised():
    for text in HOSTILE + (" =1", "\t=1", "\r=1", "|cmd", "＝1"):
        assert looks_like_formula(text), text
    for text in ("Nguyễn Văn A", "1.004222", "Số 12 Âu Cơ", "", "a=b"):
        assert not looks_like_formula(text), text


def test_register_book_keeps_hostile_names_as_text(register, clerk, clock, tmp_path):
    """Names the intake form accepts go in as names; the others as an address (the intake form
    refuses "=1+1" as a name, an old register imported may not) and as who signed for the result."""
    from core.errors import MotCuaError

    clock.set("2026-11-27 09:00")
    for i, text in enumerate(HOSTILE):
        when = at(f"2026-11-2{3 + i % 3}T09:0{i}")
        try:
            d = register.intake(make_form(applicant=text, address=text, phone=""), clerk, at=when)
        except MotCuaError:
            form = make_form(applicant=f"Nguyễn Văn Tư {i}", address=text, phone="")
            d = register.intake(form, clerk, at=when)
        register.apply(d.code, "resolve", clerk, at=at("2026-11-26T10:00"))
        register.apply(d.code, "return", clerk, at=at("2026-11-26T11:00"), receiver_name=text)
    out = tmp_path / "so.xlsx"
    _, count = write_register_book(register, date(2026, 11, 1), date(2026, 11, 30), out)
    data = out.read_bytes()
    assert count == len(HOSTILE)
    assert formulas(data) == []
    texts = all_text(data)
    for text in HOSTILE:
        assert texts.count(text) >= 2  # address and "Ký nhận", kept exactly as typed
        assert quote_prefixed(data, text)


def few_dossiers(register, clerk, clock) -> None:
    """A few November dossiers, every step in the past of the clock."""
    clock.set("2026-11-23 09:00")
    for i, code in enumerate(("1.004222", "1.001193", "2.000815")):
        form = make_form(code, applicant=f"Lê Thị Cúc {i}")
        d = register.intake(form, clerk, at=at(f"2026-11-0{2 + i}T09:00"))
        register.apply(d.code, "resolve", clerk, at=at(f"2026-11-0{3 + i}T10:00"))


@pytest.fixture
def hostile_report(register, clerk, clock, vice_chair, admin):
    few_dossiers(register, clerk, clock)
    register.update_settings(
        admin, ward_name='=HYPERLINK("http://x","Bấm vào đây")', report_to="+Văn phòng UBND thành phố"
    )
    notes = dict(highlights="=1+1", difficulties="@SUM(A1)", proposals="-2+3")
    return signed(draft_report(register, clerk, **notes), vice_chair)


def test_report_workbook_and_datasheet_keep_hostile_text(register, hostile_report):
    data = report_workbook(hostile_report, register.settings)
    assert formulas(data) == []
    texts = all_text(data)
    assert '=HYPERLINK("http://x","Bấm vào đây")' in texts  # ward name in the "Dữ liệu" sheet
    for note in ("=1+1", "@SUM(A1)", "-2+3"):
        assert note in texts and quote_prefixed(data, note)


def test_day_summary_keeps_hostile_difficulties(register, clerk, clock):
    few_dossiers(register, clerk, clock)
    for text in HOSTILE:
        register.add_difficulty(clerk, text)
    data = day_summary_workbook(day_summary(register, register.now().date()), register.settings)
    assert formulas(data) == []
    assert set(HOSTILE) <= set(all_text(data))


def test_city_roll_up_keeps_hostile_ward_names(register, hostile_report, tmp_path):
    paths = []
    for i, name in enumerate(("=1+1", "@SUM(A1)")):
        settings = dataclasses.replace(register.settings, ward_name=name, agency_code=f"000.17.22.H{60 + i}")
        report = dataclasses.replace(hostile_report, agency_code=settings.agency_code)
        report = dataclasses.replace(report, fingerprint=report.computed_fingerprint())
        path = tmp_path / f"w{i}.xlsx"
        path.write_bytes(report_workbook(report, settings))
        paths.append(path)
    result = consolidate(paths)
    assert len(result.wards) == 2
    data = city_workbook(result, at("2026-11-24T10:00"))
    assert formulas(data) == []
    assert {"=1+1", "@SUM(A1)"} <= set(all_text(data))
