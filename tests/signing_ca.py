"""A throw-away certificate authority for the signing tests, made with ``cryptography``.

Two roots: the one the city trusts ("CA thử nghiệm MotCua") and one it does not ("CA lạ").
Certificates for the vice-chair (valid through 2026-2028), an expired one (2024-2025), one from
the untrusted root, and one not valid yet (from 2027). Fixed dates, never the wall clock, so a
test means the same thing any year. Keys are RSA 2048 (what Vietnamese CAs issue on tokens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

P12_PASSPHRASE = "Mật-khẩu-tệp-ký"


def _utc(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def _name(cn: str, org: str = "UBND phường Tây Hồ", title: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
    ]
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(parts)


@dataclass(frozen=True)
class Issued:
    """A key and its certificate (and the chain above it, root last)."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    def p12(self, passphrase: str = P12_PASSPHRASE) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"phochutich",
            self.key,
            self.cert,
            list(self.chain),
            serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
        )

    def key_pkcs8_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@cache
def _key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _root(cn: str, label: str) -> Issued:
    key = _key(label)
    name = _name(cn, org="MotCua kiểm thử")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_utc(2020))
        .not_valid_after(_utc(2040))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def _leaf(
    root: Issued, label: str, cn: str, start: datetime, end: datetime, title: str, tsa: bool = False
) -> Issued:
    key = _key(label)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, title=title))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # digitalSignature + nonRepudiation (contentCommitment): a document signature
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.TIME_STAMPING if tsa else ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=tsa,  # RFC 3161: a TSA certificate's only, critical, extended key usage
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False
        )
        .sign(root.key, hashes.SHA256())
    )
    return Issued(key, cert, (root.cert,))


@dataclass(frozen=True)
class ThrowawayCA:
    root: Issued
    stranger_root: Issued
    vice_chair: Issued
    expired: Issued
    not_yet: Issued
    stranger: Issued
    tsa: Issued  # a time-stamping server's certificate, from the trusted root

    def trust_dir(self, folder: Path, der: bool = False) -> Path:
        """A folder holding only the trusted root (PEM, or DER with ``der``), as the city keeps it."""
        folder.mkdir(parents=True, exist_ok=True)
        if der:
            (folder / "goc.cer").write_bytes(self.root.cert_der())
        else:
            (folder / "goc.pem").write_bytes(self.root.cert_pem())
        return folder


@cache
def throwaway_ca() -> ThrowawayCA:
    """One CA for the whole run (RSA key generation is the slow part)."""
    root = _root("CA thử nghiệm MotCua", "root")
    stranger_root = _root("CA lạ không được tin cậy", "stranger-root")
    vinh = "Phạm Quang Vinh"
    title = "Phó Chủ tịch UBND phường"
    return ThrowawayCA(
        root=root,
        stranger_root=stranger_root,
        vice_chair=_leaf(root, "vice-chair", vinh, _utc(2026), _utc(2028, 12, 31), title),
        expired=_leaf(root, "expired", vinh, _utc(2024), _utc(2025, 12, 31), title),
        not_yet=_leaf(root, "not-yet", vinh, _utc(2027, 6, 1), _utc(2029), title),
        stranger=_leaf(stranger_root, "stranger", vinh, _utc(2026), _utc(2028, 12, 31), title),
        tsa=_leaf(root, "tsa", "Máy chủ dấu thời gian thử nghiệm", _utc(2020), _utc(2035), "", tsa=True),
    )


def write_p12(issued: Issued, path: Path, passphrase: str = P12_PASSPHRASE) -> Path:
    path.write_bytes(issued.p12(passphrase))
    return path


# --- a ward with a month of figures -------------------------------------------------------------
def november_ward(register, clerk, clock) -> None:
    """A few dossiers in November 2026 through the register's own steps (the clock moved first,
    so no step is in the future); the report of 1-30 November then has resolved, open and late."""
    from tests.helpers import make_form

    clock.set("2026-10-20T09:00:00")
    late = register.intake(make_form("1.004222"), clerk)
    clock.set("2026-11-02T09:00:00")
    quick = register.intake(make_form("1.001193", applicant="Lê Thị Cúc"), clerk)
    clock.set("2026-11-02T10:00:00")
    register.apply(quick.code, "resolve", clerk)
    clock.set("2026-11-04T09:00:00")
    register.intake(make_form("1.004194", applicant="Phan Thị Én", channel="truc-tuyen"), clerk)
    clock.set("2026-11-05T10:00:00")
    register.apply(late.code, "resolve", clerk)
    clock.set("2026-11-10T09:00:00")
    register.intake(make_form("1.009122", applicant="Vũ Văn Giang"), clerk)
    clock.set("2026-12-01T09:00:00")


NOVEMBER = ("2026-11-01", "2026-11-30")


def november_draft(register, clerk, clock):
    """The November draft of the ward above (figures from the register), with two notes."""
    from datetime import date

    from core import reporting as rp
    from core.periods import Period

    november_ward(register, clerk, clock)
    draft = rp.prepare(register, clerk, Period(date(2026, 11, 1), date(2026, 11, 30), "month"))
    return rp.save_notes(
        register,
        clerk,
        draft.id,
        highlights="Tiếp nhận 100% hồ sơ trực tuyến đúng quy trình.",
        proposals="Đề nghị thành phố cấp thêm 01 máy quét hai mặt.",
    )


# --- a time-stamping server on loopback (RFC 3161 over HTTP) ------------------------------------
class LoopbackTSA:
    """A real HTTP time-stamping server on 127.0.0.1 answering with pyHanko's DummyTimeStamper
    (signed by the test CA's TSA certificate, at a fixed time): the B-T signature's HTTP request,
    response parsing and validation all run for real; only the server's signing is a test double."""

    def __init__(self, at: datetime):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys as asn1_keys
        from asn1crypto import tsp
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        ca = throwaway_ca()
        key_der = ca.tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(ca.tsa.cert_der()),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
            fixed_dt=at,
        )
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                owner.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
