"""Where a digitally signed report's PDF is kept, and which ones a register says it has.

You cannot make the signature again without the vice-chair's token, so the PDF is the document
of record. ``reports.signing.stored`` writes and reads it. The backups
(``core.attachments.backup_files``) carry it and bring it back. Both need the same name, and
core/ never imports reports/, so the name is defined here and nowhere else:

- SQLite register: beside the database, ``<db stem>.ky-so/bao-cao-<id>-v<version>.pdf`` (the
  register ``motcua.sqlite3`` keeps them in ``motcua.ky-so/``);
- PostgreSQL register: in the database, ``attachment_blobs`` under the PDF's SHA-256, so every
  counter PC can send it and ``pg_dump`` holds it; a copy in the data folder's ``ky-so/`` on the
  PC where the vice-chair signed. Nothing deletes rows of ``attachment_blobs``: a sweep added
  there one day must keep the hashes ``signed_pdfs`` names as well as the scans'.

The register says which files it has and what their bytes must be. Each ``sign_digital`` audit
entry (entity ``report``, key = the report's id) records ``pdf_sha256``, and the ``reports`` table
gives the version that goes into the name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.paths import data_dir

SIGNED_DIR_SUFFIX = ".ky-so"  # ký số: digitally signed
SERVER_SIGNED_DIR = "ky-so"
_HEX = re.compile(r"^[0-9a-f]{64}$")


def signed_dir_for(db_path: str | Path | None) -> Path:
    """The folder of signed PDFs of the register at ``db_path`` (``None``: a server register)."""
    if db_path:
        path = Path(db_path)
        return path.with_name(path.stem + SIGNED_DIR_SUFFIX)
    return data_dir() / SERVER_SIGNED_DIR


def signed_file_name(report_id: int, version: int) -> str:
    return f"bao-cao-{report_id}-v{version}.pdf"


def signed_pdf_path(db_path: str | Path | None, report_id: int, version: int) -> Path:
    return signed_dir_for(db_path) / signed_file_name(report_id, version)


@dataclass(frozen=True)
class SignedPdf:
    """One signed PDF a register names: which report, which version, what its bytes hash to."""

    report_id: int
    version: int
    sha256: str

    @property
    def label(self) -> str:
        return f"báo cáo số {self.report_id} (phiên bản {self.version})"

    def path(self, db_path: str | Path | None) -> Path:
        return signed_pdf_path(db_path, self.report_id, self.version)


def signed_pdfs(conn) -> list[SignedPdf]:
    """The signed PDFs a register's audit names, with each report's version, in order of report id.

    ``conn`` is any open DB-API connection to a MotCua register. The SQL has no parameters, so
    it reads the same on SQLite and PostgreSQL. If a report has more than one entry, the last
    one counts. An entry with no well-formed ``pdf_sha256`` names no file. An altered audit log
    is for ``audit verify`` to find, not for the backup to guess around.
    """
    versions = {int(rid): int(version) for rid, version in conn.execute("SELECT id, version FROM reports")}
    named: dict[int, str] = {}
    rows = conn.execute(
        "SELECT entity_key, new FROM audit_log "
        "WHERE action = 'sign_digital' AND entity = 'report' ORDER BY id"
    )
    for key, new in rows:
        try:
            report_id = int(key)
            digest = json.loads(new or "{}").get("pdf_sha256", "")
        except (ValueError, TypeError, AttributeError):
            continue
        if isinstance(digest, str) and _HEX.match(digest):
            named[report_id] = digest
    return [SignedPdf(rid, versions[rid], digest) for rid, digest in sorted(named.items()) if rid in versions]


def newest_signed_sha256(store: Any, report_id: int) -> str | None:
    """The ``pdf_sha256`` of the report's newest ``sign_digital`` entry (``None``: none, or not a
    well-formed hash); what a server register's stored copy of the signed PDF must hash to."""
    for entry in store.audit_entries(entity="report", key=str(report_id), limit=10_000):
        if entry.get("action") != "sign_digital":
            continue
        try:
            digest = json.loads(entry.get("new") or "{}").get("pdf_sha256", "")
        except (ValueError, TypeError, AttributeError):
            return None
        return digest if isinstance(digest, str) and _HEX.match(digest) else None
    return None
