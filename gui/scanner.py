"""A receipt scanned on any screen goes to the return screen.

A barcode scanner is a keyboard: it types the QR code's text and Enter, a few milliseconds per
key, into whatever has the focus. On the Today screen the keys were swallowed; on intake they
landed in the procedure field. This application-wide event filter watches key presses: a burst
(every key within ``BURST_GAP_S`` of the previous one) that spells a dossier code and ends with
Enter is taken away from the field it went to (its text is put back as it was) and handed to the
return screen. People do not type 25 characters at 30 ms a key, so typing is never taken.
A field made to take codes (``setProperty("accepts_scan", True)``: the dossier search, the return
screen's scan field) keeps its scan.
"""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

# "000.17.22.H56-261123-0001": the agency code, the day (yymmdd), the day's number
CODE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*-\d{6}-\d{4,6}")
BURST_GAP_S = 0.035  # a scanner sends a key every 1-15 ms; a fast typist one every 80 ms or more
MIN_LENGTH = 12
MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
}


class ScannerFilter(QObject):
    """Installed on the application by the main window; ``on_code(code)`` gets each scan."""

    def __init__(self, on_code, parent: QObject | None = None, wanted=lambda widget: True):
        super().__init__(parent)
        self.on_code = on_code
        self.wanted = wanted  # fn(focused widget) -> False where a scan is typed on purpose
        self.clock = time.monotonic
        self._reset()

    def _reset(self) -> None:
        self.buffer = ""
        self.last = 0.0
        self.widget: QLineEdit | None = None
        self.before = ""  # the field's text before the burst began

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not obj.isWidgetType():
            return False
        focus = QApplication.focusWidget()
        if obj is not focus:  # the same key reaches the parents too: count it once
            return False
        now = self.clock()
        fast = bool(self.buffer) and now - self.last <= BURST_GAP_S
        key = event.key()  # type: ignore[attr-defined]
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code = self.buffer if fast else ""
            widget, before = self.widget, self.before
            self._reset()
            takes_codes = bool(focus is not None and focus.property("accepts_scan"))
            if len(code) >= MIN_LENGTH and CODE.fullmatch(code) and not takes_codes and self.wanted(focus):
                if isinstance(widget, QLineEdit) and widget is focus:
                    widget.setText(before)  # the scanned text never stays in the wrong field
                self.on_code(code)
                return True
            return False
        if key in MODIFIER_KEYS:  # the scanner holds Shift for capitals: not a break in the burst
            return False
        text = event.text()  # type: ignore[attr-defined]
        if (
            not text
            or not text.isprintable()
            or event.modifiers()
            & (  # type: ignore[attr-defined]
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            )
        ):
            self._reset()
            return False
        if not fast:  # a new burst may start here
            self.buffer = ""
            self.widget = focus if isinstance(focus, QLineEdit) else None
            self.before = self.widget.text() if self.widget is not None else ""
        self.buffer += text
        self.last = now
        return False
