"""A restore interrupted by a power cut (SIGKILL between its renames) loses nothing.

``core.backup.restore`` moves the current file (and its ``-wal``) aside, then renames the
checked copy into place. A process killed between those renames leaves no file at the register's
path: opened naively, MotCua would start an empty register there (beside a stray ``-wal``), and
the ward would think its data gone. The next open must finish the restore, and the kept-aside
file must still hold every dossier, including those only in its write-ahead log.

The promise is "nothing acknowledged is lost", not "nothing more is stored": a clerk's process
killed right after a COMMIT, before it printed the code, leaves one dossier more than it
acknowledged. So the checks are acknowledged ⊆ stored, and no stored dossier is half-written.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.backup import backup_now
from core.dbcheck import inspect_file
from core.register import Register
from tests.shared_file_helpers import half_written
from tests.test_crash_kill import ROOT, prepare, spawn

RESTORE_SCRIPT = """
import os, signal, sys
from core import backup

kill_at, calls = int(sys.argv[3]), [0]
real_replace = os.replace

def replace(src, dst):
    calls[0] += 1
    if calls[0] == kill_at:  # the power goes just before this rename
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

os.replace = replace
backup.restore(sys.argv[1], sys.argv[2])
print("restored")
"""


def codes_in(db: Path) -> set[str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT code FROM dossiers")}
    finally:
        conn.close()


def intake_then_die(script: Path, db: Path, count: int, tag: str) -> list[str]:
    """A clerk's process takes ``count`` dossiers and is killed: its last commits stay in the -wal."""
    child = spawn(script, db, 100_000, tag, 1)
    assert child.stdout.readline() == b"ready\n", child.stderr.read().decode()
    codes = [child.stdout.readline().decode().strip() for _ in range(count)]
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate()
    return codes + [line for line in out.decode().split("\n")[:-1] if line]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
@pytest.mark.parametrize("kill_at", [1, 2, 3, 0])  # before each rename; 0: never killed
def test_restore_killed_between_renames_loses_nothing(tmp_path, kill_at):
    db, script = prepare(tmp_path)
    backed_up = set(intake_then_die(script, db, 3, "truoc"))
    backup = backup_now(db, tmp_path / "saoluu")
    in_backup = codes_in(backup)
    assert backed_up <= in_backup
    later = intake_then_die(script, db, 2, "sau")  # committed, and only in the -wal
    assert Path(str(db) + "-wal").stat().st_size > 0
    restore_script = tmp_path / "restore.py"
    restore_script.write_text(RESTORE_SCRIPT, encoding="utf-8")
    child = subprocess.run(
        [sys.executable, str(restore_script), str(backup), str(db), str(kill_at)],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert child.returncode == (-signal.SIGKILL if kill_at else 0), child.stderr.decode()
    everything = backed_up | set(later)  # acknowledged: printed after their COMMIT

    reg = Register.open(db)  # what the next start of MotCua does
    now_there = codes_in(db)
    reg.close()
    assert inspect_file(db, full=True).ok
    assert half_written(db) == []
    kept = sorted(tmp_path.glob("motcua.truoc-khoi-phuc-*.sqlite3"))
    if kill_at == 1:  # nothing was moved yet: the register is as it was
        assert everything <= now_there and not kept
    else:  # the restore is complete (the backup's content), and the file kept aside holds the rest
        assert now_there == in_backup
        assert len(kept) == 1 and everything <= codes_in(kept[0]) and half_written(kept[0]) == []
    assert not Path(str(db) + ".khoi-phuc").exists()  # a copy left by the kill is removed on open
    lost = len(everything - now_there - (codes_in(kept[0]) if kept else set()))
    print(f"\nRestore killed before rename {kill_at or '-'}: register {len(now_there)}, records lost: {lost}")
    assert lost == 0
