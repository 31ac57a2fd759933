"""The register's part for scans: attach, list, read back, verify (mixed into ``Register``).

Order of an attach, and why:
1. check the file (type by content, real parse, bombs, size): refusals write nothing;
2. in the write transaction, lock the dossier row, check the per-dossier budget and that the
   same file is not already on the same document;
3. store the bytes (SQLite: an atomic file beside the database, before the row; PostgreSQL:
   a ``bytea`` row in the same transaction), then the attachment row, the dossier's digitised
   moments and the audit entry. A failure after step 3 leaves at most an unreferenced file,
   which ``FileBlobStore.sweep`` may remove later; never a row without its bytes.

Reading a file back checks its SHA-256: an altered file is never handed out as the scan.
Listing and opening files with a user are recorded in the audit chain (access to personal
data, Decree 13/2023); the window's thumbnails are drawn from a listing that was recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import users as users_mod
from core.attachments.content import (
    AttachmentLimits,
    AttachmentRefused,
    FileFacts,
    check_bytes,
    check_dossier_total,
    check_file,
    sha256_hex,
)
from core.attachments.status import DocumentStatus, digitised_moment, document_states
from core.errors import NotFoundError, ValidationError
from core.model import Role, User
from core.text import nfc
from core.timeutil import from_db, to_db, to_local

RESULT_LABEL = "Kết quả giải quyết"


@dataclass(frozen=True)
class Attachment:
    id: int
    dossier_code: str
    document: int | None  # 1-based document number; None for the result
    is_result: bool
    file_name: str
    size: int
    sha256: str
    mime: str
    pages: int
    at: datetime
    user_login: str
    user_name: str

    @property
    def target_label(self) -> str:
        return RESULT_LABEL if self.is_result else f"Thành phần {self.document}"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "document": self.document,
            "result": self.is_result,
            "file_name": self.file_name,
            "size": self.size,
            "sha256": self.sha256,
            "mime": self.mime,
            "pages": self.pages,
            "at": to_db(self.at),
            "user": self.user_login,
            "user_name": self.user_name,
        }


@dataclass(frozen=True)
class FileProblem:
    """A file ``audit verify`` found altered or missing."""

    attachment_id: int
    dossier_code: str
    file_name: str
    sha256: str
    state: str  # "missing" | "altered"

    @property
    def message(self) -> str:
        what = "bị mất" if self.state == "missing" else "đã bị sửa (nội dung không khớp SHA-256)"
        return (
            f"Tệp đính kèm số {self.attachment_id} “{self.file_name}” của hồ sơ {self.dossier_code} {what}."
        )


def _same(value):
    """Lists and tuples compare as lists (stored rows give one, the rule the other)."""
    return list(value) if isinstance(value, (list, tuple)) else value


def _attachment(row: dict, code: str) -> Attachment:
    return Attachment(
        id=row["id"],
        dossier_code=row.get("dossier_code") or code,
        document=row["document"],
        is_result=bool(row["is_result"]),
        file_name=row["file_name"],
        size=row["size"],
        sha256=row["sha256"],
        mime=row["mime"],
        pages=row["pages"],
        at=from_db(row["at"]),
        user_login=row["user_login"],
        user_name=row["user_name"],
    )


class AttachmentsMixin:
    """Scans kept with a dossier; needs the ``Register`` it is mixed into (store, clock, settings)."""

    @property
    def attachment_limits(self) -> AttachmentLimits:
        return AttachmentLimits.from_settings(self.settings)

    def check_attachment(self, source: str | Path | bytes, name: str = "") -> tuple[bytes, FileFacts]:
        """Check a file without storing anything (the window checks a dropped file at once)."""
        limits = self.attachment_limits
        if isinstance(source, bytes):
            return source, check_bytes(source, name or "tep-dinh-kem", limits)
        return check_file(source, limits, name or None)

    def attach(
        self,
        code: str,
        source: str | Path | bytes,
        user: User,
        document: int | None = None,
        result: bool = False,
        name: str = "",
        at: datetime | None = None,
    ) -> Attachment:
        """Keep a scan with dossier ``code``, tied to document ``document`` (from 1) or the result.

        ``at`` (demo data, imports): when it was scanned; never in the future, never before intake."""
        users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="đính kèm tệp")
        if result and document is not None:
            raise ValidationError("Tệp đính kèm", "chọn một: thành phần hồ sơ hoặc kết quả, không cả hai")
        if not result and document is None:
            raise ValidationError(
                "Tệp đính kèm", "chưa chọn thành phần hồ sơ (--document N) hoặc kết quả (--result)"
            )
        data, facts = self.check_attachment(source, name)
        at = self._scan_moment(at)
        with self.store.transaction():
            state = self.store.dossier_state(nfc(code), for_update=True)
            if state is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
            documents = tuple(state["documents"])
            if at < state["received_at"]:
                raise ValidationError("Thời điểm số hóa", "trước khi tiếp nhận hồ sơ")
            if document is not None and not (
                isinstance(document, int)
                and not isinstance(document, bool)
                and 1 <= document <= len(documents)
            ):
                raise ValidationError(
                    "Thành phần hồ sơ",
                    f"không có thành phần số {document} (hồ sơ có {len(documents)} thành phần)",
                )
            existing = self.store.attachments_of(state["id"])
            for row in existing:
                if (
                    row["sha256"] == facts.sha256
                    and row["document"] == document
                    and bool(row["is_result"]) == result
                ):
                    raise AttachmentRefused(
                        f"Tệp {facts.name} đã được đính kèm vào hồ sơ {state['code']} (tệp số {row['id']})."
                    )
            check_dossier_total(
                sum(r["size"] for r in existing), facts.size, self.attachment_limits, state["code"]
            )
            self.store.blob_put(facts.sha256, data)
            values = {
                "dossier_id": state["id"],
                "document": document,
                "is_result": int(result),
                "file_name": facts.name,
                "size": facts.size,
                "sha256": facts.sha256,
                "mime": facts.mime,
                "pages": facts.pages,
                "at": to_db(at),
                "user_login": user.login,
                "user_name": user.full_name,
            }
            new_id = self.store.attachment_insert(values)
            self._update_digitised(state, existing + [{**values, "id": new_id}])
            self.store.audit(
                user_login=user.login,
                action="attach",
                entity="dossier",
                key=state["code"],
                new={
                    k: values[k]
                    for k in ("document", "is_result", "file_name", "size", "sha256", "mime", "pages")
                }
                | {"attachment_id": new_id},
                at=at,
            )
        return _attachment({**values, "id": new_id}, state["code"])

    def _scan_moment(self, at: datetime | None) -> datetime:
        now = self.now()
        if at is None:
            return now
        at = to_local(at).replace(microsecond=0)
        if at > now:
            raise ValidationError("Thời điểm số hóa", "ở tương lai")
        return at

    def _update_digitised(self, state: dict, rows: list[dict]) -> None:
        """Keep ``digitised_at`` / ``result_digitised_at`` in step with the files (one transaction)."""
        reused = tuple(state.get("reused_documents") or ())
        intake_files = [(r["document"], from_db(r["at"])) for r in rows if not r["is_result"]]
        moment = digitised_moment(
            state["documents"], state["channel"], reused, intake_files, state["received_at"]
        )
        results = sorted(from_db(r["at"]) for r in rows if r["is_result"])
        scanned = sorted({r["document"] for r in rows if not r["is_result"]})
        changes = {
            "digitised_at": moment,
            "result_digitised_at": results[0] if results else None,
            "digitised_documents": scanned,
        }
        stored = dict(state)
        if isinstance(stored.get("digitised_documents"), str):
            stored["digitised_documents"] = json.loads(stored["digitised_documents"])
        changed = {k: v for k, v in changes.items() if _same(stored.get(k)) != _same(v)}
        if changed:
            self.store.update_dossier(state["id"], changed)

    def attachments(self, code: str, user: User | None = None) -> list[Attachment]:
        """The dossier's files, oldest first; with ``user`` the listing is recorded in the audit chain."""
        d = self.dossier(code) if user is None else None
        if user is None:
            return [_attachment(r, d.code) for r in self.store.attachments_of(d.id)]
        with self.store.transaction():
            state = self.store.dossier_state(nfc(code))
            if state is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
            rows = self.store.attachments_of(state["id"])
            self.store.audit(
                user_login=user.login,
                action="list-attachments",
                entity="dossier",
                key=state["code"],
                new={"count": len(rows)},
                at=self.now(),
            )
        return [_attachment(r, state["code"]) for r in rows]

    def attachment(self, code: str, attachment_id: int) -> Attachment:
        d = self.dossier(code)
        row = self.store.attachment_row(d.id, int(attachment_id))
        if row is None:
            raise NotFoundError(f"Hồ sơ {d.code} không có tệp đính kèm số {attachment_id}.")
        return _attachment(row, d.code)

    def attachment_bytes(self, code: str, attachment_id: int, user: User | None = None) -> bytes:
        """The file's bytes, checked against its SHA-256; with ``user`` the opening is audited."""
        item = self.attachment(code, attachment_id)
        data = self.store.blob_get(item.sha256)
        if data is None:
            raise NotFoundError(
                f"Mất tệp đính kèm số {item.id} “{item.file_name}” của hồ sơ {item.dossier_code}: "
                "hãy khôi phục từ bản sao lưu."
            )
        if sha256_hex(data) != item.sha256:
            raise AttachmentRefused(
                f"Tệp đính kèm số {item.id} “{item.file_name}” của hồ sơ {item.dossier_code} đã bị sửa "
                "(nội dung không khớp SHA-256): không mở. Hãy khôi phục từ bản sao lưu."
            )
        if user is not None:
            with self.store.transaction():
                self.store.audit(
                    user_login=user.login,
                    action="open-attachment",
                    entity="dossier",
                    key=item.dossier_code,
                    new={"attachment_id": item.id, "sha256": item.sha256},
                    at=self.now(),
                )
        return data

    def document_status(self, code: str) -> list[DocumentStatus]:
        """Digitised / reused / not digitised / not required, for each document of the dossier."""
        d = self.dossier(code)
        attached = [r["document"] for r in self.store.attachments_of(d.id) if not r["is_result"]]
        return document_states(d.documents, d.channel, getattr(d, "reused_documents", ()), attached)

    def result_digitised(self, code: str) -> bool:
        d = self.dossier(code)
        return any(r["is_result"] for r in self.store.attachments_of(d.id))

    def verify_files(self) -> list[FileProblem]:
        """Every attachment's bytes present and matching its SHA-256 (``audit verify``)."""
        problems = []
        files = self.store.blob_store()
        for row in self.store.all_attachments():
            if files is not None:  # streamed: a large scan is never read whole to be checked
                state = files.check(row["sha256"]).state
            else:
                data = self.store.blob_get(row["sha256"])
                state = (
                    "missing" if data is None else ("altered" if sha256_hex(data) != row["sha256"] else "ok")
                )
            state = "" if state == "ok" else state
            if state:
                problems.append(
                    FileProblem(row["id"], row["dossier_code"], row["file_name"], row["sha256"], state)
                )
        return problems
