"""Start the counter window: open the register, set it up if new, log in, show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.audit_state import WINDOW, channel_context
from core.errors import MotCuaError
from core.register import Register
from core.timeutil import clock_override, fmt_vn, now
from gui.dialogs.login import LoginDialog
from gui.dialogs.setup import SetupDialog
from gui.main_window import MainWindow
from gui.prompts import prompts
from gui.session import Session


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("MotCua")
    app.setOrganizationName("MotCua")
    from PySide6.QtGui import QIcon

    from core.paths import resource_path

    icon = resource_path("icons", "motcua.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    if not app.property("motcua_vietnamese"):  # Qt's own words (menus, file dialog, calendar)
        from gui import qt_vietnamese

        qt_vietnamese.install(app)
        app.setProperty("motcua_vietnamese", True)
    return app  # type: ignore[return-value]


def start(session: Session) -> MainWindow | None:
    """Set-up (new database), login, then the main window; ``None`` when the user gives up."""
    if not session.register.is_initialised:
        setup = SetupDialog(session)
        if not prompts().exec_dialog(setup):
            return None
        if setup.demo_message:
            prompts().info(None, setup.demo_message)
    if not session.logged_in:
        login = LoginDialog(session)
        if not prompts().exec_dialog(login):
            return None
    window = MainWindow(session)
    fixed = clock_override()
    if fixed is not None:  # a training or test clock must never pass for the real one
        window.setWindowTitle(f"{window.windowTitle()} [đồng hồ giả lập: {fmt_vn(fixed)}]")
    window.backup_on_close = True  # the day's backup when the counter closes
    window.restore_or_maximise()  # the size left last time, else the screen above the taskbar
    window.show()
    window.warm_up()  # the first save-and-print's slow parts, off the GUI thread
    return window


def run(db_path: Path) -> int:
    """``motcua`` with no command."""
    from core.logsetup import install_excepthook, setup_logging

    setup_logging()  # the log file (personal data scrubbed) for the person who supports the office
    install_excepthook()
    app = application()
    try:
        register = Register.open(db_path, clock=now)  # the one clock (core.timeutil), as the CLI's
        register.store.audit_context = channel_context(WINDOW)  # audit entries name the window
    except MotCuaError as exc:
        prompts().error(None, exc.message)
        return 1
    session = Session(register, db_path)
    session.watch_other_counters()  # other counters' work shows within about a second
    window = start(session)
    if window is None:
        register.close()
        return 0
    code = app.exec()
    from gui.tasks import wait_for_idle

    wait_for_idle()
    session.close_workers()
    register.close()
    return code
