"""Opening the vice-chair's signing key: a USB token through PKCS#11, or a PKCS#12 (.p12/.pfx) file.

Both end as a pyHanko ``Signer``; nothing here signs or parses certificates by hand. The PIN
or passphrase is passed in for one use and never kept. Every failure a person can cause (a
token not plugged in, a wrong PIN, a locked token, a file that is not a .p12, a certificate
out of its validity period) becomes a ``SigningKeyError`` saying in Vietnamese what to do.

The certificate is described (:class:`CertificateInfo`) so the window and the command line
show whose it is and how long it is valid before anything is signed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import x509

from core.errors import MotCuaError
from core.text import nfc
from core.timeutil import to_local

log = logging.getLogger("motcua.signing")
MAX_P12_BYTES = 1_000_000  # a .p12 holds a key and a few certificates: a few KB


class SigningKeyError(MotCuaError):
    """The signing key could not be opened or its certificate may not sign now."""


@dataclass(frozen=True)
class Pkcs12Source:
    """A PKCS#12 file (.p12/.pfx) holding the key and certificate; the passphrase is asked each time."""

    path: Path

    @property
    def label(self) -> str:
        return f"tệp chứng thư số {Path(self.path).name}"


@dataclass(frozen=True)
class Pkcs11Source:
    """A token through its PKCS#11 library (the CA's middleware); the PIN is asked each time."""

    library: str
    token_label: str = ""
    key_label: str = ""

    @property
    def label(self) -> str:
        return f"USB token{f' “{self.token_label}”' if self.token_label else ''}"


KeySource = Pkcs12Source | Pkcs11Source


@dataclass(frozen=True)
class CertificateInfo:
    """What a person checks before signing: whose certificate, who issued it, how long it is valid."""

    subject: str
    common_name: str
    title: str
    organisation: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertificateInfo:
        subject = cert.subject.native
        return cls(
            subject=nfc(cert.subject.human_friendly),
            common_name=nfc(subject.get("common_name", "")),
            title=nfc(subject.get("title", "")),
            organisation=nfc(subject.get("organization_name", "")),
            issuer=nfc(cert.issuer.native.get("common_name", "") or cert.issuer.human_friendly),
            serial=format(cert.serial_number, "X"),
            not_before=to_local(cert.not_valid_before),
            not_after=to_local(cert.not_valid_after),
        )

    def validity(self) -> str:
        return f"từ {self.not_before:%d/%m/%Y} đến {self.not_after:%d/%m/%Y}"

    def lines(self) -> list[str]:
        """The certificate in Vietnamese, one fact a line (shown before signing)."""
        out = [f"Chứng thư số của: {self.common_name or self.subject}"]
        if self.title:
            out.append(f"Chức danh: {self.title}")
        if self.organisation:
            out.append(f"Cơ quan: {self.organisation}")
        out += [f"Tổ chức cấp: {self.issuer}", f"Số hiệu: {self.serial}", f"Hiệu lực: {self.validity()}"]
        return out

    def check_valid_at(self, at: datetime) -> None:
        """Refuse a certificate that has expired or is not valid yet at ``at`` (the signing moment)."""
        moment = to_local(at)
        if moment > self.not_after:
            raise SigningKeyError(
                f"Chứng thư số của {self.common_name or self.subject} đã hết hạn ngày "
                f"{self.not_after:%d/%m/%Y}: không ký được. Liên hệ tổ chức cấp ({self.issuer}) để gia hạn."
            )
        if moment < self.not_before:
            raise SigningKeyError(
                f"Chứng thư số của {self.common_name or self.subject} chưa có hiệu lực (từ ngày "
                f"{self.not_before:%d/%m/%Y}): chưa ký được. Kiểm tra ngày giờ của máy tính."
            )


@contextmanager
def open_key(source: KeySource, secret: str) -> Iterator:
    """A pyHanko ``Signer`` for ``source``, unlocked with ``secret`` (PIN or passphrase), then closed."""
    if isinstance(source, Pkcs12Source):
        yield _pkcs12_signer(source, secret)
        return
    with _pkcs11_signer(source, secret) as signer:
        yield signer


def signer_certificate(signer) -> CertificateInfo:
    return CertificateInfo.of(signer.signing_cert)


# --- PKCS#12 ------------------------------------------------------------------------------------
def _pkcs12_signer(source: Pkcs12Source, passphrase: str):
    from pyhanko.sign.signers import SimpleSigner

    path = Path(source.path)
    try:
        size = path.stat().st_size
        if size > MAX_P12_BYTES:
            raise SigningKeyError(f"Tệp {path.name} quá lớn ({size} byte): không phải tệp chứng thư số .p12.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(f"Không tìm thấy tệp chứng thư số {path}.") from None
    except IsADirectoryError:
        raise SigningKeyError(f"{path} là một thư mục, không phải tệp chứng thư số .p12.") from None
    except OSError as exc:
        raise SigningKeyError(f"Không đọc được tệp chứng thư số {path.name}: {exc.strerror}.") from None
    try:
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=passphrase.encode("utf-8"))
    except ValueError:
        raise SigningKeyError(
            f"Không mở được tệp chứng thư số {path.name}: sai mật khẩu của tệp, hoặc tệp không phải "
            "định dạng PKCS#12 (.p12/.pfx)."
        ) from None
    if signer is None or signer.signing_cert is None:
        raise SigningKeyError(f"Tệp {path.name} không có chứng thư số kèm khóa ký.")
    return signer


# --- PKCS#11 ------------------------------------------------------------------------------------
@contextmanager
def _pkcs11_signer(source: Pkcs11Source, pin: str) -> Iterator:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11 import exceptions as p11e
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    library = (source.library or "").strip()
    if not library:
        raise SigningKeyError(
            "Chưa chọn thư viện PKCS#11 của USB token (thiết lập pkcs11_library, hoặc --pkcs11-lib): "
            "đó là tệp .dll do phần mềm của tổ chức cấp chứng thư cài vào máy."
        )
    if not Path(library).is_file():
        raise SigningKeyError(
            f"Không tìm thấy thư viện PKCS#11 “{library}”: cài phần mềm điều khiển (driver) của USB token "
            "hoặc sửa đường dẫn trong Thiết lập."
        )
    if not pin:
        raise SigningKeyError("Chưa nhập mã PIN của USB token.")
    try:
        lib = pkcs11.lib(library)
    except (OSError, RuntimeError, p11e.PKCS11Error) as exc:
        log.warning("PKCS#11: không nạp được %s: %r", library, exc)
        raise SigningKeyError(
            f"Không nạp được thư viện PKCS#11 “{Path(library).name}”: tệp không phải thư viện PKCS#11 "
            "hoặc không hợp với máy (32/64 bit)."
        ) from None
    label = source.token_label or _only_token(lib)
    criteria = TokenCriteria(label=label) if label else None
    try:
        session = open_pkcs11_session(library, token_criteria=criteria, user_pin=pin)
    except p11e.PinIncorrect:
        raise SigningKeyError(
            "Sai mã PIN của USB token. Lưu ý: nhập sai nhiều lần liên tiếp, token sẽ bị khóa."
        ) from None
    except p11e.PinLocked:
        raise SigningKeyError(
            "USB token đã bị khóa do nhập sai mã PIN nhiều lần: liên hệ tổ chức cấp chứng thư để mở khóa."
        ) from None
    except (p11e.PinLenRange, p11e.PinInvalid):
        raise SigningKeyError("Mã PIN của USB token không đúng định dạng (độ dài hoặc ký tự).") from None
    except (p11e.NoSuchToken, p11e.TokenNotPresent, p11e.SlotIDInvalid):
        raise SigningKeyError(_no_token(source)) from None
    except p11e.PKCS11Error as exc:
        text = str(exc)
        log.warning("PKCS#11: mở phiên thất bại: %r", exc)
        if "more than 1 slot" in text:
            raise SigningKeyError(
                "Máy đang cắm nhiều USB token: ghi nhãn token cần dùng (--token-label)."
            ) from None
        if "No token" in text:
            raise SigningKeyError(_no_token(source)) from None
        raise SigningKeyError(f"USB token báo lỗi khi mở phiên làm việc ({type(exc).__name__}).") from None
    try:
        key_label = source.key_label or None
        query = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
        if key_label:
            query[Attribute.LABEL] = key_label
        keys = list(session.get_objects(query))
        if not keys:
            what = f" có nhãn “{key_label}”" if key_label else " nào"
            raise SigningKeyError(f"Không có khóa ký{what} trên USB token.")
        if len(keys) > 1:
            labels = ", ".join(sorted(str(k.label) for k in keys))
            raise SigningKeyError(f"USB token có {len(keys)} khóa ký ({labels}): chọn một (--key-label).")
        # the certificate that goes with a key has the key's ID (PKCS#11 convention, CAs follow it)
        signer = PKCS11Signer(session, key_id=keys[0][Attribute.ID], cert_id=keys[0][Attribute.ID])
        try:
            signer.signing_cert  # noqa: B018 - pulls key and certificate now, to name what is missing
        except p11e.PKCS11Error as exc:
            text = str(exc)
            what = f" có nhãn “{key_label}”" if key_label else ""
            if "private key" in text:
                raise SigningKeyError(f"Không có khóa ký{what} trên USB token.") from None
            raise SigningKeyError(
                f"Không có chứng thư số{what} kèm khóa ký trên USB token (hoặc có nhiều hơn một)."
            ) from None
        yield signer
    finally:
        with suppress(p11e.PKCS11Error):
            session.close()


def _only_token(lib) -> str:
    """The label of the one initialised token present, "" if none or several (pyHanko then says which).

    Middleware often shows empty reader slots beside the token (SoftHSM always has a spare one),
    so "one slot" is not "one token": slots without an initialised token are left out.
    """
    from pkcs11 import TokenFlag
    from pkcs11 import exceptions as p11e

    try:
        tokens = [t for t in lib.get_tokens() if TokenFlag.TOKEN_INITIALIZED in t.flags]
    except p11e.PKCS11Error:
        return ""
    if not tokens:
        raise SigningKeyError("Không thấy USB token nào: cắm token vào máy rồi thử lại.")
    return tokens[0].label if len(tokens) == 1 else ""


def _no_token(source: Pkcs11Source) -> str:
    if source.token_label:
        return f"Không thấy USB token có nhãn “{source.token_label}”: cắm token hoặc kiểm tra nhãn."
    return "Không thấy USB token nào: cắm token vào máy rồi thử lại."
