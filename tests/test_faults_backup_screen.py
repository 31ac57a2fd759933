"""The backup screen says when its folder is on a disk that is not there (unplugged USB)."""

from __future__ import annotations

import pytest

from core.backup import backup_now
from gui.session import Session
from gui.views.backup_view import BackupView


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


def test_unplugged_folder_is_named_and_backing_up_there_refused(
    qtbot, register, admin, db_path, tmp_path, fake_prompts
):
    usb = tmp_path / "usb" / "saoluu"
    made = backup_now(db_path, usb)
    session = Session(register)
    session.set_user(admin)
    view = BackupView(session, None)
    qtbot.addWidget(view)
    view.folder.setText(str(usb))
    view.reload()
    assert view.table.rowCount() == 1 and "Lần sao lưu gần nhất" in view.last_label.text()
    made.unlink()
    usb.rmdir()
    (tmp_path / "usb").rmdir()  # unplugged
    view.reload()
    assert view.table.rowCount() == 0 and "ổ USB" in view.last_label.text()
    view.backup_now()
    assert fake_prompts.errors and "Không thấy thư mục sao lưu" in fake_prompts.errors[0]
    assert not (tmp_path / "usb").exists()
