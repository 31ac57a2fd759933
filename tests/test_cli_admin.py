"""The admin and detail-pane capabilities through `motcua`: settings, users, difficulties, apology, edit."""

from __future__ import annotations

import io
import json
import sys

import pytest

from cli.main import main
from core.register import Register

AGENCY = "000.17.22.H56"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "admin.sqlite3"
    assert (
        main(["--db", str(path), "init", "--ward-name", "UBND phường Tây Hồ", "--agency-code", AGENCY]) == 0
    )
    for login, role in (("quantri", "admin"), ("canbo1", "clerk")):
        # the first user needs no one's password; the next one needs the admin's, then its own
        as_admin = ["--user", "quantri"] if login != "quantri" else []
        monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-1\nmat-khau-1\n"))
        add = ["user", "add", login, "--role", role, "--full-name", "Lê Văn An"]
        assert main(["--db", str(path), *as_admin, *add]) == 0
    return path


PW = "mat-khau-1"


def run(db, *args, stdin: str = f"{PW}\n") -> int:
    """``motcua --db DB args`` in this process; a ``--user`` reads that person's password from stdin."""
    saved, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        return main(["--db", str(db), *args])
    finally:
        sys.stdin = saved


def test_settings_show_and_set(db, capsys):
    assert run(db, "--user", "quantri", "settings", "set", "cutoff_time=14:30", "saturday_reception=yes") == 0
    capsys.readouterr()
    assert run(db, "settings", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["cutoff_time"] == "14:30" and shown["saturday_reception"] is True
    assert shown["agency_code"] == AGENCY
    # a clerk may not change settings; a bad value and an unknown name are refused, nothing changes
    assert run(db, "--user", "canbo1", "settings", "set", "cutoff_time=16:00") == 2
    assert "Chỉ Quản trị được đổi thiết lập" in capsys.readouterr().err
    assert run(db, "--user", "quantri", "settings", "set", "cutoff_time=25:99") == 2
    assert run(db, "--user", "quantri", "settings", "set", "receipt_copies=0") == 2
    assert "0 nằm ngoài khoảng 1 - 5" in capsys.readouterr().err
    assert run(db, "--user", "quantri", "settings", "set", "smtp_port=70000") == 2
    assert run(db, "--user", "quantri", "settings", "set", "saturday_reception=thỉnh thoảng") == 2
    assert "không phải có/không" in capsys.readouterr().err
    assert run(db, "--user", "quantri", "settings", "set", "khong_co=1") == 2
    assert "không có thiết lập khong_co" in capsys.readouterr().err
    with Register.open(db) as register:
        settings = register.settings
        assert settings.cutoff_time == "14:30" and settings.receipt_copies == 2 and settings.smtp_port == 465
        assert settings.saturday_reception is True


def test_user_update_locks_and_sets_password(db, capsys, monkeypatch):
    assert (
        run(db, "--user", "quantri", "user-update", "canbo1", "--title", "Công chức Tư pháp - Hộ tịch") == 0
    )
    assert (
        run(
            db,
            "--user",
            "quantri",
            "user-update",
            "canbo1",
            "--password-stdin",
            stdin=f"{PW}\nmat-khau-moi\n",
        )
        == 0
    )
    assert run(db, "--user", "quantri", "user-update", "canbo1", "--active", "no") == 0
    assert "đã khóa" in capsys.readouterr().out
    with Register.open(db) as register:
        user = register.user("canbo1")
        assert user.title == "Công chức Tư pháp - Hộ tịch" and not user.active
        register.update_user(register.user("quantri"), "canbo1", active=True)
        assert register.authenticate("canbo1", "mat-khau-moi").login == "canbo1"
    assert run(db, "--user", "quantri", "user-update", "canbo1") == 2
    assert "chưa nêu điều gì cần sửa" in capsys.readouterr().err


def _intake(db, capsys, at: str) -> str:
    args = ["--user", "canbo1", "intake", "--procedure", "1.001193", "--applicant", "Trần Văn Bình"]
    assert run(db, *args, "--phone", "0912345678", "--at", at) == 0
    return capsys.readouterr().out.strip()


def test_difficulty_apologise_edit(db, capsys, clock):
    code = _intake(db, capsys, "2026-11-23 09:00")
    clock.set("2026-11-24T10:00")  # what the commands without --at stamp: the difficulty, the apology
    assert (
        run(db, "--user", "canbo1", "difficulty", "add", "Thiếu mẫu tờ khai bản giấy", "--dossier", code) == 0
    )
    capsys.readouterr()
    assert run(db, "difficulty", "list", "--from", "2026-11-23", "--to", "2026-11-30", "--json") == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item["text"] == "Thiếu mẫu tờ khai bản giấy" and item["dossier_code"] == code
    assert item["procedure_code"] == "1.001193"

    assert run(db, "--user", "canbo1", "edit", code, "phone=0987 654 321", "copies=2") == 0
    assert run(db, "--user", "canbo1", "edit", code, "procedure_code=1.004222") == 2
    assert "không sửa được trường procedure_code" in capsys.readouterr().err
    with Register.open(db) as register:
        d = register.dossier(code)
        assert d.phone == "0987654321" and d.copies == 2

    args = ["--user", "canbo1", "apologise", code, "--new-appointment", "30/11/2026 16:30"]
    assert run(db, *args, "--reason", "Chờ xác minh") == 0
    with Register.open(db) as register:
        d = register.dossier(code)
        assert d.new_appointment_at is not None and d.new_appointment_at.day == 30


def test_argparse_speaks_vietnamese(capsys):
    assert main(["receipt"]) == 2  # argparse's exit comes back as the return value
    err = capsys.readouterr().err
    assert "thiếu tham số bắt buộc: code, --out" in err and "cách dùng: motcua receipt" in err
    assert main(["receipt", "--help"]) == 0
    out = capsys.readouterr().out
    assert "tùy chọn:" in out and "xem hướng dẫn này rồi thoát" in out and "options" not in out
