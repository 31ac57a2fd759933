"""Opening a connection to the centre's server: a libpq URL, libpq's own conventions.

Everything libpq reads is honoured as is (``PGPASSFILE``/``.pgpass``, ``PGSSLMODE``,
``sslrootcert=`` in the URL, ``PGCONNECT_TIMEOUT`` ...). A password typed in the window is
kept in the OS credential store (``keyring``) under the URL without password, never in a
file of MotCua's; it is used only when neither the URL nor libpq has one.
"""

from __future__ import annotations

import os

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from core.storage.postgres.errors import translate

KEYRING_SERVICE = "MotCua máy chủ"
CONNECT_TIMEOUT_S = 5  # a counter should not hang for libpq's default (forever) when the cable is out


def display(url: str) -> str:
    """The URL without its password: what messages, logs and the window show."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "máy chủ"
    parts.pop("password", None)
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


def stored_password(url: str) -> str | None:
    """The password the window saved for this server, if the credential store has one."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, display(url))
    except Exception:  # no usable credential store: libpq's own sources still apply
        return None


def save_password(url: str, password: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, display(url), password)


REMEMBERED = "may-chu.txt"  # in the data folder: the server chosen in the window (no password)


def remember_server(url: str | None) -> None:
    """The window's set-up chose the centre's server: the next start opens it (None: this PC)."""
    from core.paths import data_dir

    path = data_dir() / REMEMBERED
    if url:
        path.write_text(display(url) + "\n", encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def remembered_server() -> str | None:
    from core.paths import data_dir

    path = data_dir() / REMEMBERED
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def connect(url: str) -> psycopg.Connection:
    """An autocommit connection (each write is an explicit transaction of the store)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise translate(exc, "địa chỉ máy chủ") from exc
    extra: dict[str, object] = {"application_name": "MotCua"}
    if "options" not in parts and not os.environ.get("PGOPTIONS"):
        # JIT compiles a plan when its estimated cost is high, as the report's correlated
        # "paused at the cut-off" look-up makes it: 1.7 s of compiling for a 0.3 s query.
        extra["options"] = "-c jit=off"
    if "connect_timeout" not in parts and not os.environ.get("PGCONNECT_TIMEOUT"):
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "password" not in parts and not os.environ.get("PGPASSWORD"):
        saved = stored_password(url)
        if saved:
            extra["password"] = saved
    try:
        return psycopg.connect(make_conninfo(url, **extra), autocommit=True)
    except psycopg.Error as exc:
        raise translate(exc, display(url)) from exc
