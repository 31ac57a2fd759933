"""Signing from the window: the sign dialog driven with a .p12 file and with the SoftHSM2 token.

The dialog shows the certificate (whose, issuer, validity) before "Ký số" can be pressed; an
expired certificate or a wrong PIN is refused in the dialog; from the reports screen the signed
report's .eml carries the signed PDF beside the workbook.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest
from PySide6.QtCore import Qt

from core import reporting as rp
from gui.dialogs.base import OK
from gui.dialogs.sign import SignDialog
from gui.views.reports_view import ReportsView
from reports.signing.stored import signed_path
from reports.signing.verify import load_trust_roots, verify_pdf
from tests.helpers import PASSWORD
from tests.signing_ca import P12_PASSPHRASE, november_draft, november_ward, throwaway_ca, write_p12
from tests.softhsm import softhsm_token_fixture  # noqa: F401 - the "softhsm_token" fixture


@pytest.fixture
def vice_session(gui_session, register):
    gui_session.set_user(register.user("phochutich"))
    return gui_session


def choose(qtbot, dialog: SignDialog, mode: str) -> None:
    """Click the way of signing, as the vice-chair does (the dialog shown first)."""
    if not dialog.isVisible():
        dialog.show()
        qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.mode_buttons[mode], Qt.MouseButton.LeftButton)
    assert dialog.mode == mode


def test_sign_with_a_p12_shows_the_certificate_first(
    qtbot, vice_session, register, clerk, clock, fake_prompts, tmp_path
):
    draft = november_draft(register, clerk, clock)
    dialog = SignDialog(vice_session, draft)
    qtbot.addWidget(dialog)
    assert dialog.mode == "password" and not dialog.p12_edit.isVisibleTo(dialog)
    choose(qtbot, dialog, "pkcs12")
    assert dialog.p12_edit.isVisibleTo(dialog) and not dialog.pin_edit.isVisibleTo(dialog)
    fake_prompts.paths.append(str(write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")))
    assert dialog.pick_button.text() == "Chọn tệp…"
    qtbot.mouseClick(dialog.pick_button, Qt.MouseButton.LeftButton)
    assert dialog.p12_edit.text().endswith("vinh.p12")
    dialog.password_edit.setText(PASSWORD)
    dialog.passphrase_edit.setText("sai")
    assert not dialog.buttons.button(OK).isEnabled()  # nothing shown yet: cannot sign
    qtbot.mouseClick(dialog.cert_button, Qt.MouseButton.LeftButton)
    assert "sai mật khẩu của tệp" in dialog.message.text()
    dialog.passphrase_edit.setText(P12_PASSPHRASE)
    qtbot.mouseClick(dialog.cert_button, Qt.MouseButton.LeftButton)
    shown = dialog.cert_label.text()
    assert "Chứng thư số của: Phạm Quang Vinh" in shown and "Hiệu lực: từ 01/01/2026 đến 31/12/2028" in shown
    assert dialog.buttons.button(OK).isEnabled() and dialog.buttons.button(OK).text() == "Ký số"
    assert dialog.try_sign()
    assert dialog.signed.is_signed and dialog.digital.level == "PAdES B-B"
    roots = load_trust_roots(throwaway_ca().trust_dir(tmp_path / "goc"))
    assert verify_pdf(signed_path(register, dialog.signed).read_bytes(), roots, "x.pdf").ok


def test_an_expired_certificate_is_shown_and_refused(qtbot, vice_session, register, clerk, clock, tmp_path):
    draft = november_draft(register, clerk, clock)
    dialog = SignDialog(vice_session, draft)
    qtbot.addWidget(dialog)
    choose(qtbot, dialog, "pkcs12")
    dialog.p12_edit.setText(str(write_p12(throwaway_ca().expired, tmp_path / "het.p12")))
    dialog.passphrase_edit.setText(P12_PASSPHRASE)
    dialog.password_edit.setText(PASSWORD)
    assert not dialog.try_sign()  # the first press reads the certificate, and refuses it
    assert "Hiệu lực: từ 01/01/2024 đến 31/12/2025" in dialog.cert_label.text()
    assert "đã hết hạn ngày 31/12/2025" in dialog.message.text()
    assert not dialog.buttons.button(OK).isEnabled()
    assert not rp.get(register, draft.id).is_signed


def test_sign_with_the_token_from_the_window(qtbot, vice_session, register, clerk, clock, softhsm_token):
    draft = november_draft(register, clerk, clock)
    dialog = SignDialog(vice_session, draft)
    qtbot.addWidget(dialog)
    choose(qtbot, dialog, "token")
    assert dialog.library_combo.count() > 10  # the Windows middleware DLLs offered as suggestions
    assert any("VNPT-CA" in dialog.library_combo.itemText(i) for i in range(dialog.library_combo.count()))
    dialog.library_combo.setEditText(softhsm_token.library)
    dialog.token_label_edit.setText(softhsm_token.label)
    dialog.password_edit.setText(PASSWORD)
    dialog.pin_edit.setText("111111")
    assert not dialog.show_certificate() and "Sai mã PIN" in dialog.message.text()
    dialog.pin_edit.setText(softhsm_token.pin)
    assert dialog.show_certificate() and "Phạm Quang Vinh" in dialog.cert_label.text()
    assert dialog.try_sign() and rp.get(register, draft.id).is_signed


def test_signed_from_the_reports_screen_the_eml_carries_the_pdf(
    qtbot, vice_session, register, clerk, clock, fake_prompts, tmp_path
):
    november_ward(register, clerk, clock)
    view = ReportsView(vice_session)
    qtbot.addWidget(view)
    tab = view.period_tab
    tab.set_preset("month", date(2026, 11, 23))
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")

    def hook(dialog):
        assert isinstance(dialog, SignDialog)
        dialog.mode_buttons["pkcs12"].setChecked(True)
        dialog.p12_edit.setText(str(p12))
        dialog.passphrase_edit.setText(P12_PASSPHRASE)
        dialog.password_edit.setText(PASSWORD)
        return dialog.show_certificate() and dialog.try_sign()

    fake_prompts.dialog_hook = hook
    tab.sign()
    assert tab.report is not None and tab.report.is_signed
    fake_prompts.paths.append(str(tmp_path / "bao-cao.eml"))
    tab.save_eml()
    msg = email.message_from_bytes((tmp_path / "bao-cao.eml").read_bytes(), policy=email.policy.default)
    kinds = [p.get_content_type() for p in msg.iter_attachments()]
    assert kinds == ["application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


def test_the_roll_up_screen_checks_signatures_against_the_trust_folder_set(
    qtbot, gui_session, register, admin, clock, fake_prompts, tmp_path
):
    """The city office's trust folder (Cài đặt) is what the roll-up tab verifies the wards'
    PDFs against, as ``motcua consolidate`` does; with none set the PDFs are left out, said so."""
    from tests.test_signing_cli import make_ward

    ca = throwaway_ca()
    book, pdf = make_ward(tmp_path / "tay-ho", clock, "000.17.22.H56", ca.vice_chair)
    view = ReportsView(gui_session)
    qtbot.addWidget(view)
    tab = view.rollup_tab
    tab.set_paths([book, pdf])
    assert "chứng thư gốc tin cậy" in fake_prompts.errors[-1]
    assert tab.paths == [book] and len(tab.result.accepted) == 1
    assert tab.result.accepted[0].pdf is None
    register.update_settings(admin, trust_dir=str(ca.trust_dir(tmp_path / "goc")))
    tab.set_paths([book, pdf])
    (accepted,) = tab.result.accepted
    assert accepted.pdf == pdf and accepted.signature.startswith("PAdES B-B, Phạm Quang Vinh"), accepted
    assert not tab.result.rejected
