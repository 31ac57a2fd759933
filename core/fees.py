"""What the catalogue's fee text ("Phí, lệ phí") means for a dossier: is there a fee, and which
amount the intake form offers by default.

The catalogue keeps the fee as the text the province publishes ("20.000 đồng (trực tiếp),
10.000 đồng (trực tuyến)", "Miễn lệ phí", "Theo Nghị quyết của HĐND tỉnh"), because that is
what a citizen is shown. The receipt must not print "Không thu" for a procedure that has a fee
merely because the clerk typed none, and the intake form should offer the published amount.
"""

from __future__ import annotations

import re

from core.model import Channel, Procedure
from core.text import fold

_NO_FEE = {"", "khong", "khong thu", "khong co", "mien phi", "mien le phi", "mien phi, le phi", "0", "-"}
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|đ\b|vnđ|vnd)", re.IGNORECASE)
_CHANNEL_WORDS = {Channel.DIRECT: "truc tiep", Channel.ONLINE: "truc tuyen", Channel.POST: "buu chinh"}


def has_fee(fee_text: str) -> bool:
    """False for a procedure the catalogue marks as free ("Không", "Miễn lệ phí", empty)."""
    return fold(fee_text).strip(" .") not in _NO_FEE


def exempt_note(fee_text: str) -> str:
    """The catalogue's wording of a conditional exemption ("Miễn lệ phí khi đăng ký đúng hạn")."""
    return fee_text.strip() if fold(fee_text).startswith("mien") else ""


def default_fee(procedure: Procedure, channel: Channel = Channel.DIRECT) -> int:
    """The amount the intake form offers: the published amount for the channel, else the first
    amount in the text, else 0 (a fee set by a provincial resolution is typed by the clerk)."""
    text = procedure.fee or ""
    if not has_fee(text) or exempt_note(text):
        return 0
    amounts = [(m.start(), _amount(m.group(1))) for m in _AMOUNT.finditer(text)]
    if not amounts:
        return 0
    word = _CHANNEL_WORDS.get(Channel(channel))
    folded = fold(text)
    if word and word in folded:
        # the amount just before "(trực tiếp)" / "(trực tuyến)"
        where = folded.index(word)
        before = [a for pos, a in amounts if pos < where]
        if before:
            return before[-1]
    if Channel(channel) == Channel.POST and "truc tiep" in folded:
        return default_fee(procedure, Channel.DIRECT)
    return amounts[0][1]


def _amount(text: str) -> int:
    return int(re.sub(r"[.,]", "", text))


def receipt_fee_line(fee_collected: int, fee_text: str | None) -> str:
    """What the receipt prints after "Phí, lệ phí (nếu có):".

    Typed amount: that amount. No amount, and the catalogue says the procedure is free: "Không
    thu" (with the exemption's wording when conditional). No amount for a procedure with a fee:
    the catalogue's wording, left for the pen, never "Không thu". Unknown catalogue: dots.
    """
    if fee_collected:
        return f"{fee_collected:,}".replace(",", ".") + " đồng"
    if fee_text is None:
        return "……"
    note = exempt_note(fee_text)
    if note:
        return f"Không thu ({note})"
    if not has_fee(fee_text):
        return "Không thu"
    return f"…… ({fee_text.strip()})"
