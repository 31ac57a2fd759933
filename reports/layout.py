"""A small measured-text layout engine shared by every printed form.

Why not platypus: a receipt must come out instantly, and platypus' paragraph parser and the QR
widget cost ten times what the text itself costs. This engine measures words with the font's own
metrics (``pdfmetrics.stringWidth``), wraps greedily, and draws through a ``Surface``: the PDF
canvas, or Pillow for the PNG guide, so both images come from one layout and cannot drift apart.
Nothing here knows a form; ``reports.common`` builds the headings and signatures on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.fonts import font_name, register_fonts

Run = tuple[str, str]  # (style: "r" | "b" | "i" | "bi", text)
Runs = Sequence[Run] | str


class Surface(Protocol):
    """Where lines end up (y grows upwards, in points, as in PDF)."""

    def text(self, x: float, y: float, style: str, size: float, s: str) -> None: ...
    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.6) -> None: ...
    def rect(self, x: float, y: float, w: float, h: float, width: float = 0.6) -> None: ...
    def qr(self, x: float, y: float, size: float, data: str) -> None: ...
    def new_page(self) -> None: ...


@dataclass
class Para:
    """One paragraph: styled runs, wrapped to the width it is given."""

    runs: Runs
    size: float = 13
    align: str = "left"  # left | center | right
    left: float = 0  # indent of every line
    hang: float = 0  # extra indent of the lines after the first (numbered lists)
    first: float = 0  # extra indent of the first line
    underline: bool = False  # a rule under each line's text (the national motto)
    rule: float = 0  # a short centred rule this wide under the paragraph (under the issuing body)
    space_before: float = 0
    space_after: float = 2
    leading: float | None = None
    balance: bool = False  # titles: lines of even length, never one word alone on the last line

    @property
    def line_height(self) -> float:
        return self.leading or self.size * 1.22

    def __post_init__(self) -> None:
        self.runs = (("r", self.runs),) if isinstance(self.runs, str) else tuple(self.runs)


@dataclass
class Box:
    """A fixed-size drawing inside a cell (the QR code, a signature space)."""

    height: float
    draw: Callable[[Surface, float, float, float], None] | None = None  # (surface, x, y_top, width)


Item = Para | Box


@dataclass
class Line:
    segments: list[tuple[str, str]] = field(default_factory=list)  # (style, text)
    width: float = 0.0


@lru_cache(maxsize=8192)
def text_width(s: str, style: str, size: float) -> float:
    """Width in points; cached because forms repeat the same words on every copy and every print."""
    return stringWidth(s, font_name(style), size)


def _chunks(runs: Sequence[Run]) -> list[list[tuple[str, str]]]:
    """Split runs at spaces into unbreakable chunks; a chunk may mix styles ("Bà " + bold name + ".")."""
    chunks: list[list[tuple[str, str]]] = [[]]
    for style, text in runs:
        parts = text.split(" ")
        for i, part in enumerate(parts):
            if i > 0 and chunks[-1]:
                chunks.append([])
            if part:
                chunks[-1].append((style, part))
    return [c for c in chunks if c]


def _split_long(chunk: list[tuple[str, str]], size: float, width: float) -> list[list[tuple[str, str]]]:
    """Break a chunk wider than the line (a very long code or URL) between characters."""
    out: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for style, text in chunk:
        start = 0
        for i, ch in enumerate(text):
            w = text_width(ch, style, size)
            if used + w > width and (out[-1] or i > start):
                if i > start:
                    out[-1].append((style, text[start:i]))
                out.append([])
                used, start = 0.0, i
            used += w
        if start < len(text):
            out[-1].append((style, text[start:]))
    return [c for c in out if c]


def wrap(runs: Sequence[Run], size: float, first_width: float, rest_width: float) -> list[Line]:
    """Greedy word wrap of styled runs; every line fits its width (words longer than it are split)."""
    return _wrap(tuple(runs), size, round(first_width, 3), round(rest_width, 3))


@lru_cache(maxsize=2048)
def _wrap(runs: tuple[Run, ...], size: float, first_width: float, rest_width: float) -> list[Line]:
    """Cached: a paragraph is measured before it is drawn, and laid out again on every copy."""
    space = text_width(" ", "r", size)
    lines = [Line()]
    width = first_width
    queue = _chunks(runs)
    while queue:
        chunk = queue.pop(0)
        w = sum(text_width(t, s, size) for s, t in chunk)
        line = lines[-1]
        extra = w + (space if line.segments else 0)
        if line.segments and line.width + extra > width:
            lines.append(Line())
            width = rest_width
            queue.insert(0, chunk)
            continue
        if not line.segments and w > width:
            pieces = _split_long(chunk, size, width)
            if len(pieces) > 1:
                queue[0:0] = pieces
                continue
        if line.segments:
            style = line.segments[-1][0]
            line.segments[-1] = (style, line.segments[-1][1] + " ")
        for style, text in chunk:
            if line.segments and line.segments[-1][0] == style:
                line.segments[-1] = (style, line.segments[-1][1] + text)
            else:
                line.segments.append((style, text))
        line.width += extra
    return [ln for ln in lines if ln.segments] or [Line()]


def para_lines(p: Para, width: float) -> list[Line]:
    inner = width - p.left
    lines = wrap(p.runs, p.size, inner - p.first, inner - p.hang)  # type: ignore[arg-type]
    if p.balance and len(lines) > 1:
        lines = _balanced(p, inner, len(lines)) or lines
    return lines


def _balanced(p: Para, inner: float, count: int) -> list[Line] | None:
    """The narrowest wrap with the same number of lines: the lines come out of even length, so a
    title does not leave one word alone on its last line."""
    best = None
    low, high = inner * 0.4, inner
    for _ in range(12):  # bisection on the width, to a fraction of a point
        mid = (low + high) / 2
        lines = wrap(p.runs, p.size, mid - p.first, mid - p.hang)  # type: ignore[arg-type]
        if len(lines) <= count:
            best, high = lines, mid
        else:
            low = mid
    return best


def para_height(p: Para, width: float) -> float:
    return p.space_before + len(para_lines(p, width)) * p.line_height + p.space_after + (4 if p.rule else 0)


def item_height(item: Item, width: float) -> float:
    return item.height if isinstance(item, Box) else para_height(item, width)


def draw_para(surface: Surface, p: Para, x: float, y_top: float, width: float) -> float:
    """Draw a paragraph whose top is ``y_top``; returns the y under it."""
    y = y_top - p.space_before
    widest = 0.0
    for i, line in enumerate(para_lines(p, width)):
        lx = x + p.left + (p.first if i == 0 else p.hang)
        avail = width - p.left - (p.first if i == 0 else p.hang)
        if p.align == "center":
            lx += (avail - line.width) / 2
        elif p.align == "right":
            lx += avail - line.width
        baseline = y - p.size * 0.93
        cx = lx
        for style, text in line.segments:
            surface.text(cx, baseline, style, p.size, text)
            cx += text_width(text, style, p.size)
        if p.underline and line.width:
            surface.line(lx, baseline - 1.6, lx + line.width, baseline - 1.6, 0.6)
        widest = max(widest, line.width)
        y -= p.line_height
    if p.rule:
        mid = x + p.left + (width - p.left) / 2
        surface.line(mid - p.rule / 2, y - 2.5, mid + p.rule / 2, y - 2.5, 0.6)
        y -= 4
    return y - p.space_after


def draw_item(surface: Surface, item: Item, x: float, y_top: float, width: float) -> float:
    if isinstance(item, Box):
        if item.draw:
            item.draw(surface, x, y_top, width)
        return y_top - item.height
    return draw_para(surface, item, x, y_top, width)


class Sheet:
    """A cursor running down pages of one size; breaks pages when content would cross the margin."""

    def __init__(
        self,
        surface: Surface,
        pagesize: tuple[float, float],
        margins: tuple[float, float, float, float] = (30 * mm, 15 * mm, 20 * mm, 20 * mm),
        on_page: Callable[[Sheet], None] | None = None,
    ):
        register_fonts()
        self.surface = surface
        self.page_w, self.page_h = pagesize
        self.left, self.right, self.top, self.bottom = margins
        self.on_page = on_page
        self.page = 1
        self.repeat: Callable[[], None] | None = None  # redraws a table header after a break
        self.y = self.page_h - self.top
        if on_page:
            on_page(self)

    @property
    def width(self) -> float:
        return self.page_w - self.left - self.right

    def room(self) -> float:
        return self.y - self.bottom

    def new_page(self) -> None:
        self.surface.new_page()
        self.page += 1
        self.y = self.page_h - self.top
        if self.on_page:
            self.on_page(self)
        if self.repeat:
            self.repeat()

    def ensure(self, height: float) -> None:
        if height > self.room() and self.y < self.page_h - self.top - 1:
            self.new_page()

    def space(self, height: float) -> None:
        self.y -= height

    def add(self, *items: Item) -> None:
        for item in items:
            self.ensure(item_height(item, self.width))
            self.y = draw_item(self.surface, item, self.left, self.y, self.width)

    def row(
        self,
        cells: Sequence[Sequence[Item]],
        widths: Sequence[float],
        border: bool = False,
        pad: float = 0,
        keep: bool = True,
    ) -> float:
        """Cells side by side (headings, signatures, table rows); returns the row height."""
        height = max(
            sum(item_height(i, w - 2 * pad) for i in cell) for cell, w in zip(cells, widths, strict=True)
        )
        height += 2 * pad
        if keep:
            self.ensure(height)
        x = self.left
        for cell, w in zip(cells, widths, strict=True):
            y = self.y - pad
            for item in cell:
                y = draw_item(self.surface, item, x + pad, y, w - 2 * pad)
            if border:
                self.surface.rect(x, self.y - height, w, height, 0.5)
            x += w
        self.y -= height
        return height

    def table(
        self,
        header: Sequence[Sequence[Item]],
        rows: Sequence[Sequence[Sequence[Item]]],
        widths: Sequence[float],
        pad: float = 3,
    ) -> None:
        """A bordered table whose header row is drawn again at the top of every new page."""
        self.row(header, widths, border=True, pad=pad)
        self.repeat = lambda: self.row(header, widths, border=True, pad=pad, keep=False)
        try:
            for cells in rows:
                self.row(cells, widths, border=True, pad=pad)
        finally:
            self.repeat = None


QR_MASK = 2  # vertical stripes every 3 columns; any of the eight is valid


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules (medium error correction: survives a creased or stamped receipt).

    One fixed mask pattern instead of ReportLab's search over all eight: the standard allows any
    mask (the decoder reads it from the format bits), and the search, in pure Python, cost more
    than the rest of the receipt. Tests decode many codes to show it scans.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(False, QR_MASK)
    n = code.getModuleCount()
    return [[bool(code.isDark(r, c)) for c in range(n)] for r in range(n)]


def qr_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules (row, first column, length): far fewer shapes than modules."""
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs
