"""Entry point of the frozen ``MotCua`` program (windowed): opens the counter window.

``main([])`` rather than ``main()``: a double-click passes no command, and a windowed
program has no console to print a command's output to. The database is the default one
(``MOTCUA_DB`` or the per-user data folder).

``MotCua --selftest FOLDER`` is for the frozen smoke test (scripts/smoke_frozen.py), not for users:
it exercises, inside the bundle, the two things the command line cannot reach.  It prints
``FOLDER/in.pdf`` through the real print path (pypdfium2 and Pillow rasterise the pages, Qt paints
them on a ``QPrinter`` writing ``FOLDER/printed.pdf``), and sorts Vietnamese words with Qt's
collator (ICU data on Linux) into ``FOLDER/collation.txt``, and saves the Today screen (Qt Charts)
of the default database as the demo admin ``quantri`` to ``FOLDER/today.png``.  It writes files, not
console output, because a windowed program has no console on Windows.
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
    _today_screenshot(app, folder)
    return 0


def _today_screenshot(app, folder: Path) -> None:
    """The Today screen (figure tiles, Qt Charts) of the default database, as the demo admin sees it,
    saved to ``FOLDER/today.png``: proof the frozen window draws Vietnamese text and the chart."""
    from core.paths import default_db_path
    from core.register import Register
    from gui.main_window import MainWindow
    from gui.session import Session
    from gui.tasks import wait_for_idle

    register = Register.open(default_db_path())
    session = Session(register)
    session.set_user(register.user("quantri"))
    window = MainWindow(session)
    window.resize(1366, 768)
    window.show()
    window.show_screen("today")
    for _ in range(40):
        wait_for_idle()
        app.processEvents()
    window.grab().save(str(folder / "today.png"))
    window.hide()  # not close(): closing runs the on-close backup, which is not this test's business
    close_workers = getattr(session, "close_workers", None)  # background tasks' own connections
    if close_workers:
        close_workers()
    register.close()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--selftest":
        sys.exit(selftest(Path(sys.argv[2])))
    from cli.main import main

    sys.exit(main([]))
