"""Where a signed report's PDF is kept until it is sent, and reading its embedded snapshot back.

A signature cannot be made again without the vice-chair's token, so the signed PDF is kept as
made: beside the database, in ``<db stem>.ky-so/`` (the PostgreSQL backend has no file, so the
data folder's ``ky-so/``). The name is ``core.attachments.signed_pdfs``'s, shared with the SQLite
backups, which carry each signed PDF into ``<backup folder>/tep/`` and bring it back on restore
(``core.attachments.backup_files``). The register keeps what says which file is genuine: the
report's fingerprint, and the audit entry ``sign_digital`` with the PDF's SHA-256; a file whose
embedded fingerprint is not the report's is never attached.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from core.attachments.signed_pdfs import signed_dir_for, signed_pdf_path
from core.errors import MotCuaError
from core.filesafety import write_whole
from core.reporting import Report
from reports.signing.pdf import SNAPSHOT_FILE

MAX_PDF_BYTES = 20_000_000  # a report PDF is ~150 KB; anything this large is not one


def signed_dir(register) -> Path:
    return signed_dir_for(getattr(register.store, "path", None))


def signed_path(register, report: Report) -> Path:
    return signed_pdf_path(getattr(register.store, "path", None), report.id, report.version)


def save_signed(register, report: Report, data: bytes) -> Path:
    """Write the signed PDF whole or not at all (temporary name, then rename)."""
    return write_whole(signed_path(register, report), data, "tệp PDF đã ký", make_folder=True)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_signed(register, report: Report) -> bytes | None:
    """The report's signed PDF, if it has one whose embedded fingerprint is the report's; else None."""
    if not report.is_signed or not report.fingerprint:
        return None
    path = signed_path(register, report)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        snapshot = embedded_snapshot(data)
    except MotCuaError:
        return None
    return data if snapshot.get("fingerprint") == report.fingerprint else None


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
