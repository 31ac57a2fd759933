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


def paint_pages(printer: QPrinter, pages: list[QImage]) -> None:
    """Paint page images onto the printer, each scaled to fit the printable page, centred."""
    if not pages:
        return
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
    painter = QPainter(printer)
    try:
        for i, image in enumerate(pages):
            if i:
                printer.newPage()
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(
                QRectF(target.x() + (target.width() - w) / 2, target.y() + (target.height() - h) / 2, w, h),
                image,
            )
    finally:
        painter.end()


class PrintService:
    """Prints forms for the window. ``output_pdf``: write to that file instead of a printer (tests)."""

    def __init__(self, session: Session):
        self.session = session
        self.output_pdf: Path | None = None
        self.preview = False  # the clerk's choice: preview before printing
        self.printed: list[str] = []  # titles of what went out, newest last

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
        """Send PDF bytes to the printer (after a preview when asked). Returns False if cancelled."""
        pages = pdf_pages(data)
        printer = self.printer()
        printer.setDocName(title)
        if self.preview if preview is None else preview:
            dialog = QPrintPreviewDialog(printer, parent)
            dialog.setWindowTitle(
                QCoreApplication.translate("PrintService", "Xem trước: {t}").format(t=title)
            )
            dialog.paintRequested.connect(lambda p: paint_pages(p, pages))
            if not self.run_preview(dialog):
                return False
        else:
            paint_pages(printer, pages)
        self.printed.append(title)
        return True

    def run_preview(self, dialog: QPrintPreviewDialog) -> bool:
        """Show the preview; its Print button prints. Tests replace this method."""
        return bool(dialog.exec())

    def print_form(
        self, parent: QWidget | None, write: Callable[[Path], object], title: str, preview: bool | None = None
    ) -> bool:
        """Run a ``reports.forms.print_*`` writer (which records the print) into a temporary file,
        then print that file."""
        with tempfile.TemporaryDirectory(prefix="motcua-print-") as folder:
            path = Path(folder) / "form.pdf"
            write(path)
            return self.print_pdf(parent, path.read_bytes(), title, preview)
