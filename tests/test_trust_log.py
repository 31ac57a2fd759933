"""The log file holds no personal data; error details for the user are Vietnamese and scrubbed."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from core.errors import ValidationError
from core.logsetup import (
    forget_personal,
    format_error_details,
    remember_personal,
    scrub,
    setup_logging,
    user_message,
)
from tests.helpers import make_form


@pytest.fixture(autouse=True)
def nothing_remembered():
    """Values remembered by earlier commands in this process would hide what the patterns do."""
    forget_personal()
    yield
    forget_personal()


@pytest.fixture
def log_file(tmp_path):
    path = setup_logging(tmp_path / "logs")
    yield path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_motcua", False):
            root.removeHandler(handler)
            handler.close()


def test_log_file_has_no_names_ids_or_phones(log_file, register, clerk):
    log = logging.getLogger("motcua.test")
    d = register.intake(make_form(), clerk)
    log.info("Tiếp nhận %s cho %s, CCCD %s, ĐT %s", d.code, d.applicant, d.id_number, d.phone)
    log.warning("Gọi lại +84 912 345 678 hoặc 0912.345.678; email ung@example.vn; CMND 012345678")
    try:
        raise ValueError(f"hỏng khi in cho Trần Văn Bình 001190012345 {d.phone}")
    except ValueError:
        log.exception("In giấy tiếp nhận thất bại")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    for secret in (
        "Nguyễn Thị Ưởng",
        "Trần Văn Bình",
        "001190012345",
        "0912345678",
        "912 345 678",
        "0912.345.678",
        "ung@example.vn",
        "012345678",
    ):
        assert secret not in text, secret
    assert d.code in text  # what support needs stays: codes, the story, the traceback
    assert "[họ tên]" in text and "[số định danh]" in text and "[số điện thoại]" in text
    assert "Traceback" in text and "ValueError" in text


def test_log_rotates(tmp_path):
    path = setup_logging(tmp_path / "rot")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_motcua", False))
    try:
        assert handler.maxBytes == 1_000_000 and handler.backupCount == 5
        handler.maxBytes = 2000
        for i in range(200):
            logging.getLogger("motcua").info("dòng nhật ký số %d %s", i, "." * 50)
        assert (path.parent / "motcua.log.1").exists()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_scrub_keeps_dossier_codes_and_dates():
    text = "Hồ sơ 000.17.22.H56-261123-0001 nhận 2026-11-23T09:00:00+07:00, hẹn 25/11/2026 16:30"
    assert scrub(text) == text


def test_error_details_are_vietnamese_complete_and_scrubbed():
    try:
        raise ValidationError("Người nộp", "Phạm Thị Lan 0987654321 không hợp lệ")
    except ValidationError as exc:
        details = format_error_details(exc)
    assert details.startswith("Chi tiết lỗi MotCua")
    assert "Phiên bản: MotCua" in details and "SQLite" in details
    assert "core.errors.ValidationError" in details and "Traceback" in details
    assert "Phạm Thị Lan" not in details and "0987654321" not in details


def test_user_messages_are_vietnamese():
    assert "đầy" in user_message(sqlite3.OperationalError("database or disk is full"))
    denied = user_message(PermissionError(13, "Permission denied", "x.pdf"))
    assert "Không đọc/ghi được tệp" in denied and "không có quyền" in denied and "denied" not in denied
    full = user_message(OSError(28, "No space left on device", "bk.sqlite3"))
    assert "ổ đĩa đã đầy" in full and "No space" not in full
    assert "lỗi không mong đợi" in user_message(KeyError("boom"))
    assert user_message(ValidationError("Email", "sai")) == "Email: sai"


@pytest.mark.parametrize(
    ("text", "secret", "marker"),
    [
        ("Tiếp nhận cho NGUYỄN VĂN AN hôm nay", "NGUYỄN VĂN AN", "[họ tên]"),
        ("nguoi nop: NGUYEN VAN AN", "NGUYEN VAN AN", "[họ tên]"),
        ("nguoi nop: Tran Thi Ha, da tra", "Tran Thi Ha", "[họ tên]"),
        ("Người nộp Giàng A Pháo, bản Lả", "Giàng A Pháo", "[họ tên]"),
        ("Người nộp Lò Văn Puôn", "Lò Văn Puôn", "[họ tên]"),
        ("Người nộp H'Hen Niê", "H'Hen Niê", "[họ tên]"),
        ("Người nộp Ksor Y Tlam", "Ksor Y Tlam", "[họ tên]"),
        ("CCCD 001 190 012 345 đã kiểm tra", "001 190 012 345", "[số định danh]"),
        ("CCCD 001.190.012.345", "001.190.012.345", "[số định danh]"),
        ("hộ chiếu C1234567 còn hạn", "C1234567", "[số hộ chiếu]"),
        ("gọi (091) 234-5678 sau 17 giờ", "234-5678", "[số điện thoại]"),
        ("máy bàn (024) 3825 1234", "3825 1234", "[số điện thoại]"),
        ("ở Số 12 Âu Cơ, phường Tây Hồ", "12 Âu Cơ", "[địa chỉ]"),
        ("ở so 12 Au Co, phuong Tay Ho", "12 Au Co", "[địa chỉ]"),
        ("ở 45/12 Trần Hưng Đạo", "45/12", "[địa chỉ]"),
        ("ở ngõ 5 Phan Đình Phùng", "Phan Đình Phùng", "[địa chỉ]"),
        ("ở thôn Nà Luông, xã Mường Lống", "Nà Luông", "[địa chỉ]"),
    ],
)
def test_scrubber_catches_what_it_used_to_miss(text, secret, marker):
    cleaned = scrub(text)
    assert secret not in cleaned and marker in cleaned, cleaned


def test_scrubber_keeps_what_support_needs():
    text = (
        "Hồ sơ H56-261123-0001 lệ phí 50000 đồng, 12 hồ sơ, lúc 17:00 ngày 23/11/2026; "
        "sao lưu motcua-2026-11-23_170000.sqlite3 (184320 byte)"
    )
    assert scrub(text) == text


def test_values_typed_in_are_never_logged_in_any_form():
    remember_personal("Mùa Thị Dợ", "(0203) 3456 789")
    cleaned = scrub("Tìm MUA THI DO, mùa thị dợ hoặc Mùa Thị Dợ; số 02033456789")
    assert "MUA THI DO" not in cleaned and "Mùa Thị Dợ" not in cleaned and "02033456789" not in cleaned
    assert cleaned.count("[dữ liệu cá nhân]") >= 3
