"""Daily and manual backups: names, retention per kind, the close-time rule, the scans, the command.

A manual backup ("Sao lưu ngay", ``motcua backup --manual``) used to delete the day's close-time
backup, since retention kept only the newest backup of each day. Now each kind keeps its newest of
the day; these tests run on real SQLite files in ``tmp_path`` with the test clock.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli.main import main
from core import backup as backup_mod
from core import dbcheck
from core.attachments.backup_files import FilesNotBackedUp
from core.attachments.blobs import FileBlobStore
from core.attachments.content import sha256_hex
from core.backup import (
    BackupInfo,
    BackupKind,
    backup_if_due,
    backup_name,
    backup_now,
    backups_to_delete,
    list_backups,
    parse_name,
    prune,
    restore,
)
from core.errors import DatabaseError
from tests.helpers import make_form
from tests.test_attach_samples import jpeg_bytes, tiff_bytes
from tests.test_faults_damage import damage_an_index

DAILY, MANUAL = BackupKind.DAILY, BackupKind.MANUAL


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    """Each test's own data folder, and a process that has found no damage yet."""
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(dbcheck, "_checked", set(), raising=False)
    monkeypatch.setattr(dbcheck, "_damage", {}, raising=False)


def _kinds(folder: Path) -> list[tuple[str, BackupKind]]:
    return [(b.path.name, b.kind) for b in list_backups(folder)]


def _dossiers(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
    finally:
        conn.close()


# --- names ---------------------------------------------------------------------------------


def test_names_say_the_kind_and_read_back():
    assert backup_name("2026-11-23_170000", DAILY) == "motcua-2026-11-23_170000.sqlite3"
    assert backup_name("2026-11-23_170000", MANUAL) == "motcua-2026-11-23_170000-thu-cong.sqlite3"
    assert backup_name("2026-11-23_170000", MANUAL, 2) == "motcua-2026-11-23_170000-2-thu-cong.sqlite3"
    moment = datetime(2026, 11, 23, 17, 0)
    for kind in (DAILY, MANUAL):
        for seq in (1, 2, 13):
            assert parse_name(backup_name("2026-11-23_170000", kind, seq)) == (moment, kind, seq)
    for odd in (
        "motcua-2026-11-23_170000-thucong.sqlite3",
        "motcua-2026-11-23_170000-thu-cong-2.sqlite3",
        "motcua-2026-11-23_170000-thu-cong.sqlite3.dang-ghi",
        "motcua-2026-13-45_170000-thu-cong.sqlite3",
    ):
        assert parse_name(odd) is None, odd


def test_old_names_list_as_daily_and_the_second_of_a_second_is_newer(tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    for name in (
        "motcua-2026-11-20_170000.sqlite3",  # made before kinds existed
        "motcua-2026-11-20_170000-2.sqlite3",
        "motcua-2026-11-21_093000-thu-cong.sqlite3",
        "motcua-2026-11-21_093000-thu-cong.sqlite3.dang-ghi",
        "motcua-2026-11-21_093000-thucong.sqlite3",
    ):
        (folder / name).write_bytes(b"x")
    assert _kinds(folder) == [
        ("motcua-2026-11-21_093000-thu-cong.sqlite3", MANUAL),
        ("motcua-2026-11-20_170000-2.sqlite3", DAILY),
        ("motcua-2026-11-20_170000.sqlite3", DAILY),
    ]
    # two of one kind in one second: the later one ("-2") is the day's newest, and is kept
    doomed = backups_to_delete(list_backups(folder))
    assert [b.path.name for b in doomed] == ["motcua-2026-11-20_170000.sqlite3"]


# --- retention -----------------------------------------------------------------------------


def _info(moment: datetime, kind: BackupKind) -> BackupInfo:
    return BackupInfo(Path(backup_name(f"{moment:%Y-%m-%d_%H%M%S}", kind)), moment, 1, kind)


def test_retention_keeps_the_newest_of_each_kind_each_day_and_of_each_month():
    start = datetime(2025, 10, 1)
    infos = []
    for d in range(420):
        day = start + timedelta(days=d)
        if d % 7:  # every seventh day has no daily backup
            infos.append(_info(day.replace(hour=17), DAILY))
        if d % 3 == 0:
            infos.append(_info(day.replace(hour=9), MANUAL))  # before the daily one
            infos.append(_info(day.replace(hour=17, minute=30), MANUAL))  # and after it
    doomed = {b.path for b in backups_to_delete(infos)}
    kept = {b.path for b in infos} - doomed
    days = sorted({b.taken_at.date() for b in infos}, reverse=True)[:30]
    expected = set()
    for day in days:
        for kind in (DAILY, MANUAL):
            of_kind = [b for b in infos if b.taken_at.date() == day and b.kind is kind]
            if of_kind:
                expected.add(max(of_kind, key=lambda b: b.taken_at).path)
    months = sorted({(b.taken_at.year, b.taken_at.month) for b in infos}, reverse=True)[:12]
    for month in months:
        expected.add(max((b for b in infos if (b.taken_at.year, b.taken_at.month) == month),
                         key=lambda b: b.taken_at).path)  # fmt: skip
    assert kept == expected
    # the defect: on a day with both, the manual 17:30 backup no longer deletes the 17:00 one
    both = max(b.taken_at.date() for b in infos if b.kind is MANUAL and b.taken_at.hour == 17)
    assert {b.kind for b in infos if b.path in kept and b.taken_at.date() == both} == {DAILY, MANUAL}
    assert len([b for b in infos if b.path in kept and b.taken_at.date() == both]) == 2
    assert not any(b.taken_at.hour == 9 for b in infos if b.path in kept)  # not the newest manual one


def test_server_dumps_without_kinds_keep_the_old_rule():
    moments = [datetime(2026, 11, 23, h) for h in (9, 12, 17)]
    infos = [BackupInfo(Path(f"motcua-{m:%Y-%m-%d_%H%M%S}.dump"), m, 1) for m in moments]
    assert [b.taken_at.hour for b in backups_to_delete(infos)] == [9, 12]


# --- real backups ----------------------------------------------------------------------------


def test_a_manual_backup_after_the_close_time_one_keeps_both(register, clerk, db_path, tmp_path, clock):
    folder = tmp_path / "sao-luu"
    register.intake(make_form(), clerk)
    clock.set("2026-11-23T17:00")
    daily = backup_if_due(db_path, folder)
    assert daily is not None and daily.name == "motcua-2026-11-23_170000.sqlite3"
    register.intake(make_form(applicant="Trần Văn Bình"), clerk)
    clock.set("2026-11-23T17:30")
    manual = backup_now(db_path, folder, kind=MANUAL)
    assert manual.name == "motcua-2026-11-23_173000-thu-cong.sqlite3"
    assert _kinds(folder) == [(manual.name, MANUAL), (daily.name, DAILY)]
    assert (_dossiers(daily), _dossiers(manual)) == (1, 2)  # two moments, both kept
    clock.set("2026-11-23T17:45")
    assert backup_if_due(db_path, folder) is None  # today's daily one exists
    later = backup_now(db_path, folder, kind=MANUAL)  # the newest manual one replaces the older
    assert _kinds(folder) == [(later.name, MANUAL), (daily.name, DAILY)]


def test_a_manual_backup_alone_does_not_make_the_close_time_one_unneeded(
    register, clerk, db_path, tmp_path, clock
):
    folder = tmp_path / "sao-luu"
    clock.set("2026-11-23T10:00")
    manual = backup_now(db_path, folder, kind=MANUAL)
    register.intake(make_form(), clerk)  # the afternoon's work: in no backup yet
    clock.set("2026-11-23T17:00")
    daily = backup_if_due(db_path, folder)
    assert daily is not None and _dossiers(daily) == 1
    assert _kinds(folder) == [(daily.name, DAILY), (manual.name, MANUAL)]
    assert backup_if_due(db_path, folder) is None


def test_scans_travel_with_both_kinds_are_pruned_and_restored(register, clerk, db_path, tmp_path, clock):
    folder = tmp_path / "sao-luu"
    dossier = register.intake(make_form(), clerk)
    register.attach(dossier.code, tiff_bytes(2), clerk, document=1, name="to-khai.tif")
    clock.set("2026-11-23T17:00")
    backup_now(db_path, folder)
    register.attach(dossier.code, jpeg_bytes(), clerk, document=2, name="cho-o.jpg")  # only in the next
    clock.set("2026-11-23T17:30")
    manual = backup_now(db_path, folder, kind=MANUAL)
    kept = FileBlobStore(folder / "tep")
    live = FileBlobStore.beside(db_path)
    assert sorted(kept.hashes()) == sorted(live.hashes()) and len(list(live.hashes())) == 2
    # a backup retention drops (an older daily one of the same day), and a scan no backup names
    (folder / "motcua-2026-11-23_120000.sqlite3").write_bytes((folder / manual.name).read_bytes())
    stray = kept.put(b"a scan no remaining backup names")
    old = time.time() - 7200  # past the sweep's grace hour
    for digest in kept.hashes():
        os.utime(kept.path(digest), (old, old))
    assert prune(folder) == [folder / "motcua-2026-11-23_120000.sqlite3"]
    assert sorted(kept.hashes()) == sorted(live.hashes())  # the manual one's second scan stays
    assert stray not in set(kept.hashes())
    # the PC loses its scans; restoring the manual backup brings both back
    register.close()
    wanted = {d: live.path(d).read_bytes() for d in live.hashes()}
    for digest in wanted:
        live.path(digest).unlink()
    restore(manual, db_path)
    assert {d: live.path(d).read_bytes() for d in live.hashes()} == wanted
    assert all(sha256_hex(data) == d for d, data in wanted.items())


def test_the_command_line_takes_a_manual_backup_and_lists_kinds(register, db_path, tmp_path, clock, capsys):
    register.close()
    folder = tmp_path / "bk"
    clock.set("2026-11-23T17:00")
    assert main(["--db", str(db_path), "backup", "--to", str(folder)]) == 0  # the scheduled job's
    clock.set("2026-11-23T17:30")
    assert main(["--db", str(db_path), "backup", "--to", str(folder), "--manual"]) == 0
    assert "Đã sao lưu và kiểm tra toàn vẹn" in capsys.readouterr().out
    assert [k for _n, k in _kinds(folder)] == [MANUAL, DAILY]
    assert main(["--db", str(db_path), "backup", "--to", str(folder), "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Thủ công" in lines[0] and "-thu-cong.sqlite3" in lines[0]
    assert "Hằng ngày" in lines[1] and lines[1].endswith("motcua-2026-11-23_170000.sqlite3")


def test_a_server_register_refuses_manual_and_writes_nothing(pg_register, tmp_path, capsys):
    folder = tmp_path / "bk"
    folder.mkdir()
    assert main(["--db", pg_register.store.url, "backup", "--to", str(folder), "--manual"]) == 2
    assert "bỏ --manual" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


# --- failures say what happened, never "dữ liệu vừa nhập chưa được lưu" -----------------------


def test_an_sqlite_error_in_the_copy_names_the_reason(register, db_path, tmp_path, monkeypatch):
    def broken(source, target):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup_mod, "_copy_online", broken)
    with pytest.raises(DatabaseError) as caught:
        backup_now(db_path, tmp_path / "bk")
    message = caught.value.message
    assert message.startswith("Sao lưu không thành công") and "disk I/O error" in message
    assert "chưa được lưu" not in message
    assert "chưa được lưu" not in backup_mod.failure_reason(sqlite3.OperationalError("disk I/O error"))
    assert "chưa được lưu" not in backup_mod.failure_reason(sqlite3.OperationalError("readonly database"))


def test_a_copy_gone_bad_on_the_backup_disk_is_not_blamed_on_the_register(
    register, clerk, db_path, tmp_path, monkeypatch
):
    for i in range(40):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk)
    real = backup_mod._copy_online

    def bad_disk(source, target):
        real(source, target)
        damage_an_index(target)  # the copy, not the register

    monkeypatch.setattr(backup_mod, "_copy_online", bad_disk)
    with pytest.raises(DatabaseError) as caught:
        backup_now(db_path, tmp_path / "bk")
    message = caught.value.message
    assert "không đạt kiểm tra toàn vẹn" in message and "đã được kiểm tra và không bị hỏng" in message
    assert "có thể đã hỏng" not in message and "chưa được lưu" not in message
    assert not isinstance(caught.value, dbcheck.DamagedDatabaseError)
    register.intake(make_form(), clerk)  # the register still takes writes
    assert list_backups(tmp_path / "bk") == []


def test_a_damaged_register_found_by_the_backup_is_said_so(register, clerk, db_path, tmp_path):
    for i in range(40):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk)
    good = backup_now(db_path, tmp_path / "bk")
    register.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage_an_index(db_path)
    with pytest.raises(dbcheck.DamagedDatabaseError) as caught:
        backup_now(db_path, tmp_path / "bk", kind=MANUAL)
    message = caught.value.message
    assert "cơ sở dữ liệu đang dùng" in message and "bị hỏng" in message and str(good) in message
    assert "chưa được lưu" not in message
    assert caught.value.backup == good


def test_scans_that_fail_after_the_copy_say_the_database_is_backed_up(
    register, db_path, tmp_path, monkeypatch
):
    def unreadable(db, target):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup_mod, "copy_files_to_backup", unreadable)
    with pytest.raises(FilesNotBackedUp) as caught:
        backup_now(db_path, tmp_path / "bk", kind=MANUAL)
    [made] = list_backups(tmp_path / "bk")
    message = caught.value.message
    assert message.startswith(f"Đã sao lưu cơ sở dữ liệu vào {made.path.name}, nhưng")
    assert "disk I/O error" in message and "chưa được lưu" not in message
