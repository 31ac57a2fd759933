"""Reports screen (issue 6 item 7) and city roll-up, on a real register, real workbooks read back with
openpyxl, a real .eml parsed back, and a real SMTP server on loopback (tests/smtp_helpers.py)."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import Qt

from core import reporting as rp
from core.credentials import get_smtp_password
from core.model import Role
from core.periods import preset_period
from core.register import Register
from core.stats import compute
from core.users import SYSTEM_USER
from gui.dialogs.sign import SignDialog
from gui.dialogs.smtp_password import SmtpPasswordDialog
from gui.session import Session
from gui.views.figures_table import HEADER_ROWS
from gui.views.reports_view import ReportsView
from tests.helpers import PASSWORD, at, make_form
from tests.smtp_helpers import SMTP_USER, memory_keyring, smtp_server

NOVEMBER = preset_period("month", date(2026, 11, 23))


@pytest.fixture
def filled(register, clerk, clock):
    """Five dossiers this month: two resolved (one early), one refused, two open; one difficulty."""
    done = []
    for i, day in enumerate(("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-16")):
        clock.set(f"{day}T09:0{i}:00")
        done.append(register.intake(make_form(id_number=f"00119001234{i}"), clerk))
    clock.set("2026-11-04T10:00:00")
    register.apply(done[0].code, "resolve", clerk, signed_by="Phạm Quang Vinh")
    register.apply(done[1].code, "refuse", clerk, note="Không thuộc thẩm quyền")
    clock.set("2026-11-20T10:00:00")
    register.add_difficulty(clerk, "Máy quét hỏng cả buổi sáng", procedure_code="1.004222")
    clock.set("2026-11-23T09:00:00")
    return done


def open_screen(session) -> ReportsView:
    view = ReportsView(session)
    view.period_tab.set_preset("month", date(2026, 11, 23))
    return view


def as_user(gui_session, register, login: str) -> Session:
    gui_session.set_user(register.user(login))
    return gui_session


def test_clerk_sees_the_table_as_printed_prepares_a_draft_and_cannot_sign(
    qtbot, gui_session, register, filled, fake_prompts, tmp_path
):
    view = open_screen(gui_session)
    qtbot.addWidget(view)
    tab = view.period_tab
    live = compute(register, NOVEMBER)
    # The official grouped headers, as on paper, and the figures of core.stats row by row.
    headers = tab.table.header_texts()
    for text in ("STT", "Số hồ sơ nhận giải quyết", "Số mới tiếp nhận", "Trực tiếp, dịch vụ bưu chính"):
        assert text in headers
    assert headers.count("Quá hạn") == 2 and "Từ kỳ trước" in headers
    assert tab.table.total_values() == live.total.to_dict()
    assert [row[1] for row in tab.table.body()[:-1]] == [r.field for r in live.rows]
    assert tab.table.body()[-1][0] == "Tổng cộng"
    assert tab.table.rowCount() == HEADER_ROWS + len(live.rows) + 1
    # No report yet: the period's difficulties start the "vướng mắc" note.
    assert "chưa lập báo cáo" in tab.status_label.text()
    assert "Máy quét hỏng" in tab.notes["difficulties"].toPlainText()
    assert not tab.sign_button.isEnabled() and "Phó Chủ tịch" in tab.sign_button.toolTip()
    assert not tab.send_button.isEnabled() and not tab.eml_button.isEnabled()

    tab.notes["highlights"].setPlainText("Giải quyết sớm 1 hồ sơ khai sinh.")
    tab.notes["proposals"].setPlainText("Đề nghị cấp máy quét mới.")
    tab.save_draft()
    stored = rp.list_reports(register, NOVEMBER)
    assert len(stored) == 1 and stored[0].status == rp.DRAFT
    assert stored[0].highlights == "Giải quyết sớm 1 hồ sơ khai sinh."
    assert stored[0].proposals == "Đề nghị cấp máy quét mới."
    assert stored[0].table.total == live.total
    assert "Bản nháp" in tab.status_label.text()
    tab.sign()  # disabled for a clerk: no dialog (FakePrompts would fail on one), nothing signed
    assert rp.get(register, stored[0].id).status == rp.DRAFT
    with pytest.raises(Exception, match="Phó Chủ tịch|không có quyền|quyền"):
        rp.sign(register, stored[0].id, "canbo1", PASSWORD)

    # The draft workbook, read back: marked as a draft, the notes and the total in it.
    fake_prompts.paths.append(str(tmp_path / "nhap"))
    tab.export_workbook()
    wb = openpyxl.load_workbook(tmp_path / "nhap.xlsx")
    text = " ".join(str(c.value) for row in wb["Báo cáo"].iter_rows() for c in row if c.value is not None)
    assert "BẢN NHÁP" in text and "Đề nghị cấp máy quét mới." in text
    assert "Dữ liệu" in wb.sheetnames
    assert any("Đã lưu bảng tính" in m for m in fake_prompts.infos)


def sign_with(fake_prompts, *passwords: str) -> list[str]:
    """Answer the sign dialog: each password in turn; returns the messages the dialog showed."""
    shown: list[str] = []

    def hook(dialog):
        assert isinstance(dialog, SignDialog)
        for password in passwords:
            dialog.password_edit.setText(password)
            if dialog.try_sign():
                return True
            shown.append(dialog.message.text())
        return False

    fake_prompts.dialog_hook = hook
    return shown


def test_vice_chair_signs_with_the_password_then_saves_the_eml(
    qtbot, gui_session, register, filled, fake_prompts, tmp_path
):
    session = as_user(gui_session, register, "phochutich")
    view = open_screen(session)
    qtbot.addWidget(view)
    tab = view.period_tab
    assert tab.sign_button.isEnabled()
    tab.notes["highlights"].setPlainText("Không có hồ sơ quá hạn.")
    shown = sign_with(fake_prompts, "sai-mat-khau", PASSWORD)
    tab.sign()
    assert shown and "mật khẩu" in shown[0].lower()  # the wrong one refused, in Vietnamese
    report = tab.report
    assert report.status == rp.SIGNED and report.signed_by == "phochutich"
    assert rp.verify(rp.get(register, report.id))
    assert report.highlights == "Không có hồ sơ quá hạn."
    assert "ký duyệt: Phạm Quang Vinh" in tab.status_label.text()
    assert all(edit.isReadOnly() for edit in tab.notes.values())
    assert not tab.sign_button.isEnabled() and not tab.save_button.isEnabled()
    assert tab.send_button.isEnabled() and tab.eml_button.isEnabled()

    fake_prompts.paths.append(str(tmp_path / "bao-cao.eml"))
    tab.save_eml()
    msg = email.message_from_bytes((tmp_path / "bao-cao.eml").read_bytes(), policy=email.policy.default)
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == (
        "[UBND phường Tây Hồ] Báo cáo tình hình giải quyết TTHC từ 01/11/2026 đến 30/11/2026"
    )
    (attachment,) = list(msg.iter_attachments())
    wb = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    text = " ".join(str(c.value) for row in wb["Báo cáo"].iter_rows() for c in row if c.value is not None)
    assert "PHÓ CHỦ TỊCH" in text and "Phạm Quang Vinh" in text and "BẢN NHÁP" not in text
    log = rp.sends(register, report.id)
    assert [(s.method, s.ok) for s in log] == [("eml", True)]
    assert rp.get(register, report.id).status == rp.SIGNED  # an .eml is not a send

    # The list of reports shows it; Enter opens it again in the first tab.
    view.tabs.setCurrentWidget(view.history_tab)
    history = view.history_tab
    assert history.table.rowCount() == 1
    assert history.table.item(0, 3).text() == "Đã ký duyệt, chưa gửi"
    assert history.table.item(0, 6).text() == "đã lưu 1 tệp .eml (chưa gửi)"  # not "sent": no contradiction
    view.period_tab.report = None
    history.table.setCurrentCell(0, 0)
    qtbot.keyClick(history.table, Qt.Key.Key_Return)  # Enter opens it in the first tab
    assert view.tabs.currentWidget() is tab and tab.report.id == report.id


def mail_settings(register, admin, port: int) -> None:
    register.update_settings(
        admin,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_user=SMTP_USER,
        smtp_sender="motcua@tayho.test",
        report_recipients="vanphong@hanoi.test, lanhdao@hanoi.test",
    )


def test_send_through_a_real_smtp_server_failed_then_good(
    qtbot, gui_session, register, admin, filled, fake_prompts
):
    session = as_user(gui_session, register, "phochutich")
    view = open_screen(session)
    qtbot.addWidget(view)
    tab = view.period_tab
    sign_with(fake_prompts, PASSWORD)
    tab.sign()
    report_id = tab.report.id
    with memory_keyring() as keys, smtp_server(auth_password="dung-mat-khau") as server:
        mail_settings(register, admin, server.port)

        # No password stored: the dialog asks; a wrong one is refused and logged, still "signed".
        def answer(password):
            def hook(dialog):
                assert isinstance(dialog, SmtpPasswordDialog)
                dialog.password_edit.setText(password)
                dialog.remember.setChecked(False)
                return True

            return hook

        fake_prompts.dialog_hook = answer("sai-roi")
        tab.send()
        assert server.messages == []
        assert fake_prompts.errors and "đăng nhập" in fake_prompts.errors[-1].lower()
        assert rp.get(register, report_id).status == rp.SIGNED
        assert [(s.method, s.ok) for s in rp.sends(register, report_id)] == [("smtp", False)]
        assert get_smtp_password(register.settings) is None  # not remembered
        assert keys.passwords == {}

        def remember(dialog):
            dialog.password_edit.setText("dung-mat-khau")
            return True  # "Ghi nhớ" is ticked by default

        fake_prompts.dialog_hook = remember
        tab.send()
        assert get_smtp_password(register.settings) == "dung-mat-khau"
        assert list(keys.passwords.values()) == ["dung-mat-khau"]  # the memory keyring, never the real one
        (received,) = server.messages
        assert "Báo cáo tình hình giải quyết TTHC" in received["Subject"]
        (attachment,) = list(received.iter_attachments())
        wb = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
        assert wb["Dữ liệu"].max_row > 1
        assert rp.get(register, report_id).status == rp.SENT
        assert "Đã gửi báo cáo tới vanphong@hanoi.test, lanhdao@hanoi.test." in fake_prompts.infos
        assert tab.report.status == rp.SENT and "Đã gửi" in tab.status_label.text()
        fake_prompts.dialog_hook = None  # the stored password is used: no dialog any more
        tab.send()
        assert len(server.messages) == 2
    assert [s.ok for s in rp.sends(register, report_id)] == [False, True, True]


def test_a_late_entry_after_signing_warns_and_makes_a_new_version(
    qtbot, gui_session, register, clerk, filled, fake_prompts, clock
):
    session = as_user(gui_session, register, "phochutich")
    view = open_screen(session)
    qtbot.addWidget(view)
    tab = view.period_tab
    sign_with(fake_prompts, PASSWORD)
    tab.sign()
    first = tab.report
    register.intake(make_form(id_number="001190099999"), clerk, at=at("2026-11-10T14:00:00"))
    tab.load()
    assert tab.stale_box.isVisibleTo(tab) and tab.new_version_button.isVisibleTo(tab)
    assert "khác với báo cáo đã ký" in tab.stale_label.text()
    assert tab.table.total_values() == first.table.total.to_dict()  # the signed snapshot is shown
    tab.new_version_button.click()
    second = tab.report
    assert second.version == 2 and second.supersedes == first.id and second.status == rp.DRAFT
    assert tab.table.total_values() == compute(register, NOVEMBER).total.to_dict()
    assert not tab.stale_box.isVisibleTo(tab) and tab.sign_button.isEnabled()
    assert rp.get(register, first.id).superseded_by == second.id


def test_end_of_day_summary_on_screen_and_sent(
    qtbot, gui_session, register, admin, clerk, fake_prompts, clock
):
    clock.set("2026-11-23T08:30:00")
    register.intake(make_form(), clerk)
    register.add_difficulty(clerk, "Cổng dịch vụ công chậm", procedure_code="1.004222")
    clock.set("2026-11-23T17:00:00")
    view = ReportsView(gui_session)
    qtbot.addWidget(view)
    view.tabs.setCurrentWidget(view.day_tab)
    text = view.day_tab.view.toPlainText()
    assert "Tổng hợp cuối ngày Thứ Hai 23/11/2026" in text
    assert "Hồ sơ tiếp nhận trong ngày\n1" in text
    assert "Cổng dịch vụ công chậm" in text
    with memory_keyring(), smtp_server() as server:
        register.update_settings(
            admin, smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none",
            smtp_sender="motcua@tayho.test", report_recipients="vanphong@hanoi.test",
        )  # fmt: skip
        view.day_tab.send()
        (received,) = server.messages
    assert "Tổng hợp cuối ngày 23/11/2026" in received["Subject"]
    (attachment,) = list(received.iter_attachments())
    wb = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert wb.active.max_row > 3
    assert "Đã gửi tổng hợp cuối ngày tới vanphong@hanoi.test." in fake_prompts.infos


def signed_workbook(path, ward: str, agency: str, clock, tmp_path, sign: bool = True):
    """A ward of its own (its own file), one dossier, November's report signed, the workbook saved."""
    from reports.workbook import report_workbook

    reg = Register.open(tmp_path / f"{agency}.sqlite3", clock=clock)
    reg.initialise(ward, agency)
    reg.add_user(SYSTEM_USER, "canbo", "Cán bộ", Role.CLERK, PASSWORD)
    reg.add_user(SYSTEM_USER, "pct", "Trần Văn Ký", Role.VICE_CHAIR, PASSWORD)
    reg.intake(make_form(), reg.user("canbo"), at=at("2026-11-03T09:00:00"))
    report = rp.prepare(reg, reg.user("canbo"), NOVEMBER)
    if sign:
        report = rp.sign(reg, report.id, "pct", PASSWORD)
    path.write_bytes(report_workbook(report, reg.settings))
    reg.close()
    return path


def test_city_roll_up_keeps_the_good_names_the_bad_and_saves_the_city_workbook(
    qtbot, gui_session, fake_prompts, clock, tmp_path
):
    good1 = signed_workbook(tmp_path / "tay-ho.xlsx", "UBND phường Tây Hồ", "000.17.22.H56", clock, tmp_path)
    good2 = signed_workbook(tmp_path / "buoi.xlsx", "UBND phường Bưởi", "000.17.22.H57", clock, tmp_path)
    draft = signed_workbook(
        tmp_path / "nhat-tan.xlsx", "UBND phường Nhật Tân", "000.17.22.H58", clock, tmp_path, sign=False
    )
    junk = tmp_path / "khong-phai.xlsx"
    junk.write_bytes(b"not a workbook at all")
    view = ReportsView(gui_session)
    qtbot.addWidget(view)
    tab = view.rollup_tab
    assert not tab.save_button.isEnabled()
    fake_prompts.paths += [str(good1), str(good2), str(draft), str(junk)]
    tab.choose()
    assert "đã tổng hợp 2 phường; 2 tệp bị loại" in tab.summary.text()
    body = tab.table.body()
    assert [row[1] for row in body[:-1]] == ["UBND phường Tây Hồ", "UBND phường Bưởi"]
    assert body[-1][2] == "2"  # one dossier each, received in the period
    refused = {tab.rejected.item(i, 0).text(): tab.rejected.item(i, 2).text() for i in range(2)}
    assert set(refused) == {"nhat-tan.xlsx", "khong-phai.xlsx"}
    assert "ký" in refused["nhat-tan.xlsx"]
    assert refused["khong-phai.xlsx"]
    fake_prompts.paths.append(str(tmp_path / "thanh-pho.xlsx"))
    tab.save()
    wb = openpyxl.load_workbook(tmp_path / "thanh-pho.xlsx")
    sheet = wb[wb.sheetnames[0]]
    names = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "UBND phường Bưởi" in names and "UBND phường Nhật Tân" not in names
    tab.clear_button.click()
    assert tab.table.body()[-1][2] == "0" and not tab.save_button.isEnabled()


def test_reports_screen_is_in_every_users_sidebar_on_f6(qtbot, gui_session, register):
    from gui.main_window import MainWindow

    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    assert "reports" in window.screens
    screen = window.show_screen("reports")
    assert isinstance(screen, ReportsView)
    assert window.current_key() == "reports"


def test_a_slow_older_load_never_replaces_the_period_chosen_after_it(
    qtbot, gui_session, register, filled, fake_prompts, monkeypatch
):
    """Loads run on the thread pool: October (slow) then November (fast); November must stay."""
    import time

    from gui.tasks import set_synchronous, wait_for_idle
    from gui.views import report_period

    october = preset_period("month", date(2026, 10, 5))

    def slow_for_october(register, period, now=None):
        if period.start == october.start:
            time.sleep(0.4)
        return compute(register, period, now)

    monkeypatch.setattr(report_period, "compute", slow_for_october)
    view = ReportsView(gui_session)
    qtbot.addWidget(view)
    tab = view.period_tab
    set_synchronous(False)
    try:
        tab.set_preset("month", date(2026, 10, 5))
        tab.set_preset("month", date(2026, 11, 23))
        assert wait_for_idle(5000)
        qtbot.wait(100)  # the queued results reach the GUI thread
    finally:
        set_synchronous(True)
    assert tab.period() == NOVEMBER
    assert tab.live is not None and tab.live.period.start == NOVEMBER.start
    assert tab.table.total_values() == compute(register, NOVEMBER).total.to_dict()
