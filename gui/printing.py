"""Printing: the forms (PDF bytes from ``reports``) go to the chosen printer, with a preview.

QtPdf is not shipped in every PySide6 wheel, so pages are rasterised with pypdfium2 (300 dpi) and
painted on the ``QPrinter``. Tests set ``output_pdf`` so the printer writes the PDF it would send
to a device, and never open a dialog; the preview goes through :meth:`PrintService.run_preview`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from gui.session import Session

PRINT_DPI = 300


def pdf_pages(data: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """Each page of a PDF as an image; the page size in points travels in the image's DPI."""
    import pypdfium2 as pdfium

    images = []
    doc = pdfium.PdfDocument(data)
    try:
        for page in doc:
            bitmap = page.render(scale=dpi / 72)
            pil = bitmap.to_pil().convert("RGB")
            image = QImage(pil.tobytes(), pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888)
            image = image.copy()  # own the pixels: the PIL buffer goes away
            dots_per_metre = round(dpi / 0.0254)
            image.setDotsPerMeterX(dots_per_metre)
            image.setDotsPerMeterY(dots_per_metre)
            images.append(image)
            page.close()
    finally:
        doc.close()
    return images


class PrintFailed(Exception):
    """The printer refused the job (``QPainter.begin()`` false, or the printer in its error state).

    Raised inside the recording transaction, so the form's number and its "In phiếu" event are
    given back: a print that did not happen is never recorded as printed.
    """


def paint_pages(printer: QPrinter, pages: list[QImage]) -> bool:
    """Paint page images onto the printer, each scaled to fit the printable page, centred.

    Returns whether the pages really went to the printer: ``QPainter.begin()`` is false when there
    is no printer (or the PDF cannot be written), and the printer reports errors in its state.
    """
    if not pages:
        return False
    first = pages[0]
    size_mm = QSizeF(
        first.width() / first.dotsPerMeterX() * 1000, first.height() / first.dotsPerMeterY() * 1000
    )
    printer.setPageSize(QPageSize(size_mm, QPageSize.Unit.Millimeter))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape
        if first.width() > first.height()
        else QPageLayout.Orientation.Portrait
    )
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        for i, image in enumerate(pages):
            if i and not printer.newPage():
                return False
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(
                QRectF(target.x() + (target.width() - w) / 2, target.y() + (target.height() - h) / 2, w, h),
                image,
            )
    finally:
        ended = painter.end()
    return ended and printer.printerState() != QPrinter.PrinterState.Error


class _Draft(Exception):
    """Raised to roll back a form rendered only to be previewed or offered as a PDF."""


class PrintService:
    """Prints forms for the window. ``output_pdf``: write to that file instead of a printer (tests)."""

    def __init__(self, session: Session):
        self.session = session
        self.output_pdf: Path | None = None
        self.preview = False  # the clerk's choice: preview before printing
        self.printed: list[str] = []  # titles of what went out, newest last
        self.last_failed = False  # the last print_form did not reach the printer
        self.last_pdf: Path | None = None  # ... and where its PDF was saved instead, if it was

    def printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.output_pdf is not None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.output_pdf))
            return printer
        name = self.session.register.settings.printer
        if name and name in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(name)
        return printer

    def print_pdf(self, parent: QWidget | None, data: bytes, title: str, preview: bool | None = None) -> bool:
        """Send PDF bytes to the printer (after a preview when asked). False: cancelled or failed
        (a failure is told to the user, with the PDF offered instead)."""
        pages = pdf_pages(data)
        printer = self.printer()
        printer.setDocName(title)
        if self.preview if preview is None else preview:
            results: list[bool] = []
            dialog = QPrintPreviewDialog(printer, parent)
            dialog.setWindowTitle(_tr("Xem trước: {t}").format(t=title))
            dialog.paintRequested.connect(lambda p: results.append(paint_pages(p, pages)))
            if not self.run_preview(dialog):
                return False  # cancelled: nothing to say
            printed = bool(results) and results[-1]  # the last paint is the Print button's
        else:
            printed = paint_pages(printer, pages)
        if not printed:
            self.failed(parent, data, title)
            return False
        self.printed.append(title)
        return True

    def run_preview(self, dialog: QPrintPreviewDialog) -> bool:
        """Show the preview; its Print button prints. Tests replace this method."""
        return bool(dialog.exec())

    def print_form(
        self, parent: QWidget | None, write: Callable[[Path], object], title: str, preview: bool | None = None
    ) -> bool:
        """Print a form that ``write`` (a ``reports.forms.print_*`` writer) renders and records.

        The print is recorded only when it happened: writing, recording and printing share one
        transaction, and a printer that refuses the job rolls it back (no "In phiếu" event, no
        receipt marked printed, the form's number given back). With a preview, the form is first
        rendered in a transaction that is rolled back, and recorded after its Print button printed.
        """
        self.last_failed = False
        self.last_pdf = None
        store = self.session.register.store
        with tempfile.TemporaryDirectory(prefix="motcua-print-") as folder:
            path = Path(folder) / "form.pdf"
            if self.preview if preview is None else preview:
                data = self._draft(write, path)
                if not self.print_pdf(parent, data, title, preview=True):
                    return False
                write(path)  # printed: now record it
                return True
            data = b""
            try:
                with store.transaction():
                    write(path)
                    data = path.read_bytes()
                    printer = self.printer()
                    printer.setDocName(title)
                    if not paint_pages(printer, pdf_pages(data)):
                        raise PrintFailed(title)
            except PrintFailed:
                self.failed(parent, data, title)
                return False
            self.printed.append(title)
            return True

    def _draft(self, write: Callable[[Path], object], path: Path) -> bytes:
        """The form's PDF without recording anything (rendered, then rolled back)."""
        try:
            with self.session.register.store.transaction():
                write(path)
                raise _Draft
        except _Draft:
            pass
        return path.read_bytes()

    def failed(self, parent: QWidget | None, data: bytes, title: str) -> None:
        """Say the print did not happen and offer the PDF instead (nothing was recorded)."""
        from gui.prompts import prompts

        self.last_failed = True
        question = _tr(
            "Không in được “{t}”: máy in không nhận lệnh in (chưa có máy in, máy in tắt hoặc lỗi). "
            "Hồ sơ không được ghi là đã in.\n\nLưu thành tệp PDF để in ở máy khác?"
        ).format(t=title)
        if not prompts().confirm(parent, question):
            return
        suggested = "".join("-" if c in '\\/:*?"<>|' else c for c in title) + ".pdf"
        name = prompts().save_path(parent, _tr("Lưu tệp PDF"), suggested, _tr("Tệp PDF (*.pdf)"))
        if not name:
            return
        try:
            Path(name).write_bytes(data)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            prompts().error(parent, _tr("Không ghi được tệp “{p}”: {e}").format(p=name, e=reason))
            return
        self.last_pdf = Path(name)


def _tr(text: str) -> str:
    return QCoreApplication.translate("PrintService", text)


def warm_up(session: Session) -> None:
    """Do once, off the GUI thread, what makes the first save-and-print of a session slow
    (reportlab's fonts, the QR code, PDFium's start): render the newest dossier's receipt and
    rasterise it, recording nothing. Without a dossier yet, the modules are imported only."""
    from core.storage import DossierQuery
    from reports.receipt import render_receipt

    register = session.worker_register()
    newest = register.query(DossierQuery(limit=1))
    if newest:
        pdf_pages(render_receipt(register.dossier(newest[0].code), register.settings), dpi=72)
