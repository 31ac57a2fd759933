"""The main window: a sidebar of screens, global keys, and a status bar naming user and database.

Screens are plain widgets added with :meth:`MainWindow.add_screen`; a screen may define
``activated()`` (refresh when shown) and ``focus_first()`` (where the keyboard lands).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from gui.close_backup import CloseBackup
from gui.session import Session


class MainWindow(QMainWindow):
    def __init__(self, session: Session, build_screens: bool = True):
        super().__init__()
        self.session = session
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("MotCua - Sổ tiếp nhận và trả kết quả"))
        self.resize(1366, 768)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(190)
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the form, not the list
        self.sidebar.setStyleSheet(
            "QListWidget { background: #1f3b57; color: white; font-size: 14px; border: none; }"
            "QListWidget::item { padding: 9px 10px; }"
            "QListWidget::item:selected { background: #2f6690; }"
        )
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.screens: dict[str, QWidget] = {}
        # The daily backup on close (gui/close_backup.py); gui.app.start turns it on, so test and
        # screenshot windows do not write backups.
        self.backup_on_close = False
        self.close_backup = CloseBackup(self)
        self.sidebar.currentRowChanged.connect(self._show_row)
        self.user_label = QLabel()
        self.db_label = QLabel()
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        session.user_changed.connect(self._update_status)
        self._update_status()
        self.add_shortcut("F8", self.note_difficulty)
        if build_screens:
            from gui.screens import add_standard_screens

            add_standard_screens(self)

    def note_difficulty(self) -> bool:
        """F8 anywhere: note a difficulty tied to the dossier in hand (or a procedure)."""
        from gui.dialogs.difficulty import DifficultyDialog
        from gui.prompts import prompts

        done = prompts().exec_dialog(DifficultyDialog(self.session, self))
        if done:
            self.show_message(self.tr("Đã ghi vướng mắc."))
        return done

    # --- screens ---------------------------------------------------------------------------
    def add_screen(self, key: str, widget: QWidget, title: str, shortcut: str = "") -> QWidget:
        """Add a screen to the sidebar; ``shortcut`` (e.g. "F4") switches to it from anywhere."""
        self.screens[key] = widget
        self.stack.addWidget(widget)
        label = f"{title}    {shortcut}" if shortcut else title
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.sidebar.addItem(item)
        if shortcut:
            QShortcut(QKeySequence(shortcut), self, lambda k=key: self.show_screen(k))
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(0)
        return widget

    def add_shortcut(self, keys: str, slot) -> QShortcut:
        return QShortcut(QKeySequence(keys), self, slot)

    def show_screen(self, key: str) -> QWidget:
        widget = self.screens[key]
        row = list(self.screens).index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)  # -> _show_row
        else:
            self._activate(widget)
        return widget

    def current_key(self) -> str:
        return list(self.screens)[self.stack.currentIndex()] if self.screens else ""

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        widget = self.stack.widget(row)
        self.stack.setCurrentWidget(widget)
        self._activate(widget)

    @staticmethod
    def _activate(widget: QWidget) -> None:
        if hasattr(widget, "activated"):
            widget.activated()
        if hasattr(widget, "focus_first"):
            widget.focus_first()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.close_backup.may_close(event):
            super().closeEvent(event)

    # --- status bar -----------------------------------------------------------------------
    def _update_status(self) -> None:
        if self.session.logged_in:
            user = self.session.user
            self.user_label.setText(
                self.tr("Người dùng: {name} ({role})").format(name=user.full_name, role=user.role.label)
            )
        else:
            self.user_label.setText(self.tr("Chưa đăng nhập"))
        self.db_label.setText(self.tr("Dữ liệu: {path}").format(path=self.session.db_path))

    def show_message(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)
