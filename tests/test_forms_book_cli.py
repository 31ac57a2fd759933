"""Mẫu 06 for a period (PDF with the header on every page, xlsx with the same rows) and the form
commands run through ``cli.main.main`` on a real database file."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pypdf
import pytest
from openpyxl import load_workbook

from cli.main import main
from reports.register_book import COLUMNS, book_rows, dossiers_in_period, render_register_pdf
from tests.helpers import at, make_form


def pages_text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFC", p.extract_text())) for p in reader.pages]


@pytest.fixture
def month(register, clerk):
    """35 dossiers in November (received out of order), one in October, one in December."""
    made = []
    for i in range(35):
        day = 2 + (i * 7) % 27
        d = register.intake(
            make_form(applicant=f"Nguyễn Văn Thứ {i}", procedure_code="2.000815" if i % 2 else "1.004194"),
            clerk,
            at=at(f"2026-11-{day:02d}T{8 + i % 8:02d}:{i:02d}"),
        )
        made.append(d)
    register.intake(make_form(applicant="Ngoài kỳ Tháng Mười"), clerk, at=at("2026-10-30T09:00"))
    register.intake(make_form(applicant="Ngoài kỳ Tháng Mười Hai"), clerk, at=at("2026-12-01T09:00"))
    register.apply(
        made[0].code,
        "handover",
        clerk,
        at=at(f"{made[0].received_at:%Y-%m-%d}T15:00"),
        to_officer="Lê Văn Tám",
    )
    return made


def test_period_query_is_inclusive_and_ordered(register, month):
    got = dossiers_in_period(register, date(2026, 11, 1), date(2026, 11, 30))
    assert len(got) == 35
    assert [d.received_at for d in got] == sorted(d.received_at for d in month)
    assert "Ngoài kỳ" not in " ".join(d.applicant for d in got)
    assert any(e.kind.value == "handover" for d in got for e in d.events)


def test_pdf_book_is_landscape_with_the_header_on_every_page(register, month):
    rows = book_rows(dossiers_in_period(register, date(2026, 11, 1), date(2026, 11, 30)), register.settings)
    pdf = render_register_pdf(rows, register.settings, date(2026, 11, 1), date(2026, 11, 30))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert width > height
    pages = pages_text(pdf)
    assert len(pages) >= 2
    for page in pages:
        assert "Tên cá nhân, tổ chức" in page and "Phương thức nhận kết quả" in page
    text = " ".join(pages)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    for d in month:
        assert d.code in text and d.applicant in text


def test_cli_register_book_xlsx_reads_back_the_rows(register, month, db_path, tmp_path, capsys):
    out = tmp_path / "so.xlsx"
    assert (
        main(
            [
                "--db",
                str(db_path),
                "register-book",
                "--from",
                "01/11/2026",
                "--to",
                "30/11/2026",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "35 hồ sơ" in capsys.readouterr().out
    ws = load_workbook(out).active
    values = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(values) if r[0] == "STT")
    assert list(values[header_at]) == [c[0] for c in COLUMNS]
    data = values[header_at + 1 :]
    ordered = sorted(month, key=lambda d: d.received_at)
    # STT is the number in the register, the "Số thứ tự" on each receipt (not the export's row)
    assert [r[0] for r in data] == [d.register_seq for d in ordered]
    assert [r[1] for r in data] == [d.code for d in ordered]
    assert [r[3] for r in data] == [d.applicant for d in ordered]
    assert data[0][2] == ordered[0].procedure_name
    assert data[0][6] == ordered[0].received_at.replace(tzinfo=None)  # a date, not text
    assert ws.cell(header_at + 2, 7).number_format == "dd/mm/yyyy hh:mm"
    assert data[0][9] == "Tại Bộ phận Một cửa"
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Times New Roman"}
    first = header_at + 2
    assert all(ws.row_dimensions[r].height for r in range(first, first + len(data)))
    assert ws.print_title_rows.replace("$", "") == f"{header_at + 1}:{header_at + 1}"


def test_book_numbers_follow_the_receipts_across_periods(register, month, clerk, tmp_path):
    """A December book starts where November ended, and a field's book keeps the same numbers."""
    from reports.register_book import write_register_book

    dec = register.dossier(
        next(d.code for d in dossiers_in_period(register, date(2026, 12, 1), date(2026, 12, 31)))
    )
    assert dec.register_seq == 37  # 35 in November, one in October, then this one
    out = tmp_path / "dec.xlsx"
    write_register_book(register, date(2026, 12, 1), date(2026, 12, 31), out)
    rows = [r for r in load_workbook(out).active.iter_rows(values_only=True) if r[1] == dec.code]
    assert rows[0][0] == 37
    write_register_book(register, date(2026, 11, 1), date(2026, 11, 30), out, field="Chứng thực")
    ws = load_workbook(out).active
    assert "LĨNH VỰC CHỨNG THỰC" in ws["A1"].value
    got = [r for r in ws.iter_rows(min_row=5, values_only=True)]
    assert got and {r[2] for r in got} == {"Chứng thực bản sao từ bản chính giấy tờ, văn bản"}


def test_2018_set_keeps_the_old_columns(register, month, admin):
    from reports.register_book import COLUMNS_2018

    register.update_settings(admin, form_set="2018")
    rows = book_rows(dossiers_in_period(register, date(2026, 11, 1), date(2026, 11, 30)), register.settings)
    pdf = render_register_pdf(rows, register.settings, date(2026, 11, 1), date(2026, 11, 30))
    text = " ".join(pages_text(pdf))
    assert "Chuyển hồ sơ đến cơ quan giải quyết" in text and "Phương thức nhận kết quả" not in text
    assert "Lê Văn Tám" in text  # the hand-over column
    assert len(rows[0].values) == len(COLUMNS_2018)


def test_cli_receipt_reprint_and_forms(register, clerk, db_path, tmp_path, capsys, monkeypatch):
    from cli.context import CliContext
    from tests.helpers import PASSWORD

    monkeypatch.setattr(CliContext, "read_secret", lambda self, prompt: PASSWORD)  # the clerk's password
    d = register.intake(make_form(applicant="Trần Thị Ánh Tuyết"), clerk, at=at("2026-11-23T08:30"))
    db = ["--db", str(db_path), "--user", "canbo1"]
    out = tmp_path / "r.pdf"
    assert main([*db, "receipt", d.code, "--out", str(out)]) == 0
    assert "bản in lại" not in capsys.readouterr().out
    assert len(pages_text(out.read_bytes())) == 2
    assert main([*db, "receipt", d.code, "--out", str(out), "--copies", "1"]) == 0
    assert "(bản in lại)" in capsys.readouterr().out
    assert len(pages_text(out.read_bytes())) == 1

    f02 = tmp_path / "02.pdf"
    args = ["form", "supplement", "--procedure", "1.004194", "--applicant", "Lò Văn Páo"]
    args += ["--missing", "Tờ khai CT01"]
    assert main([*db, *args, "--out", str(f02)]) == 0
    assert "Lò Văn Páo" in pages_text(f02.read_bytes())[0]

    f04 = tmp_path / "04.pdf"
    args = ["form", "04", d.code, "--new-date", "2026-12-09 16:30", "--reason", "Chờ xác minh"]
    assert main([*db, *args, "--out", str(f04)]) == 0
    assert "ngày 09 tháng 12 năm 2026" in pages_text(f04.read_bytes())[0]

    f06 = tmp_path / "06.pdf"
    assert main([*db, "form", "06", d.code, "--out", str(f06)]) == 0  # 2025 set: the control sheet
    assert d.code in pages_text(f06.read_bytes())[0]

    assert main([*db, "form", "03", d.code, "--out", str(tmp_path / "03.pdf")]) == 2  # no reason
    assert "Lý do từ chối" in capsys.readouterr().err
    assert main([*db, "form", "control-sheet", "--out", str(tmp_path / "x.pdf")]) == 2  # no code

    forms_printed = [e.data["form"] for e in register.dossier(d.code).events if e.kind.value == "printed"]
    assert forms_printed == ["receipt", "receipt", "apology", "control-sheet"]


def test_cli_guide_png_and_bad_suffix(register, db_path, tmp_path, capsys):
    png = tmp_path / "hd.png"
    assert main(["--db", str(db_path), "guide", "1.004222", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["--db", str(db_path), "guide", "1.004222", "--out", str(tmp_path / "hd.docx")]) == 2
    assert main(["--db", str(db_path), "guide", "9.999999", "--out", str(png)]) == 2
    assert "9.999999" in capsys.readouterr().err
