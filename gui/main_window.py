"""The main window: a sidebar of screens, global keys, and a status bar naming user and database.

Screens are plain widgets added with :meth:`MainWindow.add_screen` (built) or
:meth:`MainWindow.add_lazy_screen` (built the first time they are shown, so the window is usable
at once on a big register); a screen may define ``activated()`` (refresh when shown),
``focus_first()`` (where the keyboard lands) and ``may_discard()`` (ask before typed data goes).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.close_backup import CloseBackup
from gui.session import Session


class Screens(dict):
    """key -> screen widget; a screen not built yet is built when first looked up."""

    def __init__(self, build: Callable[[str], QWidget]):
        super().__init__()
        self._build = build
        self.pending: set[str] = set()

    def __getitem__(self, key: str) -> QWidget:
        if key in self.pending:
            return self._build(key)
        return super().__getitem__(key)


class MainWindow(QMainWindow):
    def __init__(self, session: Session, build_screens: bool = True):
        super().__init__()
        self.session = session
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("MotCua - Sổ tiếp nhận và trả kết quả"))
        self.resize(1280, 700)  # fits 1366x768 with a title bar and a taskbar; app.start maximises
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(222)  # "Danh mục thủ tục  Ctrl+1" whole
        # Reached with Ctrl+0 (Up/Down, Enter goes into the screen), not by Tab: Tab stays in forms.
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.sidebar.setStyleSheet(
            "QListWidget { background: #1f3b57; color: white; font-size: 14px; border: none; }"
            "QListWidget::item { padding: 9px 10px; }"
            "QListWidget::item:selected { background: #2f6690; }"
            "QListWidget:focus { border: 2px solid #f2c14e; }"
        )
        self.sidebar.itemActivated.connect(lambda _item: self._focus_screen())
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.pages = QStackedWidget()  # the work, or the lock panel after Ctrl+L
        self.pages.addWidget(central)
        self.lock_panel = self._lock_panel()
        self.pages.addWidget(self.lock_panel)
        self.setCentralWidget(self.pages)
        self.screens = Screens(self._build)
        self.page_of: dict[str, QScrollArea] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._shortcuts: list[QShortcut] = []
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
        self.add_shortcut("Ctrl+0", self.sidebar.setFocus)
        self.add_shortcut("Ctrl+L", self.lock)
        from PySide6.QtWidgets import QApplication

        from gui.scanner import ScannerFilter

        self.scanner = ScannerFilter(self.scanned, self, wanted=self._scan_wanted)
        QApplication.instance().installEventFilter(self.scanner)  # goes with the window
        from gui.widgets import CalendarKeys

        self.calendar_keys = CalendarKeys(self)
        QApplication.instance().installEventFilter(self.calendar_keys)  # Alt+Down on date fields
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
        """Add a built screen to the sidebar; ``shortcut`` (e.g. "F4") switches to it from anywhere."""
        self.screens[key] = widget
        self._page(key).setWidget(widget)
        self._add_item(key, title, shortcut)
        return widget

    def _page(self, key: str) -> QScrollArea:
        """The screen's page: a scroll area, so no screen can make the window outgrow a
        1366x768 screen (one wide screen used to push the status bar and every other screen off)."""
        page = QScrollArea()
        page.setObjectName(f"page-{key}")
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop of its own (nothing shows it); it still
        # scrolls to the control that has the focus
        self.page_of[key] = page
        self.stack.addWidget(page)
        return page

    def add_lazy_screen(
        self, key: str, factory: Callable[[], QWidget], title: str, shortcut: str = ""
    ) -> None:
        """Add a screen built the first time it is shown (or looked up in ``screens``)."""
        self.screens[key] = self._page(key)  # until built
        self.screens.pending.add(key)
        self._factories[key] = factory
        self._add_item(key, title, shortcut)

    def _add_item(self, key: str, title: str, shortcut: str) -> None:
        label = f"{title}  {shortcut}" if shortcut else title
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(f"{title} ({shortcut})" if shortcut else title)
        self.sidebar.addItem(item)
        if shortcut:
            self._shortcuts.append(QShortcut(QKeySequence(shortcut), self, lambda k=key: self.show_screen(k)))
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(0)

    def _build(self, key: str) -> QWidget:
        widget = self._factories.pop(key)()
        self.screens.pending.discard(key)
        dict.__setitem__(self.screens, key, widget)
        self.page_of[key].setWidget(widget)
        return widget

    def clear_screens(self) -> None:
        """Remove every screen (another user logs in: the admin screens are not everyone's)."""
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.sidebar.blockSignals(False)
        for page in self.page_of.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.page_of.clear()
        self.screens.clear()
        self.screens.pending.clear()
        self._factories.clear()
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self._shortcuts.clear()

    def add_shortcut(self, keys: str, slot) -> QShortcut:
        return QShortcut(QKeySequence(keys), self, slot)

    def show_screen(self, key: str) -> QWidget:
        widget = self.screens[key]
        row = list(self.screens).index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)  # -> _show_row
        else:
            self.stack.setCurrentWidget(self.page_of[key])
            self._activate(widget)
        return widget

    def current_key(self) -> str:
        return list(self.screens)[self.stack.currentIndex()] if self.screens else ""

    def current_screen(self) -> QWidget | None:
        key = self.current_key()
        return self.screens[key] if key else None

    def _show_row(self, row: int) -> None:
        if row < 0 or row >= len(self.screens):
            return
        key = list(self.screens)[row]
        widget = self.screens[key]
        self.stack.setCurrentWidget(self.page_of[key])
        self._activate(widget, keep_focus=self.sidebar.hasFocus())

    def _focus_screen(self) -> None:
        """Enter in the sidebar: the keyboard goes into the screen shown."""
        widget = self.current_screen()
        if widget is None:
            return
        if hasattr(widget, "focus_first"):
            widget.focus_first()
            return
        for child in widget.findChildren(QWidget):  # the screen's first field, in tab order
            if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isVisibleTo(widget):
                child.setFocus(Qt.FocusReason.TabFocusReason)
                return

    @staticmethod
    def _activate(widget: QWidget, keep_focus: bool = False) -> None:
        if hasattr(widget, "activated"):
            widget.activated()
        if hasattr(widget, "focus_first") and not keep_focus:
            widget.focus_first()

    def _scan_wanted(self, focus: QWidget | None) -> bool:
        """Scans are taken from this window's screens, not from a dialog or the return field."""
        if focus is None or focus.window() is not self or self.pages.currentIndex() != 0:
            return False
        if "return" not in self.screens or "return" in self.screens.pending:
            return "return" in self.screens
        return focus is not self.screens["return"].scan

    def scanned(self, code: str) -> None:
        """A receipt scanned on any screen: the return screen looks it up."""
        screen = self.show_screen("return")
        screen.scan.setText(code)
        screen.lookup()

    def may_discard_typing(self) -> bool:
        """Every screen with typed data asks first (shown, so the clerk sees what would go)."""
        for key, widget in list(self.screens.items()):
            if key in self.screens.pending or not hasattr(widget, "has_typed_data"):
                continue
            if widget.has_typed_data():
                self.show_screen(key)
                if not widget.may_discard():
                    return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.close_backup.state.value == "idle" and not self.may_discard_typing():
            event.ignore()
            return
        self.save_geometry()
        if self.close_backup.may_close(event):
            super().closeEvent(event)

    # --- size -------------------------------------------------------------------------------
    @staticmethod
    def ui_settings() -> QSettings:
        """Window sizes and column widths: this PC's, in the user's MotCua data folder."""
        from core.paths import data_dir

        return QSettings(str(data_dir() / "cua-so.ini"), QSettings.Format.IniFormat)

    def save_geometry(self) -> None:
        self.ui_settings().setValue("window/geometry", self.saveGeometry())
        for widget in list(dict.values(self.screens)):
            if hasattr(widget, "save_layout"):
                widget.save_layout(self.ui_settings())

    def restore_or_maximise(self) -> None:
        """The size the user left, else maximised to the available area (above the taskbar)."""
        saved = self.ui_settings().value("window/geometry")
        if saved is None or not self.restoreGeometry(saved):
            screen = self.screen().availableGeometry()
            self.setGeometry(screen)
            self.setWindowState(Qt.WindowState.WindowMaximized)

    def warm_up(self) -> None:
        """After login: the first save-and-print's slow parts once, off the GUI thread."""
        import logging

        from gui.printing import warm_up
        from gui.tasks import Task

        def printer_ready(_result) -> None:
            from PySide6.QtPrintSupport import QPrinterInfo

            QPrinterInfo.defaultPrinterName()  # the printer list, asked once while idle

        def failed(exc: BaseException) -> None:  # a warm-up never bothers the user
            logging.getLogger("motcua.gui").warning("Khởi động trước phần in không được: %s", exc)

        Task(self, lambda: warm_up(self.session)).success(printer_ready).failure(failed).run_in_background()

    # --- lock / switch user -----------------------------------------------------------------
    def _lock_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("lock")
        self.lock_label = QLabel()
        self.lock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_label.setStyleSheet("font-size: 18px; color: #1f3b57;")
        self.unlock_button = QPushButton(self.tr("Đăng nhập  (Enter)"))
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setMinimumHeight(40)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        layout = QVBoxLayout(panel)
        layout.addStretch(1)
        layout.addWidget(self.lock_label)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return panel

    def lock(self) -> bool:
        """Ctrl+L: log out without closing (the vice-chair signs at a clerk's PC, then hands back).

        Half-typed data is asked about first; the next person logs in on the lock panel.
        """
        if not self.session.logged_in or self.pages.currentWidget() is self.lock_panel:
            return False
        if not self.may_discard_typing():
            return False
        self.previous_login = self.session.user.login
        self.session.logout()
        self.lock_label.setText(self.tr("MotCua đã khóa. Người tiếp theo đăng nhập để làm việc."))
        self.pages.setCurrentWidget(self.lock_panel)
        self.unlock_button.setFocus()
        return True

    def unlock(self) -> bool:
        """The login dialog; another user gets their own screens (the admin screens are the admin's)."""
        from gui.dialogs.login import LoginDialog
        from gui.prompts import prompts

        was_admin_screens = "users" in self.screens
        if not prompts().exec_dialog(LoginDialog(self.session, self)):
            return False
        if self.session.user.login != getattr(self, "previous_login", None) or was_admin_screens != (
            self.session.is_admin
        ):
            from gui.screens import add_standard_screens

            self.clear_screens()
            add_standard_screens(self)
        self.pages.setCurrentIndex(0)
        self.show_screen(self.current_key() or "today")
        return True

    # --- status bar -----------------------------------------------------------------------
    def _update_status(self) -> None:
        if self.session.logged_in:
            user = self.session.user
            self.user_label.setText(
                self.tr("Người dùng: {name} ({role})  ·  Ctrl+L: khóa, đổi người").format(
                    name=user.full_name, role=user.role.label
                )
            )
        else:
            self.user_label.setText(self.tr("Chưa đăng nhập"))
        self.db_label.setText(self.tr("Dữ liệu: {path}").format(path=self.session.db_path))

    def show_message(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)
