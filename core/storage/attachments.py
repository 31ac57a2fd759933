"""The SQL of scans kept with a dossier (the rules are in core/attachments).

Rows (``attachments``) are the same on both backends. The bytes are not (the reasons are in
``core.attachments``): SQLite keeps them in files beside the database (``FileBlobStore``),
PostgreSQL in the ``attachment_blobs`` table (``bytea``, one row per SHA-256, so a scan attached
twice is stored once there too). Either way the row names the bytes by their SHA-256.
"""

from __future__ import annotations

from typing import Any

from core.errors import MotCuaError

ATTACHMENT_COLUMNS = (
    "dossier_id",
    "document",
    "is_result",
    "file_name",
    "size",
    "sha256",
    "mime",
    "pages",
    "at",
    "user_login",
    "user_name",
)
_INSERT = (
    f"INSERT INTO attachments ({', '.join(ATTACHMENT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in ATTACHMENT_COLUMNS)})"
)
_LIST = (
    "SELECT a.*, d.code AS dossier_code FROM attachments a JOIN dossiers d ON d.id = a.dossier_id "
    "WHERE a.dossier_id = ? ORDER BY a.id"
)


class AttachmentMixin:
    """Attachment rows and their bytes; stored values in, plain dicts out."""

    kind: str

    # --- rows ---------------------------------------------------------------------------------
    def attachment_insert(self, values: dict[str, Any]) -> int:
        return self._insert(_INSERT, {c: values[c] for c in ATTACHMENT_COLUMNS})

    def attachments_of(self, dossier_id: int) -> list[dict]:
        return self._rows(_LIST, [dossier_id])

    def attachment_row(self, dossier_id: int, attachment_id: int) -> dict | None:
        rows = self._rows(
            "SELECT * FROM attachments WHERE dossier_id = ? AND id = ?", [dossier_id, attachment_id]
        )
        return rows[0] if rows else None

    def attachment_total(self, dossier_id: int) -> int:
        return int(
            self._scalar("SELECT COALESCE(SUM(size), 0) FROM attachments WHERE dossier_id = ?", [dossier_id])
        )

    def all_attachments(self) -> list[dict]:
        """Every row with its dossier's code (``audit verify``, backups)."""
        return self._rows(
            "SELECT a.id, a.sha256, a.size, a.file_name, d.code AS dossier_code "
            "FROM attachments a JOIN dossiers d ON d.id = a.dossier_id ORDER BY a.id"
        )

    def attachment_rows(self) -> list[dict]:
        """Every row whole, in id order (``motcua migrate`` copies them to the server)."""
        return self._rows("SELECT * FROM attachments ORDER BY id")

    def attachment_hashes(self) -> set[str]:
        return {r["sha256"] for r in self._rows("SELECT DISTINCT sha256 FROM attachments")}

    # --- bytes --------------------------------------------------------------------------------
    def blob_store(self):
        """The files beside the SQLite database (``None`` on PostgreSQL: bytes are in tables)."""
        if self.kind != "sqlite":
            return None
        from core.attachments.blobs import FileBlobStore

        if self.path is None:
            raise MotCuaError("Cơ sở dữ liệu trong bộ nhớ không lưu được tệp đính kèm.")
        return FileBlobStore.beside(self.path)

    def blob_put(self, sha256: str, data: bytes) -> None:
        """Store the bytes (before the row that names them: see ``core.attachments.blobs``); bytes
        already stored under the hash but altered since are replaced by these, the right ones."""
        files = self.blob_store()
        if files is not None:
            files.put(data, sha256)
            return
        self._exec(
            "INSERT INTO attachment_blobs (sha256, content) VALUES (?, ?) ON CONFLICT (sha256) "
            "DO UPDATE SET content = excluded.content WHERE attachment_blobs.content <> excluded.content",
            [sha256, data],
        )

    def blob_get(self, sha256: str) -> bytes | None:
        """The stored bytes, unchecked (``None`` when missing); the caller compares the hash."""
        files = self.blob_store()
        if files is not None:
            path = files.path(sha256)
            try:
                return path.read_bytes()
            except FileNotFoundError:
                return None
            except OSError as exc:
                from core.filesafety import os_reason

                raise MotCuaError(
                    f"Không đọc được tệp đính kèm {path.name[:10]}…: {os_reason(exc)}."
                ) from exc
        row = self._one("SELECT content FROM attachment_blobs WHERE sha256 = ?", [sha256])
        return bytes(row[0]) if row else None
