"""Backups of the register (restoring one: ``core.storage.sqlite.restore``).

Backups use SQLite's online backup API (``sqlite3.Connection.backup``), which copies a
consistent snapshot while the window keeps working on the file. Each copy is written under a
temporary name, checked with ``integrity_check`` and only then renamed to its final name, so a
file named ``motcua-YYYY-MM-DD_HHMMSS.sqlite3`` is always a verified backup.

A backup is of one of two kinds, said by its name: a daily one (the close-time backup,
``backup_if_due``, and the scheduled ``motcua backup``) has no tag, as every backup before kinds
existed; a manual one ("Sao lưu ngay", ``motcua backup --manual``) ends in ``-thu-cong``. The kinds
are kept apart because a manual backup is a moment someone chose to keep (before an import, a
restore, a risky correction): retention keeps, on each of the 30 latest days that have a backup,
the newest of *each kind*, so a manual backup never pushes out the day's daily one nor the
reverse; and the newest of each of the 12 latest months, whatever its kind.

Restoring never overwrites the current database silently: it is renamed aside (with its
``-wal`` file, which may hold the last committed changes) and the path is returned.

No database file is read or copied with ``open()``/``shutil``: both directions go through SQLite's
backup API, so a connection this process holds on either file keeps its locks (see ``core.db``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from core.attachments.backup_files import (
    FilesNotBackedUp,
    backup_files_dir,
    copy_files_to_backup,
    prune_backup_files,
)
from core.errors import DatabaseError, MotCuaError
from core.filesafety import os_reason
from core.paths import data_dir
from core.storage.sqlite.dbcheck import inspect_file
from core.timeutil import now

PREFIX = "motcua-"
SUFFIX = ".sqlite3"
_MANUAL_TAG = "-thu-cong"
_NAME = re.compile(r"^motcua-(\d{4}-\d{2}-\d{2})_(\d{6})(?:-(\d+))?(-thu-cong)?\.sqlite3$")
KEEP_DAILY = 30
KEEP_MONTHLY = 12
_DIRS_FILE = "backup_dirs.txt"


class BackupKind(StrEnum):
    """Why a backup was made; its file name says it (the name survives a copy to a USB stick)."""

    DAILY = "hang-ngay"  # no tag in the name: the close-time and scheduled backups, and old names
    MANUAL = "thu-cong"  # ``…-thu-cong.sqlite3``: "Sao lưu ngay", ``motcua backup --manual``

    @property
    def label(self) -> str:
        """The kind as the backup screen and ``motcua backup --list`` show it."""
        return "Thủ công" if self is BackupKind.MANUAL else "Hằng ngày"


@dataclass(frozen=True)
class BackupInfo:
    """One verified backup file as listed for the backup screen."""

    path: Path
    taken_at: datetime  # from the file name (copying to a USB stick changes mtime, not names)
    size: int
    kind: BackupKind = BackupKind.DAILY  # server dumps (``core.storage.postgres``) have no kinds
    seq: int = 1  # the second backup of the same second is ``…-2``: newer than the first


def _newest_first(backups: list[BackupInfo]) -> list[BackupInfo]:
    return sorted(backups, key=lambda b: (b.taken_at, b.seq, b.path.name), reverse=True)


def default_backup_dir() -> Path:
    return data_dir() / "backups"


def backup_dir_for(settings_backup_dir: str) -> Path:
    """The folder the admin chose (``settings.backup_dir``) or the default one."""
    return Path(settings_backup_dir) if settings_backup_dir.strip() else default_backup_dir()


def backup_name(stamp: str, kind: BackupKind, seq: int = 1) -> str:
    """``motcua-<stamp>[-<seq>][-thu-cong].sqlite3``: what ``parse_name`` reads back."""
    counter = f"-{seq}" if seq > 1 else ""
    tag = _MANUAL_TAG if kind is BackupKind.MANUAL else ""
    return f"{PREFIX}{stamp}{counter}{tag}{SUFFIX}"


def parse_name(name: str) -> tuple[datetime, BackupKind, int] | None:
    """The moment, kind and same-second counter in a backup's name; ``None`` if not one of ours."""
    match = _NAME.match(name)
    if not match:
        return None
    try:
        taken = datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H%M%S")
    except ValueError:  # "motcua-2026-13-45_256199.sqlite3": not one of ours
        return None
    kind = BackupKind.MANUAL if match[4] else BackupKind.DAILY
    return taken, kind, int(match[3] or 1)


def list_backups(dest_dir: str | Path) -> list[BackupInfo]:
    """Backups in a folder, newest first (by the moment in their names)."""
    folder = Path(dest_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = parse_name(path.name)
        if parsed is not None and path.is_file():
            taken, kind, seq = parsed
            found.append(BackupInfo(path, taken, path.stat().st_size, kind, seq))
    return _newest_first(found)


_MOUNT_ROOTS = ("/media", "/run/media", "/mnt", "/Volumes")


def _missing_folder(folder: Path) -> DatabaseError:
    return DatabaseError(
        f"Không thấy thư mục sao lưu {folder} (ổ USB hoặc ổ mạng chưa cắm, chưa kết nối?). "
        "MotCua không tạo lại thư mục này trên ổ của máy; hãy cắm ổ rồi thử lại, "
        "hoặc chọn thư mục sao lưu khác."
    )


def on_absent_disk(folder: Path) -> bool:
    """Would creating ``folder`` put it on the local disk where a removable one is missing?

    Yes when it was used before (a disk that was there is gone), when its drive does not exist,
    or when the nearest folder that does exist is a place removable disks are mounted in
    (``/media/<user>/USB/...``, ``/mnt/usb/...``, ``/Volumes/USB/...``).
    """
    if str(folder) in {str(d) for d in known_backup_dirs()[1:]}:
        return True
    if folder.anchor and not Path(folder.anchor).exists():  # E:\\ with no disk in it
        return True
    existing = folder.absolute().parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    text = existing.as_posix()
    return any(text == root or (text.startswith(root + "/") and text.count("/") <= root.count("/") + 1)
               for root in _MOUNT_ROOTS)  # fmt: skip


def backup_folder(dest_dir: str | Path | None, *, create: bool) -> Path:
    """The folder backups go to, checked: the default one is made when missing; a chosen one
    that is missing is made only when that cannot be an unplugged disk (``create``), otherwise
    refused in Vietnamese. ``create=False`` (listing) refuses any missing folder."""
    folder = Path(dest_dir) if dest_dir else default_backup_dir()
    if folder.is_dir():
        return folder
    if folder.exists():
        raise DatabaseError(f"{folder} là tệp, không phải thư mục sao lưu.")
    if not create or (folder != default_backup_dir() and on_absent_disk(folder)):
        raise _missing_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Không tạo được thư mục sao lưu {folder}: {os_reason(exc)}.") from exc
    return folder


def abandoned(path: Path) -> bool:
    """No process is writing ``path``: SQLite grants an exclusive lock on it at once."""
    from core.storage.sqlite.db import sqlite_connect

    try:
        conn = sqlite_connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return True
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.Error as exc:
        return not any(word in str(exc).lower() for word in ("locked", "busy"))
    finally:
        conn.close()


def remove_leftovers(paths) -> list[Path]:
    """Delete copies a killed backup or restore left (with their ``-journal``), unless in use."""
    removed = []
    for path in paths:
        path = Path(path)
        if not path.is_file() or not abandoned(path):
            continue
        for leftover in (path, Path(f"{path}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed.append(leftover)
    return removed


def _remember_dir(folder: Path) -> None:
    """Note where backups go, so a damaged database can be offered one even if its settings are lost."""
    with contextlib.suppress(OSError):
        record = data_dir() / _DIRS_FILE
        known = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
        if str(folder) not in known:
            record.write_text("\n".join([*known, str(folder)]) + "\n", encoding="utf-8")


def known_backup_dirs(db_path: Path | None = None) -> list[Path]:
    """Every folder backups may be in: beside the database, the default one, those used before."""
    dirs: list[Path] = []
    if db_path is not None:
        dirs.append(Path(db_path).parent / "backups")
    with contextlib.suppress(OSError):
        dirs.append(default_backup_dir())
        record = data_dir() / _DIRS_FILE
        if record.exists():
            dirs += [Path(line) for line in record.read_text(encoding="utf-8").splitlines() if line]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def newest_good_backup(db_path: Path | None = None, extra_dirs=()) -> Path | None:
    """The newest backup (in any known folder) that passes ``integrity_check``."""
    candidates: list[BackupInfo] = []
    for folder in [*map(Path, extra_dirs), *known_backup_dirs(db_path)]:
        candidates += list_backups(folder)
    candidates.sort(key=lambda b: b.taken_at, reverse=True)
    for info in candidates:
        if db_path is not None and info.path.resolve() == Path(db_path).resolve():
            continue
        if inspect_file(info.path, full=True).ok:
            return info.path
    return None


def _fsync(path: Path) -> None:
    """Flush a copy MotCua has just written and closed (never a file a connection has open)."""
    from core.storage.sqlite.db import holds_connection

    if holds_connection(path):
        return  # its own connection's commit already synced it; a descriptor here would drop locks
    with contextlib.suppress(OSError), path.open("rb") as fh:
        os.fsync(fh.fileno())


def backup_now(
    db_path: str | Path, dest_dir: str | Path | None = None, *, kind: BackupKind = BackupKind.DAILY
) -> Path:
    """Copy the register to ``dest_dir`` (online, safe while it is in use); verify; prune old ones.

    Returns the path of the new, verified backup. Raises ``DatabaseError`` (Vietnamese) when the
    folder can't be written, the disk is full, or the copy does not pass ``integrity_check``;
    ``DamagedDatabaseError`` when that is because the register itself is damaged; and
    ``FilesNotBackedUp`` (whose sentence starts "Đã sao lưu cơ sở dữ liệu") when the database is
    backed up but some scans or signed report PDFs are not. No message says "dữ liệu vừa nhập
    chưa được lưu": a backup saves nothing typed.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseError(f"Không tìm thấy cơ sở dữ liệu {db_path} để sao lưu.")
    folder = backup_folder(dest_dir, create=True)
    try:
        remove_leftovers(folder.glob(f"{PREFIX}*{SUFFIX}.dang-ghi"))  # from backups killed midway
    except OSError as exc:  # the folder cannot even be listed: nothing can be written there either
        raise DatabaseError(f"Sao lưu không thành công: không đọc được {folder} ({os_reason(exc)}).") from exc
    stamp = now().strftime("%Y-%m-%d_%H%M%S")
    seq = 1
    target = folder / backup_name(stamp, kind)
    while target.exists():  # two backups in one second: never overwrite one
        seq += 1
        target = folder / backup_name(stamp, kind, seq)
    partial = target.with_name(target.name + ".dang-ghi")
    try:
        _copy_online(db_path, partial)
        verdict = inspect_file(partial, full=True)
        if not verdict.ok:
            raise _copy_failed_check(db_path, verdict.problem)
        _fsync(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Sao lưu không thành công: {_backup_failure(exc, db_path, folder)}") from exc
    except OSError as exc:
        raise DatabaseError(
            f"Sao lưu không thành công: không ghi được vào {folder} ({os_reason(exc)})."
        ) from exc
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    _remember_dir(folder)
    try:
        prune(folder)
    except OSError as exc:  # the backup is in place; the next one prunes again
        logging.getLogger(__name__).warning("Chưa xóa được các bản sao lưu cũ trong %s: %s", folder, exc)
    _copy_scans(db_path, target)
    return target


def _copy_scans(db_path: Path, target: Path) -> None:
    """The scans and signed report PDFs the new backup names travel with it
    (``core.attachments.backup_files``). Any failure here comes after the database copy is
    safely in place, so it is said as such."""
    try:
        copy_files_to_backup(db_path, target)
    except FilesNotBackedUp:
        raise
    except (sqlite3.Error, OSError, MotCuaError) as exc:
        raise FilesNotBackedUp(
            f"Đã sao lưu cơ sở dữ liệu vào {target.name}, nhưng chưa chép được các tệp đính kèm và "
            "tệp PDF đã ký số vào "
            f"{backup_files_dir(target)}: {failure_reason(exc).rstrip('.')}. Hãy sao lưu lại."
        ) from exc


def _copy_failed_check(db_path: Path, problem: str) -> DatabaseError:
    """A copy that fails ``integrity_check``: check the register itself, and say which it was.

    A damaged register is marked so, and every later write is refused naming the newest good
    backup (``DamagedDatabaseError``); then the refusal says so here too, not "the register in use
    is not affected". A healthy register means the copy went bad on its way to the backup disk."""
    from core.storage.sqlite.dbcheck import DamagedDatabaseError, mark_damaged

    source = inspect_file(db_path, full=True, motcua=False)
    if source.damaged:
        mark_damaged(db_path, source.problem)
        return DamagedDatabaseError(
            f"Bản sao lưu vừa ghi không đạt kiểm tra toàn vẹn vì chính cơ sở dữ liệu đang dùng {db_path} "
            f"bị hỏng ({source.problem}); bản sao lưu này bị bỏ.",
            db_path,
            newest_good_backup(db_path),
        )
    checked = (
        "Cơ sở dữ liệu đang dùng đã được kiểm tra và không bị hỏng"
        if source.ok
        else f"Chưa kiểm tra được cơ sở dữ liệu đang dùng ({source.problem})"
    )
    return DatabaseError(
        f"Sao lưu không thành công: bản sao lưu vừa ghi không đạt kiểm tra toàn vẹn nên đã bị bỏ: "
        f"{problem}. {checked}; ổ chứa thư mục sao lưu có thể bị lỗi, hãy thử sao lưu sang ổ khác."
    )


def _backup_failure(exc: sqlite3.Error, db_path: Path, folder: Path) -> str:
    """Why a copy failed, in Vietnamese: a full disk is named as such (which disk); a damaged file
    by its path (the register the copy reads, not the backup folder); never "data just typed was
    not saved" (a backup saves nothing typed: ``describe_sqlite_error(saves_typed=False)``)."""
    from core.filesafety import full_disk

    for place in (folder, db_path):
        if reason := full_disk(place):
            return (
                f"{reason}. Bản sao dở dang đã được xóa; cơ sở dữ liệu đang dùng không bị ảnh hưởng. "
                "Hãy giải phóng chỗ trống hoặc sao lưu sang ổ khác."
            )
    text = str(exc).lower()
    if "full" in text:
        return (
            f"ổ đĩa chứa {folder} đã đầy. Bản sao dở dang đã được xóa; cơ sở dữ liệu đang dùng "
            "không bị ảnh hưởng. Hãy giải phóng chỗ trống hoặc sao lưu sang ổ khác."
        )
    from core.storage.sqlite.db import describe_sqlite_error

    damaged = any(word in text for word in ("not a database", "malformed", "corrupt"))
    return describe_sqlite_error(exc, db_path if damaged else folder, saves_typed=False)


def failure_reason(exc: BaseException) -> str:
    """Why a backup failed, in the words of ``backup_now`` (for "Chưa sao lưu được hôm nay: …").

    ``backup_now`` turns what it expects into ``DatabaseError``; anything else still never says
    "dữ liệu vừa nhập chưa được lưu" (``core.logsetup.user_message`` would, for an SQLite error)."""
    if isinstance(exc, MotCuaError):
        return exc.message
    if isinstance(exc, sqlite3.Error):
        from core.storage.sqlite.db import describe_sqlite_error

        return describe_sqlite_error(exc, saves_typed=False)
    from core.logsetup import user_message

    return user_message(exc)


def _copy_online(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` (with what its ``-wal`` holds) into ``target``, by SQLite."""
    from core.storage.sqlite.db import sqlite_connect

    src = sqlite_connect(source, readonly=True)
    try:
        src.execute("PRAGMA busy_timeout = 15000")
        dst = sqlite_connect(target)
        try:
            dst.execute("PRAGMA synchronous = FULL")
            src.backup(dst)
            # one self-contained file (no -wal beside it), whatever the source's journal mode
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def last_backup_at(dest_dir: str | Path, kind: BackupKind | None = None) -> datetime | None:
    """The moment of the newest backup in ``dest_dir`` (of ``kind`` only, if given)."""
    backups = [b for b in list_backups(dest_dir) if kind is None or b.kind is kind]
    return backups[0].taken_at if backups else None


def backup_if_due(db_path: str | Path, dest_dir: str | Path | None = None) -> Path | None:
    """Back up once a day: when ``dest_dir`` has no *daily* backup from today. The window calls it
    on close.

    A manual backup taken today does not make the daily one unneeded: it holds the register as it
    was at that moment, and the work done after it (often the whole afternoon) would be in no
    backup. The daily one is a different kind, so it never replaces the manual one (retention keeps
    the newest of each kind each day); the cost is one more copy on the days someone backs up by hand.
    """
    folder = Path(dest_dir) if dest_dir else default_backup_dir()
    last = last_backup_at(folder, BackupKind.DAILY)
    if last is not None and last.date() >= now().date():
        return None
    return backup_now(db_path, folder, kind=BackupKind.DAILY)


def backups_to_delete(backups: list[BackupInfo]) -> list[BackupInfo]:
    """Retention: on each of the 30 latest days that have a backup, the newest of each kind (a
    manual backup never pushes out the day's daily one, nor the reverse); the newest of each of
    the 12 latest months, whatever its kind. Everything else is deleted."""
    keep: set[Path] = set()
    days: set = set()
    day_kinds: set = set()
    months: set = set()
    for info in _newest_first(backups):
        day = info.taken_at.date()
        month = (day.year, day.month)
        if day not in days and len(days) < KEEP_DAILY:
            days.add(day)
        if day in days and (day, info.kind) not in day_kinds:
            day_kinds.add((day, info.kind))
            keep.add(info.path)
        if month not in months and len(months) < KEEP_MONTHLY:
            months.add(month)
            keep.add(info.path)
    return [b for b in backups if b.path not in keep]


def prune(dest_dir: str | Path) -> list[Path]:
    """Delete backups retention no longer keeps, and the files (scans, signed PDFs) only they
    named; returns what was deleted (backups only). The files' folder is shared by both kinds: a
    file stays while any remaining backup, daily or manual, names it."""
    removed = []
    for info in backups_to_delete(list_backups(dest_dir)):
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    if removed:
        prune_backup_files(dest_dir, [b.path for b in list_backups(dest_dir)])
    return removed


# Restoring lives in its own module; these names stay importable from here for the callers.
from core.storage.sqlite.restore import finish_interrupted_restore, restore  # noqa: E402, F401
