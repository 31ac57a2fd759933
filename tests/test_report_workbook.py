"""The report workbook and the end-of-day summary workbook, read back with openpyxl.

Figures come from a real register (tests/reportbook_helpers.populate) through core.stats.compute;
the workbooks are opened again and checked cell by cell: headings, numbers as numbers, print set-up,
size, and the "Dữ liệu" sheet read back by the same reader the city roll-up uses.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from core import reporting
from core.periods import Period
from core.stats import KEYS, TOTAL_LABEL, FieldRow, Figures, Table, day_summary
from reports.datasheet import HEADERS, SHEET_NAME, DatasheetError, read_workbook
from reports.workbook import (
    DRAFT_MARK,
    TITLE,
    day_summary_filename,
    day_summary_workbook,
    report_filename,
    report_workbook,
    safe_filename,
)
from tests.helpers import PASSWORD, make_form
from tests.reportbook_helpers import NOTES, NOVEMBER, draft_report, open_book, populate, signed


@pytest.fixture
def month(register, clerk, clock, vice_chair):
    populate(register, clerk, clock)
    draft = draft_report(register, clerk)
    return draft, signed(draft, vice_chair)


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def first_data_row(ws) -> int:
    return ws[ws.freeze_panes].row


def test_table_holds_the_figures_as_integers(month, register):
    _, report = month
    ws = open_book(report_workbook(report, register.settings))["Báo cáo"]
    r = first_data_row(ws)
    assert [row.field for row in report.table.rows] == ["Hộ tịch", "Chứng thực", "Cư trú", "Bảo trợ xã hội",
                                                        "Xây dựng"]  # fmt: skip
    for i, field_row in enumerate(report.table.rows, start=1):
        assert ws.cell(r, 1).value == i
        assert ws.cell(r, 2).value == field_row.field
        values = [ws.cell(r, c).value for c in range(3, 14)]
        assert values == [getattr(field_row.figures, k) for k in KEYS]
        assert all(type(v) is int for v in values)
        r += 1
    assert ws.cell(r, 1).value == TOTAL_LABEL
    assert [ws.cell(r, c).value for c in range(3, 14)] == [getattr(report.table.total, k) for k in KEYS]
    assert report.table.total.received_total == 7 and report.table.total.pending_overdue == 1
    formulas = [c.coordinate for wsx in (ws,) for row in wsx.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_heading_and_header_layout_are_the_official_ones(month, register):
    _, report = month
    ws = open_book(report_workbook(report, register.settings))["Báo cáo"]
    assert ws["A1"].value == "UBND PHƯỜNG TÂY HỒ"
    assert ws["F1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and ws["F1"].font.b
    assert ws["F2"].value == "Độc lập - Tự do - Hạnh phúc" and ws["F2"].font.u == "single"
    assert ws["F3"].value == "Tây Hồ, ngày 23 tháng 11 năm 2026" and ws["F3"].font.i
    found = texts(ws)
    assert TITLE in found
    assert "Kỳ báo cáo: Từ ngày 01/11/2026 đến ngày 30/11/2026" in found
    assert "Đơn vị báo cáo: UBND phường Tây Hồ" in found
    assert "Đơn vị nhận báo cáo: Văn phòng UBND thành phố Hà Nội" in found
    assert "Đơn vị tính: Số hồ sơ TTHC." in found
    top = first_data_row(ws) - 4
    merged = {str(m) for m in ws.merged_cells.ranges}
    expect = {
        (f"A{top}:A{top + 2}", "STT"),
        (f"B{top}:B{top + 2}", "Lĩnh vực, công việc giải quyết theo cấp"),
        (f"C{top}:F{top}", "Số hồ sơ nhận giải quyết"),
        (f"G{top}:J{top}", "Số hồ sơ đã giải quyết"),
        (f"K{top}:M{top}", "Số hồ sơ đang giải quyết"),
        (f"C{top + 1}:C{top + 2}", "Tổng số"),
        (f"D{top + 1}:E{top + 1}", "Số mới tiếp nhận"),
        (f"F{top + 1}:F{top + 2}", "Từ kỳ trước"),
        (f"H{top + 1}:J{top + 1}", "Trong đó"),
        (f"L{top + 1}:M{top + 1}", "Trong đó"),
    }
    for rng, title in expect:
        assert rng in merged, rng
        assert ws[rng.split(":")[0]].value == title
    leaves = [ws.cell(top + 2, c).value for c in (4, 5, 8, 9, 10, 12, 13)]
    assert leaves == ["Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Trước hạn", "Đúng hạn", "Quá hạn",
                      "Trong hạn", "Quá hạn"]  # fmt: skip
    assert [ws.cell(top + 3, c).value for c in range(1, 14)] == [f"({i})" for i in range(1, 14)]
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Times New Roman"}
    assert all(unicodedata.is_normalized("NFC", t) for t in found)


def test_print_setup_one_page_wide_with_repeated_header(month, register):
    _, report = month
    data = report_workbook(report, register.settings)
    ws = open_book(data)["Báo cáo"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    first = first_data_row(ws)
    assert ws.freeze_panes == f"C{first}"
    assert ws.print_title_rows == f"${first - 4}:${first - 1}"
    assert len(data) < 30 * 1024


def test_workbook_stays_small_with_many_fields_and_full_notes(month, register):
    _, report = month
    base = report.table.rows
    rows = tuple(FieldRow(f"{r.field} (nhóm {n})", r.figures) for n in range(8) for r in base)
    total = sum((r.figures for r in rows), Figures())
    table = Table(report.table.period, report.table.cutoff, rows, total)
    long = "Nội dung dài của ghi chú báo cáo nhanh, có đủ dấu tiếng Việt. " * 64
    big = dataclasses.replace(report, table=table, highlights=long[:4000], difficulties=long[:4000],
                              proposals=long[:4000])  # fmt: skip
    data = report_workbook(big, register.settings)
    assert len(data) < 30 * 1024, len(data)
    ws = open_book(data)["Báo cáo"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == long[:4000].strip())
    assert ws.row_dimensions[cell.row].height > 100  # the whole note shows, not one clipped line
    assert read_workbook(data).total == total


def test_signed_block_names_signer_time_and_fingerprint(month, register):
    _, report = month
    found = texts(open_book(report_workbook(report, register.settings))["Báo cáo"])
    assert "NGƯỜI LẬP BIỂU" in found and "Nguyễn Thị Thu Hà" in found
    assert "PHÓ CHỦ TỊCH" in found and "Phạm Quang Vinh" in found
    assert "Phó Chủ tịch UBND phường" in found
    assert "Đã ký duyệt lúc 16 giờ 30 phút, ngày 23 tháng 11 năm 2026" in found
    assert len(report.fingerprint) == 64
    grouped = " ".join(report.fingerprint[i : i + 8] for i in range(0, 64, 8))
    assert f"Mã xác thực số liệu (SHA-256): {grouped}" in found
    assert not any(DRAFT_MARK in t for t in found)


def test_draft_is_marked_and_carries_no_sign_off(month, register):
    draft, _ = month
    found = texts(open_book(report_workbook(draft, register.settings))["Báo cáo"])
    assert found.count(DRAFT_MARK) == 2  # beside the heading and in the sign-off block
    assert "PHÓ CHỦ TỊCH" in found and "Phạm Quang Vinh" not in found
    assert not any("SHA-256" in t or "Đã ký duyệt lúc" in t for t in found)


def test_notes_are_written_and_empty_ones_say_so(month, register):
    draft, _ = month
    found = texts(open_book(report_workbook(draft, register.settings))["Báo cáo"])
    for heading, text in zip(
        ("1. Kết quả nổi bật:", "2. Khó khăn, vướng mắc:", "3. Đề xuất, kiến nghị:"),
        NOTES.values(),
        strict=True,
    ):
        assert found[found.index(heading) + 1] == text
    empty = dataclasses.replace(draft, highlights="", proposals="  ")
    found = texts(open_book(report_workbook(empty, register.settings))["Báo cáo"])
    assert found[found.index("1. Kết quả nổi bật:") + 1] == "Không có."
    assert found[found.index("3. Đề xuất, kiến nghị:") + 1] == "Không có."
    assert any(t.startswith("Ghi chú: Hồ sơ rút, dừng giải quyết") for t in found)


def test_data_sheet_round_trips(month, register):
    draft, report = month
    data = report_workbook(report, register.settings)
    ws = open_book(data)[SHEET_NAME]
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert ws.max_row == 1 + len(report.table.rows) + 1
    last = [c.value for c in ws[ws.max_row]]
    assert last[10] == TOTAL_LABEL and last[11:] == [getattr(report.table.total, k) for k in KEYS]
    assert ws["C2"].value == "2026-11-01" and ws["D2"].value == "2026-11-30"
    assert ws["I2"].value == "2026-11-23T16:30:00+07:00"
    back = read_workbook(data)
    assert back.agency_code == "000.17.22.H56" and back.ward_name == "UBND phường Tây Hồ"
    assert back.period == (date(2026, 11, 1), date(2026, 11, 30))
    assert (back.report_id, back.version, back.status) == (7, 1, "signed")
    assert back.signed_by == "Phạm Quang Vinh" and back.fingerprint == report.fingerprint
    assert back.rows == report.table.rows and back.total == report.table.total
    assert back.is_signed and back.fingerprint_ok and back.problems() == []
    unsigned = read_workbook(report_workbook(draft, register.settings))
    assert (unsigned.status, unsigned.signed_by, unsigned.signed_at, unsigned.fingerprint) == (
        "draft",
        "",
        None,
        "",
    )
    assert not unsigned.is_signed and not unsigned.fingerprint_ok


def test_real_sign_off_gives_a_fingerprint_the_reader_verifies(register, clerk, clock, vice_chair):
    populate(register, clerk, clock)
    draft = reporting.prepare(register, clerk, NOVEMBER)
    report = reporting.sign(register, draft.id, vice_chair.login, PASSWORD)
    back = read_workbook(report_workbook(report, register.settings))
    assert back.is_signed and back.fingerprint_ok
    assert back.report_id == report.id and back.signed_at == report.signed_at


def test_empty_period_still_gives_a_table_with_its_total(register, clerk, vice_chair):
    report = signed(draft_report(register, clerk, Period(date(2026, 1, 1), date(2026, 1, 31))), vice_chair)
    data = report_workbook(report, register.settings)
    ws = open_book(data)["Báo cáo"]
    r = first_data_row(ws)
    assert ws.cell(r, 1).value == TOTAL_LABEL and [ws.cell(r, c).value for c in range(3, 14)] == [0] * 11
    back = read_workbook(data)
    assert back.rows == () and back.total == Figures() and back.fingerprint_ok


def test_datasheet_reader_names_what_is_wrong(month, register, tmp_path):
    _, report = month
    data = report_workbook(report, register.settings)

    def broken(edit) -> str:
        wb = open_book(data)
        edit(wb)
        path = tmp_path / "x.xlsx"
        wb.save(path)
        with pytest.raises(DatasheetError) as err:
            read_workbook(path)
        return err.value.message

    assert "không có trang “Dữ liệu”" in broken(lambda wb: wb.remove(wb[SHEET_NAME]))
    assert "Dòng tiêu đề" in broken(lambda wb: wb[SHEET_NAME].cell(1, 12, "tong_so"))
    assert "không phải số nguyên" in broken(lambda wb: wb[SHEET_NAME].cell(2, 12, "năm"))
    assert "cột agency_code khác dòng 2" in broken(lambda wb: wb[SHEET_NAME].cell(3, 1, "000.99"))
    assert "thiếu dòng cuối" in broken(lambda wb: wb[SHEET_NAME].delete_rows(wb[SHEET_NAME].max_row))
    assert "không phải ngày" in broken(
        lambda wb: [wb[SHEET_NAME].cell(r, 3, "1/11/2026") for r in range(2, 8)]
    )
    assert "bị lặp" in broken(lambda wb: wb[SHEET_NAME].cell(3, 11, "Hộ tịch"))


def test_day_summary_workbook(register, clerk, clock):
    populate(register, clerk, clock)
    clock.set("2026-11-23 10:00")
    first = register.intake(make_form("1.001193"), clerk)
    register.intake(make_form("1.001193", applicant="Ngô Văn Khải"), clerk)
    register.apply(first.code, "resolve", clerk)
    register.add_difficulty(clerk, "Thiếu bản chính giấy chứng sinh, hẹn công dân quay lại", first.code)
    clock.set("2026-11-23 17:00")
    summary = day_summary(register)
    data = day_summary_workbook(summary, register.settings)
    assert len(data) < 30 * 1024
    ws = open_book(data).active
    heading = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Nội dung")
    end = next(r for r in range(heading, ws.max_row + 1) if ws.cell(r, 2).value is None)
    rows = {ws.cell(r, 2).value: ws.cell(r, 6).value for r in range(heading + 1, end)}
    assert rows["Tiếp nhận trong ngày"] == 2 and rows["- Hộ tịch"] == 2
    assert rows["Có kết quả trong ngày"] == 1
    assert (
        rows["Quá hạn, chưa có kết quả (tính đến 17:00 23/11/2026)"] == summary.overdue == 2
    )  # October's Cư trú, today's open one
    assert (
        rows[f"Đến hạn trả ngày làm việc tiếp theo ({summary.next_working_day:%d/%m/%Y})"] == summary.due_next
    )
    assert len(rows) == 6 and all(type(v) is int for v in rows.values())
    found = texts(ws)
    assert "TỔNG HỢP CUỐI NGÀY" in found and "Ngày 23/11/2026 - số liệu tính đến 17:00 23/11/2026" in found
    assert "Thiếu bản chính giấy chứng sinh, hẹn công dân quay lại" in found
    assert "1.001193 - Đăng ký khai sinh" in found and first.code in found
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (
        day_summary_filename(summary, register.settings)
        == "Tổng hợp cuối ngày_UBND phường Tây Hồ_2026-11-23.xlsx"
    )


def test_report_filenames_are_safe_and_keep_vietnamese(month, register):
    draft, report = month
    assert (
        report_filename(report, register.settings)
        == "Báo cáo TTHC_UBND phường Tây Hồ_2026-11-01_2026-11-30_v1.xlsx"
    )
    assert report_filename(draft, register.settings).endswith("_v1_bản nháp.xlsx")
    assert safe_filename('a<b>:c"/d\\e|f?g*\x01 . ') == "a-b--c--d-e-f-g--.xlsx"
    assert safe_filename("CON") == "_CON.xlsx" and safe_filename("") == "_.xlsx"
    decomposed = unicodedata.normalize("NFD", "Phường Hồ")
    assert safe_filename(decomposed) == "Phường Hồ.xlsx" and unicodedata.is_normalized(
        "NFC", safe_filename(decomposed)
    )
    assert len(safe_filename("x" * 500)) == 120 + len(".xlsx")


def test_no_merged_cell_hides_a_value(month, register):
    """Every value sits in the top-left cell of its merge (a value under a merge is never shown)."""
    _, report = month
    ws = open_book(report_workbook(report, register.settings))["Báo cáo"]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c, MergedCell):
                assert c.value is None


def test_keep_together_moves_a_block_that_would_straddle_a_page_end():
    from openpyxl import Workbook

    from reports.xlsxkit import keep_together, print_setup

    wb = Workbook()
    ws = wb.active
    for c in "ABCDEFGHIJKLM":
        ws.column_dimensions[c].width = 8  # 13 narrow columns: printed at 100 %
    print_setup(ws, "1:2")
    for r in range(1, 61):
        ws.row_dimensions[r].height = 16
    # A4 landscape minus 0.5" margins top and bottom leaves 523 pt: 32 rows of 16 pt.
    assert not keep_together(ws, 5, 12, (1, 2))  # well inside page 1
    assert not keep_together(ws, 25, 32, (1, 2))  # ends on the last row that fits
    assert keep_together(ws, 29, 36, (1, 2))  # would run from page 1 onto page 2
    assert [b.id for b in ws.row_breaks.brk] == [28]
    assert not keep_together(ws, 2, 60, (1, 2))  # taller than a page: nothing to gain


def test_sign_off_block_starts_a_page_rather_than_splitting(month, register):
    _, report = month
    breaks = []
    for lines in range(0, 60, 3):
        text = "\n".join(f"Dòng {i + 1} của phần kết quả nổi bật." for i in range(lines))
        ws = open_book(report_workbook(dataclasses.replace(report, highlights=text), register.settings))[
            "Báo cáo"
        ]
        preparer = next(c.row for row in ws.iter_rows() for c in row if c.value == "NGƯỜI LẬP BIỂU")
        found = [b.id for b in ws.row_breaks.brk]
        assert found in ([], [preparer - 1])
        breaks += found
    assert breaks  # some note length pushed the block over a page end
    assert open_book(report_workbook(report, register.settings))["Báo cáo"].row_breaks.brk == []


NAME_CHARS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữựĐƯÂ0123456789 -,.()=/'\"&<>"
consistent = st.tuples(*(st.integers(0, 10**6) for _ in range(3)), *(st.floats(0, 1) for _ in range(4))).map(
    lambda t: _figures(*t)
)


def _figures(online, direct, carried, a, b, c, d) -> Figures:
    total = online + direct + carried
    resolved = int(total * a)
    early = int(resolved * b)
    late = int((resolved - early) * c)
    pending = total - resolved
    overdue = int(pending * d)
    return Figures(total, online, direct, carried, resolved, early, resolved - early - late, late,
                   pending, pending - overdue, overdue)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.text(NAME_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool), consistent),
        max_size=8,
        unique_by=lambda r: r[0],
    ).filter(lambda rs: all(name != TOTAL_LABEL for name, _ in rs)),
    note=st.text(max_size=300),
)
@example(rows=[("=SUM(A1:A2)", Figures(1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0))], note="=1+1\x0b\tđã\x00")
def test_any_consistent_table_round_trips_through_the_data_sheet(month, register, rows, note):
    _, report = month
    field_rows = tuple(FieldRow(name, figs) for name, figs in rows)
    table = Table(
        report.table.period, report.table.cutoff, field_rows, sum((r.figures for r in field_rows), Figures())
    )
    mine = dataclasses.replace(report, table=table, highlights=note, difficulties="=> " + note)
    mine = dataclasses.replace(mine, fingerprint=mine.computed_fingerprint())
    data = report_workbook(mine, register.settings)
    back = read_workbook(data)
    assert back.rows == field_rows and back.total == table.total
    assert back.fingerprint_ok and back.problems() == []
    ws = open_book(data)["Báo cáo"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
