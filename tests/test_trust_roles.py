"""Who did what must be true: the command line acts as a person only with that person's
password, and without one it is the system account, which does register work but is no admin.

Every case runs ``motcua`` in this process on a real register file, with stdin holding what a
script would pipe in, and checks the register afterwards (users, settings, audit trail).
"""

from __future__ import annotations

import io
import sqlite3

import pytest

from cli.main import main
from core.backup import backup_now
from core.register import Register
from tests.helpers import PASSWORD

INTAKE = [
    "intake",
    "--procedure",
    "1.004222",
    "--applicant",
    "Nguyễn Thị Ưởng",
    "--id-number",
    "001190012345",
]


@pytest.fixture
def cli(register, db_path, monkeypatch, capsys):
    register.close()
    monkeypatch.delenv("MOTCUA_USER", raising=False)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def audit_rows(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT user_login, action, entity, entity_key FROM audit_log ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def password_still(db_path, login: str, password: str) -> bool:
    with Register.open(db_path) as reg:
        try:
            reg.authenticate(login, password)
        except Exception:
            return False
        return True


def test_a_name_without_its_password_acts_as_no_one(cli, db_path, monkeypatch):
    before = audit_rows(db_path)
    code, _, err = cli("--user", "phochutich", *INTAKE)  # nothing on stdin
    assert code == 2 and "Cần mật khẩu của phochutich" in err
    code, _, err = cli("--user", "canbo1", *INTAKE, stdin="sai-mat-khau\n")
    assert code == 2 and "Sai tên đăng nhập hoặc mật khẩu" in err
    monkeypatch.setenv("MOTCUA_USER", "quantri")
    code, _, err = cli("settings", "set", "address=Số 1 Xuân Diệu")
    assert code == 2 and "Cần mật khẩu của quantri" in err
    after = audit_rows(db_path)
    assert after[: len(before)] == before
    assert [r[1] for r in after[len(before) :]] == ["login_failed"]  # only the wrong password left a trace


def test_the_right_password_acts_as_that_person(cli, db_path):
    code, out, err = cli("--user", "canbo1", *INTAKE, stdin=PASSWORD + "\n")
    assert code == 0, err
    assert audit_rows(db_path)[-1][:3] == ("canbo1", "intake", "dossier")


def test_no_user_is_the_system_account_doing_register_work(cli, db_path):
    code, out, err = cli(*INTAKE)
    assert code == 0, err
    code_ = out.strip()
    assert cli("handover", code_)[0] == 0
    assert cli("report", "--from", "2026-11-01", "--to", "2026-11-30", "--json")[0] == 0  # a draft
    rows = audit_rows(db_path)
    assert [r[0] for r in rows[-3:]] == ["he-thong"] * 3
    with Register.open(db_path) as reg:
        assert reg.dossier(code_).clerk_name == "Hệ thống (không đăng nhập)"


@pytest.mark.parametrize(
    "args",
    [
        ["settings", "set", "address=Số 1 Xuân Diệu"],
        ["calendar", "add-holiday", "2026-12-24", "--note", "Nghỉ"],
        ["user-update", "phochutich", "--password-stdin"],
        ["user-update", "canbo1", "--role", "admin"],
        ["user", "add", "canbo9", "--role", "admin", "--full-name", "Kẻ Gian"],
        ["demo", "--dossiers", "1"],
    ],
)
def test_the_system_account_is_no_admin(cli, db_path, args):
    before = audit_rows(db_path)
    code, _, err = cli(*args, stdin="mat-khau-moi\nmat-khau-moi\n")
    assert code == 2 and "--user" in err and "mật khẩu" in err, err
    assert audit_rows(db_path) == before
    assert password_still(db_path, "phochutich", PASSWORD)


def test_a_clerk_cannot_reset_the_vice_chairs_password_and_sign(cli, db_path):
    code, _, err = cli(
        "--user",
        "canbo1",
        "user-update",
        "phochutich",
        "--password-stdin",
        stdin=f"{PASSWORD}\nchiem-quyen\n",
    )
    assert code == 2 and "Chỉ Quản trị được sửa người dùng" in err
    assert password_still(db_path, "phochutich", PASSWORD)
    assert not password_still(db_path, "phochutich", "chiem-quyen")
    code, _, err = cli("--user", "canbo1", "user-update", "canbo1", "--role", "admin", stdin=PASSWORD + "\n")
    assert code == 2
    # their own password, with their own password: allowed
    code, _, err = cli(
        "--user", "canbo1", "user-update", "canbo1", "--password-stdin", stdin=f"{PASSWORD}\nmat-khau-moi\n"
    )
    assert code == 0, err
    assert password_still(db_path, "canbo1", "mat-khau-moi")


def test_an_admin_with_a_password_changes_settings_users_and_the_calendar(cli, db_path):
    pw = PASSWORD + "\n"
    assert cli("--user", "quantri", "settings", "set", "address=Số 1 Xuân Diệu", stdin=pw)[0] == 0
    assert (
        cli("--user", "quantri", "calendar", "add-holiday", "2026-12-24", "--note", "Nghỉ", stdin=pw)[0] == 0
    )
    assert (
        cli("--user", "quantri", "user-update", "phochutich", "--password-stdin", stdin=f"{pw}moi-123456\n")[
            0
        ]
        == 0
    )
    assert password_still(db_path, "phochutich", "moi-123456")
    who = {(r[0], r[2]) for r in audit_rows(db_path)[-3:]}
    assert who == {("quantri", "settings"), ("quantri", "calendar_override"), ("quantri", "user")}


def test_restore_needs_an_admin_and_is_audited(cli, db_path, tmp_path):
    backup = backup_now(db_path, tmp_path / "sao-luu")
    size = db_path.stat().st_size
    for args, stdin in (([], ""), (["--user", "canbo1"], PASSWORD + "\n"), (["--user", "quantri"], "sai\n")):
        code, _, err = cli(*args, "restore", str(backup), stdin=stdin)
        assert code == 2, err
    assert db_path.stat().st_size == size and not list(db_path.parent.glob("*truoc-khoi-phuc*"))
    code, out, err = cli("--user", "quantri", "restore", str(backup), stdin=PASSWORD + "\n")
    assert code == 0, err
    last = audit_rows(db_path)[-1]
    assert last == ("quantri", "restore", "register", backup.name)


def test_restore_onto_a_damaged_register_asks_the_backup(cli, db_path, tmp_path):
    backup = backup_now(db_path, tmp_path / "sao-luu")
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)  # a damaged file in its place
    for p in db_path.parent.glob(db_path.name + "-*"):
        p.unlink()
    code, _, err = cli("--user", "quantri", "restore", str(backup), stdin="sai\n")
    assert code == 2 and "Sai tên đăng nhập hoặc mật khẩu" in err
    code, _, err = cli("--user", "quantri", "restore", str(backup), stdin=PASSWORD + "\n")
    assert code == 0, err
    assert audit_rows(db_path)[-1][:2] == ("quantri", "restore")


def test_the_system_login_cannot_be_taken_by_a_person(register, admin):
    from core.errors import ValidationError

    with pytest.raises(ValidationError, match="tài khoản hệ thống"):
        register.add_user(admin, "he-thong", "Kẻ Gian", "admin", PASSWORD)
