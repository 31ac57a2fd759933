"""The forms' public entry points, for the window and the command line alike.

``render_*`` return PDF bytes (the GUI hands them to the printer or a preview); ``print_*`` also
write the file and record the print on the dossier (who printed which form, when, and in the
2025 set the form's own number), marking a reprint "Bản in lại" on the page so a second copy
never passes for the first.

Numbering (2025 set, "Số: 12/TTPVHCC"): each form kind has its own sequence per year, kept in
the register (``form:<kind>:<year>``). The first print of a form for a dossier takes the next
number, inside the same transaction that writes the file and records the print, so a failed
write gives the number back; a reprint shows the number of the first print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from core.errors import MotCuaError, NotFoundError, TransitionError, ValidationError
from core.model import Dossier, EventKind, Role, Status, User
from core.register import Register
from core.timeutil import to_local
from reports.common import write_bytes
from reports.control_sheet import render_control_sheet
from reports.formset import LEGACY_NUMBERS, is_2025
from reports.guide import render_guide_pdf, render_guide_png, write_guide
from reports.notices import (
    Applicant,
    MissingItem,
    apology_from_dossier,
    refusal_from_dossier,
    render_apology,
    render_refusal,
    render_stop_notice,
    render_supplement,
    stop_from_dossier,
    supplement_from_dossier,
)
from reports.receipt import render_receipt, write_receipt
from reports.register_book import dossiers_in_period, write_register_book

__all__ = [
    "Applicant",
    "MissingItem",
    "already_printed",
    "dossiers_in_period",
    "form_number_of",
    "print_apology",
    "print_control_sheet",
    "print_receipt",
    "print_refusal",
    "print_stop_notice",
    "print_supplement",
    "render_apology",
    "render_control_sheet",
    "render_guide_pdf",
    "render_guide_png",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement",
    "write_guide",
    "write_receipt",
    "write_register_book",
]


def _printed(d: Dossier, kind: str) -> list:
    prints = [e for e in d.events if e.kind == EventKind.PRINTED]
    return [e for e in prints if kind in (e.data.get("form"), LEGACY_NUMBERS.get(e.data.get("form")))]


def already_printed(d: Dossier, form: str) -> bool:
    """Was ``form`` (a kind, or a 2018 number as older prints recorded it) printed before?"""
    kind = LEGACY_NUMBERS.get(form, form)
    return bool(_printed(d, kind))


def form_number_of(d: Dossier, kind: str) -> int | None:
    """The number a form got when first printed for this dossier (None: never numbered)."""
    return next((e.data["number"] for e in _printed(d, kind) if e.data.get("number")), None)


def _print(
    register: Register,
    d: Dossier,
    user: User,
    kind: str,
    render: Callable[[int | None, bool], bytes],
    path: str | Path,
    year: int,
) -> bool:
    """Number (2025 set), render, write, record: one transaction, so nothing is half done."""
    with register.store.transaction():
        number = form_number_of(d, kind)
        if number is None and is_2025(register.settings):
            number = register.store.next_sequence(f"form:{kind}:{year}")
        write_bytes(render(number, already_printed(d, kind)), path)
        return register.record_print(d.code, user, kind, number=number)


def print_receipt(
    register: Register, code: str, user: User, path: str | Path, copies: int | None = None
) -> bool:
    """Mẫu 01 to ``path``; returns True when it was a reprint."""
    d = register.dossier(code)
    fee = _catalogue_fee(register, d)
    settings = register.settings

    def render(number, reprint):
        return render_receipt(d, settings, copies=copies, reprint=reprint, fee_text=fee, number=number)

    return _print(register, d, user, "receipt", render, path, to_local(d.received_at).year)


def _catalogue_fee(register: Register, d: Dossier) -> str | None:
    try:
        return register.procedure(d.procedure_code).fee
    except NotFoundError:
        return None


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
    """Mẫu 02 for a dossier (missing/reason/date from its latest supplement request), or at the
    counter for an applicant whose dossier was not received (procedure + name; nothing recorded)."""
    settings = register.settings
    if code:
        d = register.dossier(code)
        recorded_missing, recorded_reason, requested_at = supplement_from_dossier(d)
        items = list(missing) or recorded_missing
        if not items:
            raise ValidationError("Thành phần cần bổ sung", "chưa nhập (--missing)")
        when = requested_at or register.now()

        def render(number, reprint):
            why = reason or recorded_reason
            who = Applicant.of(d)
            return render_supplement(who, settings, items, why, _name(user), when, number, reprint)

        return _print(register, d, user, "supplement", render, path, when.year)
    if not (procedure and applicant):
        raise ValidationError("Mẫu 02", "cần mã hồ sơ, hoặc thủ tục (--procedure) và người nộp (--applicant)")
    if not missing:
        raise ValidationError("Thành phần cần bổ sung", "chưa nhập (--missing)")
    proc = register.procedure(procedure)
    who = Applicant(applicant.strip(), proc.name, address, phone)
    at = register.now()
    with register.store.transaction():
        number = register.store.next_sequence(f"form:supplement:{at.year}") if is_2025(settings) else None
        write_bytes(render_supplement(who, settings, list(missing), reason, _name(user), at, number), path)
    return False


def _name(user: User) -> str:
    from core.users import SYSTEM_USER

    return "" if user.login == SYSTEM_USER.login else user.full_name


def print_refusal(register: Register, code: str, user: User, path: str | Path, reason: str = "") -> bool:
    """Mẫu 03, dated on the refusal (or today for a dossier not refused yet: the counter's refusal)."""
    d = register.dossier(code)
    note, refused_at = refusal_from_dossier(d)
    reason = reason.strip() or note
    if not reason:
        raise ValidationError("Lý do từ chối", "chưa nhập (--reason)")
    when = refused_at or register.now()

    def render(number, reprint):
        return render_refusal(d, register.settings, reason, _name(user), when, reprint, number)

    return _print(register, d, user, "refusal", render, path, when.year)


def print_apology(
    register: Register,
    code: str,
    user: User,
    path: str | Path,
    new_appointment: datetime | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> bool:
    """Mẫu 04; with ``new_appointment`` the apology is recorded first (``Register.apologise``:
    once per dossier, while open, a working day after the due date)."""
    if new_appointment is not None:
        register.apologise(code, user, new_appointment, reason, at=at)
    d = register.dossier(code)
    when, recorded_reason, apologised_at = apology_from_dossier(d)
    if when is None:
        raise MotCuaError(f"Hồ sơ {d.code} chưa có hẹn lại: nhập thời gian hẹn mới (--new-date) và lý do.")
    signer = user.full_name if user.role == Role.VICE_CHAIR else ""
    dated = apologised_at or register.now()

    def render(number, reprint):
        return render_apology(
            d, register.settings, when, reason or recorded_reason, signer, dated, number, reprint
        )

    return _print(register, d, user, "apology", render, path, dated.year)


def print_stop_notice(
    register: Register, code: str, user: User, path: str | Path, aftermath: str = ""
) -> bool:
    """Mẫu 05 (2025): the notice for a dossier that was stopped (``motcua stop``), with the
    reason and the date recorded by that step."""
    d = register.dossier(code)
    if d.status != Status.STOPPED:
        raise TransitionError(
            f"Hồ sơ {d.code} đang ở trạng thái “{d.status.label}”: thông báo dừng giải quyết chỉ in "
            "cho hồ sơ đã dừng (motcua stop MÃ --reason ...)."
        )
    reason, stopped_at = stop_from_dossier(d)
    when = stopped_at or register.now()
    signer = user.full_name if user.role == Role.VICE_CHAIR else ""

    def render(number, reprint):
        return render_stop_notice(d, register.settings, reason, when, signer, aftermath, number, reprint)

    return _print(register, d, user, "stop-notice", render, path, when.year)


def print_control_sheet(register: Register, code: str, user: User, path: str | Path) -> bool:
    d = register.dossier(code)

    def render(number, reprint):
        return render_control_sheet(d, register.settings, d.received_at, reprint, number)

    return _print(register, d, user, "control-sheet", render, path, to_local(d.received_at).year)
