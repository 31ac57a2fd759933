"""Checking a database file before MotCua writes to it.

A register that lost power mid-write, or a file copied half-way from a USB stick, must be
caught *before* a migration or an intake writes into it: writing to a damaged SQLite file
can spread the damage. So the check opens the file read-only (``mode=ro``), looks at the
header and runs ``PRAGMA quick_check``; a damaged file raises ``DamagedDatabaseError``,
which names the newest backup that passes its own check, for the window to offer.

Everything here reads the file through SQLite (a ``mode=ro`` connection) and ``stat``, never
with ``open()``: this check runs for every connection, also while the same process has others
open, and closing a plain descriptor of the file would drop their locks (see ``core.db``).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.errors import DatabaseError
from core.filesafety import os_reason

REQUIRED_TABLES = frozenset({"settings", "procedures", "users", "dossiers", "events", "audit_log"})


class DamagedDatabaseError(DatabaseError):
    """The file is not a healthy MotCua database; ``backup`` is the newest good backup, if any."""

    def __init__(self, message: str, path: Path, backup: Path | None = None):
        if backup is not None:
            message += f" Bản sao lưu tốt gần nhất: {backup} (có thể khôi phục từ bản này)."
        else:
            message += " Không tìm thấy bản sao lưu nào còn tốt."
        message += " MotCua không ghi gì vào tệp này."
        super().__init__(message)
        self.path = path
        self.backup = backup


@dataclass(frozen=True)
class FileVerdict:
    """What a read-only look at a database file found."""

    ok: bool
    problem: str = ""  # Vietnamese, empty when ok
    schema_version: int = 0
    dossiers: int = 0
    damaged: bool = False  # the content is bad (not merely unreadable here: permissions, locks)


# Up to this size the first open in a process runs the full ``integrity_check`` (it also compares
# every index with its table: 0.36 s for a 62 MB register, quick_check 0.13 s, on a 2-core
# build machine); bigger files get ``quick_check`` at once and
# the full check on a background thread. Damage found either way stops every later write.
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024
# Above this size even ``quick_check`` is too slow to wait for (2.35 s for the 2.2 GB of ten years
# of a big ward, 1,000,000 dossiers): the open checks the header and the size only, and the full
# check runs in the background at once. A damaged page met before it finishes fails that one
# statement ("disk image is malformed", said in Vietnamese), and once the check has found the
# damage every later write is refused, as for a small file.
QUICK_CHECK_MAX_BYTES = 160 * 1024 * 1024

_state_lock = threading.Lock()
# (file, inode) this process has checked and found sound: a restored file is a new inode
_checked: set[tuple[str, int]] = set()
_damage: dict[str, str] = {}  # file -> the problem found: nothing more is written to it
_background: list[threading.Thread] = []


def _key(path: str | Path) -> str:
    return os.path.realpath(os.fspath(path))


def _checked_key(path: str | Path) -> tuple[str, int]:
    try:
        return _key(path), os.stat(path).st_ino
    except OSError:
        return _key(path), -1


def mark_damaged(path: str | Path, problem: str) -> None:
    """Remember that ``path`` is damaged: ``core.db.write_transaction`` refuses every later write."""
    with _state_lock:
        _damage[_key(path)] = problem
        _checked.discard(_checked_key(path))


def forget(path: str | Path) -> None:
    """Forget what this process found about ``path`` (a restore put another file there)."""
    with _state_lock:
        _damage.pop(_key(path), None)
        _checked.difference_update({c for c in _checked if c[0] == _key(path)})


def known_damage(path: str | Path) -> str | None:
    """The damage found in ``path`` by this process (Vietnamese), or ``None``."""
    with _state_lock:
        return _damage.get(_key(path))


def refuse_writes_if_damaged(path: str | Path) -> None:
    """Raise ``DamagedDatabaseError`` (with the newest good backup) once ``path`` is known damaged."""
    problem = known_damage(path)
    if problem is None:
        return
    from core.storage.sqlite.backup import newest_good_backup

    raise DamagedDatabaseError(
        f"Cơ sở dữ liệu {path} bị hỏng ({problem}): dừng ghi để không làm hỏng thêm; "
        "dữ liệu vừa nhập chưa được lưu.",
        Path(path),
        newest_good_backup(Path(path)),
    )


def wait_for_background_checks() -> None:
    """Wait until every background ``integrity_check`` started by this process has finished."""
    while True:
        with _state_lock:
            running = [t for t in _background if t.is_alive()]
        if not running:
            return
        for thread in running:
            thread.join()


def _background_check(path: Path) -> None:
    verdict = inspect_file(path, full=True, motcua=False)
    if not verdict.ok and verdict.damaged:
        mark_damaged(path, verdict.problem)


def _start_background_check(path: Path) -> None:
    thread = threading.Thread(target=_background_check, args=(path,), name="motcua-integrity", daemon=True)
    with _state_lock:
        _background[:] = [t for t in _background if t.is_alive()] + [thread]
    thread.start()


_NO_ACCESS = "thư mục hoặc tệp chỉ đọc, hoặc không có quyền truy cập"
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk image", "encrypted")


def _failure(exc: sqlite3.Error) -> FileVerdict:
    text = str(exc).lower()
    if any(word in text for word in _DAMAGE_WORDS):
        return FileVerdict(False, f"tệp bị hỏng (chi tiết kỹ thuật: {exc})", damaged=True)
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return FileVerdict(False, _NO_ACCESS)
    return FileVerdict(False, f"không đọc được tệp (chi tiết kỹ thuật: {exc})")


_NOT_SQLITE = "tệp không phải cơ sở dữ liệu SQLite (phần đầu tệp sai hoặc tệp bị cắt ngắn)"


def _open_readonly(path: Path) -> sqlite3.Connection:
    from core.storage.sqlite.db import sqlite_connect

    conn = sqlite_connect(path, readonly=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 15000")
    return conn


def _header_problem(conn: sqlite3.Connection, path: Path) -> str:
    """Page 1 read by SQLite (a wrong or cut header is "not a database"), the size by ``stat``.

    A non-empty answer means damage; ``OSError`` (from ``stat``) means the file is unreadable here.
    """
    size = path.stat().st_size
    if size < 100:  # shorter than SQLite's own header
        return _NOT_SQLITE
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # reads and checks the header page
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower():
            return _NOT_SQLITE
        raise
    if size % page_size:
        return "tệp bị cắt ngắn giữa chừng (kích thước không chia hết cho cỡ trang)"
    return ""


def header_verdict(path: Path) -> FileVerdict:
    """Only the header and the size (cheap: page 1 through SQLite, ``stat``); no full check."""
    try:
        conn = _open_readonly(Path(path))
    except sqlite3.Error as exc:
        return _failure(exc)
    try:
        problem = _header_problem(conn, Path(path))
        return FileVerdict(False, problem, damaged=True) if problem else FileVerdict(True)
    except sqlite3.Error as exc:
        return _failure(exc)
    except OSError as exc:
        return FileVerdict(False, f"không đọc được tệp ({os_reason(exc)})")
    finally:
        conn.close()


def header_problem(path: Path) -> str:
    """A Vietnamese sentence when the file's header is not a sound SQLite header, else ``""``."""
    return header_verdict(path).problem


def inspect_file(path: str | Path, *, full: bool = False, motcua: bool = True) -> FileVerdict:
    """Look at a database file without writing: header, quick/integrity check, MotCua tables.

    ``full`` runs ``integrity_check`` (also checks every index against its table: used for
    backups); otherwise ``quick_check`` (used at every open, where speed matters).
    """
    from core.storage.sqlite.schema import MIGRATIONS

    path = Path(path)
    try:
        conn = _open_readonly(path)
    except sqlite3.Error as exc:
        return _failure(exc)
    try:
        problem = _header_problem(conn, path)
        if problem:
            return FileVerdict(False, problem, damaged=True)
        pragma = "integrity_check" if full else "quick_check"
        rows = conn.execute(f"PRAGMA {pragma}(5)").fetchall()
        if rows != [("ok",)]:
            detail = "; ".join(str(r[0]) for r in rows[:3])
            return FileVerdict(False, f"kiểm tra toàn vẹn báo lỗi ({detail})", damaged=True)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not motcua:
            return FileVerdict(True, schema_version=version)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version < 1 or not tables >= REQUIRED_TABLES:
            return FileVerdict(False, "tệp là SQLite nhưng không phải cơ sở dữ liệu MotCua", version)
        if version > len(MIGRATIONS):
            return FileVerdict(False, f"tệp do phiên bản MotCua mới hơn tạo (lược đồ {version})", version)
        count = conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
        return FileVerdict(True, schema_version=version, dossiers=count)
    except sqlite3.Error as exc:
        return _failure(exc)
    except OSError as exc:
        return FileVerdict(False, f"không đọc được tệp ({os_reason(exc)})")
    finally:
        conn.close()


def _refuse_empty(path: Path, backup_dirs: Iterable[Path]) -> None:
    """A 0-byte register lost its content (cut copy, full disk, a sync tool): say so, offer the
    newest good backup, never start an empty register over it. Passes only while a connection
    (of this process, or another one writing it now) is creating the file."""
    from core.storage.sqlite.backup import abandoned, newest_good_backup
    from core.storage.sqlite.db import holds_connection

    if holds_connection(path) or not abandoned(path):
        return
    raise DamagedDatabaseError(
        f"Tệp cơ sở dữ liệu {path} rỗng (0 byte): dữ liệu không còn trong tệp này (tệp bị chép hỏng "
        "hoặc bị cắt). MotCua không tạo sổ mới đè lên; muốn bắt đầu sổ mới, hãy xóa tệp rỗng này.",
        path,
        newest_good_backup(path, extra_dirs=backup_dirs),
    )


def check_before_open(path: str | Path, backup_dirs: Iterable[Path] = ()) -> None:
    """Refuse a damaged existing file (raise ``DamagedDatabaseError``); new/empty files pass.

    Called by ``core.db.connect`` before it opens a file for writing, so a damaged file is
    never migrated or written to. ``backup_dirs`` add places to look for a good backup.
    An open with no other connection of this process on the file checks fully where it is
    affordable (``FULL_CHECK_MAX_BYTES``), runs ``quick_check`` up to ``QUICK_CHECK_MAX_BYTES``
    and only the header above it, and starts the full check in the background for both;
    opens beside an open connection (the window's worker connections) rely on that check.
    """
    path = Path(path)
    with _state_lock:
        damage, checked = _damage.get(_key(path)), _checked_key(path) in _checked
    if damage is not None:
        refuse_writes_if_damaged(path)
    from core.storage.sqlite.db import holds_connection

    if checked and holds_connection(path):  # another connection of ours is open on it: checked,
        header = header_verdict(path)  # so only the cheap look at page 1 (through SQLite)
        if header.ok:
            return
        if header.damaged:
            mark_damaged(path, header.problem)
            refuse_writes_if_damaged(path)
    if not path.exists():
        from core.storage.sqlite.backup import finish_interrupted_restore

        finish_interrupted_restore(path)  # a power cut mid-restore must not look like a new register
    incoming = path.with_name(path.name + ".khoi-phuc")
    if incoming.exists() and path.exists():  # a restore killed before its renames: the copy goes
        from core.storage.sqlite.backup import remove_leftovers

        remove_leftovers([incoming])
    try:
        if not path.exists():
            return  # a new register: SQLite creates it
        empty = path.stat().st_size == 0
    except OSError as exc:
        raise DatabaseError(f"Không đọc được tệp cơ sở dữ liệu {path}: {os_reason(exc)}.") from exc
    if empty:
        _refuse_empty(path, backup_dirs)
        return
    size = path.stat().st_size
    full = size <= FULL_CHECK_MAX_BYTES
    if size > QUICK_CHECK_MAX_BYTES:
        verdict = header_verdict(path)
    else:
        verdict = inspect_file(path, full=full, motcua=False)
    if verdict.ok:
        with _state_lock:
            _checked.add(_checked_key(path))
        if not full:
            _start_background_check(path)
        return
    if not verdict.damaged:
        from core.filesafety import full_disk

        if reason := full_disk(path):  # SQLite says "disk I/O error": it could not make its -shm
            raise DatabaseError(
                f"Không mở được cơ sở dữ liệu {path}: {reason}; MotCua cần một ít chỗ trống trên ổ "
                "đó để mở sổ, kể cả chỉ để xem. Dữ liệu trong tệp không bị thay đổi; hãy xóa bớt tệp "
                "trên ổ này hoặc chép sổ sang ổ khác."
            )
        hint = (
            "hãy nhờ quản trị cấp quyền ghi cho thư mục hoặc chép tệp sang thư mục có quyền ghi."
            if verdict.problem == _NO_ACCESS
            else "hãy thử lại; nếu vẫn lỗi, hãy nhờ quản trị kiểm tra ổ đĩa."
        )
        raise DatabaseError(
            f"Không mở được cơ sở dữ liệu {path}: {verdict.problem}. Dữ liệu trong tệp không bị thay đổi; "
            + hint
        )
    from core.storage.sqlite.backup import newest_good_backup

    mark_damaged(path, verdict.problem)
    raise DamagedDatabaseError(
        f"Cơ sở dữ liệu {path} bị hỏng: {verdict.problem}.",
        path,
        newest_good_backup(path, extra_dirs=backup_dirs),
    )
