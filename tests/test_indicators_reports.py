"""The indicators where the ward reads them: the report workbook's short second table (read back
with openpyxl: one page wide, under 30 KB), the e-mail body, ``motcua indicators``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from core import indicators
from core import reporting as rp
from core.periods import Period
from reports.email_body import report_bodies
from reports.indicators_table import SHEET, TITLE
from reports.workbook import report_workbook
from tests.helpers import at, make_form
from tests.test_attach_samples import jpeg_bytes

ROOT = Path(__file__).resolve().parent.parent
NOV = Period(at("2026-11-01T00:00:00").date(), at("2026-11-30T00:00:00").date())


def _ward(register, clerk, clock):
    clock.set("2026-12-10T09:00:00")
    for i, channel in enumerate(["truc-tiep", "truc-tiep", "truc-tuyen", "buu-chinh"]):
        d = register.intake(
            make_form(
                channel=channel, fee_collected=20_000 * (i % 2), payment="truc-tuyen" if i == 1 else ""
            ),
            clerk,
            at=at(f"2026-11-0{i + 2}T08:00:00"),
        )
        clock.set(f"2026-11-0{i + 2}T08:10:00")  # scanned at the counter, as it was received
        for n in (1, 2):
            register.attach(d.code, jpeg_bytes(10 * i + n), clerk, document=n, name=f"{n}.jpg")
        clock.set("2026-12-10T09:00:00")
        register.apply(d.code, "resolve", clerk, at=at(f"2026-11-0{i + 5}T10:00:00"))
        register.apply(d.code, "return", clerk, at=at(f"2026-11-1{i}T10:00:00"), satisfaction="hai-long")
    return register


def test_the_workbook_has_the_indicators_table_one_page_wide_and_small(register, clerk, clock):
    _ward(register, clerk, clock)
    report = rp.prepare(register, clerk, NOV)
    result = indicators.compute(register, NOV)
    data = report_workbook(report, register.settings, result)
    assert len(data) < 30 * 1024, len(data)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["Báo cáo", SHEET]
    ws = wb[SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == TITLE and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in values[1][0]
    assert values[3] == ["Nhóm chỉ số", "Chỉ số", "Kết quả", "Cách tính"]
    lines = values[4 : 4 + len(result.items)]
    assert [row[1] for row in lines] == [i.label for i in result.items]
    assert [row[3] for row in lines] == [i.definition for i in result.items]
    assert [row[0] for row in lines][:3] == ["Tiến độ giải quyết", None, "Dịch vụ công trực tuyến"]
    assert lines[0][2].startswith(result["progress"].value_text) and "hồ sơ" in lines[0][2]
    assert lines[6][2] == "100,0 %\n(3/3 hồ sơ)"  # the three paper dossiers, both documents scanned
    assert values[4 + len(result.items) + 1][0] == indicators.FOOTNOTE
    # one A4 page wide, its own heading row repeated, nothing of the report's above it
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.orientation == "portrait" and ws.print_title_rows == "$4:$4"
    # the report's sheet is the document that was signed, unchanged by the indicators
    plain = load_workbook(io.BytesIO(report_workbook(report, register.settings)))
    report_sheet = [[c.value for c in row] for row in wb["Báo cáo"].iter_rows()]
    assert report_sheet == [[c.value for c in row] for row in plain["Báo cáo"].iter_rows()]
    assert SHEET not in plain.sheetnames


def test_the_email_body_carries_each_indicator_with_its_definition(register, clerk, clock):
    _ward(register, clerk, clock)
    report = rp.prepare(register, clerk, NOV)
    result = indicators.compute(register, NOV)
    text, html = report_bodies(report, register.settings, result)
    for item in result.items:
        assert f"- {item.label}: {item.value_text}" in text
        assert item.definition in text and item.definition in html
    assert text.index(TITLE) < text.index("Trân trọng")
    plain, _ = report_bodies(report, register.settings)
    assert TITLE not in plain


def test_motcua_indicators_prints_figures_beside_definitions(register, clerk, clock, db_path):
    _ward(register, clerk, clock)
    register.close()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "MOTCUA_NOW": "2026-12-10T09:00"}
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True}
    base = [sys.executable, "-m", "cli.main", "--db", str(db_path), "indicators", "--from", "2026-11-01"]
    done = subprocess.run(
        [*base, "--to", "2026-11-30", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    by_key = {i["key"]: i for i in data["indicators"]}
    assert (by_key["online"]["part"], by_key["online"]["whole"]) == (1, 4)
    assert (by_key["online_payment"]["part"], by_key["online_payment"]["whole"]) == (1, 2)
    assert (by_key["satisfaction"]["share"], by_key["rated"]["whole"]) == (1.0, 4)
    assert (by_key["digitised_intake"]["part"], by_key["digitised_intake"]["whole"]) == (3, 3)
    assert all(i["definition"] for i in data["indicators"])
    done = subprocess.run([*base, "--to", "2026-11-30"], **run)
    assert done.returncode == 0 and "Cách tính:" in done.stdout and "Số hóa hồ sơ" in done.stdout
    bad = subprocess.run([*base, "--to", "2026-10-01"], **run)
    assert bad.returncode == 2 and "trước ngày đầu" in bad.stderr
