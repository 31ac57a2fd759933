"""The SMTP password for a send: from the credential store (``core.credentials``), else asked for.

Shared by the report and end-of-day sends. Returns ``(go_on, password)``: ``password`` is None when
the server needs no login; ``go_on`` is False when the user cancelled the question.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.credentials import CredentialError, get_smtp_password, set_smtp_password
from core.settings import Settings
from gui.dialogs.smtp_password import SmtpPasswordDialog
from gui.prompts import prompts


def smtp_password(settings: Settings, parent: QWidget | None) -> tuple[bool, str | None]:
    if not (settings.smtp_user.strip() and settings.smtp_host.strip()):
        return True, None
    try:
        stored = get_smtp_password(settings)
    except CredentialError as exc:  # no credential store: ask, and say why it is not kept
        prompts().error(parent, exc.message)
        stored = None
    if stored:
        return True, stored
    dialog = SmtpPasswordDialog(settings, parent)
    if not prompts().exec_dialog(dialog):
        return False, None
    password = dialog.password()
    if dialog.remember.isChecked() and password:
        try:
            set_smtp_password(settings, password)
        except CredentialError as exc:
            prompts().error(parent, exc.message)
    return True, password or None
