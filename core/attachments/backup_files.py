"""The scans and the signed report PDFs travel with every SQLite backup, and come back on restore.

A backup of the register (``core.backup``) is one SQLite file in the backup folder. The files it
names go into one content-addressed folder beside the backups, ``<backup folder>/tep/``, which all
of them share. A file is named by its SHA-256 and never changes, so each backup copies only the
files the folder does not have yet (a ward's daily backup adds that day's scans, not the year's),
and thirty daily backups do not hold thirty copies of each scan. Two kinds of file go there:

- the scans (``attachments.sha256``), kept beside the register in ``<db stem>.tep/``;
- the digitally signed report PDFs (``core.attachments.signed_pdfs``), kept beside the register
  in ``<db stem>.ky-so/bao-cao-<id>-v<version>.pdf``. The SHA-256 of each is in its audit entry
  ``sign_digital``. You cannot make one again without the vice-chair's token. Lose the file and
  you lose the document of record, and a report sent again after a restore would go without it.

- Backup: every hash the *backup file* names (not the live register, which may have moved on)
  is copied in, each checked against its hash first. An altered or missing file is never
  carried into a backup as if it were good. It is named instead (``FilesNotBackedUp``, raised
  after the database copy is safely in place).
- Restore: every file the restored register names is brought back beside it from the backup
  folder, unless an identical file is already there. For a signed PDF the name comes from the
  restored register's ``reports.version``. A different file found under that name is renamed
  aside, not overwritten. A file the backup folder lacks is named (the returned messages).
- Retention: after old backups are pruned, files no remaining backup names are removed (scans
  and signed PDFs alike). If a remaining backup cannot be read, nothing is removed that time:
  what it names is unknown.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from core.attachments.blobs import FileBlobStore
from core.attachments.signed_pdfs import SignedPdf, signed_dir_for, signed_pdfs
from core.errors import DatabaseError, MotCuaError
from core.filesafety import os_reason, write_whole
from core.timeutil import now

BACKUP_FILES_DIR = "tep"


class FilesNotBackedUp(DatabaseError):
    """The database was backed up, but some scans or signed PDFs could not be (altered or missing)."""


def backup_files_dir(backup_file: str | Path) -> Path:
    return Path(backup_file).parent / BACKUP_FILES_DIR


@contextlib.contextmanager
def _read_only(db_file: str | Path) -> Iterator[sqlite3.Connection]:
    try:
        conn = sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Không đọc được {Path(db_file).name} để tìm tệp đính kèm.") from exc
    try:
        yield conn
    finally:
        conn.close()


def referenced_hashes(db_file: str | Path) -> set[str]:
    """The SHA-256 of every scan a register or backup file names (none before the table)."""
    with _read_only(db_file) as conn:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'"
        ).fetchone()
        if not has_table:
            return set()
        return {row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM attachments")}


def named_signed_pdfs(db_file: str | Path) -> list[SignedPdf]:
    """The signed PDFs a register or backup file names (its ``sign_digital`` entries)."""
    with _read_only(db_file) as conn:
        return signed_pdfs(conn)


def backup_hashes(db_file: str | Path) -> set[str]:
    """Every hash a backup keeps in ``tep/``: its scans and its signed PDFs."""
    return referenced_hashes(db_file) | {pdf.sha256 for pdf in named_signed_pdfs(db_file)}


def _sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def copy_files_to_backup(db_path: str | Path, backup_file: str | Path) -> int:
    """Copy the scans and signed PDFs ``backup_file`` names into the backup folder's ``tep``;
    returns how many were copied (those already there are not)."""
    if not Path(backup_file).is_file():  # retention already removed it (two backups in one second)
        return 0
    hashes = referenced_hashes(backup_file)
    signed = named_signed_pdfs(backup_file)
    if not hashes and not signed:
        return 0
    live = FileBlobStore.beside(db_path)
    kept = FileBlobStore(backup_files_dir(backup_file))
    copied, scan_problems, pdf_problems = 0, [], []
    for digest in sorted(hashes):
        try:
            copied += live.copy_to(kept, [digest])
        except MotCuaError as exc:
            scan_problems.append(exc.message)
    for pdf in signed:
        try:
            copied += _carry_signed(pdf, db_path, kept)
        except MotCuaError as exc:
            pdf_problems.append(exc.message)
    if scan_problems or pdf_problems:
        raise FilesNotBackedUp(_not_backed_up(Path(backup_file), db_path, scan_problems, pdf_problems))
    return copied


def _carry_signed(pdf: SignedPdf, db_path: str | Path, kept: FileBlobStore) -> int:
    """Copy one signed PDF into ``kept``, checked against the SHA-256 its audit entry recorded."""
    if kept.check(pdf.sha256).state == "ok":
        return 0
    source = pdf.path(db_path)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise MotCuaError(f"Mất tệp PDF đã ký số của {pdf.label}: không thấy {source}.") from None
    except OSError as exc:
        raise MotCuaError(f"Không đọc được tệp PDF đã ký số của {pdf.label}: {os_reason(exc)}.") from None
    if hashlib.sha256(data).hexdigest() != pdf.sha256:
        raise MotCuaError(
            f"Tệp PDF đã ký số của {pdf.label} đã bị sửa (nội dung không khớp mã SHA-256 ghi trong nhật "
            f"ký lúc ký): {source}; tệp này không được sao lưu."
        )
    kept.put(data, pdf.sha256)
    return 1


def _not_backed_up(backup_file: Path, db_path: str | Path, scans: list[str], pdfs: list[str]) -> str:
    what = [f"{len(scans)} tệp đính kèm"] if scans else []
    what += [f"{len(pdfs)} tệp PDF báo cáo đã ký số"] if pdfs else []
    text = (
        f"Đã sao lưu cơ sở dữ liệu vào {backup_file.name}, nhưng {' và '.join(what)} không sao lưu được: "
        + " ".join(scans + pdfs)
    )
    if scans:
        text += " Hãy chạy “motcua audit verify”."
    if pdfs:
        text += (
            " Không thể ký lại tệp PDF nếu không có token của Phó Chủ tịch: hãy tìm lại bản gốc (thư "
            f"đã gửi, bản sao lưu cũ hơn) và đặt vào {signed_dir_for(db_path)}."
        )
    return text


def restore_files_from_backup(backup_file: str | Path, db_path: str | Path) -> list[str]:
    """Bring back beside ``db_path`` the scans and signed PDFs it names; returns the messages of
    those not found (and of a different file that was renamed aside)."""
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
    for pdf in named_signed_pdfs(db_path):
        try:
            missing += _restore_signed(pdf, kept, db_path)
        except MotCuaError as exc:
            missing.append(exc.message)
    return missing


def _restore_signed(pdf: SignedPdf, kept: FileBlobStore, db_path: str | Path) -> list[str]:
    """Put one signed PDF back under its name, unless it is already there, byte for byte.

    The messages name the file first, then the report: the log's filter of personal data reads
    "số 3" and "bản 1" (even "số bao-cao-3-v1.pdf") as an address (``core.logsetup``), while the
    file name on its own survives it."""
    target = pdf.path(db_path)
    with contextlib.suppress(OSError):
        if target.is_file() and _sha256_of(target) == pdf.sha256:
            return []
    state = kept.check(pdf.sha256).state
    if state != "ok":
        said = "không có" if state == "missing" else "có bản bị sửa (không khớp mã SHA-256) của"
        return [
            f"Thư mục sao lưu {kept.root} {said} {target.name}, tệp PDF đã ký số của {pdf.label} "
            f"(mã {pdf.sha256[:12]}…): gửi lại báo cáo này sẽ không kèm tệp PDF đã ký."
        ]
    data = kept.read(pdf.sha256)
    said = []
    if target.exists():  # another register's, or an altered copy: kept, never overwritten
        aside = _aside_name(target)
        try:
            target.replace(aside)
        except OSError as exc:
            raise MotCuaError(
                f"Không khôi phục được {target.name}, tệp PDF đã ký số của {pdf.label}: không đổi tên "
                f"được tệp khác đang có ở {target} ({os_reason(exc)})."
            ) from None
        said.append(
            f"Tệp {target.name} có sẵn khác với tệp PDF đã ký số của {pdf.label} trong sổ vừa khôi "
            f"phục: đã giữ lại thành {aside.name}."
        )
    write_whole(target, data, "tệp PDF đã ký số", make_folder=True)
    return said


def _aside_name(target: Path) -> Path:
    stamp = now().strftime("%Y-%m-%d_%H%M%S")
    candidate = target.with_name(f"{target.stem}.truoc-khoi-phuc-{stamp}{target.suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}.truoc-khoi-phuc-{stamp}-{n}{target.suffix}")
    return candidate


def prune_backup_files(folder: str | Path, backup_files: list[Path]) -> int:
    """Remove from ``folder/tep`` the files (scans, signed PDFs) no remaining backup names;
    returns how many."""
    kept = FileBlobStore(Path(folder) / BACKUP_FILES_DIR)
    if not kept.root.is_dir():
        return 0
    named: set[str] = set()
    for path in backup_files:
        try:
            named |= backup_hashes(path)
        except (DatabaseError, sqlite3.Error) as exc:  # what it names is unknown: sweep nothing
            logging.getLogger(__name__).warning(
                "Chưa dọn %s: không đọc được %s (%s).", kept.root, Path(path).name, exc
            )
            return 0
    return len(kept.sweep(named, grace_seconds=3600))  # a backup running meanwhile keeps its files
