"""Today's tiles and the dossier list by keyboard: Enter on a tile, "Đã trả hôm nay", the old
search cleared, Tab out of the table, full text in tooltips, the documents received, names not
codes for difficulties, a sixth not rounded down."""

from __future__ import annotations

from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.store import QuickFilter
from gui.main_window import MainWindow
from gui.views.detail import detail_html
from tests.helpers import make_form


def shown_window(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_enter_on_returned_today_opens_that_list_with_the_old_search_cleared(qtbot, gui_session, clerk):
    reg = gui_session.register
    codes = [reg.intake(make_form(applicant=n), clerk).code for n in ("Lê Văn Một", "Lê Văn Hai")]
    reg.apply(codes[0], "resolve", clerk)
    reg.apply(codes[0], "return", clerk)
    window = shown_window(qtbot, gui_session)
    dossiers = window.show_screen("dossiers")
    dossiers.search.setText("không ai tên thế này")
    dossiers.apply_query()
    assert dossiers.model.rowCount() == 0
    today = window.show_screen("today")
    tile = today.tiles["returned"]
    assert tile.number.text() == "1"
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    assert window.current_key() == "dossiers"
    assert dossiers.search.text() == "", "the tile's list, not the old search"
    assert dossiers.quick_filter() == QuickFilter.RETURNED_TODAY
    assert dossiers.model.rowCount() == 1 and dossiers.model.index(0, 0).data() == codes[0]
    assert dossiers.count_label.text() == "1 hồ sơ"


def test_tab_leaves_the_dossier_table_and_cells_show_their_full_text(qtbot, gui_session, clerk):
    long_name = "Nguyễn Thành Công Tôn Nữ Hoàng Bảo Ngọc Trâm"
    gui_session.register.intake(make_form(applicant=long_name), clerk)
    window = shown_window(qtbot, gui_session)
    dossiers = window.show_screen("dossiers")
    dossiers.table.setFocus()
    dossiers.select_row(0)
    qtbot.keyClick(dossiers.table, Qt.Key.Key_Tab)
    assert not dossiers.table.hasFocus(), "Tab goes on to the next control"
    assert QApplication.focusWidget() is not None
    model = dossiers.model
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == long_name
    assert "Đăng ký" in model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    header = dossiers.table.horizontalHeader()
    assert all(header.sectionResizeMode(c) == header.ResizeMode.Interactive for c in range(5))


def test_column_widths_are_remembered(qtbot, gui_session):
    window = shown_window(qtbot, gui_session)
    dossiers = window.show_screen("dossiers")
    dossiers.table.horizontalHeader().resizeSection(1, 260)
    window.save_geometry()
    again = shown_window(qtbot, gui_session)
    assert again.show_screen("dossiers").table.horizontalHeader().sectionSize(1) == 260


def test_the_detail_lists_the_documents_received(gui_session, clerk):
    form = make_form(documents=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"), copies=2)
    d = gui_session.register.intake(form, clerk)
    html = detail_html(gui_session.register.dossier(d.code), gui_session.register.now())
    assert "Thành phần hồ sơ đã nhận" in html
    assert "Tờ khai đăng ký khai sinh" in html and "Giấy chứng sinh" in html and "2 bộ" in html


def test_today_names_the_procedure_of_a_difficulty_and_the_rate_axis_keeps_a_decimal(
    qtbot, gui_session, clerk
):
    from gui.views.today import TodayView

    reg = gui_session.register
    reg.add_difficulty(clerk, "Thiếu mẫu tờ khai", procedure_code="1.001193")
    view = TodayView(gui_session)
    qtbot.addWidget(view)
    text = view.difficulties.item(0).text()
    name = reg.procedure("1.001193").name
    assert name in text and "(1.001193)" not in text
    rate_axis = [a for a in view.chart.axes() if isinstance(a, QValueAxis) and a.max() == 100][0]
    assert rate_axis.labelFormat() == "%.1f%%" and view.chart.localizeNumbers()


def test_alt_down_opens_a_date_fields_calendar(qtbot, gui_session):
    from PySide6.QtWidgets import QDateEdit

    window = shown_window(qtbot, gui_session)
    edit = QDateEdit(window)
    edit.setCalendarPopup(True)
    edit.show()
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert edit.calendarWidget().isVisible()


def test_a_saved_eml_is_not_called_a_mail_sent(qtbot, gui_session, clerk, vice_chair):
    from core import reporting as rp
    from core.periods import preset_period
    from gui.views.report_history import ReportHistoryTab
    from tests.helpers import PASSWORD

    reg = gui_session.register
    report = rp.prepare(reg, clerk, preset_period("official-month", reg.now().date()))
    rp.sign(reg, report.id, vice_chair.login, PASSWORD)
    rp.record_send(reg, clerk, report.id, "eml", ["vp@ubnd.gov.vn"], True)
    view = ReportHistoryTab(gui_session)
    qtbot.addWidget(view)
    view.refresh()
    sends = view.table.item(0, 6).text()
    assert ".eml" in sends and "chưa gửi" in sends and "thành công" not in sends


def test_at_1366_px_the_code_moments_and_status_are_whole_and_no_column_runs_off(
    qtbot, gui_session, clerk, tmp_path, monkeypatch
):
    """The code column was 180 px: "000.17.22.H56-261203-00…", and "Trạng thái" ran off the right edge
    behind a horizontal scroll bar. First widths come from the font and the table's width."""
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path))  # no widths left by another test's window
    reg = gui_session.register
    code = reg.intake(make_form(applicant="Nguyễn Thị Thu Hà"), clerk).code
    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    window.resize(1366, 728 - 31)  # the available area under a Windows title bar
    window.show()
    qtbot.waitExposed(window)
    dossiers = window.show_screen("dossiers")
    table, header = dossiers.table, dossiers.table.horizontalHeader()
    metrics = table.fontMetrics()
    qtbot.waitUntil(lambda: header.sectionSize(0) > metrics.horizontalAdvance(code))
    qtbot.wait(20)
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == code)
    for col in (0, 3, 4, 5):
        text = model.index(row, col).data()
        assert header.sectionSize(col) >= metrics.horizontalAdvance(text) + 8, (col, text)
    for label in ("Đang giải quyết", "Dừng giải quyết", "Đã trả kết quả"):
        assert header.sectionSize(5) >= metrics.horizontalAdvance(label) + 8
    last = 5
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    assert header.sectionSize(1) >= 100 and header.sectionSize(2) >= 100

    window.resize(1100, 728 - 31)  # narrower, then maximised again: the widths follow
    window.resize(1366, 728 - 31)
    qtbot.wait(50)
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= table.viewport().width()
    wide_name = header.sectionSize(1)

    header.resizeSection(1, 260)  # the clerk's own width is kept, and remembered on close
    window.resize(1200, 728 - 31)
    qtbot.wait(50)
    assert header.sectionSize(1) == 260 != wide_name
