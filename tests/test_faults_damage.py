"""Index damage is found and stops writing: the full check where it is affordable.

``quick_check`` checks each b-tree but not that an index agrees with its table: a flipped bit in
an index passes it, and writes then spread the damage (``show CODE`` says "not found" while
``search`` lists it). The first open in a process runs ``integrity_check`` on small files, the
background runs it on big ones, and a backup whose copy fails it checks the register itself.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from core import dbcheck
from core.backup import backup_now
from core.dbcheck import DamagedDatabaseError
from core.errors import DatabaseError
from core.register import Register
from tests.helpers import at, make_form


@pytest.fixture(autouse=True)
def fresh_checks(monkeypatch, tmp_path):
    """Each test starts with a process that has checked nothing yet, and its own data folder."""
    monkeypatch.setattr(dbcheck, "_checked", set(), raising=False)
    monkeypatch.setattr(dbcheck, "_damage", {}, raising=False)
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checks(db: Path) -> tuple[str, str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return (
            conn.execute("PRAGMA quick_check").fetchone()[0],
            conn.execute("PRAGMA integrity_check").fetchone()[0],
        )
    finally:
        conn.close()


def damage_an_index(db: Path) -> None:
    """Flip one byte of the phone-number index so that only the full check sees it.

    Tried byte by byte from the end of the index's page (where its cells are) until one gives
    exactly that: ``quick_check`` ok, ``integrity_check`` not. No connection is open meanwhile.
    """
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dossiers_phone'").fetchone()[0]
    conn.close()
    raw = bytearray(db.read_bytes())
    start = (root - 1) * page
    for offset in range(start + page - 1, start + 100, -1):
        if not chr(raw[offset]).isdigit():
            continue
        original = raw[offset]
        raw[offset] = ord("9") if original != ord("9") else ord("1")
        db.write_bytes(bytes(raw))
        try:
            quick, full = _checks(db)
        except sqlite3.DatabaseError:
            quick, full = "error", "error"
        if quick == "ok" and full != "ok":
            return
        raw[offset] = original
    db.write_bytes(bytes(raw))
    raise AssertionError("no byte of the index gave damage only the full check finds")


def _filled(register, clerk, n: int = 40) -> None:
    for i in range(n):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk, at=at("2026-11-23T09:00"))


def test_index_damage_in_a_small_file_is_refused_at_open(register, clerk, db_path, tmp_path):
    _filled(register, clerk)
    good = backup_now(db_path, tmp_path / "data" / "backups")
    register.close()
    damage_an_index(db_path)
    assert _checks(db_path)[0] == "ok"  # what the open used to run
    damaged = _sha(db_path)
    with pytest.raises(DamagedDatabaseError) as caught:
        Register.open(db_path)
    assert "bị hỏng" in caught.value.message and caught.value.backup == good
    assert str(good) in caught.value.message
    assert _sha(db_path) == damaged


def test_big_file_is_checked_in_the_background_and_writing_stops(
    register, clerk, db_path, tmp_path, monkeypatch
):
    _filled(register, clerk)
    good = backup_now(db_path, tmp_path / "data" / "backups")
    register.close()
    damage_an_index(db_path)
    damaged = _sha(db_path)
    monkeypatch.setattr(dbcheck, "FULL_CHECK_MAX_BYTES", 0, raising=False)  # all files are big
    reg = Register.open(db_path)  # opens at once: quick_check passes
    try:
        dbcheck.wait_for_background_checks()
        assert reg.search("Lê Thị", limit=5)  # reading goes on
        with pytest.raises(DamagedDatabaseError) as caught:
            reg.intake(make_form(), clerk, at=at("2026-11-23T10:00"))
        assert "dừng ghi" in caught.value.message and caught.value.backup == good
    finally:
        reg.close()
    assert _sha(db_path) == damaged  # nothing was written into it


def test_backup_that_fails_its_check_stops_writing_to_a_damaged_register(register, clerk, db_path, tmp_path):
    _filled(register, clerk)
    good = backup_now(db_path, tmp_path / "data" / "backups")
    register.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage_an_index(db_path)  # under the open register (the test process is the only user)
    with pytest.raises(DatabaseError, match="bị hỏng"):
        backup_now(db_path, tmp_path / "data" / "backups")
    with pytest.raises(DamagedDatabaseError) as caught:
        register.intake(make_form(), clerk, at=at("2026-11-23T10:00"))
    assert caught.value.backup == good


def wreck_a_page(db: Path, name: str = "dossiers_phone") -> None:
    """Overwrite the root page of ``name`` with 0xFF: ``quick_check`` fails, the header stays sound."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page)
        f.write(b"\xff" * page)


def test_a_very_big_file_opens_at_once_and_the_background_check_stops_writing(
    register, clerk, db_path, tmp_path, monkeypatch
):
    """Ten years of a big ward is 2 GB: quick_check alone took 2.35 s of the window's start. Above
    QUICK_CHECK_MAX_BYTES the open reads the header only; the background check finds the damage."""
    _filled(register, clerk)
    good = backup_now(db_path, tmp_path / "data" / "backups")
    register.close()
    wreck_a_page(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        _checks(db_path)
    damaged = _sha(db_path)
    monkeypatch.setattr(dbcheck, "FULL_CHECK_MAX_BYTES", 0, raising=False)
    monkeypatch.setattr(dbcheck, "QUICK_CHECK_MAX_BYTES", 0, raising=False)  # all files are very big
    reg = Register.open(db_path)  # no quick_check: it would have refused the open
    try:
        dbcheck.wait_for_background_checks()
        with pytest.raises(DamagedDatabaseError) as caught:
            reg.intake(make_form(), clerk, at=at("2026-11-23T10:00"))
        assert "dừng ghi" in caught.value.message and caught.value.backup == good
    finally:
        reg.close()
    assert _sha(db_path) == damaged


def test_a_big_file_under_the_quick_limit_is_still_refused_at_open(
    register, clerk, db_path, tmp_path, monkeypatch
):
    _filled(register, clerk)
    register.close()
    wreck_a_page(db_path)
    damaged = _sha(db_path)
    monkeypatch.setattr(dbcheck, "FULL_CHECK_MAX_BYTES", 0, raising=False)
    with pytest.raises(DamagedDatabaseError):
        Register.open(db_path)  # quick_check at once
    assert _sha(db_path) == damaged
