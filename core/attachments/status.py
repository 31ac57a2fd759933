"""Which documents of a dossier must be digitised, and which are (the rule, no storage).

Decree 118/2025 art. 17(1)(c) and Circular 03/2025 art. 5 (applying Circular 01/2023/TT-VPCP
art. 8): the documents of a *paper* dossier are scanned at intake and kept with it. Not
required: dossiers received online (their documents arrived as files), documents only shown
at the counter (the catalogue marks them "(xuất trình)": the clerk checks the original and
hands it back), and secret documents ("(mật)"). A document the national database already holds
(the citizen's ID, the residence record) is reused ("tái sử dụng") instead of scanned: it counts
as digitised, which is the point of the national data.

The dossier row keeps two facts derived from this rule, written in the same transaction as each
attach (``docs_to_digitise``: how many documents had to exist in digital form; ``digitised_at``:
when the last of them was scanned or reused), so the indicators are one aggregate query on
either backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import Channel

SHOWN_MARKERS = ("xuất trình", "(mật)", "tài liệu mật")


class DocState(StrEnum):
    DIGITISED = "da-so-hoa"
    REUSED = "tai-su-dung"
    NOT_DIGITISED = "chua-so-hoa"
    NOT_REQUIRED = "khong-can"

    @property
    def label(self) -> str:
        return {
            "da-so-hoa": "Đã số hóa",
            "tai-su-dung": "Tái sử dụng dữ liệu",
            "chua-so-hoa": "Chưa số hóa",
            "khong-can": "Không phải số hóa",
        }[self.value]

    @property
    def done(self) -> bool:
        return self in (DocState.DIGITISED, DocState.REUSED)


def needs_scan(document: str, channel: Channel | str) -> bool:
    """A document of a paper dossier that is handed in (not only shown, not secret)."""
    if Channel(channel) == Channel.ONLINE:
        return False
    text = document.lower()
    return not any(marker in text for marker in SHOWN_MARKERS)


def to_digitise(documents: Iterable[str], channel: Channel | str) -> int:
    """How many documents must exist in digital form after intake (scanned, or reused)."""
    return sum(1 for doc in documents if needs_scan(doc, channel))


@dataclass(frozen=True)
class DocumentStatus:
    number: int  # 1-based, as numbered on the receipt
    name: str
    state: DocState
    files: int  # attachments tied to it


def document_states(
    documents: Iterable[str],
    channel: Channel | str,
    reused: Iterable[int],
    attached: Iterable[int],
) -> list[DocumentStatus]:
    """The state of every document: ``attached`` lists the document number of each attachment.

    Documents are numbered from 1, as on the receipt (``reused`` and ``attached`` too)."""
    counts: dict[int, int] = {}
    for index in attached:
        counts[index] = counts.get(index, 0) + 1
    reused_set = set(reused)
    out = []
    for i, doc in enumerate(documents, start=1):
        files = counts.get(i, 0)
        if files:
            state = DocState.DIGITISED
        elif i in reused_set:
            state = DocState.REUSED
        elif needs_scan(doc, channel):
            state = DocState.NOT_DIGITISED
        else:
            state = DocState.NOT_REQUIRED
        out.append(DocumentStatus(i, doc, state, files))
    return out


def digitised_moment(
    documents: Iterable[str],
    channel: Channel | str,
    reused: Iterable[int],
    attachments: Iterable[tuple[int, datetime]],
    received_at: datetime,
) -> datetime | None:
    """When the last document that needed a digital copy got one; ``None``: not yet (or none needed).

    ``attachments`` are ``(document number, moment)`` of the dossier's intake files; a reused
    document is digital from the moment of intake.
    """
    skip = set(reused)
    needed = [i for i, doc in enumerate(documents, start=1) if needs_scan(doc, channel)]
    if not needed:
        return None
    first: dict[int, datetime] = {}
    for index, at in attachments:
        if index not in first or at < first[index]:
            first[index] = at
    moments = [received_at if i in skip else first.get(i) for i in needed]
    if any(m is None for m in moments):
        return None
    return max(m for m in moments if m is not None)
