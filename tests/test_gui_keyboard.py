"""The window by keyboard: scans from any screen, lock and switch user, Qt's own words in
Vietnamese, the window's size."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QLineEdit

from core.model import Status
from gui.dialogs.login import LoginDialog
from gui.main_window import MainWindow
from tests.gui_helpers import type_text
from tests.helpers import PASSWORD, make_form


def shown_window(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def scanner_types(widget, text: str, clock: list[float], gap: float = 0.005) -> None:
    """A scanner's burst: the text and Enter, ``gap`` seconds apart (on the filter's clock)."""
    for ch in text:
        clock[0] += gap
        key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else 0
        if ch.isupper():  # a scanner holds Shift for a capital, as a keyboard does
            shift = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(widget, shift)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))
    clock[0] += gap
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier))


def test_a_scan_on_today_or_intake_goes_to_return_and_leaves_no_trace(qtbot, gui_session, clerk):
    reg = gui_session.register
    code = reg.intake(make_form(), clerk).code
    reg.apply(code, "resolve", clerk)
    window = shown_window(qtbot, gui_session)
    clock = [100.0]
    window.scanner.clock = lambda: clock[0]
    today = window.show_screen("today")
    scanner_types(QApplication.focusWidget() or today, code, clock)
    assert window.current_key() == "return"
    ret = window.screens["return"]
    assert ret.dossier is not None and ret.dossier.code == code
    intake = window.show_screen("intake")
    type_text(intake.procedure_edit, "khai")
    clock[0] += 1
    scanner_types(intake.procedure_edit, code, clock)
    assert window.current_key() == "return" and ret.scan.text() == code
    assert intake.procedure_edit.text() == "khai", "the scanned code did not land in the procedure"


def test_typing_a_code_by_hand_is_not_taken_for_a_scan(qtbot, gui_session, clerk):
    code = gui_session.register.intake(make_form(), clerk).code
    window = shown_window(qtbot, gui_session)
    clock = [100.0]
    window.scanner.clock = lambda: clock[0]
    dossiers = window.show_screen("dossiers")
    dossiers.search.setFocus()
    scanner_types(dossiers.search, code, clock, gap=0.12)  # a person, 120 ms a key
    assert window.current_key() == "dossiers" and dossiers.search.text() == code


def test_rescanning_a_returned_dossier_says_it_was_returned(qtbot, gui_session, clerk):
    reg = gui_session.register
    code = reg.intake(make_form(), clerk).code
    reg.apply(code, "resolve", clerk)
    reg.apply(code, "return", clerk, receiver_name="Nguyễn Thị Ưởng")
    window = shown_window(qtbot, gui_session)
    ret = window.show_screen("return")
    ret.scan.setText(code)
    ret.lookup()
    assert reg.dossier(code).status == Status.RETURNED
    text = ret.message.text()
    assert "đã trả kết quả cho Nguyễn Thị Ưởng" in text and "chưa trả" not in text


def test_ctrl_l_locks_and_another_user_logs_in_without_closing(qtbot, gui_session, fake_prompts):
    window = shown_window(qtbot, gui_session)
    assert "users" not in window.screens
    qtbot.keyClick(window.screens["today"], Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not gui_session.logged_in and window.pages.currentWidget() is window.lock_panel
    assert window.isVisible()

    def login(dialog):
        assert isinstance(dialog, LoginDialog)
        dialog.login_edit.setText("quantri")
        dialog.password_edit.setText(PASSWORD)
        return dialog.try_login()

    fake_prompts.dialog_hook = login
    qtbot.keyClick(window.unlock_button, Qt.Key.Key_Return)
    assert window.unlock() if gui_session.user is None else True
    assert gui_session.user.login == "quantri" and window.pages.currentIndex() == 0
    assert "users" in window.screens, "the administrator gets the admin screens"
    assert "quantri" in window.user_label.text() or gui_session.user.full_name in window.user_label.text()


def test_lock_asks_first_when_an_intake_is_half_typed(qtbot, gui_session, fake_prompts):
    window = shown_window(qtbot, gui_session)
    intake = window.show_screen("intake")
    type_text(intake.applicant.edit, "Đỗ Văn Nam")
    fake_prompts.confirm_answer = False
    assert not window.lock()
    assert gui_session.logged_in and intake.applicant.text() == "Đỗ Văn Nam"


def test_admin_screens_and_the_sidebar_by_keyboard(qtbot, register, fake_prompts):
    from gui.session import Session

    session = Session(register)
    session.set_user(register.user("quantri"))
    window = shown_window(qtbot, session)
    qtbot.keyClick(window.screens["today"], Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "users"
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.hasFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.current_key() == "settings" and window.sidebar.hasFocus(), "arrows browse the screens"
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Return)
    assert not window.sidebar.hasFocus(), "Enter goes into the screen"


def test_qt_own_words_are_vietnamese(qtbot, qapp):
    from gui import qt_vietnamese

    qt_vietnamese.install(qapp)
    assert QLocale().language() == QLocale.Language.Vietnamese
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    assert {"Hoàn tác", "Sao chép", "Dán", "Chọn tất cả"} <= set(texts), texts
    assert QApplication.translate("QFileDialog", "Look in:") == "Tìm trong:"
    assert "12" in QLocale().monthName(12) and QLocale().monthName(12) != "December"
    from PySide6.QtWidgets import QFileDialog, QLabel

    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:"} <= labels, labels


def test_the_window_opens_within_the_available_area(qtbot, gui_session):
    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    window.restore_or_maximise()
    window.show()
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()
    window.resize(760, 580)
    window.save_geometry()
    again = MainWindow(gui_session)
    qtbot.addWidget(again)
    again.restore_or_maximise()
    assert (again.width(), again.height()) == (760, 580), "the size the user left"


def test_the_vice_chair_reaches_sign_off_by_keyboard(qtbot, register, vice_chair, fake_prompts):
    from gui.session import Session

    session = Session(register)
    session.set_user(vice_chair)
    window = shown_window(qtbot, session)
    qtbot.keyClick(window.screens["today"], Qt.Key.Key_F6)
    tab = window.screens["reports"].period_tab
    opened = []
    fake_prompts.dialog_hook = lambda dialog: opened.append(type(dialog).__name__) and False
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    assert opened == ["SignDialog"] and "F7" in tab.sign_button.text()


def test_every_screen_fits_a_1366x768_screen_with_a_taskbar(qtbot, register, fake_prompts):
    """1366x728 available, a title bar above: no screen may push the window (or its status bar) off."""
    from gui.session import Session

    session = Session(register)
    session.set_user(register.user("quantri"))
    window = shown_window(qtbot, session)
    client_width, client_height = 1366, 728 - 31  # Windows' title bar
    sidebar = window.sidebar.width()
    for key in list(window.screens):
        screen = window.show_screen(key)
        assert screen.minimumSizeHint().width() <= client_width - sidebar, key  # no sideways scrolling
    minimum = window.minimumSizeHint()
    assert minimum.width() <= client_width and minimum.height() <= client_height
    for row in range(window.sidebar.count()):
        item = window.sidebar.item(row)
        width = window.sidebar.fontMetrics().horizontalAdvance(item.text()) + 20  # the item's padding
        assert width <= sidebar, f"“{item.text()}” is cut in the sidebar"


def test_tab_never_stops_on_a_screen_page(qtbot, register, fake_prompts):
    """Each screen sits in a scroll area; that page took a Tab stop of its own with no visible focus,
    so on every screen one Tab out of the last control seemed to do nothing."""
    from gui.session import Session

    session = Session(register)
    session.set_user(register.user("quantri"))
    window = shown_window(qtbot, session)
    pages = set(window.page_of.values())
    for key in ("intake", "return", "dossiers", "users", "calendar"):
        window.show_screen(key)
        start = QApplication.focusWidget()
        if start is None or start in pages:  # a screen without focus_first: its first control
            window._focus_screen()
        landed = []
        for _ in range(40):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            landed.append(QApplication.focusWidget())
        assert not pages & set(landed), key


def test_ctrl_tab_changes_tab_from_a_date_field(qtbot, gui_session):
    """On the end-of-day summary the keyboard lands in the day field, and a date field took Ctrl+Tab
    for itself (day, month, year): the other report tabs could not be reached from there."""
    window = shown_window(qtbot, gui_session)
    reports = window.show_screen("reports")
    reports.tabs.setCurrentWidget(reports.day_tab)
    day = reports.day_tab.day_edit
    day.setFocus()
    qtbot.waitUntil(day.hasFocus)
    qtbot.keyClick(day, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert reports.tabs.currentWidget() is reports.rollup_tab
    reports.tabs.setCurrentWidget(reports.period_tab)
    start = reports.period_tab.findChild(QDateEdit, "from")
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    before = start.date()
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(start, Qt.Key.Key_Backtab, shift_ctrl)
    assert reports.tabs.currentWidget() is reports.rollup_tab, "Ctrl+Shift+Tab goes back, round the end"
    assert start.date() == before, "the date itself is left alone"


def test_one_intake_by_keyboard_only_and_its_keystrokes(qtbot, register, clerk, fake_prompts):
    """A whole intake from the window by keys sent to whatever has focus: F4, the procedure's type-ahead
    and Enter, the name, Tab x3 to the ID (past the ID kind and the optional birth year), Tab to the
    phone, Ctrl+S. The count is the figure the docs give; a Tab order change that costs a key fails."""
    from gui.session import Session

    session = Session(register)
    session.set_user(clerk)
    window = shown_window(qtbot, session)
    keys = 0

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        nonlocal keys
        keys += 1
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)

    def type_in(text: str):
        nonlocal keys
        keys += len(text)
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
        type_text(QApplication.focusWidget(), text)

    press(Qt.Key.Key_F4)
    type_in("khai sinh")
    press(Qt.Key.Key_Return)
    type_in("Trần Thị Bình")
    for _ in range(3):
        press(Qt.Key.Key_Tab)
    type_in("001190012345")
    press(Qt.Key.Key_Tab)
    type_in("0912345678")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    [d] = register.search("001190012345")
    assert (d.applicant, d.id_number, d.phone, d.status) == (
        "Trần Thị Bình",
        "001190012345",
        "0912345678",
        Status.RECEIVED,
    )
    assert d.procedure_name == "Đăng ký khai sinh" and d.documents  # the checklist, all ticked by default
    control = 1 + 1 + 3 + 1 + 1  # F4, Enter, Tab x4, Ctrl+S
    assert keys == control + len("khai sinh") + len("Trần Thị Bình") + 12 + 10 == 51
