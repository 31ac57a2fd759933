"""The 2025 set (Circular 03/2025/TT-VPCP) read back from the PDFs: every line of the domain's
forms.md for Mẫu 01-06 and every filled-in value, the rules of Mẫu 04 (once, while open, a
working day after the due date), the stop notice from ``stop``, the forms' own numbers."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pytest

from cli.main import main
from core.errors import MotCuaError, TransitionError, ValidationError
from core.model import EventKind, ResultDelivery
from reports import forms
from reports.control_sheet import control_rows
from tests.helpers import PASSWORD, at, make_form

NAME = "Hoàng Thị Bích Ngọc Quỳnh Như Nguyễn Phương Uyên Đặng Lê Ái"
COMPANY = "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Ưởng Đức Hạnh"
REASON_LATE = "Cần xác minh thêm với Công an phường về nơi cư trú"


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def missing_from(text: str, expected: list[str]) -> list[str]:
    return [e for e in expected if e not in text]


def meta(pdf: bytes) -> dict:
    m = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    return {"title": m.title, "subject": m.subject, "author": m.author}


@pytest.fixture
def dossier(register, clerk):
    form = make_form(
        applicant=NAME,
        email="ai.dang@example.vn",
        authorised_name="Trần Văn Khôi",
        authorised_id="001090012345",
        authorised_relation="con",
        province_code="H56.99-261123-000123",
        result_delivery=ResultDelivery.POST,
    )
    return register.intake(form, clerk, at=at("2026-11-23T08:30"))


def test_receipt_2025_lines_and_values(register, clerk, dossier, tmp_path):
    out = tmp_path / "01.pdf"
    assert forms.print_receipt(register, dossier.code, clerk, out, copies=1) is False
    data = out.read_bytes()
    text = text_of(data)
    assert not missing_from(
        text,
        [
            "Số: 1/TTPVHCC",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            f"Mã hồ sơ: {dossier.code}",
            "Mã hồ sơ trên hệ thống của tỉnh: H56.99-261123-000123",
            f"tiếp nhận hồ sơ của: {NAME}",
            "Số định danh cá nhân/tổ chức: 001190012345",
            "Người được ủy quyền (nộp thay): Trần Văn Khôi",
            "Số định danh cá nhân: 001090012345",
            "Quan hệ với người có yêu cầu: con",
            "Địa chỉ: Số 12 Âu Cơ, phường Tây Hồ, Hà Nội",
            "Số điện thoại: 0912345678",
            "Email: ai.dang@example.vn",
            "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
            "Thành phần hồ sơ nộp gồm:",
            "1. Tờ khai thay đổi thông tin cư trú",
            "Số lượng hồ sơ: 01 (bộ)",
            "Thời gian giải quyết hồ sơ theo quy định: 07 ngày làm việc",
            "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 23 tháng 11 năm 2026",
            "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026",
            "Phương thức nhận kết quả: Dịch vụ bưu chính công ích",
            f"Quyển số: {dossier.register_book}",
            f"Số thứ tự: {dossier.register_seq}",
            # a fee-bearing procedure with no fee typed: never "Không thu"
            "Phí, lệ phí (nếu có): …… (20.000 đồng (trực tiếp), 10.000 đồng (trực tuyến))",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Nguyễn Thị Thu Hà",
            f"Mã hồ sơ: {dossier.code} · trang 1/1",
        ],
    )
    assert "Không thu" not in text
    assert not re.search(
        r"\b(1|2|3|4|10)\. (Bộ phận|Địa chỉ|Số điện thoại|Nội dung|Đăng ký)", text
    )  # unnumbered
    assert meta(data) == {
        "title": f"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ - {dossier.code}",
        "subject": "Mẫu 01 - Thông tư 03/2025/TT-VPCP",
        "author": "UBND phường Tây Hồ - Trung tâm Phục vụ hành chính công",
    }
    # a reprint keeps its number; the next dossier's receipt takes the next one
    forms.print_receipt(register, dossier.code, clerk, out, copies=1)
    assert "Số: 1/TTPVHCC" in text_of(out.read_bytes()) and "Bản in lại" in text_of(out.read_bytes())
    other = register.intake(make_form(), clerk, at=at("2026-11-23T09:00"))
    forms.print_receipt(register, other.code, clerk, out, copies=1)
    assert "Số: 2/TTPVHCC" in text_of(out.read_bytes())
    printed = [e.data for e in register.dossier(dossier.code).events if e.kind == EventKind.PRINTED]
    assert [(p["form"], p["number"], p["reprint"]) for p in printed] == [
        ("receipt", 1, False),
        ("receipt", 1, True),
    ]


def test_receipt_of_a_free_procedure_says_not_collected(register, clerk, tmp_path):
    d = register.intake(make_form("1.001776"), clerk, at=at("2026-11-23T08:30"))  # fee "Không"
    out = tmp_path / "01.pdf"
    forms.print_receipt(register, d.code, clerk, out, copies=1)
    assert "Phí, lệ phí (nếu có): Không thu" in text_of(out.read_bytes())


def test_supplement_numbered_list_dated_on_the_request(register, clerk, clock, dossier, tmp_path):
    register.apply(
        dossier.code,
        "supplement",
        clerk,
        at=at("2026-11-25T10:00"),
        note="Giấy tờ chứng minh chỗ ở chưa có xác nhận",
        missing=["Giấy tờ chứng minh chỗ ở hợp pháp | bản có xác nhận của chủ nhà", "Tờ khai CT01"],
    )
    clock.set("2026-12-01 14:00")  # printed days later: still dated on the request
    out = tmp_path / "02.pdf"
    forms.print_supplement(register, clerk, out, code=dossier.code)
    data = out.read_bytes()
    text = text_of(data)
    assert not missing_from(
        text,
        [
            "Số: 1/TTPVHCC",
            "Tây Hồ, ngày 25 tháng 11 năm 2026",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            f"Mã hồ sơ (nếu có): {dossier.code}",
            f"Tiếp nhận hồ sơ của Ông/Bà: {NAME}",
            "Số định danh cá nhân/tổ chức: 001190012345",
            "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
            "Yêu cầu Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung như sau:",
            "1. Giấy tờ chứng minh chỗ ở hợp pháp: bản có xác nhận của chủ nhà",
            "2. Tờ khai CT01",
            "Lý do: Giấy tờ chứng minh chỗ ở chưa có xác nhận",
            "Ông/Bà liên hệ với Trung tâm Phục vụ hành chính công",
            "NGƯỜI HƯỚNG DẪN",
        ],
    )
    assert "ngày 01 tháng 12 năm 2026" not in text
    assert "Bản chứng thực" not in text  # 2025: a list, not the 2018 table
    assert meta(data)["subject"] == "Mẫu 02 - Thông tư 03/2025/TT-VPCP"


def test_supplement_for_an_organisation_does_not_say_ong_ba(register, clerk, tmp_path):
    d = register.intake(
        make_form(
            applicant=COMPANY, applicant_kind="organisation", id_kind="tax_code", id_number="0101234567"
        ),
        clerk,
        at=at("2026-11-23T08:30"),
    )
    register.apply(
        d.code, "supplement", clerk, at=at("2026-11-23T09:00"), note="Thiếu", missing=["Giấy ủy quyền"]
    )
    out = tmp_path / "02.pdf"
    forms.print_supplement(register, clerk, out, code=d.code)
    text = text_of(out.read_bytes())
    assert "Ông/Bà" not in text
    assert f"Tiếp nhận hồ sơ của: {COMPANY}" in text
    assert "Yêu cầu Quý cơ quan, tổ chức bổ sung, hoàn thiện hồ sơ" in text


def test_refusal_2025_both_signatures_and_dated_on_the_refusal(register, clerk, clock, dossier, tmp_path):
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường"
    register.apply(dossier.code, "refuse", clerk, at=at("2026-11-23T09:00"), note=reason)
    clock.set("2026-11-27 10:00")
    out = tmp_path / "03.pdf"
    forms.print_refusal(register, dossier.code, clerk, out)
    text = text_of(out.read_bytes())
    assert not missing_from(
        text,
        [
            "Số: 1/TTPVHCC",
            "Tây Hồ, ngày 23 tháng 11 năm 2026",
            "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ (nếu có): {dossier.code}",
            f"Tiếp nhận hồ sơ của: {NAME}",
            "Số định danh cá nhân/tổ chức: 001190012345",
            "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
            f"thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: {reason}",
            "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Nguyễn Thị Thu Hà",
        ],
    )
    assert "ngày 27 tháng 11" not in text


def test_apology_rules_once_open_and_a_working_day_after(
    register, clerk, clock, vice_chair, dossier, tmp_path
):
    out = tmp_path / "04.pdf"
    due = "2026-12-03"  # the original appointment (Thursday)
    with pytest.raises(ValidationError, match="ngày làm việc sau ngày hẹn trả ban đầu"):
        register.apologise(dossier.code, clerk, at(f"{due}T17:30"), REASON_LATE)  # same day, later hour
    with pytest.raises(ValidationError, match="không phải ngày làm việc"):
        register.apologise(dossier.code, clerk, at("2026-12-06T09:00"), REASON_LATE)  # a Sunday
    clock.set("2026-12-01 15:00")
    forms.print_apology(register, dossier.code, vice_chair, out, at("2026-12-08T16:30"), REASON_LATE)
    text = text_of(out.read_bytes())
    assert not missing_from(
        text,
        [
            "Số: 1/TTPVHCC",
            "Tây Hồ, ngày 01 tháng 12 năm 2026",
            "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            f"Kính gửi: {NAME}",
            "Ngày 23/11/2026",
            "tiếp nhận giải quyết hồ sơ đề nghị Đăng ký thường trú của Ông/Bà",
            f"Mã hồ sơ: {dossier.code}",
            "ngày hẹn trả kết quả: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026",
            f"Lý do: {REASON_LATE}",
            "đề nghị Ông/Bà đồng ý gia hạn thời gian giải quyết hồ sơ",
            "Thời gian hẹn trả kết quả mới: 16 giờ 30 phút, ngày 08 tháng 12 năm 2026",
            "Nơi nhận:",
            "THỦ TRƯỞNG CƠ QUAN",
            "Phạm Quang Vinh",
        ],
    )
    # a second new appointment is refused and changes nothing
    with pytest.raises(TransitionError, match="chỉ được hẹn lại một lần"):
        forms.print_apology(register, dossier.code, vice_chair, out, at("2026-12-10T16:30"), "Lần nữa")
    d = register.dossier(dossier.code)
    assert d.new_appointment_at == at("2026-12-08T16:30")
    assert [e.kind for e in d.events].count(EventKind.APOLOGY) == 1
    # the apology is not a hand-over: no row on the control sheet
    assert all("Xin lỗi" not in r.note for r in control_rows(d))
    # only while not resolved
    register.apply(dossier.code, "resolve", vice_chair, at=at("2026-12-01T16:00"))
    other = register.intake(make_form(), clerk, at=at("2026-12-01T08:00"))
    register.apply(other.code, "resolve", vice_chair, at=at("2026-12-01T16:00"))
    with pytest.raises(TransitionError, match="chỉ gia hạn hồ sơ chưa có kết quả"):
        register.apologise(other.code, clerk, at("2026-12-20T16:30"), REASON_LATE)


def test_stop_notice_comes_from_stop(register, clerk, clock, dossier, db_path, tmp_path, capsys, monkeypatch):
    from cli.context import CliContext

    monkeypatch.setattr(CliContext, "read_secret", lambda self, prompt: PASSWORD)
    register.apply(dossier.code, "handover", clerk, at=at("2026-11-23T10:00"), to_officer="Trần Văn Bình")
    out = tmp_path / "05.pdf"
    with pytest.raises(TransitionError):
        forms.print_stop_notice(register, dossier.code, clerk, out)  # not stopped yet
    assert not out.exists()
    clock.set("2026-11-26 10:00")
    reason = "Người nộp hồ sơ đề nghị dừng giải quyết bằng văn bản"
    args = ["--db", str(db_path), "--user", "canbo1", "stop", dossier.code, "--reason", reason]
    assert main([*args, "--at", "2026-11-25 15:00", "--notice", str(out)]) == 0
    assert "Mẫu 05" in capsys.readouterr().out
    data = out.read_bytes()
    text = text_of(data)
    assert not missing_from(
        text,
        [
            "Số: 1/TTPVHCC",
            "Tây Hồ, ngày 25 tháng 11 năm 2026",
            "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            f"Kính gửi: {NAME}",
            f"Mã hồ sơ: {dossier.code}",
            "mã trên hệ thống của tỉnh: H56.99-261123-000123",
            "thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 25 tháng 11 năm 2026",
            f"Lý do: {reason}",
            "Về hồ sơ và phí, lệ phí:",
            "THỦ TRƯỞNG CƠ QUAN",
        ],
    )
    assert meta(data)["subject"] == "Mẫu 05 - Thông tư 03/2025/TT-VPCP"
    # also by name through motcua form
    assert (
        main(
            ["--db", str(db_path), "--user", "canbo1", "form", "stop-notice", dossier.code, "--out", str(out)]
        )
        == 0
    )
    assert "(bản in lại)" in capsys.readouterr().out


def test_control_sheet_is_mau_06_of_2025_and_05_of_2018(
    register, clerk, admin, dossier, db_path, tmp_path, capsys, monkeypatch
):
    from cli.context import CliContext

    monkeypatch.setattr(CliContext, "read_secret", lambda self, prompt: PASSWORD)
    db = ["--db", str(db_path), "--user", "canbo1"]
    out = tmp_path / "06.pdf"
    assert main([*db, "form", "06", dossier.code, "--out", str(out)]) == 0
    assert "Mẫu 06" in capsys.readouterr().out
    text = text_of(out.read_bytes())
    assert not missing_from(
        text,
        [
            "Số: 1/TTPVHCC",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            f"Mã hồ sơ: {dossier.code}",
            f"Kèm theo hồ sơ của: {NAME}",
            "Số điện thoại: 0912345678",
            "Nội dung yêu cầu giải quyết: Đăng ký thường trú",
            "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 23 tháng 11 năm 2026",
            "Thời gian hẹn trả kết quả: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026",
            "TÊN CƠ QUAN",
            "THỜI GIAN GIAO, NHẬN HỒ SƠ",
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)",
            "GHI CHÚ",
            f"1. Giao: 08:30 23/11/2026 {NAME}",
            "2. Nhận: 08:30 23/11/2026 Nguyễn Thị Thu Hà",
        ],
    )
    assert main([*db, "form", "control-sheet", dossier.code, "--out", str(out)]) == 0
    assert "(bản in lại)" in capsys.readouterr().out
    assert main([*db, "form", "08", dossier.code, "--out", str(out)]) == 2
    assert "control-sheet (06)" in capsys.readouterr().err
    register.update_settings(admin, form_set="2018")
    assert main([*db, "form", "05", dossier.code, "--out", str(out)]) == 0  # 2018: 05 is the control sheet
    assert "Mẫu 05" in capsys.readouterr().out and "TTPVHCC" not in text_of(out.read_bytes())


def test_2018_set_keeps_the_old_layouts(register, clerk, admin, dossier, tmp_path):
    register.update_settings(admin, form_set="2018")
    out = tmp_path / "01.pdf"
    forms.print_receipt(register, dossier.code, clerk, out, copies=1)
    text = text_of(out.read_bytes())
    assert "1. Bộ phận tiếp nhận và trả kết quả" in text and "10. Đăng ký nhận kết quả tại" in text
    assert "TTPVHCC" not in text and "Người được ủy quyền" not in text
    assert meta(out.read_bytes())["subject"] == "Mẫu 01 - Thông tư 01/2018/TT-VPCP"


def test_no_pdf_says_unspecified(register, clerk, dossier, tmp_path):
    register.apply(dossier.code, "refuse", clerk, at=at("2026-11-23T09:00"), note="Không thuộc thẩm quyền")
    out = tmp_path / "x.pdf"
    for print_form in (
        lambda: forms.print_receipt(register, dossier.code, clerk, out),
        lambda: forms.print_refusal(register, dossier.code, clerk, out),
        lambda: forms.print_control_sheet(register, dossier.code, clerk, out),
    ):
        print_form()
        m = meta(out.read_bytes())
        assert all(m.values()) and not {"unspecified", "untitled", "anonymous"} & {
            v.lower() for v in m.values()
        }


def test_form_by_an_unknown_name_is_refused(register, clerk, dossier, db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "form", "apolgy", dossier.code, "--out", str(tmp_path / "x.pdf")]) == 2
    assert "không có mẫu “apolgy”" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(MotCuaError):
        forms.print_apology(register, dossier.code, clerk, tmp_path / "y.pdf")  # no apology recorded
