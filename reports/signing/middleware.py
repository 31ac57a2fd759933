"""PKCS#11 libraries that Vietnamese CAs' token software installs on Windows: suggestions only.

The token's "middleware" (the CA's token manager) puts a PKCS#11 DLL in C:\\Windows\\System32
(or SysWOW64 for 32-bit). The names below are the ones found in public signing plug-ins and
integration code for Vietnamese tokens; none was tried against a real token (see docs/signing.md).
The window offers those present on the PC first; any other path can be typed in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath


@dataclass(frozen=True)
class Middleware:
    ca: str
    dll: str


SUGGESTIONS: tuple[Middleware, ...] = (
    Middleware("VNPT-CA", "vnpt-ca_csp11.dll"),
    Middleware("VNPT-CA", "VNPT-CA_v34.dll"),
    Middleware("VNPT-CA", "vnptca_p11_v10.dll"),
    Middleware("VNPT-CA", "vnptca_p11_v8.dll"),
    Middleware("VNPT-CA", "vnptca_p11_v6.dll"),
    Middleware("VNPT-CA", "vnpt-ca_cl_v1.dll"),
    Middleware("Viettel-CA", "viettel-ca_v6.dll"),
    Middleware("Viettel-CA", "viettel-ca_v5.dll"),
    Middleware("Viettel-CA", "viettel-ca_v4.dll"),
    Middleware("Viettel-CA", "viettel-ca.dll"),
    Middleware("BKAV-CA", "BkavCA.dll"),
    Middleware("BKAV-CA", "BkavCAv2S.dll"),
    Middleware("BKAV-CA (SecureMetric)", "st3csp11.dll"),
    Middleware("FPT-CA", "fpt-ca.dll"),
    Middleware("FPT-CA", "fpt-ca_v5.dll"),
    Middleware("FPT-CA", "fpt-ca-stx.dll"),
    Middleware("Ban Cơ yếu Chính phủ (token chuyên dùng)", "vdctdcsp11.dll"),
    Middleware("Ban Cơ yếu Chính phủ (token chuyên dùng)", "gclib.dll"),
    Middleware("CA2 (Nacencomm)", "ShuttleCsp11_3003.dll"),
    Middleware("CA2 (Nacencomm)", "CA2_csp11.dll"),
    Middleware("Token SafeNet eToken (nhiều CA dùng)", "eTPKCS11.dll"),
    Middleware("Token Feitian ePass2003 (nhiều CA dùng)", "eps2003csp11.dll"),
    Middleware("Token WatchData", "wdpkcs.dll"),
)


def windows_folders() -> list[PurePath]:
    """System32 and SysWOW64 (written the Windows way even when shown on another system)."""
    kind = Path if os.name == "nt" else PureWindowsPath
    root = kind(os.environ.get("SYSTEMROOT", r"C:\Windows"))
    return [root / "System32", root / "SysWOW64"]


def suggestions(folders: list[PurePath] | None = None) -> list[tuple[str, str, bool]]:
    """(label, full path, present on this PC) for every known DLL; present ones first."""
    folders = windows_folders() if folders is None else folders
    out = []
    for m in SUGGESTIONS:
        found = next((f / m.dll for f in folders if Path(str(f / m.dll)).is_file()), None)
        path = found or (folders[0] / m.dll if folders else Path(m.dll))
        out.append((f"{m.ca}: {m.dll}", str(path), found is not None))
    return sorted(out, key=lambda item: not item[2])
