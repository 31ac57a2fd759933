"""The city roll-up: real ward workbooks on disk, good and bad, consolidated and written back.

Each ward's figures come from a real register through core.stats.compute; the second ward is the
same register after more intakes (so its figures differ), under another agency code.
"""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from core.errors import MotCuaError
from core.filesafety import check_xlsx
from core.periods import Period
from core.stats import KEYS, TOTAL_LABEL, FieldRow, Figures, Table
from reports.consolidate import (
    ACCEPTED_SHEET,
    CITY_SHEET,
    CITY_TITLE,
    REJECTED_SHEET,
    consolidate,
    write_city_workbook,
)
from reports.datasheet import HEADERS, SHEET_NAME, read_workbook
from reports.workbook import report_workbook
from tests.helpers import make_form
from tests.reportbook_helpers import NOVEMBER, draft_report, open_book, populate, signed

QUANG_AN = ("UBND phường Quảng An", "000.17.22.H57")
NHAT_TAN = ("UBND phường Nhật Tân", "000.17.22.H58")


def as_ward(settings, report, ward):
    """Settings and report of another ward (its own agency code, so its own fingerprint)."""
    name, code = ward
    return dataclasses.replace(settings, ward_name=name, agency_code=code), dataclasses.replace(
        report, agency_code=code
    )


@pytest.fixture
def wards(register, clerk, clock, vice_chair, tmp_path):
    """Three signed ward reports for November as files; returns (paths, reports by agency code)."""
    populate(register, clerk, clock)
    tay_ho = signed(draft_report(register, clerk), vice_chair)
    clock.set("2026-11-20 09:00")
    register.intake(make_form("1.001193", applicant="Mai Văn Lâm"), clerk)
    register.intake(make_form("2.000815", applicant="Lý Thị Mận"), clerk)
    clock.set("2026-11-23 09:00")
    settings_qa, draft_qa = as_ward(register.settings, draft_report(register, clerk), QUANG_AN)
    quang_an = signed(draft_qa, vice_chair)
    settings_nt, draft_nt = as_ward(register.settings, tay_ho, NHAT_TAN)
    nhat_tan = signed(draft_nt, vice_chair)
    paths = []
    for name, report, settings in (
        ("tayho.xlsx", tay_ho, register.settings),
        ("quangan.xlsx", quang_an, settings_qa),
        ("nhattan.xlsx", nhat_tan, settings_nt),
    ):
        path = tmp_path / name
        path.write_bytes(report_workbook(report, settings))
        paths.append(path)
    return paths, {r.agency_code: (r, s) for r, s in ((tay_ho, register.settings), (quang_an, settings_qa),
                                                      (nhat_tan, settings_nt))}  # fmt: skip


def refusal(path) -> str:
    """What core.filesafety says about a file it refuses."""
    with pytest.raises(MotCuaError) as err:
        check_xlsx(path)
    return err.value.message


def write(tmp_path, name, report, settings):
    path = tmp_path / name
    path.write_bytes(report_workbook(report, settings))
    return path


def table_rows(ws, first):
    """(label, eleven numbers) from ``first`` down to the end of the sheet's used range."""
    out = []
    for r in range(first, ws.max_row + 1):
        label = ws.cell(r, 2).value if isinstance(ws.cell(r, 1).value, int) else ws.cell(r, 1).value
        numbers = [ws.cell(r, c).value for c in range(3, 14)]
        out.append((label, numbers))
    return out


def test_good_files_roll_up_and_the_city_workbook_adds_up(wards, tmp_path):
    paths, reports = wards
    result = consolidate(paths)
    assert result.rejected == ()
    assert result.period == (date(2026, 11, 1), date(2026, 11, 30))
    assert [w.agency_code for w in result.wards] == ["000.17.22.H56", "000.17.22.H57", "000.17.22.H58"]
    expected = sum((r.table.total for r, _ in reports.values()), Figures())
    assert result.total == expected and expected.received_total == 7 + 9 + 7
    assert result.fields == ("Hộ tịch", "Chứng thực", "Cư trú", "Bảo trợ xã hội", "Xây dựng")
    assert result.field_total("Hộ tịch").received_total == 1 + 2 + 1
    out = write_city_workbook(
        result, tmp_path / "thanhpho.xlsx", issuer="UBND thành phố Hà Nội", place="Hà Nội"
    )
    wb = load_workbook(out)
    assert wb.sheetnames == [CITY_SHEET, ACCEPTED_SHEET, REJECTED_SHEET, SHEET_NAME]
    ws = wb[CITY_SHEET]
    found = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # issue 15: the issuing body top left, the place/date line under the national heading
    assert ws["A1"].value == "UBND THÀNH PHỐ HÀ NỘI" and ws["A1"].font.bold
    assert "Hà Nội, ngày 23 tháng 11 năm 2026" in found
    assert CITY_TITLE in found
    assert "Kỳ báo cáo: Từ ngày 01/11/2026 đến ngày 30/11/2026 (tổng hợp lúc 09:00 ngày 23/11/2026)" in found
    rows = table_rows(ws, ws[ws.freeze_panes].row)
    assert rows[:4] == [
        ("UBND phường Tây Hồ", [getattr(reports["000.17.22.H56"][0].table.total, k) for k in KEYS]),
        ("UBND phường Quảng An", [getattr(reports["000.17.22.H57"][0].table.total, k) for k in KEYS]),
        ("UBND phường Nhật Tân", [getattr(reports["000.17.22.H58"][0].table.total, k) for k in KEYS]),
        (TOTAL_LABEL, [getattr(expected, k) for k in KEYS]),
    ]
    numbers = [v for _, vs in rows for v in vs if v is not None]
    assert numbers and all(type(v) is int for v in numbers)
    section = found.index("1. Lĩnh vực: Hộ tịch")
    assert found[section + 1 : section + 4] == [
        "UBND phường Tây Hồ",
        "UBND phường Quảng An",
        "UBND phường Nhật Tân",
    ]
    subtotal = next(r for r in rows if r[0] == "Cộng lĩnh vực Hộ tịch")
    assert subtotal[1] == [getattr(result.field_total("Hộ tịch"), k) for k in KEYS]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True and ws.print_title_rows
    assert wb[REJECTED_SHEET]["A2"].value == "Không có tệp nào bị loại."
    assert [c.value for c in wb[ACCEPTED_SHEET][2]][1:4] == [
        "tayho.xlsx",
        "UBND phường Tây Hồ",
        "000.17.22.H56",
    ]
    assert wb[ACCEPTED_SHEET]["H2"].value == "chỉ ký duyệt bằng mật khẩu (không có chữ ký số)"
    data = wb[SHEET_NAME]
    assert tuple(c.value for c in data[1]) == HEADERS
    assert data.max_row == 1 + sum(len(w.rows) + 1 for w in result.wards)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # no half file left


def test_bad_files_are_named_with_their_reason_and_the_good_ones_still_roll_up(
    wards, register, clerk, vice_chair, tmp_path
):
    paths, reports = wards
    tay_ho, settings = reports["000.17.22.H56"]
    bad = {}
    text = tmp_path / "ghichu.xlsx"
    text.write_text("Đây không phải bảng tính", encoding="utf-8")
    bad[text.name] = refusal(text)  # core.filesafety's own words
    plain = tmp_path / "khongdulieu.xlsx"
    Workbook().save(plain)
    bad[plain.name] = "không có trang “Dữ liệu”"
    october = Period(date(2026, 10, 1), date(2026, 10, 31), "month")
    s_other, r_other = as_ward(
        settings, draft_report(register, clerk, october), ("UBND phường Bưởi", "000.17.22.H60")
    )
    bad[write(tmp_path, "thang10.xlsx", signed(r_other, vice_chair), s_other).name] = (
        "khác kỳ báo cáo: tệp là 01/10/2026 - 31/10/2026, kỳ tổng hợp là 01/11/2026 - 30/11/2026"
    )
    s_draft, r_draft = as_ward(
        settings, draft_report(register, clerk), ("UBND phường Yên Phụ", "000.17.22.H61")
    )
    bad[write(tmp_path, "nhap.xlsx", r_draft, s_draft).name] = "chưa được Phó Chủ tịch ký duyệt"
    bad[write(tmp_path, "tayho-lan2.xlsx", tay_ho, settings).name] = (
        "trùng báo cáo của mã cơ quan 000.17.22.H56"
    )
    rows = list(tay_ho.table.rows)
    rows[0] = FieldRow(rows[0].field, dataclasses.replace(rows[0].figures, resolved_early=5))
    broken = Table(tay_ho.table.period, tay_ho.table.cutoff, tuple(rows), tay_ho.table.total)
    s_bad, r_bad = as_ward(
        settings, dataclasses.replace(tay_ho, table=broken), ("UBND phường Thụy Khuê", "H62")
    )
    bad[write(tmp_path, "lech.xlsx", signed(r_bad, vice_chair), s_bad).name] = (
        "số liệu không cân đối: lĩnh vực “Hộ tịch”: đã giải quyết ≠ trước hạn + đúng hạn + quá hạn"
    )
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    bad[bomb.name] = refusal(bomb)
    assert "nén bất thường" in bad[bomb.name]
    bad["khongco.xlsx"] = "Không tìm thấy tệp khongco.xlsx"
    result = consolidate([*paths[:1], *(tmp_path / n for n in bad), *paths[1:]])
    assert {w.agency_code for w in result.wards} == {"000.17.22.H56", "000.17.22.H57", "000.17.22.H58"}
    reasons = {r.path.name: r.reason for r in result.rejected}
    assert set(reasons) == set(bad)
    for name, why in bad.items():
        assert why in reasons[name], (name, reasons[name])
    assert result.total == sum((r.table.total for r, _ in reports.values()), Figures())
    out = write_city_workbook(result, tmp_path / "thanhpho.xlsx")
    ws = load_workbook(out)[REJECTED_SHEET]
    listed = {ws.cell(r, 2).value: ws.cell(r, 5).value for r in range(2, ws.max_row + 1)}
    assert listed == reasons
    assert ws.cell(2 + list(reasons).index("lech.xlsx"), 3).value == "UBND phường Thụy Khuê"
    message = result.message()
    assert message.startswith("Đã tổng hợp 3 báo cáo, kỳ Từ ngày 01/11/2026 đến ngày 30/11/2026.")
    assert f"{len(bad)} tệp bị loại:" in message and "- nhap.xlsx: báo cáo chưa được" in message


def test_a_file_edited_after_signing_is_refused(wards, tmp_path):
    paths, _ = wards
    wb = load_workbook(paths[1])
    ws = wb[SHEET_NAME]
    col = {name: i for i, name in enumerate(HEADERS, start=1)}
    for r in (2, ws.max_row):  # the first field and the total, kept consistent with each other
        for key in ("received_total", "received_direct", "pending_total", "pending_in_time"):
            ws.cell(r, col[key]).value += 10
    wb.save(paths[1])
    assert read_workbook(paths[1]).problems() == []  # the invariants still hold ...
    result = consolidate(paths)
    assert [r.path.name for r in result.rejected] == ["quangan.xlsx"]  # ... but the signature does not
    assert "tệp đã bị sửa sau khi ký duyệt" in result.rejected[0].reason


def test_the_majority_sets_the_period_and_a_tie_goes_to_the_first_good_file(
    wards, register, clerk, vice_chair, tmp_path
):
    paths, reports = wards
    _, settings = reports["000.17.22.H56"]
    october = Period(date(2026, 10, 1), date(2026, 10, 31), "month")
    others = []
    names = ("UBND phường Bưởi", "UBND phường Yên Phụ", "UBND phường Thụy Khuê", "UBND phường Phú Thượng")
    for name, code in zip(names, ("H60", "H61", "H62", "H63"), strict=True):
        s, r = as_ward(settings, draft_report(register, clerk, october), (name, code))
        others.append(write(tmp_path, f"{code}.xlsx", signed(r, vice_chair), s))
    result = consolidate([paths[0], *others])  # four October files outvote the first, November one
    assert result.period == (october.start, october.end)
    assert [r.path.name for r in result.rejected] == ["tayho.xlsx"]
    tie = consolidate([tmp_path / "khongco.xlsx", others[0], paths[0]])
    assert tie.period == (october.start, october.end)  # the first good file decides
    assert [r.path.name for r in tie.rejected] == ["khongco.xlsx", "tayho.xlsx"]


def test_a_newer_version_replaces_the_older_and_two_different_same_versions_are_both_refused(
    wards, register, clerk, vice_chair, tmp_path
):
    paths, reports = wards
    tay_ho, settings = reports["000.17.22.H56"]
    newer = draft_report(register, clerk, version=2, supersedes=tay_ho.id)
    v2 = write(tmp_path, "tayho-v2.xlsx", signed(newer, vice_chair), settings)
    result = consolidate([paths[0], v2])
    assert [a.path.name for a in result.accepted] == ["tayho-v2.xlsx"]
    assert result.rejected[0].path.name == "tayho.xlsx"
    assert "đã có phiên bản mới hơn (phiên bản 2) trong tệp tayho-v2.xlsx" in result.rejected[0].reason
    other = write(tmp_path, "tayho-khac.xlsx", signed(draft_report(register, clerk), vice_chair), settings)
    clash = consolidate([paths[0], other, paths[1]])
    assert tay_ho.table != draft_report(register, clerk).table  # figures moved on since: a real conflict
    assert [a.data.agency_code for a in clash.accepted] == ["000.17.22.H57"]
    assert {r.path.name for r in clash.rejected} == {"tayho.xlsx", "tayho-khac.xlsx"}
    assert all("không biết tệp nào đúng" in r.reason for r in clash.rejected)


def test_nothing_good_still_writes_a_city_workbook_that_says_why(register, clerk, tmp_path):
    draft = draft_report(register, clerk, NOVEMBER)
    path = write(tmp_path, "nhap.xlsx", draft, register.settings)
    result = consolidate([path])
    assert result.accepted == () and result.total == Figures()
    assert result.period == (date(2026, 11, 1), date(2026, 11, 30))
    wb = load_workbook(write_city_workbook(result, tmp_path / "tp.xlsx"))
    assert wb[REJECTED_SHEET]["B2"].value == "nhap.xlsx"
    assert "chưa được Phó Chủ tịch ký duyệt" in wb[REJECTED_SHEET]["E2"].value
    assert consolidate([]).period is None


def test_city_workbook_is_small_and_in_times(wards, tmp_path):
    paths, _ = wards
    out = write_city_workbook(consolidate(paths), tmp_path / "tp.xlsx")
    assert out.stat().st_size < 30 * 1024
    ws = open_book(out.read_bytes())[CITY_SHEET]
    assert {c.font.name for row in ws.iter_rows() for c in row if c.value is not None} == {"Times New Roman"}
