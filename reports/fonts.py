"""The bundled serif (Liberation Serif: Times New Roman metrics, full Vietnamese coverage).

ReportLab's standard Times has no Vietnamese glyphs, so every form uses these TrueType files.
Registration parses four ~380 KB files: it is done once per process, on first use.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from core.paths import resource_path

FAMILY = "LiberationSerif"
STYLES = {  # style key -> (ReportLab font name, file name)
    "r": (FAMILY, "LiberationSerif-Regular.ttf"),
    "b": (f"{FAMILY}-Bold", "LiberationSerif-Bold.ttf"),
    "i": (f"{FAMILY}-Italic", "LiberationSerif-Italic.ttf"),
    "bi": (f"{FAMILY}-BoldItalic", "LiberationSerif-BoldItalic.ttf"),
}
_lock = threading.Lock()
_registered = False


def font_file(style: str = "r") -> Path:
    """Path of one style's TTF (also used by the Pillow renderer of the procedure guide)."""
    return resource_path("fonts", STYLES[style][1])


def font_name(style: str = "r") -> str:
    register_fonts()
    return STYLES[style][0]


def register_fonts() -> str:
    """Register the four styles and the family with ReportLab (idempotent); returns the family name."""
    global _registered
    if _registered:
        return FAMILY
    with _lock:
        if not _registered:
            for style, (name, _file) in STYLES.items():
                pdfmetrics.registerFont(TTFont(name, str(font_file(style))))
            pdfmetrics.registerFontFamily(
                FAMILY,
                normal=STYLES["r"][0],
                bold=STYLES["b"][0],
                italic=STYLES["i"][0],
                boldItalic=STYLES["bi"][0],
            )
            _registered = True
    return FAMILY
