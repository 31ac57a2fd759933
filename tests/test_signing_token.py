"""Signing through a real PKCS#11 token: SoftHSM2 in a temporary folder (tests/softhsm.py).

pyHanko's PKCS#11 signer talks to libsofthsm2.so exactly as it would to a CA's token DLL on
Windows: open a session with the PIN, find the key and certificate, sign on the token. The
refusals a person causes (wrong PIN, wrong token or key label, no library) are checked too.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from core import reporting as rp
from reports.signing.keys import Pkcs11Source, SigningKeyError
from reports.signing.signoff import read_certificate, sign_digitally
from reports.signing.stored import signed_path
from reports.signing.verify import load_trust_roots, verify_pdf
from tests.helpers import PASSWORD
from tests.signing_ca import november_draft, throwaway_ca
from tests.softhsm import softhsm_token_fixture  # noqa: F401 - the "softhsm_token" fixture


@pytest.fixture
def draft(register, clerk, clock):
    return november_draft(register, clerk, clock)


def test_signed_on_the_token_verifies_with_pyhanko_and_pdfsig(register, draft, softhsm_token, tmp_path):
    source = Pkcs11Source(softhsm_token.library, softhsm_token.label, softhsm_token.key_label)
    info = read_certificate(source, softhsm_token.pin, register.now())
    assert info.common_name == "Phạm Quang Vinh" and info.validity() == "từ 01/01/2026 đến 31/12/2028"
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, source, softhsm_token.pin)
    assert rp.get(register, draft.id).is_signed
    roots = load_trust_roots(throwaway_ca().trust_dir(tmp_path / "goc"))
    verdict = verify_pdf(done.pdf, roots, "token.pdf")
    assert verdict.ok, verdict.problems
    out = subprocess.run([shutil.which("pdfsig"), str(done.path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out and "Total document signed" in out, out


def test_the_key_is_found_without_a_key_label_when_the_token_holds_one(register, draft, softhsm_token):
    source = Pkcs11Source(softhsm_token.library)  # one token, one key: nothing to choose
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, source, softhsm_token.pin)
    assert done.certificate.issuer == "CA thử nghiệm MotCua"


@pytest.mark.parametrize(
    ("source", "pin", "words"),
    [
        ("right", "000000", "Sai mã PIN của USB token"),
        ("no-token", None, "Không thấy USB token có nhãn “Không có”"),
        ("no-key", None, "Không có khóa ký có nhãn “khac”"),
        ("no-lib", None, "Không tìm thấy thư viện PKCS#11"),
        ("not-lib", None, "Không nạp được thư viện PKCS#11"),
        ("right", "", "Chưa nhập mã PIN"),
    ],
)
def test_token_refusals_are_vietnamese_and_leave_the_draft(
    register, draft, softhsm_token, tmp_path, source, pin, words
):
    t = softhsm_token
    not_lib = tmp_path / "khong-phai.so"
    not_lib.write_bytes(b"\x7fELF not a library")
    sources = {
        "right": Pkcs11Source(t.library, t.label, t.key_label),
        "no-token": Pkcs11Source(t.library, "Không có"),
        "no-key": Pkcs11Source(t.library, t.label, "khac"),
        "no-lib": Pkcs11Source(str(tmp_path / "khong-co.dll")),
        "not-lib": Pkcs11Source(str(not_lib)),
    }
    with pytest.raises(SigningKeyError, match=words):
        sign_digitally(
            register, draft.id, "phochutich", PASSWORD, sources[source], t.pin if pin is None else pin
        )
    report = rp.get(register, draft.id)
    assert not report.is_signed and not signed_path(register, report).exists()
