"""The ward's own service indicators (Decision 766/QĐ-TTg groups), from its own register.

The official figures come from the national portal, by formulas that are not published in a
form we could verify; a ward wants to see its own beforehand, for the same period as its
report. So every figure here travels with the sentence that defines it (``definition``), and
the workbook, the e-mail, the window and ``motcua indicators`` print that sentence beside it:
a reader can disagree with a definition, never be misled by one.

Two sources, both aggregate SQL on either backend:
- progress and online share come from the report's own table (``core.stats.compute``), so they
  can never disagree with the report they are printed under;
- payment, satisfaction and digitisation from ``Store.indicator_counts`` (one pass over the
  period's new dossiers, one over its returns).

A share with nothing to divide (no fee-paying dossier in the period...) is ``None``, shown as
"không có hồ sơ", never as 0 % or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.periods import Period
from core.timeutil import to_db

GROUPS = {
    "progress": "Tiến độ giải quyết",
    "online": "Dịch vụ công trực tuyến",
    "payment": "Thanh toán trực tuyến",
    "satisfaction": "Mức độ hài lòng",
    "digitising": "Số hóa hồ sơ",
}
NOTHING = "không có hồ sơ"
FOOTNOTE = (
    "Chỉ số tự đánh giá từ sổ theo dõi của đơn vị theo nhóm chỉ số của Quyết định 766/QĐ-TTg; "
    "số liệu chính thức do Cổng Dịch vụ công quốc gia công bố."
)


@dataclass(frozen=True)
class Indicator:
    """One figure: a share ``part / whole``, or a count when ``whole`` is ``None``."""

    key: str
    group: str
    label: str
    part: int
    whole: int | None
    definition: str

    @property
    def share(self) -> float | None:
        if self.whole is None or self.whole == 0:
            return None
        return self.part / self.whole

    @property
    def is_count(self) -> bool:
        return self.whole is None

    @property
    def value_text(self) -> str:
        """``85,7 %`` for a share, ``12`` for a count, ``không có hồ sơ`` for 0/0."""
        if self.whole is None:
            return f"{self.part:,}".replace(",", ".")
        if not self.whole:
            return NOTHING
        return percent_text(self.part / self.whole)

    @property
    def detail_text(self) -> str:
        """``120/140 hồ sơ`` beside a share; empty for a count or 0/0 (already "không có hồ sơ")."""
        return "" if not self.whole else f"{self.part}/{self.whole} hồ sơ"

    def to_json(self) -> dict[str, Any]:
        share = self.share
        return {
            "key": self.key,
            "group": self.group,
            "label": self.label,
            "part": self.part,
            "whole": self.whole,
            "share": None if share is None else round(share, 4),
            "definition": self.definition,
        }


def percent_text(share: float) -> str:
    """Vietnamese: one decimal, decimal comma (85,7 %)."""
    return f"{share * 100:.1f}".replace(".", ",") + " %"


@dataclass(frozen=True)
class Indicators:
    period: Period
    cutoff: datetime
    items: tuple[Indicator, ...]

    def __getitem__(self, key: str) -> Indicator:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "cutoff": to_db(self.cutoff),
            "indicators": [i.to_json() for i in self.items],
            "note": FOOTNOTE,
        }


@dataclass(frozen=True)
class Counts:
    """The raw counts behind the indicators (what the SQL returns, named)."""

    resolved: int = 0
    resolved_in_time: int = 0  # early + on time
    pending_overdue: int = 0
    received_new: int = 0
    received_online: int = 0
    with_fee: int = 0
    fee_online: int = 0
    returned: int = 0
    rated: int = 0
    satisfied: int = 0  # Hài lòng or Rất hài lòng
    paper_to_digitise: int = 0
    paper_digitised: int = 0
    results_digitised: int = 0


def build(period: Period, cutoff: datetime, c: Counts) -> Indicators:
    """The indicators with their definitions, from counts (tests build counts by hand too)."""
    g = GROUPS
    items = (
        Indicator(
            "progress",
            g["progress"],
            "Giải quyết trước hạn, đúng hạn",
            c.resolved_in_time,
            c.resolved,
            "Tỷ lệ hồ sơ đã giải quyết trong kỳ (có kết quả, rút, dừng, từ chối sau tiếp nhận) "
            "được giải quyết trước hạn hoặc đúng hạn, như cột 8, 9 trên cột 7 của báo cáo.",
        ),
        Indicator(
            "overdue_pending",
            g["progress"],
            "Hồ sơ đang giải quyết quá hạn",
            c.pending_overdue,
            None,
            "Số hồ sơ chưa giải quyết xong đã quá hạn tại thời điểm chốt số liệu (cột 13 của báo cáo).",
        ),
        Indicator(
            "online",
            g["online"],
            "Hồ sơ nộp trực tuyến",
            c.received_online,
            c.received_new,
            "Tỷ lệ hồ sơ tiếp nhận mới trong kỳ được nộp trực tuyến (cột 4 trên cột 4 + cột 5).",
        ),
        Indicator(
            "online_payment",
            g["payment"],
            "Phí, lệ phí thanh toán trực tuyến",
            c.fee_online,
            c.with_fee,
            "Tỷ lệ hồ sơ tiếp nhận trong kỳ có thu phí, lệ phí (khác 0 đồng) mà người nộp thanh toán "
            "trực tuyến; hồ sơ miễn phí không tính.",
        ),
        Indicator(
            "satisfaction",
            g["satisfaction"],
            "Hài lòng, rất hài lòng",
            c.satisfied,
            c.rated,
            "Tỷ lệ hồ sơ trả kết quả trong kỳ được người dân đánh giá Hài lòng hoặc Rất hài lòng, "
            "trên số hồ sơ đã được đánh giá.",
        ),
        Indicator(
            "rated",
            g["satisfaction"],
            "Hồ sơ trả kết quả được đánh giá",
            c.rated,
            c.returned,
            "Tỷ lệ hồ sơ trả kết quả trong kỳ mà người nhận có đánh giá mức độ hài lòng.",
        ),
        Indicator(
            "digitised_intake",
            g["digitising"],
            "Số hóa hồ sơ khi tiếp nhận",
            c.paper_digitised,
            c.paper_to_digitise,
            "Tỷ lệ hồ sơ giấy (trực tiếp, bưu chính) tiếp nhận trong kỳ, có thành phần phải số hóa, "
            "mà mọi thành phần đó đã được số hóa hoặc tái sử dụng dữ liệu đến thời điểm chốt số liệu. "
            "Hồ sơ trực tuyến và giấy tờ chỉ xuất trình không phải số hóa.",
        ),
        Indicator(
            "digitised_results",
            g["digitising"],
            "Số hóa kết quả giải quyết",
            c.results_digitised,
            c.returned,
            "Tỷ lệ hồ sơ trả kết quả trong kỳ có bản số hóa của kết quả đến thời điểm chốt số liệu.",
        ),
    )
    return Indicators(period, cutoff, items)


def compute(register, period: Period, now: datetime | None = None) -> Indicators:
    """The indicators of ``period`` on ``register``, judged at min(end of period, now)."""
    from core.stats import _bound
    from core.stats import compute as report_table

    with register.store.read_snapshot():
        table = report_table(register, period, now)
        cut = table.cutoff
        params = {
            "start": to_db(period.first_moment),
            "after": to_db(period.after),
            "bound": to_db(_bound(period, cut)),
        }
        raw = register.store.indicator_counts(params)
    t = table.total
    counts = Counts(
        resolved=t.resolved_total,
        resolved_in_time=t.resolved_early + t.resolved_on_time,
        pending_overdue=t.pending_overdue,
        received_new=t.received_online + t.received_direct,
        received_online=t.received_online,
        **raw,
    )
    return build(period, cut, counts)
