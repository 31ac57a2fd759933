"""The counter window never saves what the clerk did not see, never loses typing, never records a
print that did not happen, and names a possible duplicate before taking it in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.model import EventKind
from gui.main_window import MainWindow
from gui.views.intake import IntakeView
from tests.gui_helpers import pdf_qr_codes, type_text
from tests.helpers import make_form


def make_view(qtbot, session):
    view = IntakeView(session)
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def fill_applicant(view, name="Trần Thị Bình", id_number="001190012345"):
    view.applicant.edit.setText(name)
    view.id_number.edit.setText(id_number)
    view.phone.edit.setText("0912345678")
    view.address.edit.setText("Số 5 Âu Cơ, Tây Hồ")


def test_unresolved_type_ahead_blocks_saving_with_a_message_at_the_field(qtbot, gui_session):
    view = make_view(qtbot, gui_session)
    type_text(view.procedure_edit, "chung thuc")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    chosen = view.procedure
    assert chosen is not None and "Chứng thực" in chosen.name
    view.procedure_edit.setFocus()
    view.procedure_edit.selectAll()
    type_text(view.procedure_edit, "ket hon")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Tab)
    assert view.procedure_edit.text() == "ket hon"
    assert "chưa phải là thủ tục" in view.procedure_info.text()
    fill_applicant(view)
    assert view.save(print_receipt=False) is None
    assert gui_session.register.store.dossier_count() == 0, "nothing saved for a procedure not shown"
    assert view.procedure_edit.hasFocus()
    assert "“ket hon”" in view.procedure_info.text()
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)  # now take the highlighted match
    saved = view.save(print_receipt=False)
    assert saved is not None and saved.procedure_name == "Đăng ký kết hôn"


def test_enter_on_the_procedure_moves_to_the_applicants_name(qtbot, gui_session):
    view = make_view(qtbot, gui_session)
    view.focus_first()
    type_text(view.procedure_edit, "khai sinh")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    focused = QApplication.focusWidget()
    assert focused is view.applicant.edit
    type_text(focused, "Trần Văn Tám")
    assert view.applicant.text() == "Trần Văn Tám"
    assert view.kind.currentIndex() == 0, "the applicant is still a person"


def test_a_failed_print_says_so_offers_the_pdf_and_records_nothing(
    qtbot, gui_session, fake_prompts, tmp_path
):
    reg = gui_session.register
    gui_session.printing.output_pdf = tmp_path / "no-such-folder" / "printed.pdf"  # begin() fails
    offered = tmp_path / "offered.pdf"
    fake_prompts.paths = [str(offered)]
    view = make_view(qtbot, gui_session)
    type_text(view.procedure_edit, "khai sinh")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    fill_applicant(view)
    dossier = view.save(print_receipt=True)
    assert dossier is not None, "the dossier itself is taken in"
    assert any("Không in được" in m and "không được ghi là đã in" in m for m in fake_prompts.confirms)
    assert "Chưa in giấy tiếp nhận" in view.last_label.text()
    state = reg.store.dossier_state(dossier.code)
    assert not state["receipt_printed"]
    assert not [e for e in reg.dossier(dossier.code).events if e.kind == EventKind.PRINTED]
    assert pdf_qr_codes(offered)[0] == dossier.code, "the PDF offered instead is the receipt"
    assert gui_session.printing.printed == []
    # the printer back: the same receipt prints and is recorded, numbered as the first print
    gui_session.printing.output_pdf = tmp_path / "printed.pdf"
    assert view.print_receipt(dossier.code)
    printed = [e for e in reg.dossier(dossier.code).events if e.kind == EventKind.PRINTED]
    assert len(printed) == 1 and not printed[0].data["reprint"] and printed[0].data["number"] == 1
    assert reg.store.dossier_state(dossier.code)["receipt_printed"]


def test_declining_the_pdf_after_a_failed_print_writes_nothing(qtbot, gui_session, fake_prompts, tmp_path):
    gui_session.printing.output_pdf = tmp_path / "no-such-folder" / "printed.pdf"
    fake_prompts.confirm_answer = False
    code = gui_session.register.intake(make_form(), gui_session.user).code
    view = make_view(qtbot, gui_session)
    assert not view.print_receipt(code)
    assert list(tmp_path.glob("*.pdf")) == []
    assert not gui_session.register.store.dossier_state(code)["receipt_printed"]


def test_ctrl_r_asks_before_dropping_typed_data(qtbot, gui_session, fake_prompts):
    view = make_view(qtbot, gui_session)
    view.applicant.edit.setFocus()
    type_text(view.applicant.edit, "Lê Thị Mai")
    fake_prompts.confirm_answer = False
    qtbot.keyClick(view.applicant.edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert fake_prompts.confirms and "chưa được lưu" in fake_prompts.confirms[-1]
    assert view.applicant.text() == "Lê Thị Mai", "kept when the clerk says no"
    fake_prompts.confirm_answer = True
    qtbot.keyClick(view.applicant.edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert view.applicant.text() == ""
    asked = len(fake_prompts.confirms)
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert len(fake_prompts.confirms) == asked, "an empty form is cleared without a question"


def test_closing_the_window_mid_intake_asks_first(qtbot, gui_session, fake_prompts):
    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    window.show()
    intake = window.show_screen("intake")
    type_text(intake.applicant.edit, "Phạm Văn Hùng")
    window.show_screen("dossiers")  # typed data is kept while the clerk looks elsewhere
    fake_prompts.confirm_answer = False
    assert not window.close()
    assert window.isVisible() and intake.applicant.text() == "Phạm Văn Hùng"
    assert window.current_key() == "intake", "the half-typed form is shown"
    fake_prompts.confirm_answer = True
    assert window.close()


def test_a_possible_duplicate_is_named_before_saving_and_the_clerk_decides(qtbot, gui_session, fake_prompts):
    reg = gui_session.register
    first = reg.intake(make_form("1.001193", id_number="001190012345"), gui_session.user)
    view = make_view(qtbot, gui_session)
    view.set_procedure(reg.procedure("1.001193"))
    fill_applicant(view, id_number="0011 9001 2345")
    fake_prompts.confirm_answer = False
    assert view.save(print_receipt=False) is None
    assert first.code in fake_prompts.confirms[-1] and "trùng" in fake_prompts.confirms[-1]
    assert reg.store.dossier_count() == 1 and view.applicant.text() == "Trần Thị Bình"
    fake_prompts.confirm_answer = True
    assert view.save(print_receipt=False) is not None
    assert reg.store.dossier_count() == 2
    # another procedure, or a returned dossier, is no duplicate: no question
    asked = len(fake_prompts.confirms)
    view.set_procedure(reg.procedure("1.004222"))
    fill_applicant(view)
    assert view.save(print_receipt=False) is not None
    assert len(fake_prompts.confirms) == asked


def test_after_a_failed_print_the_form_names_the_pdf_saved_instead(
    qtbot, gui_session, fake_prompts, tmp_path
):
    """The line under the form said only "Chưa in giấy tiếp nhận" after the receipt had been saved
    as a PDF: the clerk had to remember where it went to print it elsewhere."""
    gui_session.printing.output_pdf = tmp_path / "no-such-folder" / "printed.pdf"  # begin() fails
    offered = tmp_path / "Giấy tiếp nhận.pdf"
    fake_prompts.paths = [str(offered)]
    view = make_view(qtbot, gui_session)
    type_text(view.procedure_edit, "khai sinh")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    fill_applicant(view)
    assert view.save(print_receipt=True) is not None
    assert offered.exists()
    text = view.last_label.text()
    assert "Chưa in giấy tiếp nhận" in text and "đã lưu thành tệp PDF" in text and str(offered) in text
    fake_prompts.confirm_answer = False  # the next one: the PDF declined, nothing named
    type_text(view.procedure_edit, "khai sinh")
    qtbot.keyClick(view.procedure_edit, Qt.Key.Key_Return)
    fill_applicant(view)
    fake_prompts.confirm_answer = True
    fake_prompts.paths = []  # the file dialog cancelled
    assert view.save(print_receipt=True) is not None
    assert "Chưa in giấy tiếp nhận" in view.last_label.text() and "PDF" not in view.last_label.text()
