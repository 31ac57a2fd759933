"""Small widgets shared by the screens: a field with its live validation message, headings."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError

ERROR_STYLE = "color: #b00020; font-size: 12px;"
OK_STYLE = "color: #1b7f3b; font-size: 12px;"


class CheckedField(QWidget):
    """A line edit whose value is checked by a core validator as the user types.

    The message shows once the user has left the field (or on save), and disappears as soon as the
    value is right, so half-typed numbers don't shout while the clerk is still typing.
    """

    def __init__(self, check: Callable[[str], object] | None = None, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.check = check
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.touched = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(lambda _t: self.validate(show=self.touched))
        self.edit.editingFinished.connect(self._left)

    def _left(self) -> None:
        self.touched = bool(self.edit.text().strip()) or self.touched
        self.validate(show=self.touched)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def clear(self) -> None:
        self.touched = False
        self.edit.clear()
        self.show_error("")

    def validate(self, show: bool = True) -> str:
        """Run the check; returns the error text ("" when fine) and shows it if ``show``."""
        problem = ""
        if self.check is not None:
            try:
                self.check(self.edit.text())
            except MotCuaError as exc:
                problem = exc.message
        if show or not problem:
            self.show_error(problem)
        return problem

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.edit.setStyleSheet("border: 1px solid #b00020;" if text else "")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 18px; font-weight: 600; color: #1f3b57; padding: 2px 0 6px 0;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def read_only_table(headers: list[str], name: str = "") -> QTableWidget:
    """A table the user reads but does not edit (previews, refused files): no row numbers."""
    table = QTableWidget(0, len(headers))
    if name:
        table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    return table


class CalendarKeys(QObject):
    """Alt+Down (and F4 is taken by intake) opens a date field's calendar, as in a combo box.

    Qt's date field opens its calendar only when its arrow is clicked, so the key sends that click:
    installed once on the application, it serves every date field of every screen and dialog.
    Ctrl+Tab and Ctrl+Shift+Tab change tab from a date field too: the field took them for its own
    sections (day, month, year), so the tab holding it could not be left by keyboard.
    """

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(obj, QDateTimeEdit):
            return False
        key, modifiers = event.key(), event.modifiers()  # type: ignore[attr-defined]
        if obj.calendarPopup() and key == Qt.Key.Key_Down and modifiers & Qt.KeyboardModifier.AltModifier:
            open_calendar(obj)
            return True
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and modifiers & Qt.KeyboardModifier.ControlModifier:
            backwards = key == Qt.Key.Key_Backtab or bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
            return next_tab(obj, -1 if backwards else 1)
        return False


def next_tab(widget: QWidget, step: int) -> bool:
    """Show the next (or previous) tab of the nearest tab widget holding ``widget``, round the end."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QTabWidget):
        parent = parent.parentWidget()
    if parent is None or parent.count() < 2:
        return False
    parent.setCurrentIndex((parent.currentIndex() + step) % parent.count())
    return True


def open_calendar(edit: QDateTimeEdit) -> None:
    """Click the date field's arrow, which is how Qt opens its calendar popup."""
    option = QStyleOptionComboBox()
    option.initFrom(edit)
    option.editable = True
    option.subControls = QStyle.SubControl.SC_All
    arrow = edit.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, edit
    )
    where = QPointF(arrow.center())
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        QApplication.sendEvent(
            edit,
            QMouseEvent(
                kind,
                where,
                edit.mapToGlobal(where),
                left,
                left if kind == QEvent.Type.MouseButtonPress else none,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
