"""A real PKCS#11 token for the tests: SoftHSM2 initialised in a temporary folder.

``SOFTHSM2_CONF`` points at a config with its own token folder, so nothing touches the
machine's tokens. The vice-chair's key is imported with ``softhsm2-util --import`` (PKCS#8 PEM)
and the certificate written next to it with python-pkcs11 (the same ID), which is what a CA's
token holds: a key and its certificate under one label. SoftHSM reads its config once per
process, so one token serves the whole test run (session fixture); child processes inherit
``SOFTHSM2_CONF``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.signing_ca import throwaway_ca

LIBRARY_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
)
TOKEN_LABEL = "MotCua thu nghiem"
KEY_LABEL = "phochutich"
USER_PIN = "246810"
SO_PIN = "13579111"
KEY_ID = "a1b2c3"


@dataclass(frozen=True)
class Token:
    library: str
    label: str
    key_label: str
    pin: str
    conf: Path


def library_path() -> str:
    for candidate in LIBRARY_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    pytest.fail("SoftHSM2 (libsofthsm2.so) không có: cài gói softhsm2 (dev.py cài sẵn)")


def _util(*args: str, env: dict[str, str]) -> None:
    tool = shutil.which("softhsm2-util")
    if tool is None:
        pytest.fail("softhsm2-util không có: cài gói softhsm2")
    subprocess.run([tool, *args], check=True, env=env, capture_output=True, text=True)


def make_token(folder: Path) -> Token:
    """Initialise a token in ``folder`` and put the vice-chair's key and certificate on it."""
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n", encoding="utf-8"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ}
    _util("--init-token", "--free", "--label", TOKEN_LABEL, "--pin", USER_PIN, "--so-pin", SO_PIN, env=env)
    vice = throwaway_ca().vice_chair
    key_file = folder / "key.pem"
    key_file.write_bytes(vice.key_pkcs8_pem())
    _util(
        "--import", str(key_file), "--token", TOKEN_LABEL, "--label", KEY_LABEL, "--id", KEY_ID,
        "--pin", USER_PIN, env=env,
    )  # fmt: skip
    key_file.unlink()
    library = library_path()
    _put_certificate(library, vice.cert_der())
    return Token(library, TOKEN_LABEL, KEY_LABEL, USER_PIN, conf)


def _put_certificate(library: str, der: bytes) -> None:
    import pkcs11
    from asn1crypto import x509 as asn1_x509
    from pkcs11 import Attribute, CertificateType, ObjectClass

    cert = asn1_x509.Certificate.load(der)
    lib = pkcs11.lib(library)
    token = lib.get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: bytes.fromhex(KEY_ID),
                Attribute.SUBJECT: cert.subject.dump(),
                Attribute.ISSUER: cert.issuer.dump(),
                Attribute.SERIAL_NUMBER: cert["tbs_certificate"]["serial_number"].dump(),
                Attribute.VALUE: der,
            }
        )


_MADE: list[Token] = []  # SoftHSM reads SOFTHSM2_CONF once per process: one token per process


@pytest.fixture(scope="session", name="softhsm_token")
def softhsm_token_fixture(tmp_path_factory) -> Token:
    """Import it as ``from tests.softhsm import softhsm_token_fixture``; tests ask for ``softhsm_token``.

    Each test module that imports it gets its own copy of the fixture, so the token is made once
    per process here: a second one would get its key in a new folder while this process's SoftHSM
    still reads the first (and the certificate would land on the first token twice).
    """
    if not _MADE:
        _MADE.append(make_token(tmp_path_factory.mktemp("softhsm")))
    return _MADE[0]
