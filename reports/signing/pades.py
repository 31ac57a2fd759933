"""PAdES signing of the report PDF with pyHanko: B-B, or B-T when a time-stamping server is set.

The signature field is created on the box the layout reserved in the sign-off block
(``pdf.SignatureSpot``); its appearance is drawn with ReportLab in the same Liberation Serif as
the page (pyHanko's own text stamps would need extra font-shaping packages to print Vietnamese),
then handed to pyHanko as a static stamp. The embedded snapshot is added in the same revision
as the signature, so the signature covers it.

The signing time written in the signature is the moment of the sign-off recorded in the
register (passed in), not the PC's clock read a second later: the printed block, the register
and the signature say the same time. With a time-stamping server (B-T) the server's time is
added on top, which is what proves the time to a third party.
"""

from __future__ import annotations

import binascii
import io
import uuid
from datetime import datetime

from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader

from core.errors import MotCuaError
from core.timeutil import to_local
from reports.signing.pdf import SIGNATURE_BOX, SIGNATURE_FIELD, RenderedReport, embed_snapshot

TSA_TIMEOUT = 15  # seconds; a B-T signature waits this long for the server at most


class SigningError(MotCuaError):
    """pyHanko could not sign (or the time-stamping server did not answer); message in Vietnamese."""


class _PdfBytesPage(PdfContent):
    """The first page of an in-memory PDF as a form XObject (pyHanko's ImportedPdfPage reads a file)."""

    def __init__(self, data: bytes):
        self.data = data
        super().__init__()

    def render(self) -> bytes:
        xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


def appearance_pdf(name: str, title: str, at: datetime, issuer: str, timestamped: bool) -> bytes:
    """The visible signature: a framed box saying who signed, as what, when, with whose certificate."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    from reports.fonts import font_name

    w, h = SIGNATURE_BOX
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(w, h))
    c.setTitle("Chữ ký số")
    green = colors.HexColor("#1B5E20")
    c.setStrokeColor(green)
    c.setLineWidth(1)
    c.rect(1, 1, w - 2, h - 2)
    c.setFillColor(green)
    c.setFont(font_name("b"), 8.5)
    c.drawCentredString(w / 2, h - 12, "ĐÃ KÝ SỐ")
    c.setFillColor(colors.black)
    lines = [
        ("b", 8.5, f"Người ký: {name}"),
        ("r", 7.5, f"Chức vụ: {title}" if title else ""),
        ("r", 7.5, f"Thời gian ký: {to_local(at):%H:%M:%S ngày %d/%m/%Y}"),
        ("r", 7, f"Chứng thư số do {issuer} cấp" + (" · có dấu thời gian" if timestamped else "")),
    ]
    y = h - 24
    for style, size, text in lines:
        if not text:
            continue
        c.setFont(font_name(style), size)
        c.drawCentredString(w / 2, y, _fit(text, font_name(style), size, w - 8))
        y -= size + 3
    c.showPage()
    c.save()
    return buffer.getvalue()


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def sign_pdf(
    rendered: RenderedReport,
    signer,
    *,
    at: datetime,
    name: str,
    title: str,
    issuer: str,
    location: str = "",
    tsa_url: str = "",
    timestamper=None,
) -> bytes:
    """Sign ``rendered`` (PAdES B-B; B-T with ``tsa_url`` or a ``timestamper``); the signed bytes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import StaticStampStyle

    if timestamper is None and tsa_url.strip():
        from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper

        timestamper = HTTPTimeStamper(tsa_url.strip(), timeout=TSA_TIMEOUT)
    writer = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf))
    embed_snapshot(writer, rendered.snapshot)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason="Phê duyệt báo cáo tình hình, kết quả giải quyết thủ tục hành chính",
        location=location or None,
        name=name,
    )
    from pyhanko.pdf_utils import layout

    stamp = StaticStampStyle(
        background=_PdfBytesPage(appearance_pdf(name, title, at, issuer, timestamper is not None)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )
    spot = rendered.spot
    field_spec = fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD, on_page=spot.page, box=spot.box)
    pdf_signer = _TimedPdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=stamp, new_field_spec=field_spec, at=at
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except MotCuaError:
        raise
    except Exception as exc:
        raise _translate(exc, tsa_url) from exc
    return out.getvalue()


def _translate(exc: Exception, tsa_url: str) -> SigningError:
    """The Vietnamese reason for a failure while signing (the token pulled out, the TSA down ...)."""
    text = f"{type(exc).__name__}: {exc}"
    try:
        from aiohttp import ClientError
    except ImportError:  # pragma: no cover - aiohttp comes with pyHanko
        ClientError = OSError  # noqa: N806
    if tsa_url and isinstance(exc, ClientError | TimeoutError | OSError) or "TimestampRequestError" in text:
        return SigningError(
            f"Không lấy được dấu thời gian từ máy chủ {tsa_url}: kiểm tra mạng hoặc địa chỉ máy chủ "
            "cấp dấu thời gian (thiết lập tsa_url; để trống nếu không dùng). Báo cáo chưa được ký."
        )
    try:
        from pkcs11.exceptions import PKCS11Error
    except ImportError:  # pragma: no cover
        PKCS11Error = ()  # noqa: N806
    if PKCS11Error and isinstance(exc, PKCS11Error):
        return SigningError(
            f"USB token từ chối ký ({type(exc).__name__}): kiểm tra token còn cắm và thử lại."
        )
    return SigningError(f"Không ký số được báo cáo ({text}).")


def _timed_class():
    from pyhanko.sign.signers import PdfSigner

    class TimedPdfSigner(PdfSigner):
        """A PdfSigner whose signing time is the sign-off's moment (pyHanko reads the clock otherwise)."""

        def __init__(self, *args, at: datetime, **kw):
            super().__init__(*args, **kw)
            self._at = at

        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = self._at
            return session

    return TimedPdfSigner


def _TimedPdfSigner(*args, **kw):  # noqa: N802 - a class made on first use (pyHanko imports lazily)
    return _timed_class()(*args, **kw)
