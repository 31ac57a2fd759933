"""The pieces the small form dialogs share (login, sign-off, mail password, Mẫu 04 apology).

Each was building the same password field, red refusal line, OK/Cancel row with Vietnamese
labels and the same vertical stack; one copy here keeps them alike (echo mode, wrapping, Enter
not pressing a button by accident) and a fix made once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

OK = QDialogButtonBox.StandardButton.Ok
CANCEL = QDialogButtonBox.StandardButton.Cancel


def password_field(name: str = "password") -> QLineEdit:
    """A line edit that hides what is typed."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def refusal_label() -> QLabel:
    """The red line under a form where core's refusal (a Vietnamese sentence) is shown."""
    label = QLabel()
    label.setObjectName("message")
    label.setStyleSheet("color: #b00020")
    label.setWordWrap(True)
    return label


def ok_cancel(
    dialog: QDialog,
    ok_text: str,
    cancel_text: str,
    on_ok: Callable[[], object],
    *,
    enter_presses: bool = True,
) -> QDialogButtonBox:
    """OK/Cancel with the dialog's own words; OK runs ``on_ok``, Cancel rejects.

    ``enter_presses=False``: Enter in a field does not press a button (the dialog wires Enter
    itself, e.g. from the name to the password, then to signing in).
    """
    buttons = QDialogButtonBox(OK | CANCEL)
    buttons.button(OK).setText(ok_text)
    buttons.button(CANCEL).setText(cancel_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    if not enter_presses:
        for button in buttons.buttons():
            button.setAutoDefault(False)
    return buttons


def stack(dialog: QDialog, *parts: QWidget | QLayout) -> QVBoxLayout:
    """The dialog's parts one under the other, in order."""
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return layout


def show_refusal(message: QLabel, exc_message: str, password: QLineEdit | None = None) -> None:
    """Say why core refused; a password is cleared and focused for the next try."""
    message.setText(exc_message)
    if password is not None:
        password.clear()
        password.setFocus()
