"""The SMTP password, kept in the operating system's credential store through ``keyring``.

Windows Credential Manager, the macOS Keychain or the Secret Service on Linux hold it, never
the database: a copied database file or a backup must not carry the office mail password.
It is filed under the service ``MotCua SMTP`` and the name ``<smtp_user>@<smtp_host>``, so
changing server or account asks for the password again instead of sending the old one to
a new host. Nothing here logs the password; keyring's own errors (no credential store on the
machine, a locked keychain, a refused D-Bus call) become a Vietnamese ``CredentialError``.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import NoKeyringError, PasswordDeleteError

from core.errors import MotCuaError, ValidationError
from core.settings import Settings

SERVICE = "MotCua SMTP"


class CredentialError(MotCuaError):
    """The credential store could not be used (missing, locked, refused)."""


def account_name(settings: Settings) -> str:
    """The key under which this server's password is filed; refuses incomplete settings."""
    user, host = settings.smtp_user.strip(), settings.smtp_host.strip()
    if not host:
        raise CredentialError("Chưa thiết lập máy chủ thư (smtp_host): không có chỗ để lưu mật khẩu.")
    if not user:
        raise CredentialError(
            "Chưa thiết lập tài khoản đăng nhập máy chủ thư (smtp_user): máy chủ không cần mật khẩu."
        )
    return f"{user}@{host}"


def _store_error(action: str, exc: Exception) -> CredentialError:
    # The user reads Vietnamese only; the backend's own (English) words go to the log, chained.
    logging.getLogger(__name__).warning("keyring %s failed: %s: %s", action, type(exc).__name__, exc)
    if isinstance(exc, NoKeyringError):
        return CredentialError(
            f"Không {action} mật khẩu máy chủ thư: máy này không có kho mật khẩu của hệ điều hành. "
            "Nhập mật khẩu khi gửi thư."
        )
    return CredentialError(
        f"Không {action} mật khẩu máy chủ thư trong kho mật khẩu của hệ điều hành. Kiểm tra "
        "Windows Credential Manager / Keychain / Secret Service đã được bật và mở khóa."
    )


def get_smtp_password(settings: Settings) -> str | None:
    """The stored password, or None when none is stored or the server needs no login."""
    if not settings.smtp_user.strip() or not settings.smtp_host.strip():
        return None
    name = account_name(settings)
    try:
        return keyring.get_password(SERVICE, name)
    except Exception as exc:  # any backend failure: no store, locked, D-Bus refused ...
        raise _store_error("đọc được", exc) from None


def set_smtp_password(settings: Settings, password: str) -> None:
    """Store (or replace) the password for this server and account."""
    name = account_name(settings)
    if not password:
        raise ValidationError("Mật khẩu máy chủ thư", "không được để trống")
    if "\n" in password or "\r" in password:
        raise ValidationError("Mật khẩu máy chủ thư", "không được chứa ký tự xuống dòng")
    try:
        keyring.set_password(SERVICE, name, password)
    except Exception as exc:
        raise _store_error("lưu được", exc) from None


def delete_smtp_password(settings: Settings) -> bool:
    """Forget the password; False when none was stored (nothing to do is not an error)."""
    name = account_name(settings)
    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except Exception as exc:
        raise _store_error("xóa được", exc) from None
    return True
