"""Where a signed report's PDF is kept until it is sent, and reading its embedded snapshot back.

A signature cannot be made again without the vice-chair's token, so the signed PDF is kept as
made: beside the database, in ``<db stem>.ky-so/``. The name is ``core.attachments.signed_pdfs``'s,
shared with the SQLite backups, which carry each signed PDF into ``<backup folder>/tep/`` and bring
it back on restore (``core.attachments.backup_files``).

A server register (PostgreSQL) has no file to put it beside, and the counter PCs each have their
own data folder, so the PDF is also stored in the database: in ``attachment_blobs`` under its
SHA-256 (``Store.blob_put``, in the sign-off's own transaction), where every PC can read it and
``pg_dump`` holds it. The data folder's ``ky-so/`` keeps a copy on the PC that signed, read first.

The register keeps what says which bytes are genuine: the report's fingerprint, and the audit
entry ``sign_digital`` with the PDF's SHA-256; a PDF whose embedded fingerprint is not the
report's, or database bytes that do not hash to the audit's SHA-256, are never attached.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from core.attachments.signed_pdfs import newest_signed_sha256, signed_dir_for, signed_pdf_path
from core.errors import MotCuaError
from core.filesafety import write_whole
from core.reporting import Report
from reports.signing.pdf import SNAPSHOT_FILE

MAX_PDF_BYTES = 20_000_000  # a report PDF is ~150 KB; anything this large is not one


def signed_dir(register) -> Path:
    return signed_dir_for(getattr(register.store, "path", None))


def signed_path(register, report: Report) -> Path:
    return signed_pdf_path(getattr(register.store, "path", None), report.id, report.version)


def on_server(register) -> bool:
    """A shared register: its signed PDFs go in the database too (see the module's docstring)."""
    return register.store.kind != "sqlite"


def save_signed(register, report: Report, data: bytes) -> Path:
    """Keep the signed PDF: on a server in the database (call it inside the sign-off's transaction,
    so a failed sign-off leaves no bytes and a committed one always has them), then as a file
    written whole or not at all (temporary name, then rename)."""
    if on_server(register):
        register.store.blob_put(sha256_hex(data), data)
    return write_whole(signed_path(register, report), data, "tệp PDF đã ký", make_folder=True)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_signed(register, report: Report) -> bytes | None:
    """The report's signed PDF, if it has one whose embedded fingerprint is the report's; else None.

    The file on this PC first; on a server register, if that is missing or not the report's, the
    database's copy named by the newest ``sign_digital`` entry, so that a report signed on one
    counter PC goes with its PDF from any other."""
    if not report.is_signed or not report.fingerprint:
        return None
    try:
        data = signed_path(register, report).read_bytes()
    except OSError:
        data = None
    if data is not None and _is_reports(data, report):
        return data
    if not on_server(register):
        return None
    digest = newest_signed_sha256(register.store, report.id)
    stored = register.store.blob_get(digest) if digest else None
    if stored is None or sha256_hex(stored) != digest or not _is_reports(stored, report):
        return None
    return stored


def _is_reports(data: bytes, report: Report) -> bool:
    """Whether the PDF carries this report's fingerprint (a file of another version, another
    register's or a damaged one does not)."""
    try:
        snapshot = embedded_snapshot(data)
    except MotCuaError:
        return False
    return snapshot.get("fingerprint") == report.fingerprint


def embedded_snapshot(data: bytes) -> dict[str, Any]:
    """The ``motcua-bao-cao.json`` a MotCua report PDF carries (raises MotCuaError if absent)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            if str(names[i]) == SNAPSHOT_FILE:
                spec = names[i + 1].get_object()
                raw = spec["/EF"]["/F"].get_object().data
                value = json.loads(raw.decode("utf-8"))
                if isinstance(value, dict):
                    return value
    except MotCuaError:
        raise
    except Exception:  # a damaged or foreign PDF: any of many pyHanko/JSON errors
        pass
    raise MotCuaError(f"Tệp PDF không mang số liệu báo cáo của MotCua ({SNAPSHOT_FILE}).")
