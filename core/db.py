"""Opening the SQLite file: pragmas, schema migrations, write transactions.

Modelled on calibre's schema upgrades: ``PRAGMA user_version`` counts the migrations
that ran; each runs in its own transaction; a file written by a newer MotCua is
refused rather than damaged.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from core.errors import DatabaseError
from core.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 15000


def connect(path: str | Path, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and create/upgrade) the register database.

    Autocommit mode (``isolation_level=None``): every write goes through ``write_transaction``,
    which takes the write lock up front (BEGIN IMMEDIATE) so two processes queue politely
    behind the busy timeout instead of failing with "database is locked" mid-transaction.
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(f"Không tìm thấy cơ sở dữ liệu {path}")
    from core.dbcheck import check_before_open  # read-only look: a damaged file is never written

    check_before_open(path)
    if create and not readonly:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Không tạo được thư mục {path.parent}: {exc.strerror}") from exc
    try:
        if readonly:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        else:
            conn = sqlite3.connect(
                str(path),
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            _set_journal_mode(conn)
            conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(describe_sqlite_error(exc, path)) from exc
    db = sqlite_utils.Database(conn)
    if not readonly:
        migrate(db)
    else:
        check_version(db)
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
    """Run the migrations this file has not seen, each in its own transaction."""
    check_version(db)
    while True:
        with write_transaction(db):
            version = schema_version(db)  # re-read under the lock: another process may have run it
            if version >= len(MIGRATIONS):
                return version
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; nothing is half-written."""
    conn = db.conn
    if conn.in_transaction:  # nested use joins the outer transaction
        yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(describe_sqlite_error(exc)) from exc
    try:
        yield db
    except sqlite3.DatabaseError as exc:  # disk full, read-only file ...: a Vietnamese refusal
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise DatabaseError(describe_sqlite_error(exc)) from exc
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise DatabaseError(describe_sqlite_error(exc)) from exc


def describe_sqlite_error(exc: sqlite3.Error, path: Path | None = None) -> str:
    """A Vietnamese sentence for the SQLite failures a user can meet."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "full" in text:
        return "Ổ đĩa đã đầy hoặc cơ sở dữ liệu đã đạt giới hạn dung lượng; dữ liệu vừa nhập chưa được lưu."
    if "readonly" in text or "read-only" in text:
        return f"Cơ sở dữ liệu chỉ đọc{where}: không ghi được; dữ liệu vừa nhập chưa được lưu."
    if "locked" in text or "busy" in text:
        return "Cơ sở dữ liệu đang bận quá lâu (máy khác đang ghi); hãy thử lại sau ít giây."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"Tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu MotCua{where}."
    if "unable to open" in text:
        return f"Không mở được tệp cơ sở dữ liệu{where}: kiểm tra đường dẫn và quyền ghi."
    return f"Lỗi cơ sở dữ liệu{where}; dữ liệu vừa nhập chưa được lưu (chi tiết kỹ thuật: {exc})."


def integrity_ok(db: sqlite_utils.Database) -> bool:
    rows = db.execute("PRAGMA integrity_check").fetchall()
    return len(rows) == 1 and rows[0][0] == "ok"
