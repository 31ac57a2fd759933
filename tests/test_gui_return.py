"""Return screen (scan, receiver, satisfaction) and the difficulty note from anywhere (F8)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from core.model import Satisfaction, Status
from gui.dialogs.difficulty import DifficultyDialog
from gui.main_window import MainWindow
from gui.views.return_view import ReturnView
from tests.gui_helpers import type_text
from tests.helpers import make_form


def test_scan_a_resolved_dossier_and_return_it_by_keyboard(qtbot, gui_session, clerk):
    reg = gui_session.register
    code = reg.intake(make_form(), clerk).code
    other = reg.intake(make_form(applicant="Lê Văn Chưa Xong"), clerk).code
    reg.apply(code, "resolve", clerk)
    view = ReturnView(gui_session)
    qtbot.addWidget(view)
    view.show()
    qtbot.keyClicks(view.scan, other)
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert "chưa trả kết quả được" in view.message.text()
    assert not view.return_box.isEnabled()
    view.scan.clear()
    qtbot.keyClicks(view.scan, "KHONG-CO-MA")
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert "Không tìm thấy" in view.message.text()
    view.scan.clear()
    qtbot.keyClicks(view.scan, code)
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert view.return_box.isEnabled() and view.receiver.text() == "Nguyễn Thị Ưởng"
    view.receiver.selectAll()
    type_text(view.receiver, "Nguyễn Văn Nhận")
    qtbot.keyClick(view.receiver, Qt.Key.Key_3)
    assert view.receiver.text() == "Nguyễn Văn Nhận", "the digit picked satisfaction, not typed"
    qtbot.keyClick(view.receiver, Qt.Key.Key_Return)
    d = reg.dossier(code)
    assert d.status == Status.RETURNED
    assert d.receiver_name == "Nguyễn Văn Nhận" and d.satisfaction == Satisfaction.VERY_SATISFIED
    assert "Đã trả kết quả" in view.message.text() and view.scan.text() == ""


def test_f2_from_anywhere_lands_in_the_scan_field(qtbot, gui_session):
    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.show_screen("intake")
    assert window.screens["intake"].procedure_edit.hasFocus()
    qtbot.keyClick(window.screens["intake"].procedure_edit, Qt.Key.Key_F2)
    assert window.current_key() == "return"
    assert window.screens["return"].scan.hasFocus()


def test_difficulty_from_anywhere_is_tied_to_the_current_dossier(qtbot, gui_session, clerk, fake_prompts):
    reg = gui_session.register
    code = reg.intake(make_form(), clerk).code
    gui_session.current_code = code
    window = MainWindow(gui_session, build_screens=False)
    qtbot.addWidget(window)

    def fill(dialog):
        assert isinstance(dialog, DifficultyDialog)
        assert dialog.dossier.text() == code
        assert not dialog.submit()
        assert "chưa nhập" in dialog.message.text()
        type_text(dialog.text, "Công dân thiếu bản chính giấy chứng sinh, hẹn bổ sung")
        return dialog.submit()

    fake_prompts.dialog_hook = fill
    assert window.note_difficulty()
    notes = reg.difficulties(date(2026, 11, 23), date(2026, 11, 23))
    assert len(notes) == 1
    assert notes[0].dossier_code == code and notes[0].procedure_code == "1.004222"
    assert notes[0].text.startswith("Công dân thiếu")


def test_the_return_panel_never_shows_the_previous_citizen(qtbot, gui_session, clerk):
    """After a return, scanning a dossier not ready yet left the last receiver's name and rating in
    the (disabled) panel, beside another citizen's dossier."""
    reg = gui_session.register
    done = reg.intake(make_form(applicant="Lê Văn Hùng"), clerk).code
    waiting = reg.intake(make_form(applicant="Trần Thị Mai"), clerk).code
    reg.apply(done, "resolve", clerk)
    view = ReturnView(gui_session)
    qtbot.addWidget(view)
    view.show()
    qtbot.keyClicks(view.scan, done)
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    qtbot.keyClick(view.receiver, Qt.Key.Key_3)
    qtbot.keyClick(view.receiver, Qt.Key.Key_Return)
    assert reg.dossier(done).status == Status.RETURNED
    qtbot.keyClicks(view.scan, waiting)
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert "chưa trả kết quả được" in view.message.text()
    assert view.receiver.text() == "" and view.satisfaction.checkedButton() is None
    view.scan.clear()
    qtbot.keyClicks(view.scan, "KHONG-CO-MA")
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert view.receiver.text() == "" and view.satisfaction.checkedButton() is None
    view.scan.clear()
    qtbot.keyClicks(view.scan, done)  # scanned again: its own receiver and rating, for reference
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert view.receiver.text() == "Lê Văn Hùng" and not view.return_box.isEnabled()
    assert view.satisfaction.checkedButton().property("value") == Satisfaction.VERY_SATISFIED.value
