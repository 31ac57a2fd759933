"""Backup screen: back up now and list, restore with the current file kept aside, error details."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.backup import list_backups
from gui.dialogs.error_details import ErrorDetailsDialog, show_failure
from gui.main_window import MainWindow
from gui.session import Session
from gui.views.backup_view import BackupView
from tests.helpers import make_form


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def admin_session(register, admin, fake_prompts):
    session = Session(register)
    session.set_user(admin)
    return session


def _applicants(db_path: Path) -> list[str]:
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT applicant FROM dossiers ORDER BY id")]
    finally:
        conn.close()


def _view(qtbot, session, folder: Path, window=None) -> BackupView:
    view = BackupView(session, window)
    qtbot.addWidget(view)
    view.folder.setText(str(folder))
    view.reload()
    return view


def test_backup_now_writes_a_verified_copy_and_lists_it(qtbot, admin_session, clerk, tmp_path):
    reg = admin_session.register
    for i in range(3):
        reg.intake(make_form(applicant=f"Nguyễn Văn Số {i}"), clerk)
    folder = tmp_path / "usb" / "saoluu"
    view = _view(qtbot, admin_session, folder)
    assert view.table.rowCount() == 0
    assert "Chưa có bản sao lưu" in view.last_label.text()
    qtbot.mouseClick(view.backup_button, Qt.MouseButton.LeftButton)
    made = list_backups(folder)
    assert len(made) == 1
    assert _applicants(made[0].path) == [f"Nguyễn Văn Số {i}" for i in range(3)]
    assert view.table.rowCount() == 1
    assert view.table.item(0, 3).text() == made[0].path.name
    assert view.table.item(0, 1).text() == "Thủ công"
    assert "Đã sao lưu và kiểm tra toàn vẹn" in view.message.text()
    assert "Lần sao lưu gần nhất" in view.last_label.text()


def test_backup_now_after_the_close_time_backup_keeps_both(
    qtbot, admin_session, register, admin, clerk, tmp_path, clock
):
    """ "Sao lưu ngay" used to delete the day's close-time backup (retention: one a day)."""
    from gui.app import start

    folder = tmp_path / "sao-luu"
    register.update_settings(admin, backup_dir=str(folder))
    register.intake(make_form(applicant="Trước Khi Đóng"), clerk)
    clock.set("2026-11-23T17:00")
    window = start(admin_session)  # the main window, which backs up when it closes
    qtbot.addWidget(window)
    assert window.close() and window.close_backup.made is not None
    daily = window.close_backup.made
    register.intake(make_form(applicant="Sau Khi Đóng"), clerk)
    clock.set("2026-11-23T17:30")
    view = _view(qtbot, admin_session, folder)
    assert view.table.rowCount() == 1 and view.table.item(0, 1).text() == "Hằng ngày"
    qtbot.mouseClick(view.backup_button, Qt.MouseButton.LeftButton)
    assert "Đã sao lưu và kiểm tra toàn vẹn" in view.message.text()
    rows = [tuple(view.table.item(r, c).text() for c in (0, 1, 3)) for r in range(view.table.rowCount())]
    assert rows == [
        ("23/11/2026 17:30:00", "Thủ công", "motcua-2026-11-23_173000-thu-cong.sqlite3"),
        ("23/11/2026 17:00:00", "Hằng ngày", daily.name),
    ]
    assert daily.is_file() and (folder / rows[0][2]).is_file()
    assert _applicants(daily) == ["Trước Khi Đóng"]
    assert _applicants(folder / rows[0][2]) == ["Trước Khi Đóng", "Sau Khi Đóng"]


def test_backup_into_an_unwritable_place_says_why(qtbot, admin_session, tmp_path, fake_prompts):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    view = _view(qtbot, admin_session, blocker / "saoluu")
    view.backup_now()
    assert fake_prompts.errors and "Không tạo được thư mục sao lưu" in fake_prompts.errors[0]
    assert view.backup_button.isEnabled()


def test_admin_sets_the_default_folder_a_clerk_cannot(qtbot, admin_session, register, clerk, tmp_path):
    folder = tmp_path / "o-dia-D"
    view = _view(qtbot, admin_session, folder)
    assert view.make_default.isEnabled()
    assert view.save_default_folder()
    assert register.settings.backup_dir == str(folder)
    # a new screen starts on the saved folder
    assert BackupView(admin_session).folder.text() == str(folder)
    clerk_session = Session(register)
    clerk_session.set_user(clerk)
    clerk_view = _view(qtbot, clerk_session, tmp_path / "khac")
    assert not clerk_view.make_default.isEnabled()
    assert not clerk_view.save_default_folder()
    assert register.settings.backup_dir == str(folder)


def test_restore_puts_the_backup_in_place_and_keeps_the_old_file(
    qtbot, admin_session, clerk, db_path, tmp_path, fake_prompts
):
    reg = admin_session.register
    for name in ("Trước Sao Lưu Một", "Trước Sao Lưu Hai"):
        reg.intake(make_form(applicant=name), clerk)
    folder = tmp_path / "saoluu"
    window = MainWindow(admin_session, build_screens=False)
    qtbot.addWidget(window)
    view = _view(qtbot, admin_session, folder, window)
    window.add_screen("backup", view, "Sao lưu")
    window.show()
    view.backup_now()
    reg.intake(make_form(applicant="Sau Sao Lưu"), clerk)
    assert len(_applicants(db_path)) == 3

    # saying no changes nothing
    fake_prompts.confirm_answer = False
    view.restore_selected()
    assert "Đã hủy" in view.message.text() and len(_applicants(db_path)) == 3
    assert window.isVisible()

    fake_prompts.confirm_answer = True
    view.table.selectRow(0)
    view.restore_selected()
    assert "giữ lại bên cạnh" in fake_prompts.confirms[-1]
    assert _applicants(db_path) == ["Trước Sao Lưu Một", "Trước Sao Lưu Hai"]
    aside = view.kept_aside
    assert aside is not None and aside.exists() and aside.parent == db_path.parent
    assert "Sau Sao Lưu" in _applicants(aside)
    assert str(aside) in fake_prompts.infos[-1] and "mở lại MotCua" in fake_prompts.infos[-1]
    assert not window.isVisible(), "the window closes so the app is opened again on the restored file"


def test_a_damaged_file_is_refused_before_anything_is_closed(
    qtbot, admin_session, clerk, db_path, tmp_path, fake_prompts
):
    reg = admin_session.register
    reg.intake(make_form(), clerk)
    bad = tmp_path / "motcua-2026-11-20_120000.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    fake_prompts.paths.append(str(bad))
    view = _view(qtbot, admin_session, tmp_path)
    view.restore_other()
    assert "Không khôi phục" in view.message.text()
    assert not fake_prompts.confirms, "no question for a file that can't be restored"
    assert len(reg.search("Ưởng")) == 1, "the register is still open and unchanged"
    assert len(_applicants(db_path)) == 1


def test_error_details_for_an_unexpected_error_are_scrubbed_and_copied(
    qtbot, fake_prompts, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    shown: list[ErrorDetailsDialog] = []
    fake_prompts.dialog_hook = lambda d: shown.append(d) or False
    try:
        raise KeyError("Nguyễn Thị Ưởng 001190012345")
    except KeyError as exc:
        show_failure(None, exc)
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.addWidget(dialog)
    assert "lỗi không mong đợi" in dialog.message.text()
    assert not dialog.details.isVisible()
    text = dialog.copy_details()
    assert "Traceback" in text and "KeyError" in text
    assert "001190012345" not in text and "Ưởng" not in text
    assert QApplication.clipboard().text() == text
    # a refusal needs only its sentence
    from core.errors import DatabaseError

    show_failure(None, DatabaseError("Ổ đĩa đầy."))
    assert fake_prompts.errors == ["Ổ đĩa đầy."] and len(shown) == 1


def test_the_backup_screen_is_for_admins_only(qtbot, admin_session, register, clerk):
    window = MainWindow(admin_session)
    qtbot.addWidget(window)
    assert isinstance(window.screens["backup"], BackupView)
    clerk_session = Session(register)
    clerk_session.set_user(clerk)
    clerk_window = MainWindow(clerk_session)
    qtbot.addWidget(clerk_window)
    assert "backup" not in clerk_window.screens
