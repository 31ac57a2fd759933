"""The report object: a period's figures frozen in a snapshot, three short notes, and a status.

A report is a draft until the vice-chair signs it; a signed report never changes. If the live
figures later differ from a signed snapshot (a dossier entered late), a new version is made
that supersedes it. The snapshot's SHA-256 fingerprint is what the vice-chair signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.stats import Table

DRAFT = "draft"
SIGNED = "signed"
SENT = "sent"
STATUS_LABELS = {DRAFT: "Bản nháp", SIGNED: "Đã ký duyệt, chưa gửi", SENT: "Đã gửi"}


@dataclass(frozen=True)
class Report:
    """One version of a report, as stored (``reports`` table) or as a new unsaved draft (id None)."""

    id: int | None
    table: Table  # the snapshot of the figures (period inside)
    version: int = 1
    supersedes: int | None = None
    status: str = DRAFT
    highlights: str = ""  # Kết quả nổi bật
    difficulties: str = ""  # Khó khăn, vướng mắc
    proposals: str = ""  # Đề xuất, kiến nghị
    created_at: datetime | None = None
    created_by: str = ""
    created_by_name: str = ""
    signed_at: datetime | None = None
    signed_by: str | None = None
    signed_by_name: str | None = None
    signed_by_title: str | None = None
    fingerprint: str | None = None
    sent_at: datetime | None = None

    @property
    def is_signed(self) -> bool:
        return self.status in (SIGNED, SENT)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
