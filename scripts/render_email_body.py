"""Render the HTML body of a saved .eml with Qt's rich-text engine, at a phone's width.

Close to what a simple mail client shows (no scripts, inline styles, old table attributes):
a quick look at the report e-mail without a mail program.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_email_body.py IN.eml OUT.png [WIDTH]
"""

from __future__ import annotations

import email
import email.policy
import sys

from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QTextDocument


def main(argv: list[str]) -> int:
    source, target = argv[0], argv[1]
    width = float(argv[2]) if len(argv) > 2 else 400.0
    app = QGuiApplication([])  # noqa: F841 - QTextDocument needs a GUI application for fonts
    with open(source, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    doc = QTextDocument()
    doc.setHtml(msg.get_body(("html",)).get_content())
    doc.setTextWidth(width)
    image = QImage(doc.size().toSize(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    doc.drawContents(painter)
    painter.end()
    image.save(target)
    print(f"{target}: {image.width()}x{image.height()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
