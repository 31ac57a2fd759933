"""Restoring a backup in place of the register, and finishing a restore the machine stopped.

Restoring never overwrites the current database silently: it is renamed aside (with its
``-wal`` file, which may hold the last committed changes) and the path is returned. The copy
goes through SQLite's backup API (``backup._copy_online``), never ``open()``/``shutil``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from pathlib import Path

from core.attachments.backup_files import restore_files_from_backup
from core.errors import DatabaseError
from core.filesafety import os_reason
from core.storage.sqlite import backup
from core.storage.sqlite.dbcheck import forget, inspect_file
from core.timeutil import now


def _sqlite_reason(exc: sqlite3.Error) -> str:
    """A restore's SQLite failure; it saves nothing typed either (the current file stays as it was)."""
    from core.storage.sqlite.db import describe_sqlite_error

    return describe_sqlite_error(exc, saves_typed=False).rstrip(".")


def _aside_name(db_path: Path) -> Path:
    stamp = now().strftime("%Y-%m-%d_%H%M%S")
    candidate = db_path.with_name(f"{db_path.stem}.truoc-khoi-phuc-{stamp}{db_path.suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = db_path.with_name(f"{db_path.stem}.truoc-khoi-phuc-{stamp}-{n}{db_path.suffix}")
    return candidate


def finish_interrupted_restore(db_path: str | Path) -> bool:
    """Complete a restore the machine stopped between its renames; ``True`` if it did.

    ``restore`` moves the current file aside, then renames the checked, fsynced copy
    (``<name>.khoi-phuc``) into place. Stopped in between, the register's path is empty: opened
    as it is, SQLite would start an empty register there, beside the old ``-wal`` if that had not
    moved yet. So before any open: a ``-wal``/``-journal`` left behind joins the file kept aside
    (the newest one without its own), and the copy takes its place, as the restore intended.
    """
    db_path = Path(db_path)
    incoming = db_path.with_name(db_path.name + ".khoi-phuc")
    if db_path.exists() or not incoming.is_file() or not inspect_file(incoming, full=True).ok:
        return False
    kept = sorted(db_path.parent.glob(f"{db_path.stem}.truoc-khoi-phuc-*{db_path.suffix}"), key=_mtime)
    for ext in ("-wal", "-journal"):
        stray = Path(str(db_path) + ext)
        if not stray.exists():
            continue
        partner = next((k for k in reversed(kept) if not Path(str(k) + ext).exists()), None)
        target = Path(str(partner) + ext) if partner else stray.with_name(stray.name + ".mo-coi")
        os.replace(stray, target)
    with contextlib.suppress(OSError):
        Path(str(db_path) + "-shm").unlink()
    os.replace(incoming, db_path)
    forget(db_path)
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def restore(backup_file: str | Path, db_path: str | Path) -> Path | None:
    """Put a backup in place of the register; returns where the current database was kept aside.

    The backup is checked first (a healthy MotCua database, schema this version understands).
    The current file and its ``-wal`` are renamed together (so the kept-aside copy still holds
    its last commits); nothing is overwritten. Close every window on the file before restoring.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    if not backup_file.is_file():
        raise DatabaseError(f"Không tìm thấy tệp sao lưu {backup_file}.")
    verdict = inspect_file(backup_file, full=True)
    if not verdict.ok:
        raise DatabaseError(f"Không khôi phục từ {backup_file.name}: {verdict.problem}.")
    if db_path.exists() and backup_file.resolve() == db_path.resolve():
        raise DatabaseError("Tệp sao lưu chính là cơ sở dữ liệu đang dùng.")
    incoming = db_path.with_name(db_path.name + ".khoi-phuc")
    moved: list[tuple[Path, Path]] = []  # (from, to), undone if the last step fails
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            incoming.unlink()  # a copy a killed restore left: started again from the backup
        backup._copy_online(backup_file, incoming)  # SQLite reads the backup: no descriptor of ours on it
        backup._fsync(incoming)
        aside = _aside_name(db_path) if db_path.exists() else None
        if aside is not None:
            for ext in ("", "-wal", "-journal"):
                side = Path(str(db_path) + ext)
                if side.exists():
                    os.replace(side, Path(str(aside) + ext))
                    moved.append((side, Path(str(aside) + ext)))
            with contextlib.suppress(OSError):
                Path(str(db_path) + "-shm").unlink()
        os.replace(incoming, db_path)
        forget(db_path)  # another file is there now: the next open checks it afresh
    except (OSError, sqlite3.Error) as exc:
        for original, kept in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(kept, original)
        with contextlib.suppress(OSError):
            incoming.unlink()
        reason = os_reason(exc) if isinstance(exc, OSError) else _sqlite_reason(exc)
        raise DatabaseError(
            f"Khôi phục không thành công ({reason}); cơ sở dữ liệu hiện tại không bị thay đổi."
        ) from exc
    # the scans and the signed report PDFs come back too; one the backup folder lacks is logged
    # (``audit verify`` names a missing scan; a report sent again goes without a missing PDF)
    for problem in restore_files_from_backup(backup_file, db_path):
        logging.getLogger(__name__).warning("%s", problem)
    return aside
