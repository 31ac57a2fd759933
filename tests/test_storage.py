"""Storage: migrations, pragmas, refusing newer files, users and passwords, CLI contract."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from core.db import connect, schema_version
from core.errors import AuthenticationError, DatabaseError
from core.schema import MIGRATIONS
from core.users import MAX_FAILED_LOGINS
from tests.helpers import PASSWORD, at, make_form

ROOT = Path(__file__).resolve().parent.parent


def test_new_file_is_migrated_with_wal_and_foreign_keys(db_path):
    db = connect(db_path)
    assert schema_version(db) == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert {"dossiers", "events", "procedures", "users", "audit_log"} <= set(db.table_names())
    db.conn.close()
    again = connect(db_path)  # reopening runs nothing more
    assert schema_version(again) == len(MIGRATIONS)


def test_newer_database_is_refused_untouched(db_path):
    connect(db_path).conn.close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="phiên bản MotCua mới hơn"):
        connect(db_path)
    assert db_path.read_bytes() == before


def test_failed_migration_rolls_back(db_path, monkeypatch):
    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    connect(db_path).conn.close()  # a healthy v1 file
    monkeypatch.setattr("core.db.MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(RuntimeError):
        connect(db_path)
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "half_done" not in {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}


def test_passwords_hashed_and_lockout(register, clock):
    stored = register.store.user_auth_row("canbo1")["password_hash"]
    assert stored.startswith("$argon2") and PASSWORD not in stored
    assert register.authenticate("canbo1", PASSWORD).login == "canbo1"
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            register.authenticate("canbo1", "sai-mat-khau")
    with pytest.raises(AuthenticationError, match="tạm khóa"):
        register.authenticate("canbo1", PASSWORD)
    clock.set("2026-11-23T09:30")
    assert register.authenticate("canbo1", PASSWORD).login == "canbo1"
    audit_text = json.dumps(list(register.store.db.query("SELECT * FROM audit_log")))
    assert PASSWORD not in audit_text


def test_every_change_is_audited(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    register.apply(code, "handover", clerk, at=at("2026-11-23T09:30"))
    actions = [
        r["action"]
        for r in register.store.db.query(
            "SELECT action FROM audit_log WHERE entity_key = ? ORDER BY id", [code]
        )
    ]
    assert actions == ["intake", "handover"]


def run_cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    # a fixed "now" after the moments the contract types (--at in the future is refused)
    env = {**os.environ, "MOTCUA_NOW": "2026-11-26T09:00"}
    return subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        encoding="utf-8",
        env=env,
    )


def test_cli_contract(tmp_path):
    db = tmp_path / "cli.sqlite3"
    assert (
        run_cli(db, "init", "--ward-name", "UBND phường Tây Hồ", "--agency-code", "000.17.22.H56").returncode
        == 0
    )
    first = run_cli(
        db, "user", "add", "quantri", "--role", "admin", "--full-name", "Lê Văn An", stdin="mat-khau-1\n"
    )
    assert first.returncode == 0, first.stderr  # the first user needs no one's password, the next an admin's
    added = run_cli(
        db, "--user", "quantri", "user", "add", "canbo1", "--role", "clerk", "--full-name", "Nguyễn Thị Hà",
        stdin="mat-khau-1\nmat-khau-1\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    out = run_cli(
        db,
        "intake",
        "--procedure",
        "1.001193",
        "--applicant",
        "Trần Văn Bình",
        "--phone",
        "+84 912 345 678",
        "--at",
        "23/11/2026 15:30",
        "--clerk",
        "canbo1",
        stdin="mat-khau-1\n",
    )
    assert out.returncode == 0, out.stderr
    code = out.stdout.strip()
    assert code == "000.17.22.H56-261123-0001"
    shown = json.loads(run_cli(db, "show", code, "--json").stdout)
    for key in (
        "code",
        "procedure_code",
        "field",
        "applicant",
        "id_number",
        "phone",
        "channel",
        "status",
        "received_at",
        "due_at",
        "resolved_at",
        "returned_at",
    ):
        assert key in shown
    assert shown["due_at"] == "2026-11-25 16:30"  # after 15:00, and 24/11 is a holiday
    assert shown["phone"] == "0912345678" and shown["status"] == "received"
    assert run_cli(db, "resolve", code, "--at", "2026-11-25 10:00").returncode == 0
    bad = run_cli(db, "handover", code)
    assert bad.returncode == 2 and "Lỗi:" in bad.stderr and "Đã có kết quả" in bad.stderr
    hits = json.loads(run_cli(db, "search", "tran van binh", "--json").stdout)
    assert [h["code"] for h in hits] == [code]
    due = run_cli(db, "due-date", "--procedure", "1.004222", "--at", "2026-02-13 10:00")
    assert due.stdout.strip() == "2026-03-03 16:30"  # 7 days: Tết 16-20/2 skipped
    missing = run_cli(
        db, "intake", "--procedure", "9.999", "--applicant", "A B", "--clerk", "canbo1", stdin="mat-khau-1\n"
    )
    assert missing.returncode == 2 and "Không có thủ tục" in missing.stderr
    assert (
        run_cli(
            db,
            "--user",
            "quantri",
            "calendar",
            "add-workday",
            "2026-11-28",
            "--note",
            "Làm bù",
            stdin="mat-khau-1\n",
        ).returncode
        == 0
    )
    listed = json.loads(run_cli(db, "calendar", "list", "--year", "2026", "--json").stdout)
    assert {"date": "2026-11-28", "kind": "làm bù", "working": True, "note": "Làm bù"} in listed


def test_cli_in_process_bad_time(tmp_path, capsys):
    db = tmp_path / "x.sqlite3"
    assert main(["--db", str(db), "init", "--ward-name", "UBND xã A", "--agency-code", "X1"]) == 0
    assert main(["--db", str(db), "due-date", "--procedure", "1.001193", "--at", "31/02/2026"]) == 2
    assert "không phải thời gian hợp lệ" in capsys.readouterr().err


def test_core_and_reports_never_import_qt():
    """Walk every module under core/ and reports/ in a fresh interpreter: no PySide6, no gui."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import core, reports\n"
        "for pkg in (core, reports):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'gui'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
