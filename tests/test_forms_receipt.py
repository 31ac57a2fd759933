"""Mẫu 01 read back from the PDF: every filled-in value, diacritics included, the QR code decoding
to the dossier code, copies, paper sizes, long values staying inside the page, reprint marks."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pypdfium2
import pytest
import zxingcpp

from reports.forms import print_receipt, render_receipt
from reports.layout import wrap
from tests.helpers import at, make_form

LONG_NAME = "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Ưởng Đức Hạnh"
LONG_ADDRESS = (
    "Số 12, ngõ 34 ngách 56 hẻm 78, đường Âu Cơ, tổ dân phố 19, phường Tây Hồ, thành phố Hà Nội, Việt Nam"
)
DOCS = tuple(
    f"Bản sao có chứng thực giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở số {i}"
    if i % 3 == 0
    else f"Tờ khai thay đổi thông tin cư trú (mẫu CT01) số {i}"
    for i in range(1, 13)
)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, NFC, with runs of white space as one space (wrapping breaks at spaces)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFC", p.extract_text())) for p in reader.pages]


@pytest.fixture
def long_dossier(register, clerk):
    assert len(LONG_NAME) == 60
    form = make_form(
        applicant=LONG_NAME,
        address=LONG_ADDRESS,
        email="nguyen.thi.uong@example.com.vn",
        documents=DOCS,
        fee_collected=20000,
        copies=2,
        applicant_kind="organisation",
        id_kind="none",
        id_number="",
    )
    return register.intake(form, clerk, at=at("2026-11-23T08:05"))


def test_receipt_shows_every_filled_in_value(register, long_dossier):
    d = long_dossier
    pdf = render_receipt(d, register.settings, copies=1)
    (text,) = pages_text(pdf)
    expected = [
        "UBND PHƯỜNG TÂY HỒ",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tây Hồ, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {d.code}",
        f"tiếp nhận hồ sơ của: {LONG_NAME}",
        f"Địa chỉ: {LONG_ADDRESS}",
        "Số điện thoại: 0912345678",
        "Email: nguyen.thi.uong@example.com.vn",
        "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
        "Số lượng hồ sơ: 02 (bộ)",
        "Thời gian giải quyết hồ sơ theo quy định: 07 ngày làm việc",
        "Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 23 tháng 11 năm 2026",
        # 7 working days, 24/11 a holiday in the test calendar -> 03/12 at the return hour
        "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026",
        "Phương thức nhận kết quả: Bộ phận tiếp nhận và trả kết quả",
        f"Quyển số: {d.register_book}",
        f"Số thứ tự: {d.register_seq}",
        "Phí, lệ phí (nếu có): 20.000 đồng",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Thị Thu Hà",
    ]
    expected += [f"{i}. {doc}" for i, doc in enumerate(DOCS, 1)]
    missing = [e for e in expected if e not in text]
    assert not missing
    assert "Bản in lại" not in text


def test_qr_code_decodes_to_the_dossier_code(register, long_dossier):
    pdf = render_receipt(long_dossier, register.settings, copies=1)
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=150 / 72).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode] == [long_dossier.code]


def test_two_copies_by_default_each_one_page_and_labelled(register, long_dossier):
    assert register.settings.receipt_copies == 2
    pages = pages_text(render_receipt(long_dossier, register.settings))
    assert len(pages) == 2  # twelve documents and a 60-character name still fit one A4 page per copy
    assert "Liên 1" in pages[0] and "Liên 2" in pages[1]
    for page in pages:
        assert long_dossier.code in page and "Nguyễn Thị Thu Hà" in page
    assert len(pages_text(render_receipt(long_dossier, register.settings, copies=3))) == 3


def test_a5_is_a_setting_and_everything_stays_on_the_page(register, admin, long_dossier):
    register.update_settings(admin, receipt_paper="A5")
    pdf = render_receipt(long_dossier, register.settings, copies=1)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (420, 595)
    text = " ".join(pages_text(pdf))
    assert LONG_NAME in text and LONG_ADDRESS in text and "Nguyễn Thị Thu Hà" in text
    # every glyph drawn inside the page: render and look for ink in the outer 3 mm band
    for page in pypdfium2.PdfDocument(pdf):
        image = page.render(scale=2).to_pil().convert("L")
        band = round(3 / 25.4 * 144)
        w, h = image.size
        for box in ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)):
            assert image.crop(box).getextrema()[0] > 200, f"ink near the edge in {box}"


def test_wrapped_lines_never_exceed_their_width():
    runs = (("r", "Địa chỉ: "), ("b", LONG_ADDRESS + " " + "X" * 120))
    from reports.layout import text_width

    for width in (120.0, 200.0, 349.0):
        lines = wrap(runs, 13, width, width - 20)
        for i, line in enumerate(lines):
            drawn = sum(text_width(t, s, 13) for s, t in line.segments)
            assert drawn <= (width if i == 0 else width - 20) + 0.01
        rebuilt = "".join(t for ln in lines for _s, t in ln.segments).replace(" ", "")
        assert rebuilt == "".join(t for _s, t in runs).replace(" ", "")


def test_zero_day_procedure_and_post_return(register, clerk):
    d = register.intake(
        make_form("1.001193", return_by_post=True, documents=("Tờ khai đăng ký khai sinh",)),
        clerk,
        at=at("2026-11-23T09:00"),
    )
    fee = register.procedure("1.001193").fee  # "Miễn lệ phí khi đăng ký đúng hạn"
    (text,) = pages_text(render_receipt(d, register.settings, copies=1, fee_text=fee))
    assert "Thời gian giải quyết hồ sơ theo quy định: Trong ngày" in text
    assert "Phương thức nhận kết quả: Dịch vụ bưu chính công ích" in text
    assert "Phí, lệ phí (nếu có): Không thu (Miễn lệ phí khi đăng ký đúng hạn)" in text


def test_printing_records_an_event_and_marks_the_reprint(register, clerk, long_dossier, tmp_path):
    out = tmp_path / "bien-nhan.pdf"
    assert print_receipt(register, long_dossier.code, clerk, out) is False
    assert "Bản in lại" not in " ".join(pages_text(out.read_bytes()))
    assert print_receipt(register, long_dossier.code, clerk, out, copies=1) is True
    pages = pages_text(out.read_bytes())
    assert len(pages) == 1 and "Bản in lại" in pages[0]
    printed = [e for e in register.dossier(long_dossier.code).events if e.kind.value == "printed"]
    assert [(e.data["form"], e.data["reprint"], e.user_login) for e in printed] == [
        ("receipt", False, "canbo1"),
        ("receipt", True, "canbo1"),
    ]


def test_failed_write_records_nothing(register, clerk, long_dossier, tmp_path):
    with pytest.raises(OSError):
        print_receipt(register, long_dossier.code, clerk, tmp_path / "no-such-folder" / "x.pdf")
    assert not [e for e in register.dossier(long_dossier.code).events if e.kind.value == "printed"]


def test_fixed_mask_qr_scans_for_many_codes():
    """The encoder uses one fixed mask (speed): decode codes of every shape to show it still scans."""
    from reports.surfaces import PillowSurface

    codes = [f"000.17.22.H56-2611{d:02d}-{n:04d}" for d in range(1, 31) for n in (1, 37, 999, 9999)]
    codes += ["X1-260101-0001", "H56.99-991231-1234", "ABCDEFGHIJKLM-261123-0042"]
    for code in codes:
        surface = PillowSurface((120, 120), dpi=144)
        surface.qr(10, 10, 100, code)
        assert [c.text for c in zxingcpp.read_barcodes(surface.image)] == [code]
