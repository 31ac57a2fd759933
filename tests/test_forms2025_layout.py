"""What the printed papers got wrong, read back from the PDFs line by line: the heading never
splits "HÀNH / CHÍNH CÔNG", a title never ends with one word alone, an A5 receipt that runs onto a
second page carries the code and "trang x/y" on each page of each copy, every PDF says what it is;
and the fee the intake form offers comes from the catalogue."""

from __future__ import annotations

import io
from datetime import date

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.fees import default_fee, has_fee, receipt_fee_line
from core.model import Channel, Procedure
from reports import forms
from reports.common import keep_together
from reports.guide import render_guide_pdf
from reports.register_book import write_register_book
from reports.xlsxkit import append_row, put, to_bytes
from tests.helpers import at, make_form

DOCS = tuple(
    f"Bản sao có chứng thực giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở số {i}"
    for i in range(1, 13)
)
NAME = "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Ưởng Đức Hạnh"


def page_lines(pdf: bytes) -> list[list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [[" ".join(x.split()) for x in p.extract_text().splitlines() if x.strip()] for p in reader.pages]


def test_heading_keeps_words_together_on_a4_and_a5(register, clerk, admin, tmp_path):
    d = register.intake(make_form(documents=DOCS, applicant=NAME), clerk, at=at("2026-11-23T08:00"))
    for paper in ("A4", "A5"):
        register.update_settings(admin, receipt_paper=paper)
        out = tmp_path / f"{paper}.pdf"
        forms.print_receipt(register, d.code, clerk, out, copies=1)
        lines = page_lines(out.read_bytes())[0]
        for a, b in zip(lines, lines[1:], strict=False):
            assert not (a.endswith("HÀNH") and b.startswith("CHÍNH")), (paper, a, b)
            assert not (a.endswith("PHỤC") and b.startswith("VỤ")), (paper, a, b)
        assert any("HÀNH CHÍNH CÔNG" in line for line in lines), paper


def test_keep_together_joins_phrases_only():
    text = keep_together("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")
    assert text.split(" ") == ["TRUNG\u00a0TÂM", "PHỤC\u00a0VỤ", "HÀNH\u00a0CHÍNH\u00a0CÔNG"]
    assert keep_together("UBND PHƯỜNG TÂY HỒ").split(" ") == ["UBND", "PHƯỜNG", "TÂY\u00a0HỒ"]


def test_a5_title_has_no_lonely_word(register, clerk, admin, tmp_path):
    register.update_settings(admin, receipt_paper="A5", centre_name="")
    d = register.intake(make_form(), clerk, at=at("2026-11-23T08:00"))
    out = tmp_path / "a5.pdf"
    forms.print_receipt(register, d.code, clerk, out, copies=1)
    lines = page_lines(out.read_bytes())[0]
    title = [line for line in lines if "GIẤY" in line or "KẾT QUẢ" in line.upper()]
    assert title and all(len(line.split()) > 1 for line in title)


def test_a5_pages_of_each_copy_carry_code_and_page_numbers(register, clerk, admin, tmp_path):
    register.update_settings(admin, receipt_paper="A5")
    d = register.intake(make_form(documents=DOCS, applicant=NAME), clerk, at=at("2026-11-23T08:00"))
    out = tmp_path / "a5.pdf"
    forms.print_receipt(register, d.code, clerk, out)  # two copies
    pages = page_lines(out.read_bytes())
    assert len(pages) == 4  # twelve long documents on A5: two pages per copy
    for n, lines in enumerate(pages):
        text = " ".join(lines)
        assert f"Mã hồ sơ: {d.code} · trang {n % 2 + 1}/2" in text
        assert ("Liên 1" if n < 2 else "Liên 2") in text
    assert "(tiếp theo)" in " ".join(pages[1]) and "(tiếp theo)" in " ".join(pages[3])


def test_every_pdf_has_a_true_vietnamese_title_subject_author(register, clerk, vice_chair, tmp_path):
    d = register.intake(make_form(), clerk, at=at("2026-11-23T08:00"))
    register.apply(d.code, "supplement", clerk, at=at("2026-11-23T09:00"), note="Thiếu", missing=["Tờ khai"])
    register.apply(d.code, "supplement-received", clerk, at=at("2026-11-23T10:00"))
    register.apply(d.code, "handover", clerk, at=at("2026-11-23T11:00"))
    made = {
        "01": lambda p: forms.print_receipt(register, d.code, clerk, p),
        "02": lambda p: forms.print_supplement(register, clerk, p, code=d.code),
        "03": lambda p: forms.print_refusal(register, d.code, clerk, p, reason="Không thuộc thẩm quyền"),
        "04": lambda p: forms.print_apology(
            register, d.code, vice_chair, p, at("2026-12-10T16:30"), "Xác minh"
        ),
        "06": lambda p: forms.print_control_sheet(register, d.code, clerk, p),
        "07": lambda p: write_register_book(register, date(2026, 11, 1), date(2026, 11, 30), p),
    }
    for number, make in made.items():
        path = tmp_path / f"{number}.pdf"
        make(path)
        m = pypdf.PdfReader(path).metadata
        assert m.subject == f"Mẫu {number} - Thông tư 03/2025/TT-VPCP", number
        assert m.author == "UBND phường Tây Hồ - Trung tâm Phục vụ hành chính công"
        assert m.title and m.title.lower() not in ("untitled", "unspecified")
    register.apply(d.code, "stop", clerk, at=at("2026-11-24T09:00"), note="Người nộp đề nghị dừng")
    forms.print_stop_notice(register, d.code, clerk, tmp_path / "05.pdf")
    assert pypdf.PdfReader(tmp_path / "05.pdf").metadata.subject == "Mẫu 05 - Thông tư 03/2025/TT-VPCP"
    guide = pypdf.PdfReader(io.BytesIO(render_guide_pdf(register.procedure("1.004222"), register.settings)))
    assert guide.metadata.subject and "unspecified" not in guide.metadata.subject


def test_fee_offered_at_intake_comes_from_the_catalogue(register):
    residence = register.procedure("1.004222")  # "20.000 đồng (trực tiếp), 10.000 đồng (trực tuyến)"
    assert default_fee(residence, Channel.DIRECT) == 20000
    assert default_fee(residence, Channel.ONLINE) == 10000
    assert default_fee(register.procedure("2.000635")) == 8000  # "8.000 đồng/bản sao"
    assert default_fee(register.procedure("1.001776")) == 0 and not has_fee("Không")
    assert default_fee(register.procedure("1.009122")) == 0  # set by a provincial resolution: typed
    assert receipt_fee_line(0, "Theo Nghị quyết của HĐND tỉnh") == "…… (Theo Nghị quyết của HĐND tỉnh)"
    assert receipt_fee_line(0, "Không") == "Không thu"
    assert receipt_fee_line(15000, "Không") == "15.000 đồng"
    assert default_fee(Procedure("x", "X", "Y", 1, fee="50.000 đồng/văn bản")) == 50000


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_no_text_ever_becomes_a_formula(text):
    """Whatever is typed, ``put`` and ``append_row`` store text as text (openpyxl reads no 'f')."""
    wb = Workbook()
    ws = wb.active
    put(ws, 1, 1, text)
    append_row(ws, [text, "=" + text, "+" + text])
    back = load_workbook(io.BytesIO(to_bytes(wb))).active
    assert all(c.data_type != "f" for row in back.iter_rows() for c in row)


def test_balanced_title_never_leaves_one_word_alone():
    from reports.layout import Para, para_lines, text_width

    title = keep_together("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    full = text_width(title, "b", 11)
    last_word = text_width(" QUẢ", "b", 11)
    width = full - last_word / 2  # greedy wrapping would put "KẾT QUẢ" alone... or one word
    greedy = para_lines(Para((("b", title),), size=11), width)
    balanced = para_lines(Para((("b", title),), size=11, balance=True), width)
    assert len(greedy) == len(balanced) == 2
    assert len(greedy[-1].segments[0][1].split(" ")) == 1  # the fault: "TRẢ KẾT QUẢ" alone
    widths = [ln.width for ln in balanced]
    assert min(widths) > 0.6 * max(widths)  # two lines of comparable length
