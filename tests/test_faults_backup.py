"""Backups where disks come and go: an unplugged USB disk, a missing folder, killed copies.

A backup folder on a USB disk that is not plugged in must not be made again on the local disk
(the backup would "succeed" where nobody looks, and be lost with the PC). Copies that a killed
backup or restore left behind (full size each) are removed by the next run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from core import backup as backup_mod
from core.backup import backup_now, list_backups
from core.errors import DatabaseError
from tests.helpers import at, make_form

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


def test_unplugged_usb_folder_is_refused_not_recreated(register, db_path, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    made = backup_now(db_path, usb / "saoluu")  # the disk is there: the folder is made and used
    assert made.parent == usb / "saoluu"
    for f in (usb / "saoluu").iterdir():
        f.unlink()
    (usb / "saoluu").rmdir()
    usb.rmdir()  # unplugged
    with pytest.raises(DatabaseError, match="Không thấy thư mục sao lưu") as caught:
        backup_now(db_path, usb / "saoluu")
    assert "không tạo lại" in caught.value.message
    assert not usb.exists()
    usb.mkdir()  # plugged in again, but the folder on it is gone: still not made blindly
    with pytest.raises(DatabaseError, match="Không thấy thư mục sao lưu"):
        backup_now(db_path, usb / "saoluu")
    assert not (usb / "saoluu").exists()


def test_folder_in_a_mount_place_is_refused(register, db_path, tmp_path, monkeypatch):
    media = tmp_path / "media"
    (media / "canbo").mkdir(parents=True)
    monkeypatch.setattr(backup_mod, "_MOUNT_ROOTS", (media.as_posix(),))
    for folder in (media / "canbo" / "USB", media / "canbo" / "USB" / "saoluu", media / "o-khac"):
        with pytest.raises(DatabaseError, match="ổ USB"):
            backup_now(db_path, folder)  # where the disk would be mounted
    assert list((media / "canbo").iterdir()) == [] and not (media / "o-khac").exists()
    # a new folder in an ordinary place is made, as asked
    fresh = backup_now(db_path, tmp_path / "saoluu-moi" / "2026")
    assert fresh.parent == tmp_path / "saoluu-moi" / "2026"


def test_backup_list_on_a_missing_folder_says_so(register, db_path, tmp_path, capsys):
    register.close()
    missing = tmp_path / "usb" / "saoluu"
    assert main(["--db", str(db_path), "backup", "--list", "--to", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "Không thấy thư mục sao lưu" in err and str(missing) in err
    assert not missing.exists()
    present = tmp_path / "co"
    backup_now(db_path, present)
    assert main(["--db", str(db_path), "backup", "--list", "--to", str(present)]) == 0
    assert "motcua-" in capsys.readouterr().out


KILLED_BACKUP = """
import os, signal, sys
from core import backup

real = backup.inspect_file

def die_after_copy(path, **kw):  # the copy is written in full; the power goes before the rename
    if str(path).endswith(".dang-ghi"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(path, **kw)

backup.inspect_file = die_after_copy
backup.backup_now(sys.argv[1], sys.argv[2])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_killed_backups_leave_nothing_after_the_next_run(register, clerk, db_path, tmp_path):
    for i in range(30):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk, at=at("2026-11-23T09:00"))
    folder = tmp_path / "saoluu"
    folder.mkdir()
    script = tmp_path / "killed_backup.py"
    script.write_text(KILLED_BACKUP, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):
        done = subprocess.run([sys.executable, str(script), str(db_path), str(folder)], env=env, cwd=ROOT)
        assert done.returncode == -signal.SIGKILL
    left = sorted(folder.glob("*.dang-ghi"))
    assert left and all(p.stat().st_size > 0 for p in left)  # full-size copies, as seen in the field
    made = backup_now(db_path, folder)
    assert sorted(p.name for p in folder.iterdir()) == [made.name]
    assert [b.path for b in list_backups(folder)] == [made]


def test_a_copy_being_written_is_not_removed(register, db_path, tmp_path):
    """Another program's backup in progress (its copy locked by SQLite) is left alone."""
    import sqlite3

    folder = tmp_path / "saoluu"
    folder.mkdir()
    busy = folder / "motcua-2026-11-23_170000.sqlite3.dang-ghi"
    writer = sqlite3.connect(busy, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("CREATE TABLE t (a)")
    try:
        backup_now(db_path, folder)
        assert busy.exists()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
