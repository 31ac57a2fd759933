"""What intake records for digitising and payment: the columns, checked (no storage here).

Intake is where the two facts are born: how the fee was paid (tiền mặt / chuyển khoản / trực
tuyến: the "Thanh toán trực tuyến" indicator) and which documents were reused from the national
data instead of scanned (tái sử dụng). From them and the documents the dossier's
``docs_to_digitise`` is fixed, and a dossier whose every document was reused is digitised at
the moment it is received.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.attachments.status import digitised_moment, to_digitise
from core.errors import ValidationError
from core.model import Channel, Payment

PAYMENT_WORDS = {p.value: p for p in Payment}


def parse_payment(value: str | Payment | None) -> Payment | None:
    """``tien-mat`` / ``chuyen-khoan`` / ``truc-tuyen`` (or the enum); empty: not recorded."""
    if value in (None, ""):
        return None
    if isinstance(value, Payment):
        return value
    word = str(value).strip().lower()
    if word not in PAYMENT_WORDS:
        raise ValidationError(
            "Hình thức nộp phí", f"“{value}” không hợp lệ: chỉ nhận tien-mat, chuyen-khoan hoặc truc-tuyen"
        )
    return PAYMENT_WORDS[word]


def check_reused(reused: Iterable[int], documents: tuple[str, ...]) -> tuple[int, ...]:
    """Document numbers (from 1, as on the receipt), each once, each an existing document."""
    out: list[int] = []
    for n in reused:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(documents):
            raise ValidationError(
                "Thành phần tái sử dụng", f"không có thành phần số {n} (hồ sơ có {len(documents)} thành phần)"
            )
        if n not in out:
            out.append(n)
    return tuple(sorted(out))


def intake_columns(
    payment: str | Payment | None,
    reused: Iterable[int],
    documents: tuple[str, ...],
    channel: Channel | str,
    fee: int,
    received_at: datetime,
) -> dict[str, Any]:
    """The dossier columns of this issue for a new dossier (payment, reuse, digitising)."""
    method = parse_payment(payment)
    if method is None and fee > 0 and Channel(channel) == Channel.ONLINE:
        method = Payment.ONLINE  # a fee on an online dossier is paid on the portal
    numbers = check_reused(reused, documents)
    moment = digitised_moment(documents, channel, numbers, (), received_at)
    return {
        "payment": method.value if method else "",
        "reused_documents": list(numbers),
        "docs_to_digitise": to_digitise(documents, channel),
        "digitised_at": moment,
    }
