"""The report PDF and its PAdES signature with a .p12 file, checked by pyHanko AND by poppler's pdfsig.

Real parts throughout: a register on a SQLite file, a throw-away CA made with ``cryptography``
(tests/signing_ca.py), the PDF read back with pypdf, rendered with pdftoppm, and verified by
``pdfsig`` (poppler, NSS: it shares no code with pyHanko). pdfsig does not know the test root, so
from it only the signature's integrity is asserted; trust is asserted through our verifier.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from core import reporting as rp
from reports.signing.keys import Pkcs12Source, SigningKeyError
from reports.signing.pdf import SIGNATURE_FIELD, SNAPSHOT_FILE, render_report, report_pdf
from reports.signing.signoff import sign_digitally
from reports.signing.stored import embedded_snapshot, load_signed, signed_path
from reports.signing.verify import TrustStoreError, load_trust_roots, verify_pdf
from reports.workbook import DRAFT_MARK
from tests.helpers import PASSWORD
from tests.signing_ca import P12_PASSPHRASE, november_draft, throwaway_ca, write_p12


def pdfsig(path: Path) -> str:
    tool = shutil.which("pdfsig")
    if tool is None:
        pytest.fail("pdfsig (poppler-utils) không có: cài gói poppler-utils")
    done = subprocess.run([tool, str(path)], capture_output=True, text=True)
    return done.stdout + done.stderr


def page_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def draft(register, clerk, clock):
    return november_draft(register, clerk, clock)


@pytest.fixture
def p12(tmp_path) -> Path:
    return write_p12(throwaway_ca().vice_chair, tmp_path / "phochutich.p12")


@pytest.fixture
def trust(tmp_path):
    return load_trust_roots(throwaway_ca().trust_dir(tmp_path / "goc"))


def sign_with(register, draft, issued, tmp_path, name="k.p12"):
    path = write_p12(issued, tmp_path / name)
    return sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(path), P12_PASSPHRASE)


def test_draft_pdf_has_the_workbook_content_and_vietnamese_metadata(register, draft):
    data = report_pdf(draft, register.settings)
    reader = PdfReader(io.BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = page_text(data)
    for line in (
        "UBND PHƯỜNG TÂY HỒ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "Kỳ báo cáo: Từ ngày 01/11/2026 đến ngày 30/11/2026",
        "Số hồ sơ nhận giải quyết",
        "Tổng cộng",
        "Tiếp nhận 100% hồ sơ trực tuyến đúng quy trình.",
        "NGƯỜI LẬP BIỂU",
        DRAFT_MARK,
    ):
        assert line in text, line
    meta = reader.metadata
    assert meta.title == f"Báo cáo tình hình, kết quả giải quyết thủ tục hành chính kỳ {draft.period.short}"
    assert meta.author == "UBND phường Tây Hồ" and "phiên bản 1" in meta.subject
    snap = embedded_snapshot(data)
    assert snap["status"] == "draft" and snap["fingerprint"] == "" and snap["report_id"] == draft.id
    assert snap["canonical"]["total"]["received_total"] == draft.table.total.received_total


def test_signed_with_p12_is_valid_for_pyhanko_and_pdfsig(register, draft, tmp_path, p12, trust):
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    assert done.report.is_signed and done.level == "PAdES B-B"
    assert done.certificate.common_name == "Phạm Quang Vinh"
    assert done.path == signed_path(register, done.report) and done.path.read_bytes() == done.pdf
    assert load_signed(register, rp.get(register, draft.id)) == done.pdf
    verdict = verify_pdf(done.pdf, trust, "bao-cao.pdf")
    assert verdict.ok, verdict.problems
    assert verdict.signer.common_name == "Phạm Quang Vinh" and verdict.signed_at == done.report.signed_at
    out = pdfsig(done.path)
    assert "Signature is Valid." in out and "Total document signed" in out, out
    assert "Signer Certificate Common Name: Phạm Quang Vinh" in out
    text = page_text(done.pdf)
    assert done.report.fingerprint_display in text and DRAFT_MARK not in text
    snap = embedded_snapshot(done.pdf)
    assert snap["fingerprint"] == done.report.fingerprint and snap["status"] == "signed"
    # the register's audit trail says how and with what it was signed
    from core import audit

    entries = audit.entries(register.store, "report", str(draft.id))
    entry = next(e for e in entries if e["action"] == "sign_digital")
    fields = json.loads(entry["new"]) if isinstance(entry["new"], str) else entry["new"]
    assert fields["level"] == "PAdES B-B" and fields["certificate_issuer"] == "CA thử nghiệm MotCua"


def test_the_visible_signature_sits_in_the_sign_off_block_and_is_drawn(register, draft, tmp_path, p12):
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    from reports.signing.pdf import ward_indicators

    spot = render_report(done.report, register.settings, ward_indicators(register, done.report)).spot
    reader = PdfReader(io.BytesIO(done.pdf))
    widgets = [
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object().get("/T") == SIGNATURE_FIELD
    ]
    assert len(widgets) == 1
    rect = [round(float(v)) for v in widgets[0]["/Rect"]]
    assert rect == list(spot.box)
    # rendered by poppler: the box is not blank (the stamp's frame and text are drawn)
    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", str(spot.page + 1), "-l", str(spot.page + 1)]
        + [str(done.path), str(png)],
        check=True,
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    x1, y1, x2, y2 = spot.box
    h = image.height
    box = image.crop((x1 + 2, h - y2 + 2, x2 - 2, h - y1 - 2))
    dark = sum(box.histogram()[:128])
    assert dark > 300, dark  # text of four lines; an empty box has none


def test_a_changed_byte_is_named_by_our_verifier_and_by_pdfsig(register, draft, tmp_path, p12, trust):
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    data = bytearray(done.pdf)
    at = data.find(b"stream", 2000) + 20  # inside a content stream of the signed range
    data[at] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    verdict = verify_pdf(bytes(data), trust, tampered.name)
    assert not verdict.ok
    assert any("không còn nguyên vẹn" in p or "hỏng" in p for p in verdict.problems), verdict.problems
    assert "Signature is Valid." not in pdfsig(tampered)


def test_an_update_appended_after_signing_is_named(register, draft, p12, trust):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    writer = IncrementalPdfFileWriter(io.BytesIO(done.pdf))
    writer.root["/Lang"] = generic.pdf_string("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    verdict = verify_pdf(out.getvalue(), trust, "them.pdf")
    assert any("thêm vào sau khi ký" in p for p in verdict.problems), verdict.problems


@pytest.mark.parametrize(
    ("which", "words"),
    [("expired", "đã hết hạn ngày 31/12/2025"), ("not_yet", "chưa có hiệu lực (từ ngày 01/06/2027)")],
)
def test_a_certificate_out_of_its_validity_is_refused_before_anything_is_written(
    register, draft, tmp_path, which, words
):
    with pytest.raises(SigningKeyError, match=words.replace("(", r"\(").replace(")", r"\)")):
        sign_with(register, draft, getattr(throwaway_ca(), which), tmp_path)
    report = rp.get(register, draft.id)
    assert not report.is_signed and not signed_path(register, report).exists()


def test_wrong_passphrase_not_a_p12_and_a_clerk_are_refused(register, draft, tmp_path, p12):
    with pytest.raises(SigningKeyError, match="sai mật khẩu của tệp"):
        sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), "sai")
    junk = tmp_path / "junk.p12"
    junk.write_text("không phải tệp .p12", encoding="utf-8")
    with pytest.raises(SigningKeyError, match="không phải định dạng PKCS#12"):
        sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(junk), "x")
    with pytest.raises(SigningKeyError, match="Không tìm thấy tệp chứng thư số"):
        sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(tmp_path / "no.p12"), "x")
    from core.errors import MotCuaError

    with pytest.raises(MotCuaError, match="Phó Chủ tịch"):
        sign_digitally(register, draft.id, "canbo1", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    assert not rp.get(register, draft.id).is_signed


def test_a_signing_failure_rolls_the_sign_off_back(register, draft, p12):
    class BrokenStamper:  # the time-stamping server down in the middle of signing
        async def async_timestamp(self, *a, **k):
            raise OSError("mạng mất")

        async def async_request_tsa_response(self, *a, **k):
            raise OSError("mạng mất")

    from reports.signing.pades import SigningError

    with pytest.raises(SigningError):
        sign_digitally(
            register,
            draft.id,
            "phochutich",
            PASSWORD,
            Pkcs12Source(p12),
            P12_PASSPHRASE,
            timestamper=BrokenStamper(),
        )
    report = rp.get(register, draft.id)
    assert not report.is_signed and not signed_path(register, report).exists()


def test_untrusted_and_expired_at_signing_are_named(register, draft, tmp_path, trust):
    from reports.signing.keys import open_key
    from reports.signing.pades import sign_pdf

    stranger = sign_with(register, draft, throwaway_ca().stranger, tmp_path, "la.p12")
    verdict = verify_pdf(stranger.pdf, trust, "la.pdf")
    assert verdict.problems == [
        "chứng thư số của Phạm Quang Vinh do “CA lạ không được tin cậy” cấp, không thuộc các tổ chức "
        "chứng thực mà thành phố tin cậy"
    ]
    # a PDF signed with the expired certificate (made by pyHanko directly: MotCua refuses to)
    signed = stranger.report
    path = write_p12(throwaway_ca().expired, tmp_path / "het.p12")
    with open_key(Pkcs12Source(path), P12_PASSPHRASE) as signer:
        data = sign_pdf(
            render_report(signed, register.settings),
            signer,
            at=signed.signed_at,
            name="x",
            title="",
            issuer="-",
        )
    verdict = verify_pdf(data, trust, "het.pdf")
    assert any("đã hết hạn ngày 31/12/2025" in p for p in verdict.problems), verdict.problems
    assert not verify_pdf(stranger.pdf, None, "x").ok  # no trust roots: never "valid"


def test_trust_folder_pem_der_and_refusals(tmp_path):
    ca = throwaway_ca()
    assert len(load_trust_roots(ca.trust_dir(tmp_path / "der", der=True))) == 1
    both = ca.trust_dir(tmp_path / "pem")
    (both / "them.pem").write_bytes(ca.root.cert_pem() + ca.stranger_root.cert_pem())
    assert len(load_trust_roots(both)) == 3
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrustStoreError, match="không có chứng thư gốc nào"):
        load_trust_roots(tmp_path / "empty")
    with pytest.raises(TrustStoreError, match="Không tìm thấy thư mục"):
        load_trust_roots(tmp_path / "missing")
    (both / "rac.cer").write_bytes(b"\x00\x01 rac")
    with pytest.raises(TrustStoreError, match="“rac.cer”"):
        load_trust_roots(both)


def test_hostile_inputs_to_the_verifier_never_raise(trust):
    for data in (b"", b"%PDF-1.7\n garbage", b"%PDF-1.4\n" + b"0" * 5000, b"not a pdf"):
        verdict = verify_pdf(data, trust, "x.pdf")
        assert not verdict.ok and verdict.problems
    assert SNAPSHOT_FILE.endswith(".json")


def test_with_a_time_stamping_server_the_signature_is_b_t(register, admin, draft, p12, trust, tmp_path):
    from datetime import timedelta

    from tests.signing_ca import LoopbackTSA

    tsa = LoopbackTSA(register.now() + timedelta(seconds=3))
    try:
        register.update_settings(admin, tsa_url=tsa.url)
        done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    finally:
        tsa.close()
    assert tsa.requests >= 1 and done.level == "PAdES B-T"  # pyHanko asks once more to size the signature
    verdict = verify_pdf(done.pdf, trust, "bt.pdf")
    assert verdict.ok, verdict.problems
    assert verdict.level == "PAdES B-T" and verdict.timestamp_at == done.report.signed_at + timedelta(
        seconds=3
    )
    out = pdfsig(done.path)
    assert "Signature is Valid." in out and "Total document signed" in out, out
    # a timestamp from a server the city does not trust is named
    only_stranger = load_trust_roots(_folder_with(tmp_path / "la", throwaway_ca().stranger_root.cert_pem()))
    assert not verify_pdf(done.pdf, only_stranger, "bt.pdf").ok


def test_a_time_stamping_server_that_is_down_leaves_the_draft(register, admin, draft, p12):
    from reports.signing.pades import SigningError

    register.update_settings(admin, tsa_url="http://127.0.0.1:9/khong-co")
    with pytest.raises(SigningError, match="Không lấy được dấu thời gian từ máy chủ http://127.0.0.1:9"):
        sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    report = rp.get(register, draft.id)
    assert not report.is_signed and not signed_path(register, report).exists()


def _folder_with(folder: Path, pem: bytes) -> Path:
    folder.mkdir()
    (folder / "goc.pem").write_bytes(pem)
    return folder


def test_a_signed_reports_pdf_keeps_the_heading_it_was_signed_with(register, admin, draft, p12):
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    register.update_settings(admin, ward_name="UBND phường Mới Đổi Tên", report_to="Sở Nội vụ")
    again = report_pdf(rp.get(register, done.report.id), register.settings)
    text = page_text(again)
    assert "UBND PHƯỜNG TÂY HỒ" in text and "Văn phòng UBND thành phố Hà Nội" in text
    assert "Mới Đổi Tên" not in text and embedded_snapshot(again)["ward_name"] == "UBND phường Tây Hồ"


def test_the_signed_pdf_carries_the_wards_indicators_as_the_workbook_does(register, draft, p12):
    from reports.indicators_table import TITLE as INDICATORS_TITLE

    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    text = page_text(done.pdf)
    assert "CHỈ SỐ PHỤC VỤ NGƯỜI DÂN" in text and INDICATORS_TITLE.split(" (")[0] in text
    assert "Hồ sơ nộp trực tuyến" in text
