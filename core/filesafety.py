"""Refusing hostile files before a parser sees them, and reading the sane ones safely.

Every importer (procedure list, old registers, ward workbooks) reads files the office did not
make: a renamed PDF, a damaged download, a sheet with merged cells, a zip bomb. Everything here
turns such a file into rows or into one Vietnamese ``MotCuaError``; no raw exception escapes.

An .xlsx is a zip of XML: a few hundred kilobytes can expand to gigabytes (a "zip bomb"),
which would freeze the counter PC while openpyxl reads it. The central directory states each
member's sizes, so they can be checked without decompressing anything; Python's zipfile never
inflates a member past its stated size (and checks the CRC), so a lying header cannot get round it.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import shutil
import zipfile
import zlib
from pathlib import Path
from typing import Any

from core.errors import MotCuaError

MAX_UNCOMPRESSED = 150 * 1024 * 1024  # a 100,000-row province list is ~30 MB of XML
MAX_RATIO = 150  # real sheets compress 5-30x; bombs 1000x and more
MAX_MEMBERS = 5000
MAX_CSV_BYTES = 100 * 1024 * 1024
MAX_ROWS = 200_000  # twice the largest real list; more is a hostile or wrong file
MAX_COLUMNS = 64  # importers match columns by header; nothing real needs more
# What a reader may be made to hold, whatever the file's shape: openpyxl parses a whole row (and
# all shared strings) into Python objects before we can look at it, ~700 bytes a cell.
MAX_CELLS_PER_ROW = 1024  # a real row has a few dozen cells, styled blanks included
MAX_CELLS = 4_000_000  # 200,000 rows x 20 columns
MAX_SHARED_STRINGS = 2_000_000

_MERGE = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref=[\"']([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})[\"']"
)


_OS_REASONS = {
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không có quyền",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.ENOTDIR: "đường dẫn không phải thư mục",
    errno.EBUSY: "tệp đang bị chương trình khác dùng",
    errno.EIO: "lỗi đọc/ghi ổ đĩa",
    errno.EEXIST: "tệp đã có",
}


def os_reason(exc: OSError) -> str:
    """The operating system's reason in Vietnamese (``strerror`` is English on most machines)."""
    return _OS_REASONS.get(exc.errno or 0, f"lỗi hệ thống tệp, mã {exc.errno}")


FULL_DISK_BYTES = 1024 * 1024  # less free than this: SQLite cannot even make its -wal/-shm


def full_disk(path: str | Path) -> str:
    """ "ổ đĩa chứa … đã đầy (còn … KB trống)" when the disk holding ``path`` is (nearly) full, else "".

    SQLite reports a full disk as "disk I/O error" when it cannot grow its ``-shm`` file, and the
    operating system's refusal may look like a permission problem: the free space says which.
    ``statvfs`` only: no file is opened.
    """
    folder = Path(path).absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    if free >= FULL_DISK_BYTES:
        return ""
    return f"ổ đĩa chứa {folder} đã đầy (còn {free // 1024} KB trống)"


def os_refusal(path: Path, exc: OSError) -> MotCuaError:
    """A Vietnamese sentence for the ways opening a file fails (never the English strerror)."""
    if isinstance(exc, FileNotFoundError):
        return MotCuaError(f"Không tìm thấy tệp {path}")
    if isinstance(exc, IsADirectoryError):
        return MotCuaError(f"{path.name} là thư mục, không phải tệp.")
    if isinstance(exc, PermissionError):
        return MotCuaError(f"Không có quyền đọc tệp {path.name}.")
    return MotCuaError(f"Không đọc được tệp {path.name}: {os_reason(exc)}.")


def refuse_open_database(path: Path) -> None:
    """Refuse a file this process has an SQLite connection on (the register itself, its -wal ...).

    Reading it here would mean opening and closing a descriptor of it, and on POSIX that drops
    every lock the process's connections hold on it (see ``core.db``): never, even by mistake.
    """
    from core.db import holds_connection

    if holds_connection(path):
        raise MotCuaError(f"Tệp {path.name} là cơ sở dữ liệu MotCua đang mở, không phải tệp để nhập.")


def check_xlsx(path: str | Path) -> None:
    """Raise ``MotCuaError`` (Vietnamese) unless ``path`` looks like a sane .xlsx zip."""
    path = Path(path)
    refuse_open_database(path)
    try:
        with open(path, "rb"):  # is_zipfile would call a missing or locked file "not a zip"
            pass
        is_zip = zipfile.is_zipfile(path)
    except OSError as exc:
        raise os_refusal(path, exc) from exc
    if not is_zip:
        raise MotCuaError(f"Không đọc được tệp Excel {path.name}: tệp hỏng hoặc không phải .xlsx.")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise MotCuaError(f"Không đọc được tệp Excel {path.name}: mục lục nén bị hỏng.") from exc
    if len(members) > MAX_MEMBERS:
        raise MotCuaError(f"Tệp {path.name} có quá nhiều thành phần ({len(members)}): không đọc.")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise MotCuaError(
            f"Tệp {path.name} khi giải nén lớn {total // (1024 * 1024)} MB, vượt giới hạn "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB: không đọc (có thể là tệp độc hại)."
        )
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise MotCuaError(
                f"Tệp {path.name} có thành phần nén bất thường ({m.filename}: "
                f"{m.compress_size} byte giải nén thành {m.file_size} byte): "
                "không đọc (có thể là tệp độc hại)."
            )
    try:
        with zipfile.ZipFile(path) as archive:
            for m in members:
                low = m.filename.lower()
                if low.startswith("xl/worksheets/") and low.endswith(".xml") or low == "xl/sharedstrings.xml":
                    _check_shape(archive, m, path.name)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, zlib.error) as exc:
        raise MotCuaError(f"Không đọc được tệp Excel {path.name}: nội dung nén bị hỏng.") from exc


_SHAPE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)(?=[\s>/])")


def _shape_refusal(name: str, member: str, what: str) -> MotCuaError:
    return MotCuaError(f"Tệp {name} có {what} ({member}): quá lớn để đọc an toàn, không đọc.")


def _check_shape(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Count cells per row, cells and shared strings in a sheet's XML, streamed 1 MB at a time,
    and stop at the first bound passed: a row of 3 million cells is refused after 1024."""
    row_cells = cells = strings = 0
    tail = b""
    with archive.open(member) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")
            body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            for match in _SHAPE_TAG.finditer(body):
                tag = match[1]
                if tag == b"row":
                    row_cells = 0
                elif tag == b"c":
                    row_cells += 1
                    cells += 1
                    if row_cells > MAX_CELLS_PER_ROW:
                        raise _shape_refusal(name, member.filename, f"một dòng hơn {MAX_CELLS_PER_ROW} ô")
                    if cells > MAX_CELLS:
                        raise _shape_refusal(name, member.filename, f"hơn {MAX_CELLS:_} ô".replace("_", "."))
                else:
                    strings += 1
                    if strings > MAX_SHARED_STRINGS:
                        count = f"{MAX_SHARED_STRINGS:_}".replace("_", ".")
                        raise _shape_refusal(name, member.filename, f"hơn {count} chuỗi chữ")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _merged_ranges(worksheet) -> set[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range, 1-based.

    openpyxl's read-only mode (the only one fast enough for 100,000 rows) ignores merges, so the
    sheet XML is scanned as bytes: a fraction of a second even for a large sheet. Cell text cannot
    fake a ``<mergeCell`` tag because ``<`` is escaped inside values.
    """
    found: set[tuple[int, int, int, int]] = set()
    tail = b""
    with worksheet._get_source() as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            for m in _MERGE.finditer(data):
                c1, r1, c2, r2 = _column_number(m[1]), int(m[2]), _column_number(m[3]), int(m[4])
                found.add((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
            tail = data[-1024:]
    return found


def _fill_merged(rows: list[list[Any]], ranges: set[tuple[int, int, int, int]], name: str) -> None:
    """A merged cell shows one value over the whole range; a reader of the sheet takes it as the
    value of every row it spans (a "Lĩnh vực" merged down beside its procedures). So the value is
    copied down its own column. Cells merged sideways stay empty: a value never moves into another
    column, where it would silently become a different field."""
    budget = 4 * MAX_ROWS
    for r1, c1, r2, _c2 in sorted(ranges):
        if r1 > len(rows) or c1 > MAX_COLUMNS:
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        last = min(r2, len(rows))
        budget -= last - r1
        if budget < 0:
            raise MotCuaError(f"Tệp {name} có quá nhiều ô gộp: không đọc (có thể là tệp độc hại).")
        for r in range(r1, last):
            row = rows[r]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            row[c1 - 1] = value


def _too_many_rows(name: str, max_rows: int) -> MotCuaError:
    count = f"{max_rows:_}".replace("_", ".")  # Vietnamese groups thousands with dots
    return MotCuaError(f"Tệp {name} có hơn {count} dòng: quá lớn, không đọc.")


def read_xlsx_rows(
    path: str | Path, max_rows: int | None = None, max_columns: int = MAX_COLUMNS
) -> list[list[Any]]:
    """Cell values of the first sheet (formulas give their cached value, or ``None``), with merged
    cells filled down their column. Refuses bombs, damaged files and over-long sheets in Vietnamese.

    The sheet's declared size is ignored (``reset_dimensions``): a tiny file that claims
    A1:XFD1048576 would otherwise make openpyxl pad a billion empty cells.
    """
    path = Path(path)
    max_rows = MAX_ROWS if max_rows is None else max_rows
    check_xlsx(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise MotCuaError(f"Không đọc được tệp Excel {path.name} (hỏng, hoặc không phải sổ tính).") from exc
    try:
        if not wb.worksheets:
            raise MotCuaError(f"Tệp Excel {path.name} không có trang tính nào.")
        ws = wb.worksheets[0]
        rows: list[list[Any]] = []
        try:
            ws.reset_dimensions()
            for row in ws.iter_rows(max_col=max_columns, values_only=True):
                if len(rows) >= max_rows:
                    raise _too_many_rows(path.name, max_rows)
                rows.append(list(row))
            _fill_merged(rows, _merged_ranges(ws), path.name)
        except MotCuaError:
            raise
        except Exception as exc:  # bad XML, bad shared-string index, CRC error ...
            raise MotCuaError(f"Không đọc được tệp Excel {path.name} (nội dung hỏng).") from exc
        return rows
    finally:
        wb.close()


def read_csv_bytes(path: str | Path) -> bytes:
    """The bytes of a text file meant as CSV: refused when too large or binary."""
    path = Path(path)
    refuse_open_database(path)
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise MotCuaError(f"Tệp {path.name} lớn {size // (1024 * 1024)} MB: quá lớn, không đọc.")
        raw = path.read_bytes()
    except OSError as exc:
        raise os_refusal(path, exc) from exc
    if b"\x00" in raw:
        raise MotCuaError(f"Tệp {path.name} chứa dữ liệu nhị phân, không phải tệp CSV văn bản.")
    return raw


def split_csv(text: str, name: str, delimiter: str = ",", max_rows: int | None = None) -> list[list[str]]:
    """Rows of decoded CSV text, at most ``max_rows`` and ``MAX_COLUMNS`` wide; broken CSV refused."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= max_rows:
                raise _too_many_rows(name, max_rows)
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as exc:  # a field over the size limit, a broken quote ...
        raise MotCuaError(f"Tệp CSV {name} sai cấu trúc (ô quá dài hoặc dấu ngoặc kép hỏng).") from exc
    return rows


def read_csv_rows(path: str | Path, max_rows: int | None = None) -> list[list[str]]:
    """Rows of a CSV file in UTF-8 (with or without BOM) or Windows-1258 (old Vietnamese Excel)."""
    path = Path(path)
    raw = read_csv_bytes(path)
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise MotCuaError(f"Tệp {path.name} không phải văn bản UTF-8")
    return split_csv(text, path.name, max_rows=max_rows)


def write_whole(path: str | Path, data: bytes, what: str = "tệp", *, make_folder: bool = False) -> Path:
    """Write ``data`` to ``path`` whole or not at all, with a Vietnamese refusal.

    A temporary name in the same folder, then one rename: a crash, a full disk or a pulled USB
    stick never leaves a half-written receipt, workbook, e-mail or scan under the real name, and
    the temporary file is removed on failure. ``make_folder`` creates a missing folder (for places
    MotCua owns); a folder the user named must exist.
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if make_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise MotCuaError(f"Không ghi được {what} {target}: {os_reason(exc)}.") from None
    return target
