"""The log file holds no personal data; error details for the user are Vietnamese and scrubbed."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from core.errors import ValidationError
from core.logsetup import format_error_details, scrub, setup_logging, user_message
from tests.helpers import make_form


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
