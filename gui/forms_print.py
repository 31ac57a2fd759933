"""Printing a dossier's forms (Mẫu 01-05) through ``reports.forms``, which records each print."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from core.errors import MotCuaError
from core.model import Dossier, Status
from gui.prompts import prompts
from gui.session import Session

FORM_TITLES = {
    "01": "Giấy tiếp nhận và hẹn trả (Mẫu 01)",
    "02": "Phiếu yêu cầu bổ sung (Mẫu 02)",
    "03": "Phiếu từ chối (Mẫu 03)",
    "04": "Phiếu xin lỗi, hẹn lại (Mẫu 04)",
    "05": "Phiếu kiểm soát (Mẫu 05)",
}
FORM_BUTTONS = {
    "01": "Mẫu 01 · Tiếp nhận",
    "02": "Mẫu 02 · Bổ sung",
    "03": "Mẫu 03 · Từ chối",
    "04": "Mẫu 04 · Hẹn lại",
    "05": "Mẫu 05 · Kiểm soát",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("FormsPrint", text)


def printable_forms(d: Dossier) -> list[str]:
    """Which forms make sense for the dossier now (the register has the facts they need)."""
    forms = ["01", "05"]
    kinds = {e.kind for e in d.events}
    if "supplement_requested" in kinds:
        forms.append("02")
    if d.status == Status.REFUSED:
        forms.append("03")
    if d.new_appointment_at:
        forms.append("04")
    return sorted(forms)


def print_dossier_form(
    session: Session,
    parent: QWidget | None,
    code: str,
    form: str,
    new_appointment: datetime | None = None,
    reason: str = "",
) -> bool:
    from reports import forms as f

    reg, user = session.register, session.user
    writers = {
        "01": lambda path: f.print_receipt(reg, code, user, path),
        "02": lambda path: f.print_supplement(reg, user, path, code=code),
        "03": lambda path: f.print_refusal(reg, code, user, path),
        "04": lambda path: f.print_apology(reg, code, user, path, new_appointment, reason),
        "05": lambda path: f.print_control_sheet(reg, code, user, path),
    }
    try:
        done = session.printing.print_form(parent, writers[form], f"{_tr(FORM_TITLES[form])} - {code}")
    except MotCuaError as exc:
        prompts().error(parent, exc.message)
        return False
    session.notify()
    return done
