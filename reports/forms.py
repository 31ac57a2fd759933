"""The forms' public entry points, for the window and the command line alike.

``render_*`` return PDF bytes (the GUI hands them to the printer or a preview); ``print_*`` also
write the file and record the print on the dossier (who printed which form, when), marking a
reprint "Bản in lại" on the page so a second copy never passes for the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from core.errors import MotCuaError, ValidationError
from core.model import Dossier, EventKind, Role, User
from core.register import Register
from reports.common import write_bytes
from reports.control_sheet import render_control_sheet
from reports.guide import render_guide_pdf, render_guide_png, write_guide
from reports.notices import (
    Applicant,
    MissingItem,
    apology_from_dossier,
    render_apology,
    render_refusal,
    render_supplement,
    supplement_from_dossier,
)
from reports.receipt import render_receipt, write_receipt
from reports.register_book import dossiers_in_period, write_register_book

__all__ = [
    "Applicant",
    "MissingItem",
    "already_printed",
    "dossiers_in_period",
    "print_apology",
    "print_control_sheet",
    "print_receipt",
    "print_refusal",
    "print_supplement",
    "render_apology",
    "render_control_sheet",
    "render_guide_pdf",
    "render_guide_png",
    "render_receipt",
    "render_refusal",
    "render_supplement",
    "write_guide",
    "write_receipt",
    "write_register_book",
]


def already_printed(d: Dossier, form: str) -> bool:
    return any(e.kind == EventKind.PRINTED and e.data.get("form") == form for e in d.events)


def _finish(register: Register, d: Dossier, user: User, form: str, data: bytes, path: str | Path) -> bool:
    """Write first, record after: a failed write (disk full, bad folder) leaves no false event."""
    write_bytes(data, path)
    return register.record_print(d.code, user, form)


def print_receipt(
    register: Register, code: str, user: User, path: str | Path, copies: int | None = None
) -> bool:
    """Mẫu 01 to ``path``; returns True when it was a reprint."""
    d = register.dossier(code)
    data = render_receipt(d, register.settings, copies=copies, reprint=already_printed(d, "01"))
    return _finish(register, d, user, "01", data, path)


def print_supplement(
    register: Register,
    user: User,
    path: str | Path,
    code: str = "",
    procedure: str = "",
    applicant: str = "",
    missing: Sequence[str] = (),
    reason: str = "",
    address: str = "",
    phone: str = "",
) -> bool:
    """Mẫu 02 for a dossier (missing/reason default to its latest supplement request), or at the
    counter for an applicant whose dossier was not received (procedure + name; nothing recorded)."""
    at = register.now()
    if code:
        d = register.dossier(code)
        recorded_missing, recorded_reason = supplement_from_dossier(d)
        items = list(missing) or recorded_missing
        if not items:
            raise ValidationError("Thành phần cần bổ sung", "chưa nhập (--missing)")
        data = render_supplement(
            Applicant.of(d),
            register.settings,
            items,
            reason or recorded_reason,
            guide_name=_name(user),
            when=at,
            reprint=already_printed(d, "02"),
        )
        return _finish(register, d, user, "02", data, path)
    if not (procedure and applicant):
        raise ValidationError("Mẫu 02", "cần mã hồ sơ, hoặc thủ tục (--procedure) và người nộp (--applicant)")
    if not missing:
        raise ValidationError("Thành phần cần bổ sung", "chưa nhập (--missing)")
    proc = register.procedure(procedure)
    who = Applicant(applicant.strip(), proc.name, address, phone)
    write_bytes(render_supplement(who, register.settings, list(missing), reason, _name(user), when=at), path)
    return False


def _name(user: User) -> str:
    return "" if user.login == "he-thong" else user.full_name


def print_refusal(register: Register, code: str, user: User, path: str | Path, reason: str = "") -> bool:
    d = register.dossier(code)
    note = next((e.note for e in reversed(d.events) if e.kind == EventKind.REFUSED), "")
    reason = reason.strip() or note
    if not reason:
        raise ValidationError("Lý do từ chối", "chưa nhập (--reason)")
    data = render_refusal(d, register.settings, reason, _name(user), register.now(), already_printed(d, "03"))
    return _finish(register, d, user, "03", data, path)


def print_apology(
    register: Register,
    code: str,
    user: User,
    path: str | Path,
    new_appointment: datetime | None = None,
    reason: str = "",
) -> bool:
    """Mẫu 04; with ``new_appointment`` the apology is recorded first (``Register.apologise``)."""
    if new_appointment is not None:
        register.apologise(code, user, new_appointment, reason)
    d = register.dossier(code)
    when, recorded_reason = apology_from_dossier(d)
    if when is None:
        raise MotCuaError(f"Hồ sơ {d.code} chưa có hẹn lại: nhập thời gian hẹn mới (--new-date) và lý do.")
    signer = user.full_name if user.role == Role.VICE_CHAIR else ""
    data = render_apology(
        d,
        register.settings,
        when,
        reason or recorded_reason,
        signer,
        register.now(),
        reprint=already_printed(d, "04"),
    )
    return _finish(register, d, user, "04", data, path)


def print_control_sheet(register: Register, code: str, user: User, path: str | Path) -> bool:
    d = register.dossier(code)
    data = render_control_sheet(d, register.settings, register.now(), already_printed(d, "05"))
    return _finish(register, d, user, "05", data, path)
