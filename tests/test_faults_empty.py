"""A 0-byte register is said to be empty and a good backup offered; never silently made anew."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli.main import main
from core.backup import backup_now
from core.dbcheck import DamagedDatabaseError
from core.register import Register
from tests.helpers import at, make_form


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


def _emptied(db: Path) -> None:
    """What a copy cut to nothing or a sync tool leaves: the file is there with 0 bytes."""
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    os.truncate(db, 0)


def test_empty_register_is_refused_and_the_backup_offered(register, clerk, db_path, tmp_path, capsys):
    for i in range(5):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk, at=at("2026-11-23T09:00"))
    good = backup_now(db_path, tmp_path / "data" / "backups")
    register.close()
    _emptied(db_path)
    with pytest.raises(DamagedDatabaseError) as caught:
        Register.open(db_path)
    assert "rỗng (0 byte)" in caught.value.message and caught.value.backup == good
    assert str(good) in caught.value.message
    assert db_path.stat().st_size == 0  # no empty register was made over it
    assert main(["--db", str(db_path), "search", "Lê"]) == 2
    err = capsys.readouterr().err
    assert "rỗng" in err and str(good) in err
    assert db_path.stat().st_size == 0


def test_a_new_path_is_still_created(tmp_path):
    fresh = tmp_path / "moi" / "motcua.sqlite3"
    reg = Register.open(fresh)
    try:
        reg.initialise("UBND phường Tây Hồ", "H56")
        assert reg.is_initialised
    finally:
        reg.close()
    reopened = Register.open(fresh)  # and opens again, with its worker connection beside it
    worker = Register.open(fresh)
    assert worker.is_initialised and reopened.is_initialised
    worker.close()
    reopened.close()
