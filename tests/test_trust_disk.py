"""A full disk and a read-only folder or file: clear Vietnamese messages, nothing saved is lost."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.audit import verify
from core.backup import backup_now
from core.errors import DatabaseError
from core.register import Register
from core.users import SYSTEM_USER
from tests.helpers import at, make_form

ROOT = Path(__file__).resolve().parent.parent


def test_full_disk_refuses_cleanly_and_keeps_everything_saved(register, clerk, db_path):
    conn = register.store.db.conn
    saved = [register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code for _ in range(3)]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    refusal = None
    for i in range(500):
        try:
            saved.append(
                register.intake(make_form(note="x" * 1500 + str(i)), clerk, at=at("2026-11-23T09:00")).code
            )
        except DatabaseError as exc:
            refusal = exc
            break
    assert refusal is not None, "the page limit never bit"
    assert "đầy" in refusal.message and "chưa được lưu" in refusal.message
    assert not conn.in_transaction
    assert register.store.dossier_count() == len(saved)  # nothing half-written
    assert register.store.existing_codes(saved) == set(saved)
    # other changes are refused the same way, and the chain stays whole
    with pytest.raises(DatabaseError, match="đầy"):
        for n in range(200):  # a difficulty holds at most 2000 characters
            register.add_difficulty(clerk, "Vướng mắc " + "y" * 1900 + str(n))
    assert verify(register.store.db).ok
    # a backup to a folder on a healthy disk still works, and the register recovers with space
    conn.execute("PRAGMA max_page_count = 1073741823")
    saved.append(register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code)
    assert register.store.dossier_count() == len(saved)
    check = sqlite3.connect(db_path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    lost = len(set(saved) - register.store.existing_codes(saved))
    print(f"\nFull disk: {len(saved)} dossiers saved around the refusal; records lost: {lost}")
    assert lost == 0


def test_backup_to_a_full_backup_database_is_refused(register, db_path, tmp_path, monkeypatch):
    """The backup's own write failing (full USB stick) leaves no half file behind."""
    import core.backup as backup_mod

    real = backup_mod._copy_online

    def full_stick(source, target):
        real(source, target)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup_mod, "_copy_online", full_stick)
    with pytest.raises(DatabaseError, match="Sao lưu không thành công.*đầy"):
        backup_now(db_path, tmp_path / "usb")
    assert list((tmp_path / "usb").iterdir()) == []


# --- read-only folder / file ---------------------------------------------------------------

CHILD = r"""
import json, sys
from core.errors import MotCuaError
from core.register import Register
from core.users import SYSTEM_USER
result = {}
try:
    reg = Register.open(sys.argv[1])
except MotCuaError as exc:
    result["open_error"] = exc.message
else:
    result["ward"] = reg.settings.ward_name
    result["count"] = reg.store.dossier_count()
    try:
        reg.update_settings(SYSTEM_USER, address="Số 1")
    except MotCuaError as exc:
        result["write_error"] = exc.message
    reg.close()
print(json.dumps(result, ensure_ascii=False))
"""


def _without_root_override() -> None:
    """Drop CAP_DAC_OVERRIDE/READ_SEARCH so even root obeys the permission bits (Linux)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _run_restricted(tmp_path: Path, db: Path) -> dict:
    script = tmp_path / "ro_child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, str(script), str(db)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        preexec_fn=_without_root_override if os.geteuid() == 0 else None,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def saved_db(tmp_path, clock):
    folder = tmp_path / "office"
    db = folder / "motcua.sqlite3"
    reg = Register.open(db, clock=clock)
    reg.initialise("UBND phường Tây Hồ", "H56")
    clerk = reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", "clerk", "matkhau123")
    for _ in range(7):
        reg.intake(make_form(), clerk, at=at("2026-11-23T09:00"))
    reg.close()
    yield db
    folder.chmod(0o755)
    db.chmod(0o644)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="permission bits and prctl: Linux")
def test_read_only_file_can_be_read_and_refuses_writes_in_vietnamese(tmp_path, saved_db):
    before = _sha(saved_db)
    saved_db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    result = _run_restricted(tmp_path, saved_db)
    assert result["ward"] == "UBND phường Tây Hồ" and result["count"] == 7
    assert "chỉ đọc" in result["write_error"] and "chưa được lưu" in result["write_error"]
    assert _sha(saved_db) == before
    saved_db.chmod(0o644)
    reg = Register.open(saved_db)
    assert reg.store.dossier_count() == 7 and reg.settings.address == ""
    reg.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="permission bits and prctl: Linux")
def test_read_only_folder_is_named_not_called_damaged(tmp_path, saved_db):
    before = _sha(saved_db)
    saved_db.parent.chmod(0o555)
    result = _run_restricted(tmp_path, saved_db)
    message = result["open_error"]
    assert "chỉ đọc" in message and "không bị thay đổi" in message and "hỏng" not in message
    assert _sha(saved_db) == before
    saved_db.parent.chmod(0o755)
    reg = Register.open(saved_db)
    assert reg.store.dossier_count() == 7
    reg.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="permission bits and prctl: Linux")
def test_backup_to_a_read_only_folder_is_refused_in_vietnamese(tmp_path, saved_db):
    target = tmp_path / "usb"
    target.mkdir()
    target.chmod(0o555)
    script = tmp_path / "bk_child.py"
    script.write_text(
        "import sys\nfrom core.backup import backup_now\nfrom core.errors import MotCuaError\n"
        "try:\n    backup_now(sys.argv[1], sys.argv[2])\n"
        "except MotCuaError as exc:\n    print(exc.message)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, str(script), str(saved_db), str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        preexec_fn=_without_root_override if os.geteuid() == 0 else None,
    )
    target.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "Sao lưu không thành công" in done.stdout and "quyền ghi" in done.stdout
    assert list(target.iterdir()) == []
