"""“đã số hóa” where the counter prints: the receipt per document (read back from the PDF) and
the register book's note per dossier (read back from the workbook)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from core.model import Channel
from reports.forms import print_receipt
from reports.register_book import write_register_book
from tests.helpers import at, make_form
from tests.test_attach_samples import jpeg_bytes, pdf_bytes


def _text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_receipt_marks_each_digitised_or_reused_document(register, clerk, tmp_path):
    d = register.intake(make_form("1.001193", reused_documents=(2,)), clerk)
    register.attach(d.code, pdf_bytes(1), clerk, document=1, name="to-khai.pdf")
    print_receipt(register, d.code, clerk, tmp_path / "phieu.pdf", copies=1)
    text = _text(tmp_path / "phieu.pdf")
    assert "Tờ khai đăng ký khai sinh (đã số hóa)" in text
    assert "(tái sử dụng dữ liệu)" in text and text.count("(đã số hóa)") == 1
    plain = register.intake(make_form(), clerk)
    print_receipt(register, plain.code, clerk, tmp_path / "phieu2.pdf", copies=1)
    assert "số hóa" not in _text(tmp_path / "phieu2.pdf")


def test_register_book_notes_what_was_digitised(register, clerk, tmp_path, clock):
    d1 = register.intake(make_form(), clerk, at=at("2026-11-20T08:00:00"))
    register.attach(d1.code, jpeg_bytes(1), clerk, document=1, name="1.jpg")
    register.attach(d1.code, jpeg_bytes(2), clerk, document=2, name="2.jpg")
    register.apply(d1.code, "resolve", clerk, at=at("2026-11-23T08:30:00"))
    register.attach(d1.code, jpeg_bytes(3), clerk, result=True, name="kq.jpg")
    d2 = register.intake(make_form(channel=Channel.ONLINE), clerk, at=at("2026-11-20T09:00:00"))
    assert (
        register.dossier(d1.code).digitised_documents == (1, 2) and register.dossier(d1.code).result_digitised
    )
    start, end = at("2026-11-20T00:00:00").date(), at("2026-11-23T00:00:00").date()
    path, rows = write_register_book(register, start, end, tmp_path / "so.xlsx")
    assert rows == 2
    ws = load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
    notes = {row[1]: row[-1] for row in ws.iter_rows(values_only=True) if row[1] in (d1.code, d2.code)}
    assert "Đã số hóa thành phần 1, 2/2" in notes[d1.code] and "Kết quả đã số hóa" in notes[d1.code]
    assert "số hóa" not in (notes[d2.code] or "")
