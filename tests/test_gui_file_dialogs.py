"""Where the file dialogs open: not the program's working folder, and where the last file went."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from gui import prompts as prompts_mod
from gui.prompts import Prompts


@pytest.fixture
def dialogs(monkeypatch, tmp_path):
    """The real Prompts with Qt's dialogs replaced: each records where it was asked to open and
    answers with the next queued path (an empty string: the user cancelled)."""
    asked: list[str] = []
    answers: list[str] = []

    def save(parent, title, start, pattern):
        asked.append(start)
        return answers.pop(0), pattern

    def open_one(parent, title, start, pattern):
        asked.append(start)
        return answers.pop(0), pattern

    def open_many(parent, title, start, pattern):
        asked.append(start)
        return [a for a in [answers.pop(0)] if a], pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_one)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_many)
    monkeypatch.setattr(prompts_mod, "_folders", _private_settings(tmp_path))
    project = tmp_path / "chuong-trinh"
    project.mkdir()
    monkeypatch.chdir(project)  # the program's working folder
    return asked, answers, project


def _private_settings(tmp_path):
    from PySide6.QtCore import QSettings

    return lambda: QSettings(str(tmp_path / "cua-so.ini"), QSettings.Format.IniFormat)


def test_a_suggested_name_does_not_open_in_the_programs_folder(qapp, dialogs):
    """The receipt PDF, the workbook and the .eml were offered in the working folder (the bundle's
    install folder, or the source tree), a place the clerk never keeps files."""
    asked, answers, project = dialogs
    answers.append("")
    Prompts().save_path(None, "Lưu tệp PDF", "Giấy tiếp nhận 000.17.22.H56-261204-0010.pdf", "*.pdf")
    start = Path(asked[0])
    assert start.name == "Giấy tiếp nhận 000.17.22.H56-261204-0010.pdf"
    assert start.parent.is_absolute() and start.parent != project
    assert start.parent == prompts_mod.start_folder()


def test_the_next_dialog_opens_where_the_last_file_went(qapp, dialogs, tmp_path):
    asked, answers, _project = dialogs
    folder = tmp_path / "Báo cáo"
    folder.mkdir()
    answers += [str(folder / "bao-cao.xlsx"), "", ""]
    ui = Prompts()
    assert ui.save_path(None, "Lưu bảng tính", "Báo cáo TTHC.xlsx", "*.xlsx") == str(folder / "bao-cao.xlsx")
    ui.save_path(None, "Lưu thư nháp", "Báo cáo TTHC.eml", "*.eml")  # cancelled: nothing kept
    assert asked[1] == str(folder / "Báo cáo TTHC.eml")
    ui.open_path(None, "Chọn tệp", "*.xlsx")
    assert asked[2] == str(folder), "opening a file starts there too"


def test_a_folder_since_removed_is_not_offered(qapp, dialogs, tmp_path):
    asked, answers, project = dialogs
    usb = tmp_path / "usb"
    usb.mkdir()
    answers += [str(usb / "a.pdf"), ""]
    ui = Prompts()
    ui.save_path(None, "Lưu tệp PDF", "a.pdf", "*.pdf")
    usb.rmdir()  # the USB stick taken out
    ui.open_paths(None, "Chọn các tệp", "*.xlsx")
    assert Path(asked[1]) == prompts_mod.start_folder()
    assert Path(asked[1]) not in (usb, project) and Path(asked[1]).is_dir()
