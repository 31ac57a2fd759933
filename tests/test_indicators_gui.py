"""The Today screen shows this month's indicators, each definition in its tooltip, and redraws
them when something is written."""

from __future__ import annotations

from core import indicators
from gui.views.today import TodayView
from tests.helpers import make_form


def test_today_shows_the_indicators_with_their_definitions(qtbot, gui_session, clerk, clock):
    register = gui_session.register
    clock.set("2026-11-20T10:00:00")
    register.intake(make_form(channel="truc-tuyen"), clerk)
    register.intake(make_form(), clerk)
    view = TodayView(gui_session)
    qtbot.addWidget(view)
    box = view.indicators
    qtbot.waitUntil(lambda: box.result is not None, timeout=10_000)
    table = box.table
    assert table.rowCount() == len(box.result.items) == 8
    online = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Hồ sơ nộp trực tuyến")
    assert table.item(online, 1).text() == "50,0 %"
    item = box.result["online"]
    assert (
        item.definition in table.item(online, 1).toolTip() and "1/2 hồ sơ" in table.item(online, 0).toolTip()
    )
    assert "Từ ngày" in box.period_label.text()
    # what the window shows is what core computes for the same month
    expected = indicators.compute(register, box.result.period)
    assert [table.item(r, 1).text() for r in range(8)] == [i.value_text for i in expected.items]
    register.intake(make_form(channel="truc-tuyen"), clerk)
    box.result = None
    gui_session.notify()
    qtbot.waitUntil(lambda: box.result is not None, timeout=10_000)
    assert table.item(online, 1).text() == "66,7 %"


def test_tab_leaves_the_indicators_table(qtbot, gui_session, clerk):
    """Tab in the indicators went from cell to cell and never out (16 cells, then round again):
    a keyboard user on the Today screen was stuck there."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    gui_session.register.intake(make_form(), clerk)
    view = TodayView(gui_session)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    table = view.indicators.table
    qtbot.waitUntil(lambda: table.rowCount() == 8, timeout=10_000)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table


def test_each_indicator_name_is_shown_whole(qtbot, gui_session, clerk):
    """At 1366 px "Phí, lệ phí thanh toán trực …" and "Hồ sơ trả kết quả được đánh …" were cut;
    a name too long for its column now takes two lines."""
    from PySide6.QtCore import QRect, Qt

    from gui.main_window import MainWindow

    gui_session.register.intake(make_form(), clerk)
    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    window.resize(1366, 728 - 31)
    window.show()
    qtbot.waitExposed(window)
    today = window.show_screen("today")
    table = today.indicators.table
    qtbot.waitUntil(lambda: table.rowCount() == 8, timeout=10_000)
    qtbot.wait(50)
    width = table.columnWidth(0) - 6  # the cell's own margins
    metrics = table.fontMetrics()
    assert any(metrics.horizontalAdvance(table.item(r, 0).text()) > width for r in range(8)), "the case"
    for row in range(8):
        text = table.item(row, 0).text()
        needed = metrics.boundingRect(QRect(0, 0, width, 1000), Qt.TextFlag.TextWordWrap, text).height()
        assert table.rowHeight(row) >= needed, text
    assert table.height() >= sum(table.rowHeight(r) for r in range(8)), "every row in sight"


def test_an_indicators_definition_by_keyboard(qtbot, gui_session, clerk):
    """How each figure is computed was only in a tooltip under the mouse ("Di chuột lên…"); the
    arrow keys on the table now show it too."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QToolTip

    gui_session.register.intake(make_form(), clerk)
    view = TodayView(gui_session)
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    box = view.indicators
    qtbot.waitUntil(lambda: box.table.rowCount() == 8, timeout=10_000)
    box.table.setFocus()
    qtbot.waitUntil(box.table.hasFocus)
    qtbot.keyClick(box.table, Qt.Key.Key_Down)
    qtbot.keyClick(box.table, Qt.Key.Key_Down)
    row = box.table.currentRow()
    assert row >= 1
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    assert box.result.items[row].definition in QToolTip.text()
    assert "phím mũi tên" in box.period_label.text()
