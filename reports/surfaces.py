"""Surfaces the layout engine draws on: a ReportLab canvas (PDF), Pillow (PNG), or nothing (measuring)."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen.canvas import Canvas

from reports.fonts import font_file, font_name
from reports.layout import qr_matrix, qr_runs

QUIET = 4  # modules of white around a QR code, as scanners expect


class PdfSurface:
    """Draws on a ReportLab canvas; a QR code is drawn once as a form and reused on every copy."""

    def __init__(self, pagesize: tuple[float, float], title: str = "", author: str = "", subject: str = ""):
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=pagesize)
        # ReportLab's defaults are "untitled" / "anonymous" / "unspecified": always set all three.
        self.canvas.setTitle(title or "MotCua")
        self.canvas.setAuthor(author or "MotCua")
        self.canvas.setSubject(subject or title or "MotCua")
        self.canvas.setCreator("MotCua")
        self.canvas.setProducer("MotCua (ReportLab)")
        self._font: tuple[str, float] | None = None
        self._forms: dict[tuple[str, float], str] = {}
        self.pages = 1

    def text(self, x: float, y: float, style: str, size: float, s: str) -> None:
        if self._font != (style, size):
            self.canvas.setFont(font_name(style), size)
            self._font = (style, size)
        self.canvas.drawString(x, y, s)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.6) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.line(x1, y1, x2, y2)

    def rect(self, x: float, y: float, w: float, h: float, width: float = 0.6) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.rect(x, y, w, h, stroke=1, fill=0)

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        """QR with its quiet zone inside ``size``; (x, y) is the lower-left corner."""
        key = (data, size)
        if key not in self._forms:
            name = f"qr{len(self._forms)}"
            matrix = qr_matrix(data)
            module = size / (len(matrix) + 2 * QUIET)
            c = self.canvas
            c.beginForm(name, lowerx=0, lowery=0, upperx=size, uppery=size)
            path = c.beginPath()
            for r, col, length in qr_runs(matrix):
                path.rect((col + QUIET) * module, size - (r + QUIET + 1) * module, length * module, module)
            c.drawPath(path, stroke=0, fill=1)
            c.endForm()
            self._forms[key] = name
        self.canvas.saveState()
        self.canvas.translate(x, y)
        self.canvas.doForm(self._forms[key])
        self.canvas.restoreState()

    def new_page(self) -> None:
        self.canvas.showPage()
        self._font = None
        self.pages += 1

    def finish(self) -> bytes:
        self.canvas.save()  # shows the last page if it has anything on it
        return self.buffer.getvalue()


class MeasureSurface:
    """Draws nothing; counts pages, so a one-page layout can pick the font size that fits."""

    def __init__(self) -> None:
        self.pages = 1

    def text(self, *args) -> None:
        pass

    def line(self, *args, **kw) -> None:
        pass

    def rect(self, *args, **kw) -> None:
        pass

    def qr(self, *args) -> None:
        pass

    def new_page(self) -> None:
        self.pages += 1


@lru_cache(maxsize=32)
def _pil_font(style: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(style)), px)


class PillowSurface:
    """Draws one page into an RGB image with the same TTF, for sharing in a chat group."""

    def __init__(self, pagesize: tuple[float, float], dpi: int = 150):
        self.scale = dpi / 72
        self.page_h = pagesize[1]
        self.image = Image.new(
            "RGB", (round(pagesize[0] * self.scale), round(pagesize[1] * self.scale)), "white"
        )
        self.draw = ImageDraw.Draw(self.image)
        self.dpi = dpi
        self.pages = 1

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x * self.scale, (self.page_h - y) * self.scale

    def text(self, x: float, y: float, style: str, size: float, s: str) -> None:
        font = _pil_font(style, round(size * self.scale))
        self.draw.text(self._xy(x, y), s, font=font, fill="black", anchor="ls")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.6) -> None:
        self.draw.line(
            [self._xy(x1, y1), self._xy(x2, y2)], fill="black", width=max(1, round(width * self.scale))
        )

    def rect(self, x: float, y: float, w: float, h: float, width: float = 0.6) -> None:
        x0, y0 = self._xy(x, y + h)
        x1, y1 = self._xy(x + w, y)
        self.draw.rectangle([x0, y0, x1, y1], outline="black", width=max(1, round(width * self.scale)))

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        matrix = qr_matrix(data)
        module = size / (len(matrix) + 2 * QUIET)
        for r, col, length in qr_runs(matrix):
            x0, y0 = self._xy(x + (col + QUIET) * module, y + size - (r + QUIET) * module)
            x1, y1 = self._xy(x + (col + QUIET + length) * module, y + size - (r + QUIET + 1) * module)
            self.draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill="black")

    def new_page(self) -> None:
        self.pages += 1  # one image: callers size the layout to fit one page (see MeasureSurface)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "PNG", optimize=True, dpi=(self.dpi, self.dpi))
        return out.getvalue()
