"""The daily backup when the main window closes (gui/close_backup.py over core.backup.backup_if_due)."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from core import backup as backup_mod
from gui.app import start
from gui.tasks import set_synchronous, wait_for_idle
from tests.helpers import make_form


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    """core.backup notes each backup folder in the data folder: a test's, not the machine's."""
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "du-lieu"))


def _open_window(qtbot, gui_session):
    window = start(gui_session)  # initialised and logged in: straight to the main window
    assert window is not None and window.backup_on_close
    qtbot.addWidget(window)
    return window


def _backups(folder):
    return list(backup_mod.list_backups(folder))


def test_closing_backs_up_once_a_day_into_the_settings_folder(
    qtbot, gui_session, register, admin, clerk, tmp_path, fake_prompts
):
    folder = tmp_path / "sao-luu"
    register.update_settings(admin, backup_dir=str(folder))
    register.intake(make_form(), clerk)
    window = _open_window(qtbot, gui_session)
    assert window.close()
    assert not window.isVisible()
    backups = _backups(folder)
    assert len(backups) == 1 and backups[0].taken_at.date() == backup_mod.now().date()
    assert window.close_backup.made == backups[0].path
    with sqlite3.connect(backups[0].path) as copy:  # a real copy of the register
        assert copy.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0] == 1
    assert fake_prompts.errors == []
    again = _open_window(qtbot, gui_session)  # a second close the same day: not due
    assert again.close()
    assert again.close_backup.made is None
    assert [b.path for b in _backups(folder)] == [backups[0].path]


def test_on_the_thread_pool_the_window_closes_when_the_copy_is_done(
    qtbot, gui_session, register, admin, tmp_path, fake_prompts
):
    folder = tmp_path / "sao-luu"
    register.update_settings(admin, backup_dir=str(folder))
    window = _open_window(qtbot, gui_session)
    set_synchronous(False)
    try:
        assert not window.close()  # put off while the copy runs, with a status message
        assert window.isVisible()
        assert "Đang sao lưu" in window.statusBar().currentMessage()
        assert wait_for_idle(30_000)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    finally:
        set_synchronous(True)
    assert len(_backups(folder)) == 1


def test_a_failed_backup_is_logged_said_calmly_and_the_window_still_closes(
    qtbot, gui_session, register, admin, tmp_path, fake_prompts, caplog
):
    blocked = tmp_path / "khong-phai-thu-muc"
    blocked.write_text("một tệp, không phải thư mục")
    register.update_settings(admin, backup_dir=str(blocked / "sao-luu"))
    window = _open_window(qtbot, gui_session)
    with caplog.at_level(logging.WARNING, logger="motcua"):
        assert window.close()
    assert not window.isVisible()
    assert len(fake_prompts.errors) == 1
    assert fake_prompts.errors[0].startswith("Chưa sao lưu được hôm nay: Không tạo được thư mục sao lưu")
    assert "không bị ảnh hưởng" in fake_prompts.errors[0]
    assert any("Sao lưu khi đóng không thành công" in r.getMessage() for r in caplog.records)
    assert register.store.dossier_count() == 0 and blocked.read_text() == "một tệp, không phải thư mục"


def test_no_backup_after_a_restore_closed_the_register(
    qtbot, gui_session, register, admin, tmp_path, fake_prompts
):
    folder = tmp_path / "sao-luu"
    register.update_settings(admin, backup_dir=str(folder))
    window = _open_window(qtbot, gui_session)
    gui_session.restoring = True
    assert window.close()
    assert not folder.exists() and window.close_backup.made is None


def test_a_register_closed_before_the_window_closes_it_without_a_backup(
    qtbot, gui_session, register, admin, tmp_path, fake_prompts
):
    folder = tmp_path / "sao-luu"
    register.update_settings(admin, backup_dir=str(folder))
    window = _open_window(qtbot, gui_session)
    register.close()  # as the app's shutdown or a test may do before the window goes
    assert window.close()
    assert not folder.exists() and fake_prompts.errors == []


def test_a_manual_backup_earlier_today_does_not_stop_the_close_time_one(
    qtbot, gui_session, register, admin, clerk, tmp_path, fake_prompts, clock
):
    folder = tmp_path / "sao-luu"
    register.update_settings(admin, backup_dir=str(folder))
    clock.set("2026-11-23T10:00")
    manual = backup_mod.backup_now(gui_session.db_path, folder, kind=backup_mod.BackupKind.MANUAL)
    register.intake(make_form(), clerk)  # in no backup yet
    clock.set("2026-11-23T17:00")
    window = _open_window(qtbot, gui_session)
    assert window.close()
    made = window.close_backup.made
    assert made is not None and made.name == "motcua-2026-11-23_170000.sqlite3"
    assert [b.path for b in _backups(folder)] == [made, manual]
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0] == 1


def _close_and_read_error(qtbot, gui_session, register, admin, folder, fake_prompts) -> str:
    register.update_settings(admin, backup_dir=str(folder))
    window = _open_window(qtbot, gui_session)
    assert window.close() and not window.isVisible()
    assert len(fake_prompts.errors) == 1
    return fake_prompts.errors[0]


def test_an_sqlite_error_in_the_copy_is_named_without_saying_typed_data_was_lost(
    qtbot, gui_session, register, admin, tmp_path, fake_prompts, monkeypatch
):
    def disk_error(source, target):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup_mod, "_copy_online", disk_error)
    shown = _close_and_read_error(qtbot, gui_session, register, admin, tmp_path / "sao-luu", fake_prompts)
    assert shown.startswith("Chưa sao lưu được hôm nay: Sao lưu không thành công")
    assert "disk I/O error" in shown and "không bị ảnh hưởng" in shown
    assert "chưa được lưu" not in shown


def test_a_damaged_register_found_on_close_is_said_without_contradiction(
    qtbot, gui_session, register, admin, clerk, tmp_path, fake_prompts, monkeypatch
):
    from core import dbcheck
    from tests.test_faults_damage import damage_an_index

    monkeypatch.setattr(dbcheck, "_damage", {}, raising=False)  # what this test finds stays its own
    for i in range(40):
        register.intake(make_form(applicant=f"Lê Thị Số {i}"), clerk)
    register.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage_an_index(gui_session.db_path)  # the copy fails its check, then the register is checked
    shown = _close_and_read_error(qtbot, gui_session, register, admin, tmp_path / "sao-luu", fake_prompts)
    assert shown.startswith("Chưa sao lưu được hôm nay: ") and "bị hỏng" in shown
    assert "chưa được lưu" not in shown
    assert "không bị ảnh hưởng" not in shown  # the register in use is the damaged one


def test_scans_failing_after_the_copy_do_not_say_nothing_was_backed_up(
    qtbot, gui_session, register, admin, tmp_path, fake_prompts, monkeypatch
):
    def disk_error(db, target):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup_mod, "copy_files_to_backup", disk_error)
    folder = tmp_path / "sao-luu"
    shown = _close_and_read_error(qtbot, gui_session, register, admin, folder, fake_prompts)
    [made] = _backups(folder)
    assert shown.startswith(f"Đã sao lưu cơ sở dữ liệu vào {made.path.name}, nhưng")
    assert "disk I/O error" in shown
    assert "Chưa sao lưu được" not in shown and "chưa được lưu" not in shown
