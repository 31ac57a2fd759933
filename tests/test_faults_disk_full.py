"""A really full disk: every message names the full disk, none blames permissions.

The register lives on a 2 MB tmpfs mounted in a private mount namespace (``unshare -m``), which
is then filled to the last byte. SQLite reports the full disk as "disk I/O error" when it cannot
make its ``-shm`` file, so reads used to say "ask the administrator for write permission", and a
backup said "the data just typed was not saved".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys
from pathlib import Path
from core.backup import backup_now
from core.errors import MotCuaError
from core.model import IntakeForm, Role
from core.register import Register
from core.users import SYSTEM_USER

disk, healthy = Path(sys.argv[1]), Path(sys.argv[2])
db = disk / "motcua.sqlite3"
form = IntakeForm(procedure_code="1.004222", applicant="Nguyễn Thị Ưởng", id_number="001190012345")

def fill() -> None:
    try:
        with open(disk / f"filler-{len(os.listdir(disk))}", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:  # ENOSPC: the disk is full to the last byte
        pass

def attempt(fn):
    try:
        return {"ok": fn()}
    except MotCuaError as exc:
        return {"error": exc.message}

reg = Register.open(db)
reg.initialise("UBND phường Tây Hồ", "H56")
clerk = reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, "matkhau123")
out = {"codes": [reg.intake(form, clerk).code for _ in range(3)]}
reg.close()  # closed cleanly: no -wal, no -shm left
fill()  # the disk fills while MotCua is closed
out["read_after"] = attempt(lambda: Register.open(db).store.dossier_count())
out["backup_elsewhere"] = attempt(lambda: str(backup_now(db, healthy)))
for name in os.listdir(disk):
    if name.startswith("filler"):
        os.remove(disk / name)
reg = Register.open(db)
fill()  # the disk fills while the window is open
out["write_while_open"] = attempt(lambda: reg.intake(form, clerk).code)
out["read_while_open"] = attempt(lambda: len(reg.search("Ưởng")))
out["backup_here"] = attempt(lambda: str(backup_now(db, disk / "saoluu")))
reg.close()
out["left_on_disk"] = sorted(os.listdir(disk))
print(json.dumps(out, ensure_ascii=False))
"""


def _can_mount() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return done.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs Linux mount namespaces (unshare -m) to make a full disk")
def test_full_disk_is_named_for_reads_writes_and_backups(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_DATA_DIR": str(tmp_path / "data")}
    run = f'exec "{sys.executable}" "{script}" "{disk}" "{tmp_path / "ok"}"'
    shell = f'mount -t tmpfs -o size=2m tmpfs "{disk}" && {run}'
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", shell],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    write = out["write_while_open"]["error"]
    assert "đầy" in write and "chưa được lưu" in write
    assert out["read_while_open"] == {"ok": 3}  # what is saved can still be read
    read = out["read_after"]["error"]
    assert "đã đầy" in read and "quyền" not in read and "không bị thay đổi" in read
    for key in ("backup_here", "backup_elsewhere"):
        message = out[key]["error"]
        assert message.startswith("Sao lưu không thành công") and "đã đầy" in message, message
        assert "chưa được lưu" not in message and "quyền" not in message
    assert not any(name.endswith(".dang-ghi") for name in out["left_on_disk"])
