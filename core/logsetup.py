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
import threading
import traceback
import unicodedata
from pathlib import Path

from core.errors import MotCuaError
from core.filesafety import os_reason
from core.paths import data_dir
from core.text import SURNAMES
from core.timeutil import now

LOG_NAME = "motcua.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5

# Surnames of ethnic minorities common at ward counters in the north and the Central Highlands
# (Hmông, Thái, Tày, Nùng, Dao, Êđê, Gia Rai ...), beside the Kinh ones of ``core.text``.
MINORITY_SURNAMES = (
    "Giàng", "Hờ", "Sùng", "Thào", "Vàng", "Mùa", "Lầu", "Lò", "Quàng", "Cầm", "Tòng", "Lường",
    "Sầm", "Nông", "Ma", "Bế", "Hà", "Lục", "Bàn", "Chảo", "Tẩn", "Phàn", "Ksor", "Kpă", "Siu",
    "Rmah", "Nay", "Rơ", "Niê", "Mlô", "Byă", "Êban", "Hđök", "Y", "Đinh", "Bùi", "Quách",
)  # fmt: skip


def _plain(text: str) -> str:
    """Without accents (đ -> d), case kept: how names are typed on a keyboard without Telex."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def _forms(words) -> list[str]:
    """Each word as written, in capitals, and both without accents; longest first for the regex."""
    found = {f for w in words for f in (w, w.upper(), _plain(w), _plain(w).upper())}
    return sorted(found, key=len, reverse=True)


# Capital letters of Vietnamese, one by one: the ranges À-Ỹ and Ạ-Ỹ also hold small letters
_UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isupper() and chr(c).isalpha())
_WORD = rf"(?:[{_UPPER}][\w']*|H'[\w]+)"
_SURNAME = "|".join(map(re.escape, _forms((*SURNAMES, *MINORITY_SURNAMES))))
_NAME = re.compile(
    rf"\b(?:{_SURNAME})(?:[ \t]+{_WORD}){{1,4}}\b|\bH'[\w]+(?:[ \t]+{_WORD}){{0,3}}", re.UNICODE
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# căn cước / số định danh cá nhân, also typed in groups: "001 190 012 345", "001.190.012.345"
_ID12 = re.compile(r"(?<![\d.-])\d{3}[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d{3}(?![\d-])")
_ID9 = re.compile(r"(?<![\d.-])\d{9}(?![\d.-])")  # old 9-digit chứng minh nhân dân
_PASSPORT = re.compile(r"(?<![\w-])[A-Z][ -]?\d{7,8}(?![\w-])")  # hộ chiếu: C1234567
# 0912345678, 0912.345.678, +84 912 345 678, (091) 234-5678, (024) 3825 1234
_PHONE = re.compile(r"(?<![\w.])(?:\+?84[ .-]?|\(0\d{1,3}\)[ .-]?|0)(?:[ .-]?\d){7,10}(?![\d.])")
_STREET_WORDS = "|".join(
    ("số", "so", "ngõ", "ngo", "ngách", "ngach", "hẻm", "hem", "kiệt", "kiet", "thôn", "thon", "xóm",
     "xom", "ấp", "ap", "bản", "ban", "tổ dân phố", "to dan pho", "tổ", "to", "khu phố", "khu pho",
     "đường", "duong", "phố", "pho")
)  # fmt: skip
_ADDRESS = re.compile(
    rf"(?i:\b(?:{_STREET_WORDS}))[ \t]+(?:[\w/.-]*\d[\w/.-]*|{_WORD})(?:[ \t]+(?:{_WORD}|\d[\w/]*)){{0,5}}"
    rf"|\b\d+[A-Za-z]?(?:/\d+)*[ \t]+(?:{_WORD})(?:[ \t]+{_WORD}){{0,4}}",
    re.UNICODE,
)

_remembered_lock = threading.Lock()
_remembered: list[str] = []  # values typed in this process (applicant, phone ...), longest first


def remember_personal(*values: str | None) -> None:
    """Values a person typed in this process (names, numbers, addresses): never written to the
    log, in any of their forms (as typed, capitals, without accents, digits only)."""
    forms: set[str] = set()
    for value in values:
        if not isinstance(value, str) or len(value.strip()) < 3:
            continue
        text = unicodedata.normalize("NFC", value.strip())
        forms |= {text, text.upper(), text.lower(), _plain(text), _plain(text).upper(), _plain(text).lower()}
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 6:
            forms.add(digits)
    if forms:
        with _remembered_lock:
            _remembered[:] = sorted(set(_remembered) | forms, key=len, reverse=True)


def forget_personal() -> None:
    with _remembered_lock:
        _remembered.clear()


def scrub(text: str, extra_names: tuple[str, ...] = ()) -> str:
    """Replace personal data in free text by markers; dossier codes and dates are kept."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    with _remembered_lock:
        typed = list(_remembered)
    for value in (*extra_names, *typed):
        if value:
            text = text.replace(value, "[dữ liệu cá nhân]")
    text = _EMAIL.sub("[email]", text)
    text = _ID12.sub("[số định danh]", text)
    text = _PHONE.sub("[số điện thoại]", text)
    text = _ID9.sub("[số giấy tờ]", text)
    text = _PASSPORT.sub("[số hộ chiếu]", text)
    text = _ADDRESS.sub("[địa chỉ]", text)  # before names: "45/12 Trần Hưng Đạo" is a street
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
    for handler in list(root.handlers):
        if getattr(handler, "_motcua", False):
            if Path(handler.baseFilename) == path.resolve():
                return path
            root.removeHandler(handler)  # one log file per process: the data folder changed
            handler.close()
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


# Arguments a person types that may hold personal data (the applicant's, a receiver's, a note)
PERSONAL_ARGUMENTS = (
    "applicant", "id_number", "phone", "address", "email", "receiver", "receiver_name", "note",
    "reason", "text", "full_name", "to_officer", "signed_by", "value", "changes",
)  # fmt: skip


def start_command_log(args) -> logging.Logger:
    """The log of one ``motcua`` command: the file, the excepthook, and a first line naming the
    command and the options given (never their values; the personal ones are remembered so that
    no later line can carry them either)."""
    setup_logging()
    install_excepthook()
    options = vars(args)
    for name in PERSONAL_ARGUMENTS:
        value = options.get(name)
        remember_personal(*(value if isinstance(value, list) else [value]))
    is_word = {k: k == "command" or k.endswith("_command") for k in options}
    words = [v for k, v in options.items() if is_word[k] and isinstance(v, str)]
    given = sorted(
        k for k, v in options.items() if v not in (None, False, "", []) and k != "handler" and not is_word[k]
    )
    log = logging.getLogger("motcua.cli")
    log.info("Lệnh motcua %s (tham số: %s)", " ".join(words), ", ".join(given) or "không")
    return log


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
    """Log uncaught exceptions of the main thread instead of losing them with the console (once)."""
    previous = sys.excepthook
    if getattr(previous, "_motcua", False):
        return

    def hook(kind, value, tb):
        if value is not None:
            log_unhandled(value)
        previous(kind, value, tb)

    hook._motcua = True  # type: ignore[attr-defined]
    sys.excepthook = hook
