"""The 2018 set (Circular 01/2018: Mẫu 02, 03, 04, 05 as provinces still print them; ``form_set``
"2018") and the procedure guide read back: every filled-in value, exactly. The 2025 set is in
tests/test_forms2025_letters.py."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pytest
from PIL import Image

from core.errors import MotCuaError, ValidationError
from core.model import EventKind
from reports import forms
from reports.control_sheet import control_rows
from reports.guide import render_guide_pdf, render_guide_png
from tests.helpers import at, make_form

NAME = "Hoàng Thị Bích Ngọc Quỳnh Như Nguyễn Phương Uyên Đặng Lê Ái"


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in reader.pages)))


def missing_from(text: str, expected: list[str]) -> list[str]:
    return [e for e in expected if e not in text]


@pytest.fixture(autouse=True)
def set_2018(register, admin):
    register.update_settings(admin, form_set="2018")


@pytest.fixture
def dossier(register, clerk):
    return register.intake(
        make_form(applicant=NAME, email="ai.dang@example.vn"), clerk, at=at("2026-11-23T08:30")
    )


def test_form_02_for_a_dossier_takes_the_recorded_request(register, clerk, dossier, tmp_path):
    register.apply(
        dossier.code,
        "supplement",
        clerk,
        at=at("2026-11-25T10:00"),
        note="Giấy tờ chứng minh chỗ ở chưa có xác nhận",
        missing=["Giấy tờ chứng minh chỗ ở hợp pháp (có xác nhận)", "Tờ khai CT01 có chữ ký chủ hộ"],
    )
    out = tmp_path / "02.pdf"
    assert forms.print_supplement(register, clerk, out, code=dossier.code) is False
    text = text_of(out.read_bytes())
    assert not missing_from(
        text,
        [
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "/HDHS",
            f"Mã hồ sơ: {dossier.code}",
            f"Tiếp nhận hồ sơ của Ông/Bà: {NAME}",
            "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
            "Địa chỉ: Số 12 Âu Cơ, phường Tây Hồ, Hà Nội",
            "Số điện thoại: 0912345678",
            "Email: ai.dang@example.vn",
            "TT Thành phần hồ sơ Bản chính Bản chứng thực Bản photo",
            "1 Giấy tờ chứng minh chỗ ở hợp pháp (có xác nhận)",
            "2 Tờ khai CT01 có chữ ký chủ hộ",
            "Lý do: Giấy tờ chứng minh chỗ ở chưa có xác nhận",
            "liên hệ với Trung tâm Phục vụ hành chính công",
            "NGƯỜI HƯỚNG DẪN",
            "Nguyễn Thị Thu Hà",
        ],
    )
    assert forms.print_supplement(register, clerk, out, code=dossier.code) is True
    assert "Bản in lại" in text_of(out.read_bytes())


def test_form_02_at_the_counter_needs_no_dossier(register, clerk, tmp_path):
    out = tmp_path / "02.pdf"
    before = register.store.dossier_count()
    forms.print_supplement(
        register,
        clerk,
        out,
        procedure="1.004194",
        applicant=NAME,
        missing=["Tờ khai thay đổi thông tin cư trú"],
        reason="Chưa mang tờ khai",
    )
    text = text_of(out.read_bytes())
    assert not missing_from(
        text,
        [
            f"Tiếp nhận hồ sơ của Ông/Bà: {NAME}",
            "Nội dung yêu cầu giải quyết: Đăng ký tạm trú",
            "1 Tờ khai thay đổi thông tin cư trú",
            "Lý do: Chưa mang tờ khai",
        ],
    )
    assert "Mã hồ sơ" not in text
    assert register.store.dossier_count() == before  # nothing was received
    with pytest.raises(ValidationError):
        forms.print_supplement(register, clerk, out, procedure="1.004194", applicant=NAME)


def test_form_03_refusal_with_reason(register, clerk, dossier, tmp_path):
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường"
    register.apply(dossier.code, "refuse", clerk, at=at("2026-11-23T09:00"), note=reason)
    out = tmp_path / "03.pdf"
    forms.print_refusal(register, dossier.code, clerk, out)
    assert not missing_from(
        text_of(out.read_bytes()),
        [
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            f"Tiếp nhận hồ sơ của: {NAME}",
            "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
            f"với lý do cụ thể như sau: {reason}",
            "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Nguyễn Thị Thu Hà",
        ],
    )


def test_form_03_without_any_reason_is_refused(register, clerk, dossier, tmp_path):
    with pytest.raises(ValidationError):
        forms.print_refusal(register, dossier.code, clerk, tmp_path / "03.pdf")
    assert not (tmp_path / "03.pdf").exists()


def test_form_04_records_the_apology_and_prints_the_new_appointment(
    register, clerk, vice_chair, dossier, tmp_path
):
    out = tmp_path / "04.pdf"
    with pytest.raises(MotCuaError):
        forms.print_apology(register, dossier.code, clerk, out)  # nothing recorded yet
    reason = "Cần xác minh thêm với Công an phường"
    forms.print_apology(register, dossier.code, vice_chair, out, at("2026-12-10T16:30"), reason)
    d = register.dossier(dossier.code)
    assert d.new_appointment_at == at("2026-12-10T16:30")
    assert [e.kind for e in d.events].count(EventKind.APOLOGY) == 1
    assert not missing_from(
        text_of(out.read_bytes()),
        [
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "/PXL",
            f"Kính gửi: {NAME}",
            "Ngày 23/11/2026",
            "tiếp nhận giải quyết hồ sơ đề nghị Đăng ký thường trú của Ông/Bà",
            f"Mã hồ sơ: {dossier.code}",
            "ngày hẹn trả kết quả: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026",
            f"Lý do: {reason}",
            "Thời gian hẹn trả kết quả lại: 16 giờ 30 phút, ngày 10 tháng 12 năm 2026",
            "Nơi nhận:",
            "Phạm Quang Vinh",
        ],
    )
    # printed again later from what was recorded
    assert forms.print_apology(register, dossier.code, clerk, out) is True
    assert "ngày 10 tháng 12 năm 2026" in text_of(out.read_bytes())


def test_form_05_rows_follow_the_handovers(register, clerk, vice_chair, dossier, tmp_path):
    code = dossier.code
    register.apply(code, "handover", clerk, at=at("2026-11-23T10:00"), to_officer="Trần Văn Bình")
    register.apply(code, "resolve", vice_chair, at=at("2026-12-01T15:00"))
    register.apply(code, "return", clerk, at=at("2026-12-02T09:00"), receiver_name="Đặng Lê Ái")
    register.record_print(code, clerk, "01")  # printing is not a hand-over
    rows = control_rows(register.dossier(code))
    assert [(r.giver, r.receiver, r.result) for r in rows] == [
        (NAME, "Nguyễn Thị Thu Hà", ""),
        ("Nguyễn Thị Thu Hà", "Trần Văn Bình", "Trước hạn"),
        ("Trần Văn Bình", "Phạm Quang Vinh", "Trước hạn"),
        ("Nguyễn Thị Thu Hà", "Đặng Lê Ái", "Trước hạn"),
    ]
    out = tmp_path / "05.pdf"
    forms.print_control_sheet(register, code, clerk, out)
    assert not missing_from(
        text_of(out.read_bytes()),
        [
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ: {code}",
            f"Kèm theo hồ sơ của: {NAME}",
            "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 23 tháng 11 năm 2026",
            "Thời gian hẹn trả kết quả: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026",
            "1. Giao: 10:00 23/11/2026 Nguyễn Thị Thu Hà",
            "2. Nhận: 10:00 23/11/2026 Trần Văn Bình",
            "2. Nhận: 09:00 02/12/2026 Đặng Lê Ái",
            "Trước hạn",
        ],
    )


def test_guide_pdf_and_png(register):
    proc = register.procedure("1.009122")
    text = text_of(render_guide_pdf(proc, register.settings))
    expected = [
        "HƯỚNG DẪN THÀNH PHẦN HỒ SƠ",
        proc.name,
        f"Mã thủ tục: {proc.code}",
        f"Lĩnh vực: {proc.field}",
        "Thời gian giải quyết: 15 ngày làm việc",
        f"Phí, lệ phí: {proc.fee}",
        f"Giờ làm việc: {register.settings.opening_hours}",
    ] + [f"{i}. {doc}" for i, doc in enumerate(proc.documents, 1)]
    assert not missing_from(text, expected)
    assert len(pypdf.PdfReader(io.BytesIO(render_guide_pdf(proc, register.settings))).pages) == 1
    image = Image.open(io.BytesIO(render_guide_png(proc, register.settings)))
    assert image.format == "PNG" and image.width < image.height
    assert image.convert("L").getextrema()[0] < 50  # there is ink


def test_guide_with_many_documents_still_fits_one_page(register, admin):
    from dataclasses import replace

    proc = replace(
        register.procedure("1.009122"),
        documents=tuple(
            f"Giấy tờ số {i}: bản sao có chứng thực giấy tờ về quyền sử dụng đất" for i in range(30)
        ),
    )
    pdf = render_guide_pdf(proc, register.settings)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "29. Giấy tờ số 29" not in text_of(pdf)  # numbering starts at 1
    assert "30. Giấy tờ số 29: bản sao có chứng thực giấy tờ về quyền sử dụng đất" in text_of(pdf)
