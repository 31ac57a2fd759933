"""A clerk's day, end to end, on the real window: keyboard intake, receipt, resolve, scan-return, Today."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.model import Status
from gui.app import start
from gui.dialogs.login import LoginDialog
from gui.dialogs.step import StepDialog
from gui.session import Session
from tests.gui_helpers import pdf_qr_codes, type_text
from tests.helpers import PASSWORD

CITIZENS = [
    ("khai sinh", "Nguyễn Thị Ưởng", "001190012345", "0912 345 678", "Số 12 Âu Cơ, Tây Hồ"),
    ("chung thuc ban sao", "Trần Đức Bình", "001085001234", "0987654321", "Ngõ 5 Xuân Diệu, Tây Hồ"),
    ("ket hon", "Lê Văn Cường", "031095004321", "0356 111 222", "Số 8 Nhật Chiêu, Tây Hồ"),
]


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "something must have the keyboard"
    return widget


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), k, modifier)


def typed(text):
    type_text(focused(), text)


def test_a_clerks_day(qtbot, register, clock, fake_prompts, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "du-lieu"))  # no trace on the machine
    register.update_settings(register.user("quantri"), backup_dir=str(tmp_path / "sao-luu"))
    session = Session(register)
    session.printing.output_pdf = tmp_path / "receipt.pdf"

    def login_by_keyboard(dialog):
        assert isinstance(dialog, LoginDialog)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        dialog.login_edit.setFocus()
        typed("canbo1")
        key(qtbot, Qt.Key.Key_Return)
        assert dialog.password_edit.hasFocus()
        typed(PASSWORD)
        key(qtbot, Qt.Key.Key_Return)
        return dialog.result() == LoginDialog.DialogCode.Accepted

    fake_prompts.dialog_hook = login_by_keyboard
    window = start(session)
    assert window is not None and session.user.login == "canbo1"
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    today = window.screens["today"]
    before = {k: t.number.text() for k, t in today.tiles.items()}
    assert before["received"] == "0"

    # --- three dossiers by keyboard alone --------------------------------------------------
    intake = window.screens["intake"]
    codes = []
    for i, (procedure, name, cccd, phone, address) in enumerate(CITIZENS):
        clock.set(f"2026-11-23T08:{10 + i * 7:02d}:00")
        key(qtbot, Qt.Key.Key_F4)
        assert window.current_key() == "intake" and intake.procedure_edit.hasFocus()
        typed(procedure)
        key(qtbot, Qt.Key.Key_Return)  # the top match; the cursor goes to the name
        typed(name)
        key(qtbot, Qt.Key.Key_Tab)  # -> ID kind
        key(qtbot, Qt.Key.Key_Tab)  # -> birth year
        key(qtbot, Qt.Key.Key_Tab)  # -> ID number
        typed(cccd)
        key(qtbot, Qt.Key.Key_Tab)  # -> phone
        typed(phone)
        key(qtbot, Qt.Key.Key_Tab)  # -> email
        key(qtbot, Qt.Key.Key_Tab)  # -> address
        typed(address)
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert intake.last_dossier is not None, intake.form_message.text()
        codes.append(intake.last_dossier.code)
    assert codes == [f"000.17.22.H56-261123-000{n}" for n in (1, 2, 3)]
    stored = [register.dossier(c) for c in codes]
    assert [d.applicant for d in stored] == [c[1] for c in CITIZENS]
    assert stored[0].procedure_name == "Đăng ký khai sinh"
    assert stored[2].procedure_name == "Đăng ký kết hôn"
    assert stored[1].phone == "0987654321" and stored[0].address == "Số 12 Âu Cơ, Tây Hồ"

    # --- the receipt went to the printer (a PDF here) with the code in its QR ---------------
    assert pdf_qr_codes(tmp_path / "receipt.pdf")[0] == codes[2]
    assert len(session.printing.printed) == 3

    # --- mark the first one resolved from the dossiers screen --------------------------------
    clock.set("2026-11-23T14:00:00")
    key(qtbot, Qt.Key.Key_F3)
    assert window.current_key() == "dossiers"
    typed(codes[0])
    key(qtbot, Qt.Key.Key_Return)
    dossiers = window.screens["dossiers"]
    assert dossiers.current is not None and dossiers.current.code == codes[0]
    fake_prompts.dialog_hook = lambda d: isinstance(d, StepDialog) and d.submit()
    dossiers.run_action("resolve")
    assert register.dossier(codes[0]).status == Status.RESOLVED
    assert today.tiles["ready"].number.text() == "1"

    # --- the citizen comes back: F2, scan, Enter, Enter ---------------------------------------
    clock.set("2026-11-23T15:30:00")
    key(qtbot, Qt.Key.Key_F2)
    ret = window.screens["return"]
    assert ret.scan.hasFocus()
    typed(codes[0])  # the scanner types the QR content
    key(qtbot, Qt.Key.Key_Return)
    assert ret.receiver.hasFocus()
    key(qtbot, Qt.Key.Key_2)  # Hài lòng
    key(qtbot, Qt.Key.Key_Return)
    d = register.dossier(codes[0])
    assert d.status == Status.RETURNED and d.satisfaction.label == "Hài lòng"

    # --- Today shows the day ------------------------------------------------------------------
    key(qtbot, Qt.Key.Key_F5)
    assert window.current_key() == "today"
    after = {k: t.number.text() for k, t in today.tiles.items()}
    assert after["received"] == "3" and after["returned"] == "1" and after["ready"] == "0"
    assert today.points[-1].received == 3 and today.points[-1].resolved == 1

    # --- closing the counter backs the day up -------------------------------------------------
    assert window.close()
    assert window.close_backup.made is not None and window.close_backup.made.parent == tmp_path / "sao-luu"
