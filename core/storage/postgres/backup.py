"""Backups of the server register: ``pg_dump`` in its custom format, checked by ``pg_restore --list``.

The same names (``motcua-YYYY-MM-DD_HHMMSS.dump``) and the same retention as the SQLite backups
(``core.backup.backups_to_delete``: the newest of each of 30 days and 12 months). The tools come
with PostgreSQL (on Windows: the installer's ``bin`` folder, which must be on PATH); without them
MotCua says so plainly and writes nothing. A dump is written under a temporary name and renamed
only once ``pg_restore --list`` has read it whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from core.backup import BackupInfo, backups_to_delete
from core.errors import DatabaseError
from core.storage.postgres.connection import display, stored_password
from core.timeutil import now

SUFFIX = ".dump"
TIMEOUT_S = 3600


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DatabaseError(
            f"Không tìm thấy chương trình {name} của PostgreSQL trên máy này: cài “PostgreSQL client” "
            "(trên Windows: thêm thư mục bin của PostgreSQL vào PATH) rồi sao lưu lại. Chưa sao lưu gì."
        )
    return found


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    saved = stored_password(url)
    if saved and "PGPASSWORD" not in env:
        env["PGPASSWORD"] = saved  # to the child only, never to a file
    return env


def _run(args: list[str], url: str, what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=_env(url), timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DatabaseError(f"{what} không chạy được ({exc}).") from exc
    if done.returncode:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise DatabaseError(f"{what} thất bại (chi tiết kỹ thuật: {detail[0]}).")
    return done


def list_dumps(folder: str | Path) -> list[BackupInfo]:
    out = []
    path = Path(folder)
    if not path.is_dir():
        return []
    for p in path.glob(f"motcua-*{SUFFIX}"):
        try:
            taken = datetime.strptime(p.name[len("motcua-") : len("motcua-") + 17], "%Y-%m-%d_%H%M%S")
        except ValueError:
            continue
        out.append(BackupInfo(p, taken, p.stat().st_size))
    return sorted(out, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def verify(path: Path, url: str = "") -> int:
    """The number of entries ``pg_restore --list`` reads from the dump (0 would be no dump)."""
    done = _run([tool("pg_restore"), "--list", str(path)], url, "Kiểm tra bản sao lưu (pg_restore --list)")
    entries = [line for line in done.stdout.splitlines() if line and not line.startswith(";")]
    if not any(" TABLE DATA " in line and " dossiers " in line for line in entries):
        raise DatabaseError(f"Bản sao lưu {path.name} không chứa sổ hồ sơ: không dùng được.")
    return len(entries)


def backup_now(url: str, folder: str | Path, *, prefix: str = "motcua-") -> Path:
    """A checked dump in ``folder``; retention prunes the folder's ordinary backups after it.

    ``prefix="truoc-khoi-phuc-"``: the state kept aside before a restore, outside retention
    (pruning must never remove the very dump being restored)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now().strftime("%Y-%m-%d_%H%M%S")
    final = folder / f"{prefix}{stamp}{SUFFIX}"
    n = 1
    while final.exists():
        n += 1
        final = folder / f"{prefix}{stamp}-{n}{SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    try:
        _run([tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), url], url,
             f"Sao lưu máy chủ {display(url)} (pg_dump)")  # fmt: skip
        verify(partial, url)
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    if prefix == "motcua-":
        for old in backups_to_delete(list_dumps(folder)):
            old.path.unlink(missing_ok=True)
    return final


def restore(path: Path, url: str) -> None:
    """Replace the register's tables with the dump's, in one transaction (all or nothing).

    The pg_trgm extension stays as the server administrator installed it (the app's roles may
    not drop or create extensions): its entry is left out of the restore list."""
    verify(path, url)
    listed = _run([tool("pg_restore"), "--list", str(path)], url, "Đọc bản sao lưu").stdout
    keep = "\n".join(line for line in listed.splitlines() if " EXTENSION " not in line)
    handle, name = tempfile.mkstemp(prefix="motcua-restore-", suffix=".list")
    os.close(handle)
    list_file = Path(name)
    list_file.write_text(keep, encoding="utf-8")
    try:
        _run([tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--use-list", str(list_file), "--dbname", url, str(path)],
             url, f"Khôi phục máy chủ {display(url)} (pg_restore)")  # fmt: skip
    finally:
        list_file.unlink(missing_ok=True)
