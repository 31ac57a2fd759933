"""A signed report prints what was signed: its heading (ward, centre, place, recipient) is frozen in
its snapshot at sign-off, so changing the settings later changes neither the workbook nor the
fingerprint; a draft follows today's settings. The "Dữ liệu" sheet does not print."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core import reporting as rp
from core.periods import Period
from reports.datasheet import SHEET_NAME, read_workbook
from reports.workbook import report_workbook
from tests.helpers import PASSWORD, at, make_form


def texts(data: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(data))["Báo cáo"]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_signed_report_keeps_its_heading(register, clerk, vice_chair, admin, clock):
    d = register.intake(make_form(), clerk, at=at("2026-11-02T09:00"))
    register.apply(d.code, "resolve", clerk, at=at("2026-11-03T09:00"))
    clock.set("2026-12-01 09:00")
    period = Period(at("2026-11-01T00:00").date(), at("2026-11-30T00:00").date(), "month")
    draft = rp.prepare(register, clerk, period)
    signed = rp.sign(register, draft.id, vice_chair.login, PASSWORD)
    before = report_workbook(rp.get(register, signed.id), register.settings)
    register.update_settings(
        admin, report_to="Sở Nội vụ thành phố Hà Nội", ward_name="UBND phường Tây Hồ mới"
    )
    again = rp.get(register, signed.id)
    after = report_workbook(again, register.settings)
    assert "Đơn vị nhận báo cáo: Văn phòng UBND thành phố Hà Nội" in texts(after)
    assert "UBND PHƯỜNG TÂY HỒ" in texts(after) and "UBND PHƯỜNG TÂY HỒ MỚI" not in texts(after)
    assert texts(after) == texts(before)
    assert rp.verify(again) and again.fingerprint == signed.fingerprint
    assert read_workbook(after).ward_name == "UBND phường Tây Hồ"  # the data sheet agrees
    # a draft of another period follows today's settings
    december = Period(at("2026-12-01T00:00").date(), at("2026-12-31T00:00").date(), "month")
    fresh = rp.prepare(register, clerk, december)
    assert "Đơn vị nhận báo cáo: Sở Nội vụ thành phố Hà Nội" in texts(
        report_workbook(fresh, register.settings)
    )


def test_data_sheet_is_hidden_and_outside_the_print(register, clerk, clock):
    register.intake(make_form(), clerk, at=at("2026-11-02T09:00"))
    clock.set("2026-12-01 09:00")
    period = Period(at("2026-11-01T00:00").date(), at("2026-11-30T00:00").date(), "month")
    wb = load_workbook(io.BytesIO(report_workbook(rp.prepare(register, clerk, period), register.settings)))
    assert wb[SHEET_NAME].sheet_state == "hidden"
    assert wb["Báo cáo"].sheet_state == "visible" and wb["Báo cáo"].print_area
