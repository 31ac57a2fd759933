"""Backups (online, verified, retained) and restore (checked, current file kept aside)."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli.main import main
from core import backup as backup_mod
from core.backup import BackupInfo, backup_if_due, backup_now, backups_to_delete, list_backups, restore
from core.dbcheck import DamagedDatabaseError, inspect_file
from core.errors import DatabaseError
from core.register import Register
from tests.helpers import PASSWORD, at, make_form


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


def _content(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT * FROM dossiers ORDER BY id").fetchall()
    finally:
        conn.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_restore_round_trip(register, clerk, db_path, tmp_path):
    for i in range(30):
        register.intake(make_form(applicant=f"Nguyễn Văn Số {i}"), clerk, at=at("2026-11-23T09:00"))
    before = _content(db_path)
    dest = tmp_path / "usb"
    made = backup_now(db_path, dest)  # while the register is open
    assert made.parent == dest and made.name.startswith("motcua-") and made.suffix == ".sqlite3"
    verdict = inspect_file(made, full=True)
    assert verdict.ok and verdict.dossiers == 30 and verdict.schema_version >= 1
    assert not Path(str(made) + "-wal").exists()  # self-contained

    for i in range(5):  # work continues after the backup, then is lost to a mistake
        register.intake(make_form(applicant=f"Trần Thị Sau {i}"), clerk, at=at("2026-11-23T10:00"))
    register.close()
    after_backup = _sha(db_path)
    aside = restore(made, db_path)
    assert aside is not None and aside.exists() and aside != db_path
    assert _sha(aside) == after_backup  # the replaced file is kept, byte for byte
    assert len(_content(aside)) == 35

    reopened = Register.open(db_path)
    try:
        assert reopened.store.dossier_count() == 30
        assert _content(db_path) == before
        from core.audit import verify

        assert verify(reopened.store.db).ok
    finally:
        reopened.close()


def test_backup_is_consistent_while_another_process_holds_a_write(register, clerk, db_path, tmp_path):
    register.intake(make_form(), clerk, at=at("2026-11-23T09:00"))
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings (key, value) VALUES ('_pending', '1')")
    try:
        made = backup_now(db_path, tmp_path / "b")
    finally:
        other.execute("ROLLBACK")
        other.close()
    conn = sqlite3.connect(made)
    assert conn.execute("SELECT COUNT(*) FROM settings WHERE key = '_pending'").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0] == 1
    conn.close()


def test_cli_backup_and_restore(register, clerk, db_path, tmp_path, capsys, monkeypatch):
    from cli.context import CliContext

    monkeypatch.setattr(CliContext, "read_secret", lambda self, prompt: PASSWORD)  # restore: an admin's
    register.intake(make_form(), clerk, at=at("2026-11-23T09:00"))
    register.close()
    dest = tmp_path / "bk"
    assert main(["--db", str(db_path), "backup", "--to", str(dest)]) == 0
    out = capsys.readouterr().out
    assert "Đã sao lưu và kiểm tra toàn vẹn" in out
    [made] = list_backups(dest)
    assert main(["--db", str(db_path), "--user", "quantri", "restore", str(made.path)]) == 0
    out = capsys.readouterr().out
    assert "giữ lại tại" in out
    kept = list(db_path.parent.glob("motcua.truoc-khoi-phuc-*.sqlite3"))
    assert len(kept) == 1
    # a second restore keeps the first kept-aside file and adds another
    assert main(["--db", str(db_path), "--user", "quantri", "restore", str(made.path)]) == 0
    assert len(list(db_path.parent.glob("motcua.truoc-khoi-phuc-*.sqlite3"))) == 2


def test_backup_default_folder_comes_from_settings(register, admin, db_path, tmp_path, capsys):
    register.update_settings(admin, backup_dir=str(tmp_path / "chosen"))
    register.close()
    assert main(["--db", str(db_path), "backup"]) == 0
    assert len(list_backups(tmp_path / "chosen")) == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, not a database at all" * 10, b"SQLite format 3\x00" + b"\xff" * 5000],
    ids=["empty", "text", "bad-header"],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(register, db_path, tmp_path, content):
    register.close()
    before = _sha(db_path)
    bad = tmp_path / "motcua-2026-11-20_100000.sqlite3"
    bad.write_bytes(content)
    with pytest.raises(DatabaseError) as caught:
        restore(bad, db_path)
    assert "Không khôi phục" in caught.value.message
    assert _sha(db_path) == before
    assert not list(db_path.parent.glob("*truoc-khoi-phuc*"))


def test_restore_refuses_a_foreign_sqlite_file(register, db_path, tmp_path):
    register.close()
    foreign = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="không phải cơ sở dữ liệu MotCua"):
        restore(foreign, db_path)


def test_odd_files_in_the_backup_folder_are_ignored(register, db_path, tmp_path):
    folder = tmp_path / "bk"
    good = backup_now(db_path, folder)
    (folder / "motcua-2026-13-45_256199.sqlite3").write_bytes(b"not ours")  # impossible date
    (folder / "motcua-2026-11-23_170000.sqlite3.dang-ghi").write_bytes(b"half a copy")
    (folder / "ghi-chu.txt").write_text("sổ tay", encoding="utf-8")
    assert [b.path for b in list_backups(folder)] == [good]


def test_backup_if_due_once_a_day(register, db_path, tmp_path, monkeypatch):
    dest = tmp_path / "daily"
    first = backup_if_due(db_path, dest)
    assert first is not None
    assert backup_if_due(db_path, dest) is None  # already one today
    tomorrow = backup_mod.now() + timedelta(days=1)
    monkeypatch.setattr(backup_mod, "now", lambda: tomorrow)
    assert backup_if_due(db_path, dest) is not None
    assert len(list_backups(dest)) == 2


def test_retention_keeps_30_daily_and_12_monthly():
    start = datetime(2025, 1, 1, 17, 0)
    infos = []
    for d in range(500):  # two backups a day for 500 days
        for hour in (11, 17):
            moment = start + timedelta(days=d, hours=hour - 17)
            infos.append(BackupInfo(Path(f"motcua-{moment:%Y-%m-%d_%H%M%S}.sqlite3"), moment, 1))
    doomed = {b.path for b in backups_to_delete(infos)}
    kept = sorted((b for b in infos if b.path not in doomed), key=lambda b: b.taken_at, reverse=True)
    days = {b.taken_at.date() for b in kept}
    months = {(b.taken_at.year, b.taken_at.month) for b in kept}
    newest = max(b.taken_at for b in infos)
    assert len(months) == 12
    assert all(b.taken_at.hour == 17 for b in kept)  # the newest of each day
    last30 = {(newest - timedelta(days=i)).date() for i in range(30)}
    assert last30 <= days
    month_ends = {
        max(x.taken_at for x in infos if (x.taken_at.year, x.taken_at.month) == m).date() for m in months
    }
    assert days == last30 | month_ends and len(kept) == len(days)  # one file per kept day


def test_prune_deletes_real_files(register, db_path, tmp_path, monkeypatch):
    from core.timeutil import VN_TZ

    monkeypatch.setattr(backup_mod, "now", lambda: datetime(2026, 11, 23, 17, 0, tzinfo=VN_TZ))
    dest = tmp_path / "p"
    dest.mkdir()
    for d in range(40):  # 1/9 .. 10/10: older daily copies
        moment = datetime(2026, 9, 1, 17, 0) + timedelta(days=d)
        (dest / f"motcua-{moment:%Y-%m-%d_%H%M%S}.sqlite3").write_bytes(b"x")
    made = backup_now(db_path, dest)  # prunes after writing
    kept = [b.taken_at.date() for b in list_backups(dest)]
    assert made.exists() and len(kept) == 30
    assert min(kept).isoformat() == "2026-09-12"  # 1/9 .. 11/9 deleted; Sep is kept by 30/9


def test_damaged_database_is_refused_unwritten_and_a_good_backup_is_offered(
    register, clerk, db_path, tmp_path
):
    for i in range(50):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk, at=at("2026-11-23T09:00"))
    good = backup_now(db_path, tmp_path / "data" / "backups")
    register.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dossiers'").fetchone()[0]
    conn.close()
    # scribble over the dossiers table's root page (a torn write / bad sector)
    raw = bytearray(db_path.read_bytes())
    start = (root - 1) * page
    raw[start : start + 200] = b"\x5a" * 200
    db_path.write_bytes(bytes(raw))
    damaged = _sha(db_path)
    with pytest.raises(DamagedDatabaseError) as caught:
        Register.open(db_path)
    err = caught.value
    assert "bị hỏng" in err.message and "không ghi gì" in err.message
    assert err.backup == good and str(good) in err.message
    assert _sha(db_path) == damaged  # never written to
    # the offered backup restores, and the damaged file is kept aside untouched
    aside = restore(err.backup, db_path)
    assert _sha(aside) == damaged
    reopened = Register.open(db_path)
    assert reopened.store.dossier_count() == 50
    reopened.close()


def test_garbage_file_is_refused_by_the_command_line(tmp_path, capsys):
    db = tmp_path / "rac.sqlite3"
    db.write_bytes(b"\x00\x01garbage" * 1000)
    before = _sha(db)
    assert main(["--db", str(db), "search", "x"]) == 2
    err = capsys.readouterr().err
    assert "bị hỏng" in err and "Không tìm thấy bản sao lưu" in err
    assert _sha(db) == before


def test_damaged_backups_are_skipped_when_offering_one(register, db_path, tmp_path):
    dest = tmp_path / "data" / "backups"
    good = backup_now(db_path, dest)
    newer = dest / "motcua-2099-01-01_000000.sqlite3"
    newer.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert backup_mod.newest_good_backup(db_path) == good
