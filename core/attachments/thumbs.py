"""Previews of a checked scan: a thumbnail of page one, and any page drawn to fit a screen.

PNG bytes out, so the window turns them into a ``QImage`` with one call and ``core`` never
imports Qt. Pillow draws images (JPEG in draft mode: the decoder scales down while reading,
several times faster for a 300 dpi scan); PDFium draws PDF pages at the scale that fits the box,
never at full resolution first. PDFium is not thread-safe: call these from one thread at a time.
"""

from __future__ import annotations

import io

from core.attachments.content import PDF, AttachmentRefused

THUMB_SIZE = 200


def thumbnail_png(data: bytes, mime: str, size: int = THUMB_SIZE) -> bytes:
    """Page one fitted in ``size`` × ``size`` pixels, as PNG."""
    return page_png(data, mime, 0, size)


def page_count(data: bytes, mime: str) -> int:
    if mime == PDF:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return len(pdf)
        finally:
            pdf.close()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return getattr(im, "n_frames", 1)


def page_png(data: bytes, mime: str, page: int = 0, box: int = 1600) -> bytes:
    """Page ``page`` (0-based) fitted in ``box`` × ``box`` pixels, as PNG."""
    image = _render_pdf(data, page, box) if mime == PDF else _render_image(data, page, box)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=3)
    return out.getvalue()


def _render_pdf(data: bytes, page_no: int, box: int):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if not 0 <= page_no < len(pdf):
            raise AttachmentRefused(f"Tệp không có trang {page_no + 1}.")
        page = pdf[page_no]
        w, h = page.get_size()
        bitmap = page.render(scale=box / max(w, h, 1))
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        page.close()
        return image
    finally:
        pdf.close()


def _render_image(data: bytes, page_no: int, box: int):
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as im:
        if page_no:
            try:
                im.seek(page_no)
            except EOFError as exc:
                raise AttachmentRefused(f"Tệp không có trang {page_no + 1}.") from exc
        if im.format == "JPEG":
            im.draft("RGB", (box, box))
        image = ImageOps.exif_transpose(im) if page_no == 0 else im.copy()
        if image.mode in ("1", "I", "I;16", "F"):  # bilevel fax scans: grey shrinks legibly
            image = image.convert("L")
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((box, box), Image.Resampling.LANCZOS if box <= 400 else Image.Resampling.BILINEAR)
        return image
