"""Verifying a ward's signed report PDF, as the city office does: pyHanko's validator, our reasons.

A report passes only if all of these hold, and each one that fails is named in Vietnamese:

- it is a PDF with exactly one signature, and that signature covers the whole file (nothing
  added after signing: an incremental update could change what the page shows);
- the signature is intact (no byte of the signed ranges changed) and cryptographically valid;
- the signer's certificate chains to one of the city's trust roots (a folder of PEM/DER files)
  and was within its validity period at the signing time: the time-stamping server's time for
  a B-T signature, else the time the signer's PC declared (B-B: all there is, and said so);
- the embedded snapshot (``motcua-bao-cao.json``) gives the fingerprint it claims, so the
  figures the page shows and the figures the roll-up adds are the ones that were signed.

pyHanko and pyhanko-certvalidator do the cryptography and the path validation; nothing here
parses a signature or walks a chain by hand. No network fetching (CRL/OCSP): the city's PCs
verify offline; revocation is not checked (said in docs/signing.md).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from core.errors import MotCuaError
from core.report_snapshot import KEY_LABELS, fingerprint_of
from core.stats import KEYS
from core.timeutil import now as local_now
from core.timeutil import to_local
from reports.signing.keys import CertificateInfo
from reports.signing.stored import MAX_PDF_BYTES, embedded_snapshot

log = logging.getLogger("motcua.signing")
for _name in ("pyhanko", "pyhanko_certvalidator"):  # their tracebacks go to the log file, not the terminal
    logging.getLogger(_name).addHandler(logging.NullHandler())
ROOT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
CLOCK_SLACK = timedelta(minutes=5)  # PC clocks drift; a signing time further ahead is refused
MAX_ROOT_BYTES = 200_000


class TrustStoreError(MotCuaError):
    """The trust folder is missing, empty or holds a file that is not a certificate."""


@dataclass
class Verdict:
    """What the city learns about one PDF: valid or not, and why, with who signed and when."""

    name: str
    problems: list[str] = field(default_factory=list)
    signer: CertificateInfo | None = None
    signed_at: datetime | None = None
    timestamp_at: datetime | None = None
    snapshot: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def level(self) -> str:
        return "PAdES B-T" if self.timestamp_at else "PAdES B-B"

    def message(self) -> str:
        if self.ok:
            who = self.signer.common_name if self.signer else ""
            when = f"{to_local(self.signing_moment):%H:%M:%S %d/%m/%Y}" if self.signing_moment else ""
            return f"{self.name}: chữ ký số hợp lệ ({self.level}), người ký {who}, lúc {when}."
        return f"{self.name}: chữ ký số KHÔNG hợp lệ: " + "; ".join(self.problems) + "."

    @property
    def signing_moment(self) -> datetime | None:
        return self.timestamp_at or self.signed_at

    def to_json(self) -> dict[str, Any]:
        s = self.signer
        snap = self.snapshot or {}
        return {
            "file": self.name,
            "valid": self.ok,
            "problems": list(self.problems),
            "level": self.level,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamp_at": self.timestamp_at.isoformat() if self.timestamp_at else None,
            "signer": None
            if s is None
            else {
                "subject": s.subject,
                "common_name": s.common_name,
                "title": s.title,
                "issuer": s.issuer,
                "serial": s.serial,
                "valid_from": s.not_before.isoformat(),
                "valid_to": s.not_after.isoformat(),
            },
            "agency_code": snap.get("agency_code"),
            "ward_name": snap.get("ward_name"),
            "report_id": snap.get("report_id"),
            "version": snap.get("version"),
            "fingerprint": snap.get("fingerprint"),
        }


# --- the city's trust roots ---------------------------------------------------------------------
def load_trust_roots(folder: str | Path) -> list:
    """Every certificate in ``folder`` (PEM, possibly several per file, or DER), as asn1crypto objects."""
    from asn1crypto import pem, x509

    path = Path(folder)
    if not path.is_dir():
        raise TrustStoreError(f"Không tìm thấy thư mục chứng thư gốc tin cậy “{path}”.")
    roots = []
    for item in sorted(path.iterdir()):
        if item.suffix.lower() not in ROOT_SUFFIXES or not item.is_file():
            continue
        try:
            data = item.read_bytes()[: MAX_ROOT_BYTES + 1]
            if len(data) > MAX_ROOT_BYTES:
                raise ValueError("too large")
            blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            for der in blobs:
                cert = x509.Certificate.load(der)
                cert.native  # noqa: B018 - parse now: a damaged file is named here, not mid-validation
                roots.append(cert)
        except Exception:
            raise TrustStoreError(
                f"Tệp “{item.name}” trong thư mục chứng thư gốc không phải chứng thư số (PEM hoặc DER)."
            ) from None
    if not roots:
        raise TrustStoreError(
            f"Thư mục “{path}” không có chứng thư gốc nào (tệp .pem, .crt, .cer hoặc .der của tổ chức "
            "cung cấp dịch vụ chứng thực được tin cậy)."
        )
    return roots


# --- one PDF --------------------------------------------------------------------------------------
def read_pdf(path: str | Path) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PDF_BYTES:
            raise MotCuaError(f"Tệp {p.name} quá lớn ({size // 1_000_000} MB): không phải báo cáo.")
        return p.read_bytes()
    except FileNotFoundError:
        raise MotCuaError(f"Không tìm thấy tệp {p.name}.") from None
    except OSError as exc:
        raise MotCuaError(f"Không đọc được tệp {p.name}: {exc.strerror}.") from None


def verify_pdf(
    data: bytes, roots: list | None, name: str = "tệp PDF", now: datetime | None = None
) -> Verdict:
    """Check one report PDF; never raises for a bad file (its problems are in the verdict)."""
    verdict = Verdict(name)
    try:
        _verify(data, roots, verdict, now or local_now())
    except Exception as exc:  # a hostile or damaged file must never stop the roll-up
        log.warning("Kiểm tra %s: %r", name, exc)
        verdict.problems.append("tệp PDF hỏng hoặc không đọc được chữ ký")
    return verdict


def _verify(data: bytes, roots: list | None, verdict: Verdict, now: datetime) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if data.lstrip()[:5] != b"%PDF-":
        verdict.problems.append("không phải tệp PDF")
        return
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        verdict.problems.append("tệp PDF hỏng (không đọc được cấu trúc tệp)")
        return
    if not sigs:
        verdict.problems.append("tệp PDF không có chữ ký số")
        return
    if len(sigs) > 1:
        verdict.problems.append(f"tệp có {len(sigs)} chữ ký; báo cáo của MotCua chỉ có một chữ ký")
    sig = sigs[0]
    cert = sig.signer_cert
    verdict.signer = CertificateInfo.of(cert)
    claimed = sig.self_reported_timestamp
    verdict.signed_at = to_local(claimed) if claimed else None
    usage = KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )

    def validate(moment: datetime):
        context = ValidationContext(
            trust_roots=list(roots or []), allow_fetching=False, revocation_mode="soft-fail", moment=moment
        )
        return validate_pdf_signature(sig, signer_validation_context=context, key_usage_settings=usage)

    moment = verdict.signed_at
    if moment is None:
        verdict.problems.append("chữ ký không ghi thời điểm ký")
        moment = now
    status = validate(moment)
    stamp = status.timestamp_validity
    if stamp is not None:  # B-T: the time-stamping server's time is the one that counts
        verdict.timestamp_at = to_local(stamp.timestamp)
        if not (stamp.intact and stamp.valid):
            verdict.problems.append("dấu thời gian của chữ ký không hợp lệ")
        elif not stamp.trusted:
            verdict.problems.append("dấu thời gian do máy chủ không được thành phố tin cậy cấp")
        if verdict.timestamp_at != moment:
            moment = verdict.timestamp_at
            status = validate(moment)
    if to_local(moment) > to_local(now) + CLOCK_SLACK:
        verdict.problems.append(f"thời điểm ký {to_local(moment):%H:%M %d/%m/%Y} ở tương lai")
    if not status.intact:
        verdict.problems.append("chữ ký không còn nguyên vẹn: nội dung tệp đã bị thay đổi sau khi ký")
    elif not status.valid:
        verdict.problems.append("chữ ký không hợp lệ (sai mật mã hoặc không khớp chứng thư số)")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        verdict.problems.append("tệp có phần được thêm vào sau khi ký (chữ ký không bao trùm toàn bộ tệp)")
    if status.intact and status.valid and not status.trusted:
        verdict.problems.append(_trust_problem(verdict.signer, moment, roots))
    _check_snapshot(data, verdict)


def _trust_problem(info: CertificateInfo, moment: datetime, roots: list | None) -> str:
    when = f"{to_local(moment):%d/%m/%Y}"
    if to_local(moment) > info.not_after:
        return (
            f"chứng thư số của {info.common_name} đã hết hạn ngày {info.not_after:%d/%m/%Y}, "
            f"trước thời điểm ký {when}"
        )
    if to_local(moment) < info.not_before:
        return f"chứng thư số của {info.common_name} chưa có hiệu lực vào thời điểm ký {when}"
    if not roots:
        return "chưa kiểm tra được chứng thư số: chưa có thư mục chứng thư gốc tin cậy (--trust)"
    return (
        f"chứng thư số của {info.common_name} do “{info.issuer}” cấp, không thuộc các tổ chức "
        "chứng thực mà thành phố tin cậy"
    )


def _check_snapshot(data: bytes, verdict: Verdict) -> None:
    try:
        snap = embedded_snapshot(data)
    except MotCuaError:
        verdict.problems.append("tệp PDF không mang số liệu báo cáo của MotCua")
        return
    verdict.snapshot = snap
    table = snapshot_table(snap)
    if table is None:
        verdict.problems.append("số liệu mang trong tệp PDF không đúng mẫu")
        return
    if fingerprint_of(table, str(snap.get("agency_code", ""))) != snap.get("fingerprint"):
        verdict.problems.append("số liệu trong tệp PDF không khớp mã xác thực in trên báo cáo")


def snapshot_table(snap: dict[str, Any]) -> dict[str, Any] | None:
    """The signed figures in the ``report --json`` shape (what the fingerprint covers), or None."""
    c = snap.get("canonical")
    try:
        rows = [{"field": str(r["field"]), **{k: int(r[k]) for k in KEYS}} for r in c["rows"]]
        total = {k: int(c["total"][k]) for k in KEYS}
        return {"from": str(c["from"]), "to": str(c["to"]), "rows": rows, "total": total}
    except (KeyError, TypeError, ValueError):
        return None


def figure_differences(pdf_table: dict[str, Any], book_table: dict[str, Any]) -> list[str]:
    """Where the PDF's figures and the workbook's differ, one Vietnamese phrase per cell."""
    out = []
    if (pdf_table["from"], pdf_table["to"]) != (book_table["from"], book_table["to"]):
        out.append("kỳ báo cáo khác nhau")
    pdf_rows = {r["field"]: r for r in pdf_table["rows"]}
    book_rows = {r["field"]: r for r in book_table["rows"]}
    for name in [*pdf_rows, *(f for f in book_rows if f not in pdf_rows)]:
        a, b = pdf_rows.get(name, {}), book_rows.get(name, {})
        for k in KEYS:
            if a.get(k, 0) != b.get(k, 0):
                out.append(f"{name}: {KEY_LABELS[k]} PDF {a.get(k, 0)}, Excel {b.get(k, 0)}")
    return out
