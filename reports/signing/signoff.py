"""The vice-chair's sign-off with a digital signature: account, certificate and PDF in one step.

Order matters, so that nothing is half done:

1. the account password is checked first, outside any transaction (a wrong one counts towards
   the lock-out and must stay counted), and only a vice-chair may go on;
2. the key is opened (PIN or passphrase) and its certificate checked against the sign-off
   moment: expired, not yet valid, no key on the token ... are refused before anything is written;
3. in ONE write transaction: the register's sign-off (``core.reporting.sign``: who, when, the
   fingerprint), the PDF drawn from the signed report, signed by pyHanko, saved (on a server
   register also into the database, so the rollback takes it too: ``reports.signing.stored``),
   and the audit entry ``sign_digital``. If signing fails (the token pulled out, the
   time-stamping server down), the transaction rolls back: the report is still a draft and no
   PDF is kept.

The password-only sign-off (``core.reporting.sign``) stays for wards without a certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import reporting as rp
from core import users as users_mod
from core.model import Role
from core.register import Register
from reports.signing.keys import CertificateInfo, KeySource, open_key, signer_certificate
from reports.signing.pades import sign_pdf
from reports.signing.pdf import render_report, ward_indicators
from reports.signing.stored import save_signed, sha256_hex


@dataclass(frozen=True)
class DigitalSignOff:
    """A report signed with a certificate: the report as signed, the PDF and where it is kept."""

    report: rp.Report
    pdf: bytes
    path: Path
    certificate: CertificateInfo
    level: str  # "PAdES B-B" or "PAdES B-T"


def check_signer(register: Register, report_id: int, login: str, password: str):
    """The vice-chair's account, checked (password, role) before the token is touched."""
    user = register.authenticate(login, password)
    users_mod.require(user, Role.VICE_CHAIR, action="ký số báo cáo", admin_ok=False)
    report = rp.get(register, report_id)
    if report.is_signed:
        raise rp.ReportLockedError(
            f"Báo cáo số {report.id} (kỳ {report.period.short}, phiên bản {report.version}) đã được "
            f"{report.signed_by_name or 'Phó Chủ tịch'} ký duyệt: không ký lại được."
        )
    return user


def read_certificate(source: KeySource, secret: str, at: datetime | None = None) -> CertificateInfo:
    """Open the key only to describe its certificate (shown before signing); checked at ``at`` if given."""
    with open_key(source, secret) as signer:
        info = signer_certificate(signer)
    if at is not None:
        info.check_valid_at(at)
    return info


def sign_digitally(
    register: Register,
    report_id: int,
    login: str,
    password: str,
    source: KeySource,
    secret: str,
    *,
    now: datetime | None = None,
    timestamper=None,
) -> DigitalSignOff:
    """Sign report ``report_id`` as ``login`` with the key in ``source`` (see the module's steps)."""
    user = check_signer(register, report_id, login, password)
    settings = register.settings
    tsa_url = getattr(settings, "tsa_url", "") or ""
    with open_key(source, secret) as signer:
        info = signer_certificate(signer)
        info.check_valid_at(register.now())
        with register.store.transaction():
            signed = rp.sign(register, report_id, login, password, now=now)
            rendered = render_report(signed, settings, ward_indicators(register, signed))
            data = sign_pdf(
                rendered,
                signer,
                at=signed.signed_at or register.now(),
                name=info.common_name or signed.signed_by_name or user.full_name,
                title=signed.signed_by_title or info.title,
                issuer=info.issuer,
                location=settings.place_name or settings.ward_name,
                tsa_url=tsa_url,
                timestamper=timestamper,
            )
            level = "PAdES B-T" if (timestamper is not None or tsa_url.strip()) else "PAdES B-B"
            path = save_signed(register, signed, data)
            register.store.audit(
                user_login=user.login,
                action="sign_digital",
                entity="report",
                key=str(signed.id),
                new={
                    "level": level,
                    "certificate_subject": info.subject,
                    "certificate_issuer": info.issuer,
                    "certificate_serial": info.serial,
                    "certificate_valid_to": info.not_after.isoformat(),
                    "key": type(source).__name__.removesuffix("Source").lower(),
                    "pdf_sha256": sha256_hex(data),
                    "fingerprint": signed.fingerprint,
                },
                at=register.now(),
            )
    return DigitalSignOff(signed, data, path, info, level)
