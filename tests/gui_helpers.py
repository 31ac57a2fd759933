"""Helpers shared by the GUI tests: a prompter that answers without modals, a logged-in session."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from gui.prompts import Prompts, set_prompts
from gui.tasks import set_synchronous


class FakePrompts(Prompts):
    """Records messages; answers confirmations and file names from queues; runs dialogs via a hook."""

    def __init__(self):
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.confirms: list[str] = []
        self.confirm_answer = True
        self.paths: list[str] = []
        self.dialog_hook = None  # fn(dialog) -> bool, fills a dialog in and accepts it

    def error(self, parent, message):
        self.errors.append(message)

    def info(self, parent, message):
        self.infos.append(message)

    def confirm(self, parent, message):
        self.confirms.append(message)
        return self.confirm_answer

    def save_path(self, parent, title, name, pattern):
        return self.paths.pop(0) if self.paths else ""

    def open_path(self, parent, title, pattern):
        return self.paths.pop(0) if self.paths else ""

    def open_paths(self, parent, title, pattern):
        """The whole queue of paths at once (an empty queue: the user cancelled)."""
        chosen, self.paths = list(self.paths), []
        return chosen

    def exec_dialog(self, dialog):
        if self.dialog_hook is None:
            raise AssertionError(f"unexpected dialog {type(dialog).__name__}")
        return bool(self.dialog_hook(dialog))


@pytest.fixture
def fake_prompts():
    fake = FakePrompts()
    previous = set_prompts(fake)
    set_synchronous(True)
    yield fake
    set_synchronous(False)
    set_prompts(previous)


def type_text(widget, text: str) -> None:
    """Type text as key events, Vietnamese included (QTest.keyClicks asserts on non-ASCII).

    Each character is a real key press/release delivered to the widget, as a Vietnamese keyboard
    (Unikey) delivers composed characters.
    """
    for ch in text:
        key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else 0
        if ch == " ":
            key = int(Qt.Key.Key_Space)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def pdf_qr_codes(path) -> list[str]:
    """Decode the QR codes on each page of a PDF the printer wrote (rendered with pypdfium2)."""
    import pypdfium2 as pdfium
    import zxingcpp

    found = []
    doc = pdfium.PdfDocument(str(path))
    for page in doc:
        image = page.render(scale=2).to_pil()
        found += [r.text for r in zxingcpp.read_barcodes(image)]
    doc.close()
    return found


@pytest.fixture
def gui_session(register, clerk, fake_prompts, tmp_path):
    """A clerk logged in; printing goes to tmp_path/printed.pdf."""
    from gui.session import Session

    session = Session(register)
    session.set_user(clerk)
    session.printing.output_pdf = tmp_path / "printed.pdf"
    return session
