"""Intake screen: type-ahead, live validation, due moment, save and print by keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.model import Status
from gui.views.intake import IntakeView
from tests.gui_helpers import pdf_qr_codes, type_text


def make_view(qtbot, session):
    view = IntakeView(session)
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def test_type_ahead_is_accent_insensitive_over_code_and_name(qtbot, gui_session):
    view = make_view(qtbot, gui_session)
    type_text(view.procedure_edit, "khai sinh")
    names = [view.matches.procedure_at(r).name for r in range(view.matches.rowCount())]
    assert "Đăng ký khai sinh" in names and all("khai sinh" in n.lower() for n in names)
    view.procedure_edit.clear()
    type_text(view.procedure_edit, "đăng ký kết hôn")
    assert view.matches.procedure_at(0).name == "Đăng ký kết hôn"
    view.procedure_edit.clear()
    type_text(view.procedure_edit, "1.0008")
    assert view.matches.procedure_at(0).code == "1.000894"


def test_arrows_and_enter_choose_a_procedure_and_fill_checklist_and_due(qtbot, gui_session):
    view = make_view(qtbot, gui_session)
    type_text(view.procedure_edit, "khai")
    first = view.matches.procedure_at(0)
    second = view.matches.procedure_at(1)
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Down)
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    assert view.procedure == second != first
    assert view.documents.count() == len(second.documents)
    assert all(
        view.documents.item(i).checkState() == Qt.CheckState.Checked for i in range(view.documents.count())
    )
    reg = gui_session.register
    expected = reg.due_for(second.code, reg.now())
    assert f"{expected:%d/%m/%Y}" in view.due_label.text()
    assert expected.strftime("%H:%M") in view.due_label.text()


def test_live_validation_messages_per_field(qtbot, gui_session):
    view = make_view(qtbot, gui_session)
    qtbot.keyClicks(view.id_number.edit, "0011900")
    assert not view.id_number.message.isVisible(), "no message while still typing"
    view.id_number.edit.editingFinished.emit()
    assert "12 chữ số" in view.id_number.message.text()
    qtbot.keyClicks(view.id_number.edit, "12345")
    assert view.id_number.message.text() == "", "message goes as soon as the value is right"
    view.birth_year.setText("1985")
    assert "không khớp năm sinh" in view.id_number.message.text()
    view.phone.edit.editingFinished.emit()
    qtbot.keyClicks(view.phone.edit, "0123")
    view.phone.edit.editingFinished.emit()
    assert "di động" in view.phone.message.text()
    qtbot.keyClicks(view.email.edit, "abc")
    view.email.edit.editingFinished.emit()
    assert "email" in view.email.message.text().lower()


def test_save_refuses_incomplete_form_and_points_at_fields(qtbot, gui_session):
    view = make_view(qtbot, gui_session)
    assert view.save() is None
    assert "Thủ tục" in view.applicant.message.text() or view.form_message.text()
    type_text(view.procedure_edit, "khai sinh")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    assert view.save() is None
    assert "chưa nhập họ tên" in view.applicant.message.text()
    assert gui_session.register.store.dossier_count() == 0


def test_ctrl_enter_saves_and_prints_the_receipt(qtbot, gui_session, tmp_path):
    view = make_view(qtbot, gui_session)
    view.focus_first()
    type_text(view.procedure_edit, "khai sinh")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    type_text(view.applicant.edit, "Trần Thị Bình")
    type_text(view.id_number.edit, "001190012345")
    type_text(view.phone.edit, "0912 345 678")
    type_text(view.address.edit, "Số 5 Âu Cơ, Tây Hồ")
    item = view.documents.item(view.documents.count() - 1)
    item.setCheckState(Qt.CheckState.Unchecked)
    kept = [view.documents.item(i).text() for i in range(view.documents.count() - 1)]
    qtbot.keyClick(view.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    reg = gui_session.register
    assert reg.store.dossier_count() == 1
    d = reg.dossier(view.last_dossier.code)
    assert d.applicant == "Trần Thị Bình" and d.phone == "0912345678" and d.status == Status.RECEIVED
    assert list(d.documents) == kept
    assert d.code in view.last_label.text()
    assert pdf_qr_codes(tmp_path / "printed.pdf")[0] == d.code
    assert any(e.kind == "printed" and e.data["form"] == "receipt" for e in d.events)
    assert view.procedure is None and view.applicant.text() == "" and view.procedure_edit.hasFocus()


def test_tab_goes_from_the_fee_to_how_it_was_paid(qtbot, gui_session):
    """The payment method (cash, transfer...) was left out of the Tab order: after the fee came the
    post checkbox, and the payment only after the last button."""
    from PySide6.QtWidgets import QApplication

    view = make_view(qtbot, gui_session)
    view.fee.setFocus()
    qtbot.waitUntil(view.fee.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.payment
    qtbot.keyClick(view.payment, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.by_post


def test_a_long_document_name_is_shown_whole_in_the_checklist(qtbot, gui_session):
    """At 1366 px "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi không thường trú)" ran off
    the right of the checklist behind a sideways scroll bar; long names now wrap."""
    view = make_view(qtbot, gui_session)
    view.resize(1366 - 222, 690)  # the window at 1366 px less its sidebar
    view.set_procedure(gui_session.register.procedure("1.000894"))
    qtbot.wait(50)
    docs = view.documents
    width = docs.viewport().width()
    longest = max(range(docs.count()), key=lambda r: len(docs.item(r).text()))
    assert docs.fontMetrics().horizontalAdvance(docs.item(longest).text()) > width, "the case: a long name"
    assert docs.horizontalScrollBar().maximum() == 0
    for row in range(docs.count()):
        assert docs.visualItemRect(docs.item(row)).right() <= width, docs.item(row).text()
    rect = docs.visualItemRect(docs.item(longest))
    assert rect.height() >= 2 * docs.fontMetrics().height(), "wrapped on two lines, not clipped"


def test_alt_t_goes_to_the_documents_checklist(qtbot, gui_session):
    """From the phone field the checklist was eight Tabs away (email, address, channel, copies, fee,
    payment, post, note); Alt+T goes there, as the box's title says."""
    from PySide6.QtWidgets import QApplication

    view = make_view(qtbot, gui_session)
    view.set_procedure(gui_session.register.procedure("1.001193"))
    view.phone.edit.setFocus()
    qtbot.waitUntil(view.phone.edit.hasFocus)
    qtbot.keyClick(view.phone.edit, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is view.documents
    assert "Alt+T" in view.documents_box.title().replace("&", "")
    qtbot.keyClick(view.documents, Qt.Key.Key_Space)  # the first document, unticked
    assert view.documents.item(0).checkState() == Qt.CheckState.Unchecked
