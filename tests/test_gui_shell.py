"""The shell: set-up wizard, demo data, login, main window, background tasks."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.register import Register
from gui import tasks
from gui.app import start
from gui.dialogs.login import LoginDialog
from gui.dialogs.setup import SetupDialog
from gui.main_window import MainWindow
from gui.session import Session
from tests.gui_helpers import type_text
from tests.helpers import PASSWORD


def test_login_rejects_wrong_password_then_accepts(qtbot, register, fake_prompts):
    session = Session(register)
    dialog = LoginDialog(session)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.login_edit, "canbo1")
    qtbot.keyClicks(dialog.password_edit, "sai-mat-khau")
    assert not dialog.try_login()
    assert "Sai tên đăng nhập" in dialog.message.text()
    assert not session.logged_in
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert session.user.login == "canbo1"


def test_setup_wizard_initialises_ward_and_first_admin(qtbot, db_path, clock, fake_prompts):
    register = Register.open(db_path, clock=clock)
    session = Session(register)
    assert not register.is_initialised
    dialog = SetupDialog(session)
    qtbot.addWidget(dialog)
    type_text(dialog.ward, "UBND phường Nhật Tân")
    qtbot.keyClicks(dialog.agency, "000.17.22.H99")
    type_text(dialog.admin_name, "Lê Văn Quản")
    qtbot.keyClicks(dialog.password, "abc12345")
    qtbot.keyClicks(dialog.password2, "khac-nhau")
    assert not dialog.save()
    assert "không khớp" in dialog.message.text()
    dialog.password2.setText("abc12345")
    assert dialog.save()
    assert register.is_initialised
    assert register.settings.ward_name == "UBND phường Nhật Tân"
    assert register.authenticate("quantri", "abc12345").full_name == "Lê Văn Quản"
    assert register.procedures(), "starter catalogue loaded"
    register.close()


def test_start_with_demo_data_then_login_opens_main_window(qtbot, db_path, clock, fake_prompts):
    register = Register.open(db_path, clock=clock)
    session = Session(register)

    def answer(dialog):
        if isinstance(dialog, SetupDialog):
            dialog.use_demo()  # synchronous in tests
            return dialog.result() == QDialog.DialogCode.Accepted
        assert isinstance(dialog, LoginDialog)
        dialog.login_edit.setText("canbo1")
        dialog.password_edit.setText("motcua123")
        return dialog.try_login()

    fake_prompts.dialog_hook = answer
    window = start(session)
    assert window is not None
    qtbot.addWidget(window)
    assert register.store.dossier_count() == 600
    assert "motcua123" in fake_prompts.infos[0]
    assert "Nguyễn Thị Thu Hà" in window.user_label.text()
    assert str(db_path) in window.db_label.text()
    assert window.sidebar.count() == len(window.screens)
    register.close()


def test_main_window_add_screen_and_shortcut(qtbot, register, clerk):
    from PySide6.QtWidgets import QLineEdit

    session = Session(register)
    session.set_user(clerk)
    window = MainWindow(session, build_screens=False)
    qtbot.addWidget(window)
    window.show()
    a, b = QLineEdit(), QLineEdit()
    window.add_screen("a", a, "Màn A", "F11")
    window.add_screen("b", b, "Màn B", "F12")
    assert window.current_key() == "a"
    with qtbot.waitActive(window):
        window.activateWindow()
    a.setFocus()
    qtbot.keyClick(a, Qt.Key.Key_F12)
    assert window.current_key() == "b"
    assert window.sidebar.item(1).text().startswith("Màn B")


def test_task_runs_off_the_gui_thread_and_reports_back(qtbot):
    tasks.set_synchronous(False)
    seen: dict = {}
    main = threading.get_ident()

    def work():
        seen["thread"] = threading.get_ident()
        return 42

    task = tasks.Task(None, work).success(lambda r: seen.setdefault("result", r))
    task.run_in_background()
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["thread"] != main


def test_task_failure_goes_to_failure_handler(qtbot):
    tasks.set_synchronous(False)
    failures: list = []

    def work():
        raise ValueError("hỏng")

    tasks.run_in_background(None, work, lambda r: None, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], ValueError)


def test_synchronous_mode_runs_inline(fake_prompts):
    seen = []
    tasks.run_in_background(None, lambda: threading.get_ident(), seen.append)
    assert seen == [threading.get_ident()]
    tasks.run_in_background(None, lambda: 1 / 0, seen.append)  # no failure handler: prompts().error
    assert fake_prompts.errors and "Lỗi" in fake_prompts.errors[0]
