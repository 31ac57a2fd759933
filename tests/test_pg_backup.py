"""``motcua backup`` / ``restore`` on a server register: pg_dump (custom format), checked with
pg_restore --list, the same retention, and a plain message when the tools are absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from core.storage.postgres import backup as pg_backup
from tests.helpers import PASSWORD, at, make_form

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
        encoding="utf-8", env={**os.environ, **(env or {})},
    )  # fmt: skip


def dossiers(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]


def test_backup_then_restore_on_the_server(pg_register, tmp_path):
    url = pg_register.store.url
    clerk = pg_register.user("canbo1")
    pg_register.intake(make_form(), clerk, at=at("2026-11-23 09:00"))
    done = run_cli("--db", url, "backup", "--to", str(tmp_path))
    assert done.returncode == 0, done.stderr
    dumps = pg_backup.list_dumps(tmp_path)
    assert len(dumps) == 1 and dumps[0].path.suffix == ".dump"
    assert pg_backup.verify(dumps[0].path) > 10  # pg_restore reads it whole
    pg_register.intake(make_form(applicant="Sau Sao Lưu"), clerk, at=at("2026-11-23 10:00"))
    assert dossiers(url) == 2
    pg_register.close()
    back = run_cli("--db", url, "--user", "quantri", "restore", str(dumps[0].path), stdin=PASSWORD + "\n")
    assert back.returncode == 0, back.stderr
    assert dossiers(url) == 1
    aside = list(tmp_path.glob("truoc-khoi-phuc-*.dump"))
    assert len(aside) == 1 and pg_backup.verify(aside[0]) > 10  # the state before, kept aside
    checked = run_cli("--db", url, "audit", "verify")
    assert checked.returncode == 0, checked.stderr


def test_without_the_postgresql_tools_it_says_so_and_writes_nothing(pg_register, tmp_path):
    done = run_cli(
        "--db", pg_register.store.url, "backup", "--to", str(tmp_path), env={"PATH": "/nonexistent"}
    )
    assert done.returncode == 2
    assert "Không tìm thấy chương trình pg_dump" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_same_retention_as_the_file_backups(tmp_path):
    for day in range(1, 32):  # a month of dumps, two a day
        for hour in (9, 17):
            (tmp_path / f"motcua-2026-10-{day:02d}_{hour:02d}0000.dump").write_bytes(b"x")
    dumps = pg_backup.list_dumps(tmp_path)
    dropped = {b.path.name for b in pg_backup.backups_to_delete(dumps)}
    assert len(dumps) - len(dropped) == 30  # the newest of each of the 30 latest days
    assert "motcua-2026-10-31_170000.dump" not in dropped and "motcua-2026-10-31_090000.dump" in dropped
