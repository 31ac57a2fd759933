"""Admin screens: catalogue, calendar overrides, users, settings — each writes through the register."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate

from gui.main_window import MainWindow
from gui.session import Session
from gui.views.admin_calendar import CalendarView
from gui.views.admin_catalogue import CatalogueView
from gui.views.admin_settings import SettingsView
from gui.views.admin_users import UsersView
from tests.gui_helpers import type_text
from tests.helpers import PASSWORD, make_form


@pytest.fixture
def admin_session(register, admin, fake_prompts):
    session = Session(register)
    session.set_user(admin)
    return session


def test_admin_sees_admin_screens_clerk_does_not(qtbot, admin_session, register, clerk):
    window = MainWindow(admin_session)
    qtbot.addWidget(window)
    assert {"catalogue", "calendar", "users", "settings"} <= set(window.screens)
    clerk_session = Session(register)
    clerk_session.set_user(clerk)
    clerk_window = MainWindow(clerk_session)
    qtbot.addWidget(clerk_window)
    assert set(clerk_window.screens) == {"today", "intake", "dossiers", "return", "reports"}


def test_catalogue_edit_and_add_procedure(qtbot, admin_session, register):
    view = CatalogueView(admin_session)
    qtbot.addWidget(view)
    row = next(i for i, p in enumerate(view.procedures) if p.code == "1.004873")
    view.table.setCurrentCell(row, 0)
    assert view.code.text() == "1.004873" and view.code.isReadOnly()
    view.days.setValue(4)
    assert view.save()
    assert register.procedure("1.004873").working_days == 4
    view.new()
    type_text(view.code, "9.999001")
    type_text(view.name, "Xác nhận thử nghiệm")
    assert not view.save()
    assert "lĩnh vực" in view.message.text()
    type_text(view.field, "Hộ tịch")
    view.documents.setPlainText("Tờ khai\nGiấy tờ tùy thân (xuất trình)")
    assert view.save()
    p = register.procedure("9.999001")
    assert p.name == "Xác nhận thử nghiệm" and p.documents == ("Tờ khai", "Giấy tờ tùy thân (xuất trình)")


def test_calendar_lists_holidays_and_overrides_redate_open_dossiers(
    qtbot, admin_session, register, clerk, clock
):
    d = register.intake(make_form(procedure_code="1.004873"), clerk)  # 3 working days from Mon 23/11
    view = CalendarView(admin_session)
    qtbot.addWidget(view)
    view.year.setValue(2026)
    kinds = [view.table.item(r, 1).text() for r in range(view.table.rowCount())]
    assert "Nghỉ lễ, Tết" in kinds
    notes = " ".join(view.table.item(r, 2).text() for r in range(view.table.rowCount()))
    assert "Ngày Văn hóa Việt Nam" in notes and "Quốc khánh" in notes
    view.day.setDate(QDate(2026, 11, 25))
    view.kind.setCurrentIndex(0)
    type_text(view.note, "Nghỉ bù theo công văn")
    assert view.save()
    assert "1 hồ sơ" in view.message.text()
    assert register.dossier(d.code).due_at.date() > d.due_at.date()
    row = next(r for r, (day, is_override) in enumerate(view.rows) if day == date(2026, 11, 25))
    view.table.setCurrentCell(row, 0)
    assert view.remove_selected()
    assert register.dossier(d.code).due_at == d.due_at


def test_users_add_update_and_deactivate(qtbot, admin_session, register):
    view = UsersView(admin_session)
    qtbot.addWidget(view)
    type_text(view.login, "canbo9")
    type_text(view.full_name, "Vũ Thị Mới")
    view.role.setCurrentIndex(view.role.findData("clerk"))
    view.password.setText("matkhau999")
    assert view.add()
    assert register.authenticate("canbo9", "matkhau999").full_name == "Vũ Thị Mới"
    assert not view.add(), "same login twice"
    assert "đã có" in view.message.text()
    row = next(i for i, u in enumerate(view.users) if u.login == "canbo1")
    view.table.setCurrentCell(row, 0)
    view.active.setChecked(False)
    view.title.setText("Công chức Tư pháp")
    assert view.update_selected()
    u = register.user("canbo1")
    assert not u.active and u.title == "Công chức Tư pháp"
    assert register.authenticate("quantri", PASSWORD)


def test_settings_save_only_changes_and_reject_bad_values(qtbot, admin_session, register):
    view = SettingsView(admin_session)
    qtbot.addWidget(view)
    assert view.widgets["ward_name"].text() == "UBND phường Tây Hồ"
    view.widgets["cutoff_time"].setText("25:99")
    assert not view.save()
    assert "giờ" in view.errors["cutoff_time"].text().lower(), "said under the field"
    view.widgets["cutoff_time"].setText("16:00")
    view.widgets["receipt_paper"].setCurrentIndex(1)
    view.widgets["saturday_reception"].setChecked(True)
    view.widgets["report_recipients"].setText("vanphong@hanoi.gov.vn, pho.ct@hanoi.gov.vn")
    view.widgets["printer"].setCurrentText("Máy in quầy 1")
    assert view.save()
    s = register.settings
    assert (s.cutoff_time, s.receipt_paper, s.saturday_reception) == ("16:00", "A5", True)
    assert s.recipients == ["vanphong@hanoi.gov.vn", "pho.ct@hanoi.gov.vn"]
    assert s.printer == "Máy in quầy 1"
    assert view.save() and "Không có gì thay đổi" in view.message.text()


def test_mail_password_goes_to_the_credential_store_and_the_connection_is_checked(
    qtbot, admin_session, register
):
    from tests.smtp_helpers import SMTP_USER, memory_keyring, smtp_server

    view = SettingsView(admin_session)
    qtbot.addWidget(view)
    with memory_keyring() as keys, smtp_server(auth_password="dung-mat-khau") as server:
        view.widgets["smtp_host"].setText("127.0.0.1")
        view.widgets["smtp_port"].setValue(server.port)
        view.widgets["smtp_security"].setCurrentIndex(view.widgets["smtp_security"].findData("none"))
        view.widgets["smtp_user"].setText(SMTP_USER)
        view.smtp_password.setText("sai-mat-khau")
        assert view.store_password()
        assert register.settings.smtp_host == "127.0.0.1"  # the settings were saved first
        assert list(keys.passwords.values()) == ["sai-mat-khau"]
        assert view.smtp_password.text() == ""
        view.check_mail()
        assert "đăng nhập" in view.mail_message.text().lower() and not server.logins
        view.smtp_password.setText("dung-mat-khau")
        assert view.store_password()
        view.check_mail()
        assert view.mail_message.text().startswith("Kết nối được máy chủ thư 127.0.0.1")
        assert server.logins == [SMTP_USER] and server.messages == []
        dump = register.store.db.execute("SELECT group_concat(value) FROM settings").fetchone()[0]
        assert "dung-mat-khau" not in dump


def test_a_settings_error_shows_under_its_field(qtbot, register, fake_prompts):
    from gui.session import Session
    from gui.views.admin_settings import SettingsView

    session = Session(register)
    session.set_user(register.user("quantri"))
    view = SettingsView(session)
    qtbot.addWidget(view)
    view.show()
    before = register.settings.smtp_host
    view.widgets["smtp_host"].setText("không phải máy chủ")
    assert not view.save()
    error = view.errors["smtp_host"]
    assert error.isVisible() and "không phải tên máy chủ" in error.text()
    assert view.widgets["smtp_host"].hasFocus() or not view.isActiveWindow()
    assert register.settings.smtp_host == before, "nothing saved"
    view.widgets["smtp_host"].setText("smtp.hanoi.gov.vn")
    assert view.save() and not error.isVisible()


def test_every_setting_shows_its_whole_value_at_1366_px(qtbot, admin_session, register):
    """The ward box took two of the three columns and left the third one ("Báo cáo và thư") a narrow
    strip: the report recipient and its e-mail addresses showed only their last letters."""
    from PySide6.QtWidgets import QLineEdit

    register.update_settings(
        register.user("quantri"),
        smtp_host="mail.hanoi.gov.vn",
        smtp_user="motcua.tayho",
        scan_watch_dir=r"D:\MayQuet\HoSo",
        backup_dir=r"E:\SaoLuu\MotCua",
    )
    window = MainWindow(admin_session)
    qtbot.addWidget(window)
    window.resize(1366, 728 - 31)  # the available area under a Windows title bar
    window.show()
    qtbot.waitExposed(window)
    view = window.show_screen("settings")
    view.load()
    qtbot.wait(50)
    cut = []
    for name, widget in view.widgets.items():
        if isinstance(widget, QLineEdit) and widget.text():
            room = widget.contentsRect().width() - 8  # the frame's and the text's margins
            if widget.fontMetrics().horizontalAdvance(widget.text()) > room:
                cut.append(name)
    assert cut == []


def test_a_same_day_procedure_says_trong_ngay_not_0_days(qtbot, admin_session, register):
    """The catalogue said "0 ngày làm việc" and "0" for the procedures settled the same day, where
    the intake screen and the receipt say "trong ngày"."""
    view = CatalogueView(admin_session)
    qtbot.addWidget(view)
    row = next(i for i, p in enumerate(view.procedures) if p.code == "1.001193")
    view.table.setCurrentCell(row, 0)
    assert view.days.value() == 0 and view.days.text() == "Trong ngày"
    assert view.table.item(row, 3).text() == "Trong ngày"
    metrics = view.table.fontMetrics()
    assert metrics.horizontalAdvance("Trong ngày") + 8 <= view.table.columnWidth(3), "on one line"
    other = next(i for i, p in enumerate(view.procedures) if p.code == "1.004873")
    assert view.table.item(other, 3).text() == "3"
    view.table.setCurrentCell(other, 0)
    assert view.days.text() == "3 ngày làm việc"
