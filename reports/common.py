"""What every form shares: paper, headings, the place/date line, signatures, Vietnamese dates.

Layout rules follow Decree 30/2020/NĐ-CP: issuing body top left, national heading top right with
its motto underlined, title in bold capitals, place and date in italics.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm

from core.settings import Settings
from core.timeutil import to_local
from reports.layout import Box, Item, Para, Run, Sheet, text_width
from reports.surfaces import PdfSurface

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOTS = "……"
REPRINT = "Bản in lại"
NBSP = "\u00a0"
NUMBER_SUFFIX = "TTPVHCC"  # "Số: 12/TTPVHCC": the centre's own numbering of the 2025 forms

# Words that belong together in headings and titles: a line never breaks inside one of these
# ("TRUNG TÂM PHỤC VỤ HÀNH / CHÍNH CÔNG" reads as nonsense). Longest first; matched ignoring case.
KEEP_TOGETHER = (
    "hành chính công",
    "ủy ban nhân dân",
    "trả kết quả",
    "tổ chức",
    "trung tâm",
    "phục vụ",
    "hành chính",
    "nhân dân",
    "bộ phận",
    "một cửa",
    "tiếp nhận",
    "kết quả",
    "hồ sơ",
    "giải quyết",
    "thời gian",
    "gia hạn",
    "xin lỗi",
    "đề nghị",
    "bổ sung",
    "hoàn thiện",
    "từ chối",
    "thông báo",
    "kiểm soát",
    "quá trình",
    "theo dõi",
    "cộng hòa",
    "xã hội",
    "chủ nghĩa",
    "việt nam",
    "tự do",
    "hạnh phúc",
    "độc lập",
)
_PLACE = re.compile(r"\b(phường|xã|thị trấn|đặc khu|quận|huyện|thành phố|tỉnh)\s+(.+)$", re.IGNORECASE)


@lru_cache(maxsize=256)
def keep_together(text: str) -> str:
    """``text`` with non-breaking spaces inside the phrases of ``KEEP_TOGETHER`` and inside the
    place name after "phường", "xã" ... ("PHƯỜNG TÂY HỒ" stays on one line)."""
    out = text
    for phrase in KEEP_TOGETHER:
        pattern = r"\b" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"\b"
        out = re.sub(pattern, lambda m: NBSP.join(m.group(0).split()), out, flags=re.IGNORECASE)
    m = _PLACE.search(out)
    if m and len(m.group(2).split()) <= 3:
        out = out[: m.start(2)] + NBSP.join(m.group(2).split()) + out[m.end(2) :]
    return out


@dataclass(frozen=True)
class Paper:
    """A page size with the margins and font sizes that suit it."""

    name: str
    size: tuple[float, float]
    margins: tuple[float, float, float, float]  # left, right, top, bottom
    body: float  # body text size
    head: float  # heading size

    @property
    def width(self) -> float:
        return self.size[0] - self.margins[0] - self.margins[1]


PAPERS = {
    "A4": Paper("A4", A4, (30 * mm, 15 * mm, 18 * mm, 18 * mm), 13, 12),
    "A5": Paper("A5", A5, (15 * mm, 10 * mm, 10 * mm, 10 * mm), 10, 8.5),
    "A4L": Paper("A4L", landscape(A4), (12 * mm, 12 * mm, 15 * mm, 12 * mm), 9.5, 11),
}


def paper(name: str) -> Paper:
    return PAPERS.get((name or "A4").upper(), PAPERS["A4"])


def two(n: int) -> str:
    return f"{n:02d}"


def vn_date(day: date | datetime) -> str:
    """``ngày 05 tháng 02 năm 2026``: days under 10 and months 1-2 take a leading zero (Decree 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_moment(moment: datetime) -> str:
    """``08 giờ 15 phút, ngày 23 tháng 11 năm 2026`` (local time)."""
    m = to_local(moment)
    return f"{m.hour:02d} giờ {m.minute:02d} phút, {vn_date(m)}"


def short_date(moment: datetime | date | None) -> str:
    return moment.strftime("%d/%m/%Y") if moment else ""


def short_moment(moment: datetime | None) -> str:
    return to_local(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def money(amount: int) -> str:
    """``20.000 đồng``: Vietnamese groups thousands with dots."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def place_date(settings: Settings, day: date | datetime) -> str:
    place = settings.place_name or DOTS
    return f"{place}, {vn_date(day)}"


def labelled(label: str, value: str, tail: str = "") -> list[Run]:
    """``Label: value`` with the filled-in value in bold (dots when empty, for the pen)."""
    runs: list[Run] = [("r", f"{label}: "), ("b", value) if value else ("r", DOTS)]
    if tail:
        runs.append(("r", tail))
    return runs


def body(sheet_paper: Paper, runs: Sequence[Run] | str, **kw) -> Para:
    kw.setdefault("space_after", sheet_paper.body * 0.25)
    return Para(runs, size=sheet_paper.body, **kw)


def new_sheet(surface, p: Paper, reprint: bool = False, mark: str = "") -> Sheet:
    """A sheet on ``surface``; every page carries ``sheet.mark`` (e.g. "Liên 1") and, for a
    reprint, "Bản in lại", small at the top right, so a copy never passes for the original."""

    def on_page(sheet: Sheet) -> None:
        marks = [m for m in (getattr(sheet, "mark", mark), REPRINT if reprint else "") if m]
        if marks:
            size = max(7.0, p.body - 3)
            text = " · ".join(marks)
            x = sheet.page_w - sheet.right - text_width(text, "i", size)
            sheet.surface.text(x, sheet.page_h - sheet.top + size * 0.8, "i", size, text)

    return Sheet(surface, p.size, p.margins, on_page=on_page)


def heading(sheet: Sheet, p: Paper, settings: Settings, day: date | datetime, number: str = "") -> None:
    """Issuing body (left) and national heading (right); number (``Số: .../HDHS``) and place/date below."""
    left_w = sheet.width * 0.42
    right_w = sheet.width - left_w
    h = p.head
    upper = keep_together((settings.ward_name or "UBND").upper())
    centre = keep_together((settings.centre_name or "").upper())
    left: list[Item] = [Para(upper, size=h, align="center", space_after=0, balance=True)]
    if centre:
        left.append(Para((("b", centre),), size=h, align="center", space_after=0, balance=True))
    left[-1].rule = 30 * mm * h / 12
    right: list[Item] = [
        Para((("b", NATIONAL),), size=h, align="center", space_after=0),
        Para((("b", MOTTO),), size=h + 1, align="center", underline=True, space_after=0),
    ]
    sheet.row([left, right], [left_w, right_w])
    sheet.space(h * 0.6)
    below_left: list[Item] = [Para(number, size=p.body, align="center")] if number else []
    below_right: list[Item] = [Para((("i", place_date(settings, day)),), size=p.body, align="center")]
    sheet.row([below_left, below_right], [left_w, right_w])
    sheet.space(p.body * 0.6)


def form_number(number: int | str | None) -> str:
    """``Số: 12/TTPVHCC`` (dots for the pen when the form has no number yet)."""
    return f"Số: {number or DOTS}/{NUMBER_SUFFIX}"


def title(sheet: Sheet, p: Paper, text: str, *more: Sequence[Run] | str) -> None:
    """The form's title in bold capitals, balanced over its lines (never one word alone)."""
    runs = (("b", keep_together(text)),)
    sheet.add(Para(runs, size=p.body + 1, align="center", space_after=2, balance=True))
    for line in more:
        sheet.add(Para(line, size=p.body, align="center", space_after=2))
    sheet.space(p.body * 0.5)


@dataclass(frozen=True)
class Signer:
    """One signature block: role in capitals, the hint in italics, space, then the printed name."""

    role: str
    hint: str = "(Ký và ghi rõ họ tên)"
    name: str = ""
    over: str = ""  # a line above the role, e.g. "TM. ỦY BAN NHÂN DÂN"


def signer_items(p: Paper, s: Signer | None) -> list[Item]:
    if s is None:
        return []
    items: list[Item] = []
    if s.over:
        items.append(Para((("b", s.over),), size=p.body, align="center", space_after=0))
    items.append(Para((("b", s.role),), size=p.body, align="center", space_after=0))
    if s.hint:
        items.append(Para((("i", s.hint),), size=p.body - 1, align="center", space_after=0))
    items.append(Box(p.body * 4.2))
    if s.name:
        items.append(Para((("b", s.name),), size=p.body, align="center"))
    return items


def signatures(sheet: Sheet, p: Paper, left: Signer | None, right: Signer | None, left_items=()) -> None:
    """Signature blocks side by side; ``left_items`` (e.g. "Nơi nhận") replace a left signer."""
    sheet.space(p.body * 0.5)
    cells = [list(left_items) or signer_items(p, left), signer_items(p, right)]
    sheet.row(cells, [sheet.width / 2, sheet.width / 2])


def write_bytes(data: bytes, path: str | Path) -> Path:
    """Write a rendered form; the folder must exist (a typo should not create folders)."""
    target = Path(path)
    target.write_bytes(data)
    return target


def pdf_surface(p: Paper, title_text: str, settings: Settings, subject: str = "") -> PdfSurface:
    """A PDF whose properties say what it is (a viewer, a search, an archive show them):
    title, subject (the form and its legal basis), author (the issuing ward and centre)."""
    author = " - ".join(x for x in (settings.ward_name, settings.centre_name) if x) or "MotCua"
    return PdfSurface(p.size, title=title_text, author=author, subject=subject or title_text)
