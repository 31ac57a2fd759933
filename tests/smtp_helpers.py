"""A real SMTP server on loopback and an in-memory keyring, for tests that send e-mail.

Other test files import these, so they stay small and stable:

- ``smtp_server(auth_password=..., tls=None|"starttls"|"ssl", reject=(...))``: an aiosmtpd
  server in a thread on 127.0.0.1; ``server.messages`` holds every message it accepted, parsed
  with the email package; ``server.ssl_context`` is a client context that trusts the server's
  certificate (a throw-away CA made for the test run); ``server.ca_pem`` the CA as PEM text.
- ``silent_server()``: a port that accepts connections and never says anything (timeouts).
- ``free_port()``: a loopback port nobody listens on (unreachable server).
- ``memory_keyring()``: swaps keyring's backend for a dict for the duration, then puts the
  previous backend back, so no test ever touches the developer's real credential store.
- ``failing_keyring()``: a backend that raises like a machine with no credential store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path

import keyring
import keyring.core
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, Session
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError, PasswordDeleteError

HOST = "127.0.0.1"
SMTP_USER = "motcua@phuongtayho.gov.vn"


# --- certificates ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Certs:
    ca_pem: str
    cert_pem: str
    key_pem: str


@lru_cache(maxsize=1)
def _certs() -> _Certs:
    """A CA and a server certificate for localhost/127.0.0.1, made once per test run."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    # OpenSSL checks a certificate against the machine's real clock, not MotCua's: these are
    # valid around the real now, and nothing is asserted on this date.
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MotCua test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return _Certs(ca.public_bytes(pem).decode(), cert.public_bytes(pem).decode(), key_pem)


def _server_context() -> ssl.SSLContext:
    certs = _certs()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:  # load_cert_chain only reads files
        cert_file, key_file = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_file.write_text(certs.cert_pem)
        key_file.write_text(certs.key_pem)
        ctx.load_cert_chain(cert_file, key_file)
    return ctx


def client_context() -> ssl.SSLContext:
    """A client context that verifies the test server against the test CA (hostname checked)."""
    return ssl.create_default_context(cadata=_certs().ca_pem)


# --- the server ------------------------------------------------------------------------------
@dataclass
class SmtpServer:
    host: str
    port: int
    tls: str | None
    ssl_context: ssl.SSLContext | None  # for the client: trusts this server's certificate
    ca_pem: str
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)  # (MAIL FROM, RCPT TOs)
    logins: list[str] = field(default_factory=list)  # user names that logged in


class _Handler:
    def __init__(self, server: SmtpServer, reject: tuple[str, ...]):
        self.server = server
        self.reject = {r.lower() for r in reject}

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.server.messages.append(msg)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class _QuietSession(Session):
    """aiosmtpd itself sets the deprecated ``login_data`` after AUTH; keep its warning out."""

    @property
    def login_data(self):
        return self._login_data

    @login_data.setter
    def login_data(self, value) -> None:
        self._login_data = value


class _QuietSMTP(SMTP):
    """AUTH without STARTTLS (plain relay, or implicit TLS) set after construction: passing
    ``auth_require_tls=False`` makes aiosmtpd warn on every connection."""

    def __init__(self, handler, *, plain_auth: bool = False, **kwargs):
        super().__init__(handler, **kwargs)
        if plain_auth:
            self._auth_require_tls = False

    def _create_session(self) -> Session:
        return _QuietSession(self.loop)


class _Controller(Controller):
    def factory(self):
        return _QuietSMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    """A loopback port that was free a moment ago (nobody listens on it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def smtp_server(
    *,
    auth_password: str | None = None,
    auth_user: str = SMTP_USER,
    tls: str | None = None,
    reject: tuple[str, ...] = (),
) -> Iterator[SmtpServer]:
    """A running SMTP server on loopback.

    ``tls``: None (plain), "starttls" (offers STARTTLS, requires it before AUTH) or "ssl"
    (implicit TLS from the first byte, like port 465). With ``auth_password`` the server
    requires AUTH (LOGIN or PLAIN) as ``auth_user`` with that password before MAIL.
    ``reject``: recipient addresses refused with 550 at RCPT TO.
    """
    if tls not in (None, "starttls", "ssl"):
        raise ValueError(tls)
    certs = _certs()
    server = SmtpServer(
        host=HOST,
        port=0,
        tls=tls,
        ssl_context=client_context() if tls else None,
        ca_pem=certs.ca_pem,
    )
    kwargs: dict = {"hostname": HOST, "server_hostname": "smtp.test.local", "ident": "MotCua test SMTP"}
    if tls == "ssl":
        kwargs["ssl_context"] = _server_context()
    elif tls == "starttls":
        kwargs["tls_context"] = _server_context()
        kwargs["require_starttls"] = True
    if auth_password is not None:

        def authenticator(smtp, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == auth_user
                and auth_data.password.decode() == auth_password
            )
            if ok:
                server.logins.append(auth_user)
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # Implicit TLS is TLS from the first byte, but aiosmtpd only counts STARTTLS as TLS.
        kwargs["plain_auth"] = tls != "starttls"
    handler = _Handler(server, reject)
    last_error: OSError | None = None
    for _ in range(5):  # the free port may be taken between probing and binding
        server.port = free_port()
        controller = _Controller(handler, port=server.port, **kwargs)
        try:
            controller.start()
        except OSError as exc:  # pragma: no cover - a race with another process
            last_error = exc
            continue
        break
    else:  # pragma: no cover
        raise RuntimeError(f"no free port for the test SMTP server: {last_error}")
    try:
        yield server
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server() -> Iterator[tuple[str, int]]:
    """A listening socket that accepts and never greets: a client waiting on it times out."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    sock.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_loop() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(sock.accept()[0])

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield HOST, sock.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        sock.close()


# --- keyring ---------------------------------------------------------------------------------
class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict (service, username) -> password."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError("Password not found") from None


class FailingKeyring(KeyringBackend):
    """Behaves like keyring's fail backend: no credential store on this machine."""

    priority = 0  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("No recommended backend was available.")


@contextlib.contextmanager
def _use_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    # Read the private slot rather than keyring.get_keyring(), which would first go and
    # initialise (probe) the real OS backend.
    previous = keyring.core._keyring_backend
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.core._keyring_backend = previous


@contextlib.contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    with _use_keyring(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


@contextlib.contextmanager
def failing_keyring() -> Iterator[FailingKeyring]:
    with _use_keyring(FailingKeyring()) as backend:
        yield backend  # type: ignore[misc]
