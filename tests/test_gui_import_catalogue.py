"""Import screen, procedure-list tab: preview writes nothing, import adds and updates by code."""

from __future__ import annotations

import pytest

from gui.session import Session
from gui.views.import_catalogue import CatalogueImportTab


@pytest.fixture
def admin_session(register, admin, fake_prompts):
    session = Session(register)
    session.set_user(admin)
    return session


def _write_list(path, existing_code: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Thời hạn giải quyết", "Lệ phí"])
    ws.append(["2.999001", "Cấp giấy phép thử nghiệm", "Thử nghiệm", "7", "50.000 đồng"])
    ws.append([existing_code, "Tên mới của thủ tục cũ", "Hộ tịch", "3", ""])
    ws.append(["2.999002", "", "Thử nghiệm", "5", ""])
    ws.append(["2.999003", "Thủ tục số ngày sai", "Thử nghiệm", "mười", ""])
    wb.save(path)


def test_preview_then_import_the_procedure_list(qtbot, admin_session, register, tmp_path, fake_prompts):
    existing = register.procedures()[0]
    path = tmp_path / "danh-muc.xlsx"
    _write_list(path, existing.code)
    tab = CatalogueImportTab(admin_session)
    qtbot.addWidget(tab)
    fake_prompts.paths.append(str(path))
    tab.choose_file()
    assert tab.table.rowCount() == 2
    states = {tab.table.item(r, 0).text(): tab.table.item(r, 4).text() for r in range(2)}
    assert states == {"2.999001": "mới", existing.code: "đã có (cập nhật)"}
    problems = [tab.problems.item(i).text() for i in range(tab.problems.count())]
    assert len(problems) == 2 and problems[0].startswith("Dòng 4") and "mười" in problems[1]
    assert "Chưa ghi gì" in tab.message.text()
    codes = {p.code for p in register.procedures(active_only=False)}
    assert "2.999001" not in codes, "the preview wrote nothing"
    assert tab.import_button.isEnabled()
    tab.import_button.click()
    assert tab.result is not None and (tab.result.added, tab.result.updated) == (1, 1)
    assert register.procedure("2.999001").working_days == 7
    assert register.procedure(existing.code).name == "Tên mới của thủ tục cũ"
    assert "Thêm 1, cập nhật 1" in tab.message.text()


def test_a_file_that_is_not_a_list_says_why(qtbot, admin_session, tmp_path, fake_prompts):
    path = tmp_path / "rac.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    tab = CatalogueImportTab(admin_session)
    qtbot.addWidget(tab)
    tab.preview(path)
    assert "Không đọc được tệp Excel" in tab.message.text()
    assert fake_prompts.errors and not tab.import_button.isEnabled()
