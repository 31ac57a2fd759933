"""The scans travel with every SQLite backup, and come back with every restore.

A backup of the register (``core.backup``) is one SQLite file in the backup folder. The scans
it names go into one content-addressed folder beside the backups, ``<backup folder>/tep/``,
shared by all of them: a file is named by its SHA-256 and never changes, so each backup copies
only the scans the folder does not have yet (a daily backup of a ward adds that day's scans,
not the year's), and thirty daily backups do not hold thirty copies of each scan.

- Backup: every hash the *backup file* names (not the live register, which may have moved on)
  is copied in, each checked against its hash first: an altered or missing scan is never
  carried into a backup as if it were good; it is named instead (``FilesNotBackedUp``, raised
  after the database copy is safely in place).
- Restore: every hash the restored register names is brought back beside it from the backup
  folder, unless an identical file is already there; a scan the backup folder lacks is named.
- Retention: after old backups are pruned, files no remaining backup names are removed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from core.attachments.blobs import FileBlobStore
from core.errors import DatabaseError, MotCuaError

BACKUP_FILES_DIR = "tep"


class FilesNotBackedUp(DatabaseError):
    """The database was backed up, some scans could not be (altered or missing in the register)."""


def backup_files_dir(backup_file: str | Path) -> Path:
    return Path(backup_file).parent / BACKUP_FILES_DIR


def referenced_hashes(db_file: str | Path) -> set[str]:
    """The SHA-256 of every attachment a register or backup file names (none before the table)."""
    try:
        conn = sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Không đọc được {Path(db_file).name} để tìm tệp đính kèm.") from exc
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'"
        ).fetchone()
        if not has_table:
            return set()
        return {row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM attachments")}
    finally:
        conn.close()


def copy_files_to_backup(db_path: str | Path, backup_file: str | Path) -> int:
    """Copy the scans ``backup_file`` names into the backup folder's ``tep``; returns how many."""
    if not Path(backup_file).is_file():  # retention already removed it (two backups in one second)
        return 0
    hashes = referenced_hashes(backup_file)
    if not hashes:
        return 0
    live = FileBlobStore.beside(db_path)
    kept = FileBlobStore(backup_files_dir(backup_file))
    copied, problems = 0, []
    for digest in sorted(hashes):
        try:
            copied += live.copy_to(kept, [digest])
        except MotCuaError as exc:
            problems.append(exc.message)
    if problems:
        raise FilesNotBackedUp(
            f"Đã sao lưu cơ sở dữ liệu vào {Path(backup_file).name}, nhưng {len(problems)} tệp đính kèm "
            "không sao lưu được: " + " ".join(problems) + " Hãy chạy “motcua audit verify”."
        )
    return copied


def restore_files_from_backup(backup_file: str | Path, db_path: str | Path) -> list[str]:
    """Bring back beside ``db_path`` the scans it names; returns the messages of those not found."""
    hashes = referenced_hashes(db_path)
    kept = FileBlobStore(backup_files_dir(backup_file))
    live = FileBlobStore.beside(db_path)
    missing = []
    for digest in sorted(hashes):
        if live.check(digest).state == "ok":
            continue
        try:
            kept.copy_to(live, [digest])
        except MotCuaError as exc:
            missing.append(exc.message)
    return missing


def prune_backup_files(folder: str | Path, backup_files: list[Path]) -> int:
    """Remove from ``folder/tep`` the scans no remaining backup names; returns how many."""
    kept = FileBlobStore(Path(folder) / BACKUP_FILES_DIR)
    if not kept.root.is_dir():
        return 0
    named: set[str] = set()
    for path in backup_files:
        with contextlib.suppress(DatabaseError, sqlite3.Error):
            named |= referenced_hashes(path)
    return len(kept.sweep(named, grace_seconds=3600))  # a backup running meanwhile keeps its files
