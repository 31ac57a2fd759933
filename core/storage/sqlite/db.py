"""Opening the SQLite file: pragmas, schema migrations, write transactions.

Modelled on calibre's schema upgrades: ``PRAGMA user_version`` counts the migrations
that ran; each runs in its own transaction; a file written by a newer MotCua is
refused rather than damaged.

Every SQLite connection MotCua makes goes through ``sqlite_connect``, which keeps a process-wide
count of the files this process has open. On POSIX, closing *any* descriptor of a file drops every
lock the process holds on it, SQLite's own included: another process then takes itself for the
last user, checkpoints and deletes the WAL this process still writes into, and committed dossiers
vanish. So no MotCua code opens a database file (or its ``-wal``/``-shm``) with ``open()``:
checks go through SQLite (``core.dbcheck``), copies through the backup API (``core.backup``),
and ``holds_connection`` lets the few places that read user-chosen files refuse an open register.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from core.errors import DatabaseError
from core.storage.sqlite.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 15000
_SIDE_FILES = ("-wal", "-shm", "-journal")

_open_lock = threading.Lock()
_open_files: Counter[str] = Counter()  # real path -> SQLite connections of this process on it


def _file_key(path: str | Path) -> str:
    return os.path.realpath(os.fspath(path))


def _main_file(path: str | Path) -> str:
    """The database a path belongs to: ``F`` for ``F``, ``F-wal``, ``F-shm`` and ``F-journal``."""
    key = _file_key(path)
    for side in _SIDE_FILES:
        if key.endswith(side):
            return key[: -len(side)]
    return key


def holds_connection(path: str | Path) -> bool:
    """Does this process have an SQLite connection open on ``path`` (or on the database whose
    ``-wal``/``-shm``/``-journal`` it is)? Opening and closing such a file outside SQLite would
    drop the connection's locks."""
    keys = {_file_key(path), _main_file(path)}
    with _open_lock:
        return any(_open_files[k] > 0 for k in keys)


class _TrackedConnection(sqlite3.Connection):
    """A connection that counts itself in the registry of open files until it is closed."""

    _motcua_key: str | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._forget()

    def _forget(self) -> None:
        key, self._motcua_key = self._motcua_key, None
        if key is not None:
            with _open_lock:
                _open_files[key] -= 1
                if _open_files[key] <= 0:
                    del _open_files[key]

    def __del__(self) -> None:  # a connection dropped without close(): SQLite closes it too
        self._forget()


def sqlite_connect(path: str | Path, *, readonly: bool = False, **kwargs) -> sqlite3.Connection:
    """``sqlite3.connect`` for a database file, counted in the registry of open files.

    ``readonly`` opens with ``mode=ro`` (never creates, never writes). Other keyword arguments
    go to ``sqlite3.connect``.
    """
    key = _file_key(path)
    target = f"{Path(path).resolve().as_uri()}?mode=ro" if readonly else str(path)
    with _open_lock:
        _open_files[key] += 1
    try:
        conn = sqlite3.connect(target, uri=readonly, factory=_TrackedConnection, **kwargs)
    except BaseException:
        with _open_lock:
            _open_files[key] -= 1
            if _open_files[key] <= 0:
                del _open_files[key]
        raise
    conn._motcua_key = key
    return conn


def connect(path: str | Path, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and create/upgrade) the register database.

    Autocommit mode (``isolation_level=None``): every write goes through ``write_transaction``,
    which takes the write lock up front (BEGIN IMMEDIATE) so two processes queue politely
    behind the busy timeout instead of failing with "database is locked" mid-transaction.
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(f"Không tìm thấy cơ sở dữ liệu {path}")
    from core.storage.sqlite.dbcheck import check_before_open  # read-only: a damaged file is never written

    check_before_open(path)
    if create and not readonly:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Không tạo được thư mục {path.parent}: {exc.strerror}") from exc
    try:
        conn = sqlite_connect(
            path,
            readonly=readonly,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(describe_sqlite_error(exc, path)) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            _set_journal_mode(conn)
            conn.execute("PRAGMA synchronous = FULL")
        db = sqlite_utils.Database(conn)
        if not readonly:
            migrate(db)
        else:
            check_version(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(describe_sqlite_error(exc, path)) from exc
    except BaseException:
        conn.close()
        raise
    return db


def _set_journal_mode(conn: sqlite3.Connection) -> None:
    for _ in range(50):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:  # another process is switching it right now
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_version(db: sqlite_utils.Database) -> int:
    version = schema_version(db)
    if version > len(MIGRATIONS):
        raise DatabaseError(
            f"Cơ sở dữ liệu được tạo bởi phiên bản MotCua mới hơn (lược đồ {version}, "
            f"phiên bản này hiểu đến {len(MIGRATIONS)}). Hãy cập nhật MotCua; tệp không bị thay đổi."
        )
    return version


def migrate(db: sqlite_utils.Database) -> int:
    """Run the migrations this file has not seen, each in its own transaction.

    The version is read first without a lock: a file already up to date (every open but the
    first after an upgrade) takes no write lock, so ``show`` and ``search`` never queue behind
    another process's long write (WAL lets them read meanwhile).
    """
    if check_version(db) >= len(MIGRATIONS):
        return schema_version(db)
    while True:
        with write_transaction(db):
            version = schema_version(db)  # re-read under the lock: another process may have run it
            if version >= len(MIGRATIONS):
                return version
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; nothing is half-written.

    Refused before it starts once this process found the file damaged (``core.dbcheck``):
    writing into a damaged file spreads the damage.
    """
    conn = db.conn
    if conn.in_transaction:  # nested use joins the outer transaction
        yield db
        return
    key = getattr(conn, "_motcua_key", None)
    where = Path(key) if key is not None else None
    if key is not None:
        from core.storage.sqlite.dbcheck import refuse_writes_if_damaged

        refuse_writes_if_damaged(key)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(describe_sqlite_error(exc, where)) from exc
    try:
        yield db
    except sqlite3.DatabaseError as exc:  # disk full, read-only file ...: a Vietnamese refusal
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise DatabaseError(describe_sqlite_error(exc, where)) from exc
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise DatabaseError(describe_sqlite_error(exc, where)) from exc


def describe_sqlite_error(exc: sqlite3.Error, path: Path | None = None, *, saves_typed: bool = True) -> str:
    """A Vietnamese sentence for the SQLite failures a user can meet.

    ``saves_typed=False`` for work that saves nothing the user typed (a backup's copy, a read):
    there "dữ liệu vừa nhập chưa được lưu" would be false, and would contradict the backup's own
    "the register in use is not affected"."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    unsaved = "; dữ liệu vừa nhập chưa được lưu" if saves_typed else ""
    if path is not None and ("full" in text or "i/o" in text):
        from core.filesafety import full_disk

        if reason := full_disk(path):
            return f"Không ghi được: {reason}{unsaved}. Hãy giải phóng chỗ trống."
    if "full" in text:
        return f"Ổ đĩa đã đầy hoặc cơ sở dữ liệu đã đạt giới hạn dung lượng{unsaved}."
    if "readonly" in text or "read-only" in text:
        return f"Cơ sở dữ liệu chỉ đọc{where}: không ghi được{unsaved}."
    if "locked" in text or "busy" in text:
        return "Cơ sở dữ liệu đang bận quá lâu (máy khác đang ghi); hãy thử lại sau ít giây."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"Tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu MotCua{where}."
    if "unable to open" in text:
        return f"Không mở được tệp cơ sở dữ liệu{where}: kiểm tra đường dẫn và quyền ghi."
    return f"Lỗi cơ sở dữ liệu{where}{unsaved} (chi tiết kỹ thuật: {exc})."


def integrity_ok(db: sqlite_utils.Database) -> bool:
    rows = db.execute("PRAGMA integrity_check").fetchall()
    return len(rows) == 1 and rows[0][0] == "ok"
