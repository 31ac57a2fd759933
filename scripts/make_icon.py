"""Draws the MotCua app icon (a door under a gold star) and writes ``resources/icons/motcua.{png,ico}``.

The icon is generated rather than hand-drawn so it can be re-made at any size without
an image editor; the outputs are committed so a build never needs Pillow to run this.
Run: ``.venv/bin/python scripts/make_icon.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SIZE = 1024  # drawn large, then downsampled for a clean edge at every size
RED = (183, 28, 28, 255)
RED_DARK = (127, 0, 0, 255)
GOLD = (255, 204, 51, 255)
CREAM = (255, 248, 225, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw(size: int = SIZE) -> Image.Image:
    """The icon at ``size`` pixels: red rounded square, cream door frame, open gold door, star."""
    s = size / 1024
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((32 * s, 32 * s, 992 * s, 992 * s), radius=200 * s, fill=RED)
    d.rounded_rectangle((32 * s, 700 * s, 992 * s, 992 * s), radius=200 * s, fill=RED_DARK)
    d.rectangle((32 * s, 700 * s, 992 * s, 800 * s), fill=RED_DARK)
    # Door frame (one door: "một cửa") and the open door leaf in gold.
    d.rectangle((300 * s, 330 * s, 724 * s, 860 * s), fill=CREAM)
    d.rectangle((350 * s, 380 * s, 674 * s, 860 * s), fill=RED_DARK)
    d.polygon([(350 * s, 380 * s), (560 * s, 420 * s), (560 * s, 900 * s), (350 * s, 860 * s)], fill=GOLD)
    d.ellipse((515 * s, 630 * s, 545 * s, 660 * s), fill=RED_DARK)
    # Threshold.
    d.rectangle((240 * s, 860 * s, 784 * s, 900 * s), fill=CREAM)
    d.polygon(_star(512 * s, 200 * s, 120 * s, 48 * s), fill=GOLD)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(OUT / "motcua.png", optimize=True)
    big.resize((256, 256), Image.LANCZOS).save(OUT / "motcua.ico", sizes=ICO_SIZES)
    print(f"Đã ghi {OUT / 'motcua.png'} và {OUT / 'motcua.ico'}")


if __name__ == "__main__":
    main()
