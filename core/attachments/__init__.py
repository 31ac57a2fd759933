"""Scans kept with a dossier (số hóa): checking a file, storing it by its SHA-256, thumbnails.

Where the bytes live depends on the backend, and the choice is deliberate:

- **SQLite (one counter PC):** files live *beside* the database, in ``<db stem>.tep/ab/cdef…``
  (``blobs.FileBlobStore``). A ward scans some 30 dossiers a day at 0.3-1 MB a page: a few GB a
  year. Inside the SQLite file those bytes would make every backup copy the whole history page
  by page through the online backup API (minutes instead of seconds), bloat the WAL on every
  attach (the WAL holds each new page until a checkpoint) and make ``integrity_check`` and
  ``VACUUM`` walk gigabytes. A content-addressed file is written once, never changed, and a
  backup copies only the files it does not already have. The database keeps the SHA-256 of
  each file, so a file altered or lost on disk is named by ``audit verify``.
- **PostgreSQL (a centre's server):** the bytes are in the database (``bytea``). Every counter
  of the centre sees the same files without a shared folder (no SMB share, no second backup
  to forget), one ``pg_dump`` holds everything, and the server's own access rules apply.

Nothing here writes a database row: ``content.check_file`` refuses hostile files before
anything is stored, ``blobs`` keeps the bytes, ``thumbs`` draws previews.
"""

from __future__ import annotations

from core.attachments.content import (
    MIME_LABELS,
    AttachmentLimits,
    AttachmentRefused,
    FileFacts,
    check_bytes,
    check_dossier_total,
    check_file,
    sha256_hex,
)

__all__ = [
    "MIME_LABELS",
    "AttachmentLimits",
    "AttachmentRefused",
    "FileFacts",
    "check_bytes",
    "check_dossier_total",
    "check_file",
    "sha256_hex",
]
