"""Entry point of the frozen ``MotCua`` program (windowed): opens the counter window.

``main([])`` rather than ``main()``: a double-click passes no command, and a windowed
program has no console to print a command's output to. The database is the default one
(``MOTCUA_DB`` or the per-user data folder).

``MotCua --selftest FOLDER`` is for the frozen smoke test (scripts/smoke_frozen.py), not for users:
it exercises, inside the bundle, the two things the command line cannot reach.  It prints
``FOLDER/in.pdf`` through the real print path (pypdfium2 and Pillow rasterise the pages, Qt paints
them on a ``QPrinter`` writing ``FOLDER/printed.pdf``), and sorts Vietnamese words with Qt's
collator (ICU data on Linux) into ``FOLDER/collation.txt``.  It writes files, not console output,
because a windowed program has no console on Windows.
"""

import sys
from pathlib import Path

COLLATION_WORDS = ["Đà Nẵng", "Dung", "Em", "Anh", "Ăn", "Ân"]


def selftest(folder: Path) -> int:
    import functools

    from PySide6.QtCore import QCollator, QLocale
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from gui.printing import paint_pages, pdf_pages

    app = QApplication([])  # noqa: F841  (QPrinter and QPainter need one)
    collator = QCollator(QLocale("vi_VN"))
    words = sorted(COLLATION_WORDS, key=functools.cmp_to_key(collator.compare))
    (folder / "collation.txt").write_text("\n".join(words), encoding="utf-8")
    pages = pdf_pages((folder / "in.pdf").read_bytes(), dpi=100)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(folder / "printed.pdf"))
    paint_pages(printer, pages)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--selftest":
        sys.exit(selftest(Path(sys.argv[2])))
    from cli.main import main

    sys.exit(main([]))
