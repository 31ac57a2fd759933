"""The log file, kept free of personal data, and error texts for the user.

The log is a rotating file in the user data folder (``logs/motcua.log``, 1 MB x 5), for the
person who supports the office. It must never hold an applicant's name, ID number or phone
(Decree 13/2023 on personal data), so a filter on the handler rewrites every record - message,
arguments and traceback - before it is written. The same scrubbing applies to the error details
the window offers to copy, since those get pasted into e-mails and chat.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import re
import sqlite3
import sys
import traceback
from pathlib import Path

from core.errors import MotCuaError
from core.filesafety import os_reason
from core.paths import data_dir
from core.text import SURNAMES
from core.timeutil import now

LOG_NAME = "motcua.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5

_UPPER = "A-ZĐÀ-ỸÁÂÃÈÉÊÌÍÒÓÔÕÙÚĂĨŨƠƯẠ-Ỹ"
_WORD = rf"[{_UPPER}][\w]*"
_NAME = re.compile(rf"\b(?:{'|'.join(map(re.escape, SURNAMES))})(?:\s+{_WORD}){{1,4}}\b", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID12 = re.compile(r"(?<!\d)\d{12}(?!\d)")  # căn cước / số định danh cá nhân
_ID9 = re.compile(r"(?<![\d.-])\d{9}(?![\d.-])")  # old 9-digit chứng minh nhân dân
_PHONE = re.compile(r"(?<![\d.])(?:\+84|84|0)(?:[\s.-]?\d){8,10}(?![\d.])")


def scrub(text: str, extra_names: tuple[str, ...] = ()) -> str:
    """Replace personal data in free text by markers; dossier codes and dates are kept."""
    if not text:
        return text
    for name in extra_names:
        if name:
            text = text.replace(name, "[họ tên]")
    text = _EMAIL.sub("[email]", text)
    text = _ID12.sub("[số định danh]", text)
    text = _PHONE.sub("[số điện thoại]", text)
    text = _ID9.sub("[số giấy tờ]", text)
    return _NAME.sub("[họ tên]", text)


class PersonalDataFilter(logging.Filter):
    """Rewrites a record's message and traceback through ``scrub`` before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def log_dir() -> Path:
    return data_dir() / "logs"


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Attach the rotating, scrubbed log file to the root logger (once); returns its path."""
    folder = Path(folder) if folder else log_dir()
    path = folder / LOG_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_motcua", False) and Path(handler.baseFilename) == path.resolve():
            return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:  # no writable data folder: run without a log file rather than not at all
        return path
    handler._motcua = True  # type: ignore[attr-defined]
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path


def user_message(exc: BaseException) -> str:
    """The Vietnamese sentence to show for an error (details go in ``format_error_details``)."""
    if isinstance(exc, MotCuaError):
        return exc.message
    if isinstance(exc, sqlite3.Error):
        from core.db import describe_sqlite_error

        return describe_sqlite_error(exc)
    if isinstance(exc, MemoryError):
        return "Máy không đủ bộ nhớ để làm việc này; hãy đóng bớt chương trình và thử lại."
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"Không đọc/ghi được tệp{where}: {os_reason(exc)}."
    return (
        "Đã xảy ra lỗi không mong đợi; dữ liệu đã lưu trước đó không bị ảnh hưởng. "
        "Hãy sao chép chi tiết lỗi gửi cho người hỗ trợ."
    )


def format_error_details(exc: BaseException) -> str:
    """Text for the "Sao chép chi tiết" button: what, when, which version, the traceback; scrubbed."""
    from core import __version__

    lines = [
        "Chi tiết lỗi MotCua",
        f"Thời điểm: {now():%d/%m/%Y %H:%M:%S}",
        f"Phiên bản: MotCua {__version__}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}",
        f"Thông báo: {user_message(exc)}",
        f"Loại lỗi: {type(exc).__module__}.{type(exc).__qualname__}",
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(),
    ]
    return scrub("\n".join(lines))


def log_unhandled(exc: BaseException) -> str:
    """Log an unexpected error (scrubbed) and return the details text; for excepthooks."""
    logging.getLogger("motcua").error("Lỗi không mong đợi", exc_info=(type(exc), exc, exc.__traceback__))
    return format_error_details(exc)


def install_excepthook() -> None:
    """Log uncaught exceptions of the main thread instead of losing them with the console."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        if value is not None:
            log_unhandled(value)
        previous(kind, value, tb)

    sys.excepthook = hook
