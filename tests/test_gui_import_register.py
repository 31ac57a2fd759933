"""Import screen, old-register tab: choose a file, preview (nothing written), import, summary."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from core.legacy_text import encode_tcvn3
from gui.session import Session
from gui.views.import_view import ImportView, RegisterImportTab

HEADER = ["Số hồ sơ", "Thủ tục", "Họ tên", "CCCD", "SĐT", "Ngày tiếp nhận", "Ngày có kết quả", "Tình trạng"]


@pytest.fixture
def admin_session(register, admin, fake_prompts):
    session = Session(register)
    session.set_user(admin)
    return session


def _register_file(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND PHƯỜNG TÂY HỒ - SỔ THEO DÕI HỒ SƠ"])
    ws.append(HEADER)
    ws.append(["S-1", "1.004873", encode_tcvn3("Nguyễn Văn Ánh"), "001190012345", "", "02/11/2026 08:30",
               "04/11/2026 10:00", "Đã có kết quả"])  # fmt: skip
    ws.append(["S-2", "1.004873", "Trần Thị Bình", "", "0912345678", "03/11/2026 09:00", "", ""])
    ws.append(["S-3", "1.004873", "Ngày Sai", "", "", "31/11/2026", "", ""])
    wb.save(path)
    return path


def test_preview_then_import_the_old_register(qtbot, admin_session, register, tmp_path, fake_prompts):
    view = ImportView(admin_session)
    qtbot.addWidget(view)
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles == ["Sổ theo dõi hồ sơ", "Danh mục thủ tục"]
    tab: RegisterImportTab = view.register_tab
    fake_prompts.paths.append(str(_register_file(tmp_path / "so-cu.xlsx")))
    tab.choose_file()
    assert "Mã hồ sơ ← “Số hồ sơ”" in tab.mapping.text() and "Người nộp ← “Họ tên”" in tab.mapping.text()
    assert tab.table.rowCount() == 3
    cells = {tab.table.horizontalHeaderItem(c).text(): tab.table.item(0, c).text() for c in range(11)}
    assert cells["Người nộp"] == "Nguyễn Văn Ánh"  # TCVN3 converted in the preview already
    assert cells["Ngày nhận"] == "02/11/2026 08:30" and cells["Trạng thái"] == "Đã có kết quả"
    assert "“31/11/2026” không phải ngày có thật" in tab.table.item(2, 10).text()
    assert tab.table.item(2, 1).text().startswith("Bỏ qua: Ngày nhận") and tab.table.columnSpan(2, 1) == 9
    problems = [tab.problems.item(i).text() for i in range(tab.problems.count())]
    assert len(problems) == 1 and problems[0].startswith("Dòng 5:")
    assert "Chưa ghi gì" in tab.message.text() and "Chuyển 1 ô" in tab.message.text()
    assert register.store.dossier_count() == 0, "the preview wrote nothing"
    assert tab.progress.value() == tab.progress.maximum() == 3
    assert tab.import_button.isEnabled()
    tab.import_button.click()
    assert tab.result is not None and tab.result.imported == 2
    assert register.dossier("S-1").applicant == "Nguyễn Văn Ánh"
    assert "Đã nhập 2 hồ sơ" in tab.message.text() and not tab.import_button.isEnabled()
    tab.preview(tab.path)  # the same file again: nothing left to import
    assert "2 đã có trong sổ" in tab.message.text() and not tab.import_button.isEnabled()


def test_a_broken_file_says_why(qtbot, admin_session, tmp_path, fake_prompts):
    path = tmp_path / "rac.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    tab = RegisterImportTab(admin_session)
    qtbot.addWidget(tab)
    tab.preview(path)
    assert "Không đọc được tệp Excel" in tab.message.text()
    assert fake_prompts.errors and not tab.import_button.isEnabled() and tab.table.rowCount() == 0


def test_the_screen_is_in_the_admin_sidebar_only(qtbot, register, admin, clerk, fake_prompts):
    from gui.main_window import MainWindow

    session = Session(register)
    session.set_user(admin)
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert isinstance(window.screens["import"], ImportView)
    clerk_session = Session(register)
    clerk_session.set_user(clerk)
    clerk_window = MainWindow(clerk_session)
    qtbot.addWidget(clerk_window)
    assert "import" not in clerk_window.screens


def test_preview_and_import_run_on_the_pool_threads_own_connection(
    qtbot, admin_session, register, tmp_path, fake_prompts, monkeypatch
):
    """The import work must use session.worker_register() inside the task, never the GUI thread's
    connection (shared across threads it broke sqlite_utils' savepoints; see test_gui_session_threads)."""
    import threading

    from core import register_import
    from gui.tasks import set_synchronous, wait_for_idle

    used: list[tuple[str, bool, int]] = []  # (what, on the main thread, connection id)
    real_preview, real_import = register_import.preview, register_import.import_register

    def preview(reg, *args, **kwargs):
        used.append(("preview", threading.current_thread() is threading.main_thread(), id(reg.store.db.conn)))
        return real_preview(reg, *args, **kwargs)

    def import_register(reg, *args, **kwargs):
        used.append(("import", threading.current_thread() is threading.main_thread(), id(reg.store.db.conn)))
        return real_import(reg, *args, **kwargs)

    monkeypatch.setattr(register_import, "preview", preview)
    monkeypatch.setattr(register_import, "import_register", import_register)
    tab = RegisterImportTab(admin_session)
    qtbot.addWidget(tab)
    set_synchronous(False)  # the real thread pool, as in the app
    try:
        tab.preview(_register_file(tmp_path / "so-cu.xlsx"))
        assert wait_for_idle(30_000)
        qtbot.waitUntil(lambda: tab.previewed is not None, timeout=5000)
        assert tab.import_button.isEnabled()
        tab.run_import()
        assert wait_for_idle(30_000)
        qtbot.waitUntil(lambda: tab.result is not None, timeout=5000)
    finally:
        set_synchronous(True)
        admin_session.close_workers()
    gui_connection = id(register.store.db.conn)
    assert [what for what, _, _ in used] == ["preview", "import"]
    assert all(not on_main and conn != gui_connection for _, on_main, conn in used)
    assert fake_prompts.errors == []
    assert tab.result.imported == 2 and register.dossier("S-1").applicant == "Nguyễn Văn Ánh"


def test_at_1366x768_every_column_and_the_error_list_fit(qtbot, admin_session, tmp_path, fake_prompts):
    from gui.main_window import MainWindow

    window = MainWindow(admin_session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    view = window.show_screen("import")
    tab = view.register_tab
    tab.preview(_register_file(tmp_path / "so-cu.xlsx"))
    qtbot.waitExposed(window)
    qtbot.wait(50)
    header = tab.table.horizontalHeader()
    last = header.count() - 1
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= tab.table.viewport().width()
    assert not tab.table.horizontalScrollBar().isVisible()
    assert tab.problems.width() >= tab.table.width() - 2, "the error list runs the full width under the table"
    assert header.sectionSize(2) >= 150 and header.sectionSize(last) >= 150


def test_the_screens_title_is_placed_and_styled_as_every_others(qtbot, register, fake_prompts):
    """ "Nhập dữ liệu" was black, bold and 13 px further left and up than every other screen's title."""
    from PySide6.QtWidgets import QLabel

    from gui.main_window import MainWindow
    from gui.session import Session

    session = Session(register)
    session.set_user(register.user("quantri"))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1366, 697)
    window.show()
    qtbot.waitExposed(window)

    def title(key: str) -> QLabel:
        screen = window.show_screen(key)
        qtbot.wait(10)
        return next(label for label in screen.findChildren(QLabel) if label.text() and label.isVisible())

    users, imports = title("users"), title("import")
    assert imports.text() == "Nhập dữ liệu"
    assert imports.styleSheet() == users.styleSheet()
    assert imports.mapTo(window, imports.rect().topLeft()) == users.mapTo(window, users.rect().topLeft())
