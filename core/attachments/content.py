"""Is this file a scan we can keep? Type by content, real parse, limits; refusals in Vietnamese.

A clerk attaches what the scanner software saved, what an applicant sent by Zalo, or what a
colleague dropped in the watched folder. The name proves nothing ("hopdong.pdf" may be a
renamed .exe), so the type is read from the first bytes and then the file is really parsed:
every image frame is decoded by Pillow, a PDF is read by pypdf (structure, page count, the
size of its images) and its first page drawn by PDFium, the engine that will show it later.
A file that passes here will open in the window; one that does not is refused before a single
byte is stored.

Decompression bombs are the hostile case of scans: a 50 KB PNG or TIFF can declare a 100,000 ×
100,000 image (30 GB once decoded), a PDF can hold thousands of pages or giant images. Sizes
are read from the headers and compared with pixel budgets *before* anything is decoded; Pillow's
own ``DecompressionBombError`` (and its warning, turned into an error) is a second net.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from core.errors import MotCuaError
from core.filesafety import os_refusal

MIB = 1024 * 1024
PDF, JPEG, PNG, TIFF = "application/pdf", "image/jpeg", "image/png", "image/tiff"
MIME_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", TIFF: ".tif"}
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
_MAX_NAME = 180


class AttachmentRefused(MotCuaError):
    """A file that will not be kept with the dossier; nothing was written."""


@dataclass(frozen=True)
class AttachmentLimits:
    """Budgets a real counter scan fits in with room to spare; hostile files do not.

    A4 at 600 dpi is 35 Mpx, A3 at 600 dpi 70 Mpx: ``max_page_pixels`` lets both through and
    stops a declared 10,000 × 10,000 bomb long before it is decoded. ``max_total_pixels`` bounds
    the time and memory of decoding a multi-page file (300 A4 pages at 300 dpi is 2.6 Gpx).
    """

    max_file_bytes: int = 20 * MIB
    max_dossier_bytes: int = 200 * MIB
    max_pages: int = 300
    max_page_pixels: int = 80_000_000
    max_total_pixels: int = 3_000_000_000

    @classmethod
    def from_settings(cls, settings: object) -> AttachmentLimits:
        """The two size limits are office settings (MB); the pixel budgets are fixed."""
        return cls(
            max_file_bytes=int(getattr(settings, "attach_max_file_mb", 20)) * MIB,
            max_dossier_bytes=int(getattr(settings, "attach_max_dossier_mb", 200)) * MIB,
        )


@dataclass(frozen=True)
class FileFacts:
    """What the check learnt about a file: stored beside it, shown in the dossier."""

    name: str
    mime: str
    size: int
    sha256: str
    pages: int
    width: int = 0  # first page, pixels (images) or points (PDF)
    height: int = 0

    @property
    def label(self) -> str:
        return MIME_LABELS.get(self.mime, self.mime)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def megabytes(size: int) -> str:
    """12,3 MB: Vietnamese decimal comma."""
    return f"{size / MIB:.1f}".replace(".", ",") + " MB"


def human_size(size: int) -> str:
    """What a clerk reads in a list: 38 KB, 1,2 MB."""
    if size < MIB:
        return f"{max(round(size / 1024), 1)} KB"
    return megabytes(size)


def clean_name(name: str) -> str:
    """The file's own name, without folders or control characters, NFC, at most 180 characters."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: _MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else base[:_MAX_NAME]
    return base or "tep-dinh-kem"


def sniff(data: bytes) -> str | None:
    """The type the first bytes declare (the name is never trusted)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if b"%PDF-" in data[:1024]:  # the spec allows a little junk before the header
        return PDF
    return None


def check_file(path: str | Path, limits: AttachmentLimits | None = None, name: str | None = None):
    """Read and check a file on disk; returns ``(bytes, FileFacts)`` or raises ``AttachmentRefused``.

    The size is checked before the file is read, and at most one byte past the limit is ever
    read (a file still being written by the scanner can grow between ``stat`` and ``read``).
    """
    limits = limits or AttachmentLimits()
    path = Path(path)
    shown = clean_name(name or path.name)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(21, "is a directory")
        if size > limits.max_file_bytes:
            raise _too_big(shown, size, limits)
        with path.open("rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise AttachmentRefused(os_refusal(path, exc).message) from exc
    return data, check_bytes(data, shown, limits)


def _too_big(name: str, size: int, limits: AttachmentLimits) -> AttachmentRefused:
    return AttachmentRefused(
        f"Tệp {name} lớn {megabytes(size)}, vượt giới hạn {megabytes(limits.max_file_bytes)} "
        "cho một tệp: không đính kèm (có thể quét lại với độ phân giải thấp hơn)."
    )


def check_bytes(data: bytes, name: str, limits: AttachmentLimits | None = None) -> FileFacts:
    """Check bytes already in memory (drag and drop, the watched folder, tests)."""
    limits = limits or AttachmentLimits()
    name = clean_name(name)
    if len(data) > limits.max_file_bytes:
        raise _too_big(name, len(data), limits)
    if not data:
        raise AttachmentRefused(f"Tệp {name} rỗng (0 byte): không đính kèm.")
    mime = sniff(data)
    if mime is None:
        raise AttachmentRefused(
            f"Tệp {name} không phải PDF, JPEG, PNG hay TIFF (kiểm tra theo nội dung tệp, "
            "không theo tên): không đính kèm."
        )
    if mime == PDF:
        pages, width, height = _check_pdf(data, name, limits)
    else:
        pages, width, height = _check_image(data, mime, name, limits)
    return FileFacts(name, mime, len(data), sha256_hex(data), pages, width, height)


def check_dossier_total(already: int, adding: int, limits: AttachmentLimits, code: str = "") -> None:
    """The per-dossier budget: what is already attached plus the new file."""
    if already + adding > limits.max_dossier_bytes:
        where = f"hồ sơ {code}" if code else "hồ sơ"
        raise AttachmentRefused(
            f"Tổng dung lượng tệp của {where} sẽ là {megabytes(already + adding)}, vượt giới hạn "
            f"{megabytes(limits.max_dossier_bytes)} cho một hồ sơ: không đính kèm."
        )


def _bomb(name: str, detail: str) -> AttachmentRefused:
    return AttachmentRefused(
        f"Tệp {name} {detail}: không mở (có thể là tệp độc hại hoặc quét với độ phân giải quá cao)."
    )


def _check_image(data: bytes, mime: str, name: str, limits: AttachmentLimits) -> tuple[int, int, int]:
    """Decode every frame, each after its declared size has passed the pixel budgets."""
    from PIL import Image

    label = MIME_LABELS[mime]
    pages = total = 0
    first = (0, 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # a TIFF cut short loses its last pages' directories: Pillow only warns
            warnings.filterwarnings("error", message="Truncated File Read")
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[mime]]) as im:
                while True:
                    w, h = im.size
                    if w <= 0 or h <= 0:
                        raise AttachmentRefused(f"Tệp {label} {name} hỏng (kích thước ảnh bằng 0).")
                    if w * h > limits.max_page_pixels:
                        raise _bomb(name, f"khai báo một trang ảnh {w} × {h} điểm ảnh, quá lớn")
                    pages += 1
                    total += w * h
                    if pages > limits.max_pages:
                        raise _bomb(name, f"có hơn {limits.max_pages} trang")
                    if total > limits.max_total_pixels:
                        raise _bomb(name, "có tổng số điểm ảnh quá lớn")
                    if pages == 1:
                        first = (w, h)
                    im.load()
                    try:
                        im.seek(im.tell() + 1)
                    except EOFError:
                        break
    except AttachmentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(name, "là ảnh quá lớn khi giải nén") from exc
    except MemoryError as exc:
        raise _bomb(name, "cần quá nhiều bộ nhớ để mở") from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError... for damaged files
        raise AttachmentRefused(
            f"Tệp {label} {name} bị hỏng hoặc không đọc được hết (tệp tải về chưa xong, hay bị sửa?): "
            "không đính kèm."
        ) from exc
    return pages, first[0], first[1]


def _check_pdf(data: bytes, name: str, limits: AttachmentLimits) -> tuple[int, int, int]:
    """pypdf reads the structure and the declared image sizes; PDFium must draw page one."""
    if b"%%EOF" not in data[-1024:]:
        raise AttachmentRefused(
            f"Tệp PDF {name} bị cắt cụt (thiếu phần kết thúc %%EOF: tải về hoặc chép chưa xong): "
            "không đính kèm."
        )
    broken = AttachmentRefused(f"Tệp PDF {name} sai cấu trúc, không đọc được: không đính kèm.")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentRefused(
                f"Tệp PDF {name} có mật khẩu: hãy lưu lại bản không mật khẩu rồi đính kèm."
            )
        pages = len(reader.pages)
        if pages == 0:
            raise AttachmentRefused(f"Tệp PDF {name} không có trang nào: không đính kèm.")
        if pages > limits.max_pages:
            raise _bomb(name, f"có {pages} trang, hơn giới hạn {limits.max_pages} trang")
        total = 0
        for page in reader.pages:
            pixels = _declared_image_pixels(page)
            if pixels > limits.max_page_pixels * 2:  # a page may hold a scan and a stamp image
                raise _bomb(name, "chứa ảnh quá lớn khi giải nén")
            total += pixels
            if total > limits.max_total_pixels:
                raise _bomb(name, "có tổng số điểm ảnh quá lớn")
        box = reader.pages[0].mediabox
        width, height = round(float(box.width)), round(float(box.height))
    except AttachmentRefused:
        raise
    except MemoryError as exc:
        raise _bomb(name, "cần quá nhiều bộ nhớ để mở") from exc
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, KeyError, RecursionError ...)
        raise broken from exc
    _pdfium_first_page(data, pages, broken)
    return pages, width, height


def _declared_image_pixels(page) -> int:
    """Width × height of the images a page's resources declare (headers only, nothing decoded)."""
    from pypdf.generic import IndirectObject

    def images(resources, depth: int) -> int:
        if depth > 3 or resources is None:
            return 0
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, IndirectObject):
            xobjects = xobjects.get_object()
        count = 0
        for ref in (xobjects or {}).values():
            obj = ref.get_object()
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                count += max(int(obj.get("/Width", 0)), 0) * max(int(obj.get("/Height", 0)), 0)
            elif subtype == "/Form":
                count += images(obj.get("/Resources"), depth + 1)
        return count

    res = page.get("/Resources")
    return images(res.get_object() if res is not None else None, 0)


def _pdfium_first_page(data: bytes, pages: int, broken: AttachmentRefused) -> None:
    """Draw page one small with PDFium: what the window will use to show the file."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
        try:
            if len(pdf) != pages:
                raise broken
            page = pdf[0]
            w, h = page.get_size()
            bitmap = page.render(scale=min(48 / max(w, h, 1), 1.0))
            bitmap.close()
            page.close()
        finally:
            pdf.close()
    except AttachmentRefused:
        raise
    except Exception as exc:  # PdfiumError and friends
        raise broken from exc
