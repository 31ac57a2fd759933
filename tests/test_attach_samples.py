"""Real scan-like files for the attachment tests, and hostile ones built byte by byte.

The good files are what a counter's scanner produces (a page image with text on it, JPEG,
multi-page TIFF, a PDF of page images); the tests at the bottom prove with other programs
(poppler's ``pdfinfo``, ImageMagick's ``identify``) that they are what they claim to be.
"""

from __future__ import annotations

import io
import random
import struct
import subprocess
import zlib

from PIL import Image, ImageDraw, ImageFont

from core.paths import resource_path

A4_150DPI = (1240, 1754)


def page_image(n: int = 1, size: tuple[int, int] = (620, 877), mode: str = "RGB") -> Image.Image:
    """A page of typed lines, a heading, a stamp and scanner speckle: compresses like a real scan."""
    rnd = random.Random(n)
    im = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(im)
    w, h = size
    font = ImageFont.truetype(str(resource_path("fonts", "LiberationSerif-Regular.ttf")), max(h // 60, 8))
    draw.text(
        (w // 10, h // 20), f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - trang {n}", fill=(20, 20, 20), font=font
    )
    words = ["Họ", "và", "tên", "người", "yêu", "cầu", "nơi", "cư", "trú", "số", "định", "danh", "ngày"]
    for y in range(h // 8, h - h // 6, max(h // 40, 12)):
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(6, 14)))
        draw.text((w // 10, y), line, fill=(40, 40, 50), font=font)
    draw.ellipse(
        (w * 6 // 10, h * 8 // 10, w * 8 // 10, h * 9 // 10), outline=(200, 30, 30), width=max(w // 150, 2)
    )
    for _ in range(w * h // 4000):  # dust and toner specks
        x, y = rnd.randrange(w), rnd.randrange(h)
        draw.point((x, y), fill=(90, 90, 90))
    if mode == "1":  # a scanner thresholds, it does not dither the paper's tint into noise
        return im.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    return im.convert(mode)


def jpeg_bytes(n: int = 1, size=(620, 877), quality: int = 80) -> bytes:
    out = io.BytesIO()
    page_image(n, size).save(out, "JPEG", quality=quality, dpi=(150, 150))
    return out.getvalue()


def png_bytes(size=(620, 877)) -> bytes:
    out = io.BytesIO()
    page_image(1, size).save(out, "PNG")
    return out.getvalue()


def tiff_bytes(pages: int = 3, size=(620, 877), bilevel: bool = True) -> bytes:
    """A multi-page TIFF as scanner software saves it (bilevel Group 4, or LZW grey)."""
    images = [page_image(i + 1, size, "1" if bilevel else "L") for i in range(pages)]
    out = io.BytesIO()
    images[0].save(
        out,
        "TIFF",
        save_all=True,
        append_images=images[1:],
        compression="group4" if bilevel else "tiff_lzw",
        dpi=(150, 150),
    )
    return out.getvalue()


def pdf_bytes(pages: int = 2, size=(620, 877), encrypt_with: str = "") -> bytes:
    """A PDF of page images (what "scan to PDF" makes), drawn by ReportLab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    kwargs = {}
    if encrypt_with:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt_with, canPrint=1)
    c = canvas.Canvas(out, pagesize=A4, invariant=1, **kwargs)  # same pages, same bytes
    for i in range(pages):
        buf = io.BytesIO()
        page_image(i + 1, size).save(buf, "JPEG", quality=75)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return out.getvalue()


# --- hostile files ------------------------------------------------------------------------------
def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header declaring ``width`` × ``height`` grey pixels, a few KB of zeros behind it."""
    rows = zlib.compress(b"\x00" * (width + 1) * min(height, 64), 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunks = _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def jpeg_with_size(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) is rewritten to declare another size."""
    data = bytearray(jpeg_bytes(1, (64, 64)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def tiff_many_pages(pages: int) -> bytes:
    images = [Image.new("1", (8, 8)) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "TIFF", save_all=True, append_images=images[1:])
    return out.getvalue()


def tiff_with_size(width: int, height: int) -> bytes:
    """A one-page uncompressed TIFF whose ImageWidth/ImageLength tags are rewritten."""
    out = io.BytesIO()
    Image.new("L", (16, 16)).save(out, "TIFF")
    data = bytearray(out.getvalue())
    (ifd,) = struct.unpack("<I", data[4:8])
    (count,) = struct.unpack("<H", data[ifd : ifd + 2])
    for i in range(count):
        entry = ifd + 2 + 12 * i
        tag, kind = struct.unpack("<HH", data[entry : entry + 4])
        if tag in (256, 257):
            value = width if tag == 256 else height
            fmt = "<H" if kind == 3 else "<I"
            data[entry + 8 : entry + 8 + struct.calcsize(fmt)] = struct.pack(fmt, value)
    return bytes(data)


def minimal_pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table around the given object bodies (1-based)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_image_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """One page holding an image that declares ``width`` × ``height`` pixels (a tiny Flate stream)."""
    stream = zlib.compress(b"\x00" * 4096, 9)
    return minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % (width, height, len(stream))
            + stream
            + b"\nendstream",
            b"<< /Length 35 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
        ]
    )


def pdf_without_pages() -> bytes:
    return minimal_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def blank_pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    for _ in range(pages):
        c.showPage()
    c.save()
    return out.getvalue()


# --- the samples are what they claim (checked by other programs) --------------------------------
def test_sample_pdf_is_a_pdf_for_poppler(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_bytes(3))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info


def tiff_ifd_sizes(data: bytes) -> list[tuple[int, int]]:
    """Walk a little-endian TIFF's IFD chain by hand: (width, height) of every page."""
    assert data[:4] == b"II*\x00"
    (offset,) = struct.unpack("<I", data[4:8])
    sizes = []
    while offset:
        (count,) = struct.unpack("<H", data[offset : offset + 2])
        tags = {}
        for i in range(count):
            tag, kind, _n, value = struct.unpack("<HHII", data[offset + 2 + 12 * i : offset + 14 + 12 * i])
            tags[tag] = value & 0xFFFF if kind == 3 else value
        sizes.append((tags[256], tags[257]))
        (offset,) = struct.unpack("<I", data[offset + 2 + 12 * count : offset + 6 + 12 * count])
    return sizes


def test_sample_tiff_has_its_pages():
    assert tiff_ifd_sizes(tiff_bytes(4)) == [(620, 877)] * 4


def test_hostile_headers_declare_what_they_claim():
    with Image.open(io.BytesIO(jpeg_with_size(9000, 9500))) as im:
        assert im.size == (9000, 9500)
    with Image.open(io.BytesIO(tiff_with_size(12000, 9000))) as im:
        assert im.size == (12000, 9000)
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_image_bomb()))
    image = reader.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert (image["/Width"], image["/Height"]) == (100_000, 100_000)
