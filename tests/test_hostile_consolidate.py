"""Hostile files for the city roll-up (``reports.consolidate``): every bad file is refused by name
with a Vietnamese reason, no exception escapes, and the good wards still roll up.

One real signed ward workbook (figures from a real register, signed as R1 signs) is built once
per module and then damaged in every way a file sent by e-mail can be.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.model import Role
from core.register import Register
from core.users import SYSTEM_USER
from reports.consolidate import consolidate
from reports.datasheet import SHEET_NAME
from reports.workbook import report_workbook
from tests.helpers import Clock
from tests.hostile_helpers import is_vietnamese, mutate
from tests.reportbook_helpers import draft_report, populate, signed

TRIED = {"files": 0}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[Path, bytes]:
    """A signed November report of a real register, as the ward would e-mail it."""
    from datetime import datetime

    from core.timeutil import VN_TZ

    clock = Clock(datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ))
    folder = tmp_path_factory.mktemp("ward")
    reg = Register.open(folder / "motcua.sqlite3", clock=clock)
    reg.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    clerk = reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, "matkhau123")
    vice = reg.add_user(SYSTEM_USER, "phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR, "matkhau123")
    populate(reg, clerk, clock)
    data = report_workbook(signed(draft_report(reg, clerk), vice), reg.settings)
    reg.close()
    path = folder / "tayho.xlsx"
    path.write_bytes(data)
    return path, data


def _rolls_up(good_path: Path, bad: Path, data: bytes = b"") -> str:
    """The good ward rolls up; the bad file is refused by name in Vietnamese (never an exception)."""
    TRIED["files"] += 1
    result = consolidate([good_path, bad])
    assert [a.path for a in result.accepted] == [good_path], result.message()
    (refused,) = result.rejected
    assert refused.path == bad
    assert is_vietnamese(refused.reason, bad.name, data.decode("utf-8", "replace")), refused.reason
    return refused.reason


def test_zero_bytes_garbage_and_missing(good, tmp_path):
    path, _ = good
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    _rolls_up(path, empty)
    garbage = tmp_path / "rac.xlsx"
    garbage.write_bytes(os.urandom(64 * 1024))
    _rolls_up(path, garbage)
    assert "Không tìm thấy" in _rolls_up(path, tmp_path / "khong-co.xlsx")


def test_wrong_headers_formulas_and_merged_cells_in_the_data_sheet(good, tmp_path):
    path, data = good
    for name, change in (
        ("sai-tieu-de.xlsx", lambda ws: ws.cell(1, 1, "Cột lạ")),
        ("cong-thuc.xlsx", lambda ws: ws.cell(2, 3, "=1/0")),  # saved by openpyxl: no cached value
        ("gop-o.xlsx", lambda ws: ws.merge_cells(start_row=2, start_column=3, end_row=3, end_column=4)),
    ):
        wb = load_workbook(io.BytesIO(data))
        change(wb[SHEET_NAME])
        target = tmp_path / name
        wb.save(target)
        _rolls_up(path, target)


def test_sparse_sheet_bomb(good, tmp_path):
    """A few kilobytes whose "Dữ liệu" sheet has one cell at XFD1048576: read naively, openpyxl
    would hand over a million rows of 16,384 empty cells. It is refused, quickly."""
    path, _ = good
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws["A1"] = "Lĩnh vực"
    ws["XFD1048576"] = 1
    bomb = tmp_path / "thua.xlsx"
    wb.save(bomb)
    assert bomb.stat().st_size < 10_000
    assert "có quá" in _rolls_up(path, bomb)  # stopped counting rows, not read to the end


def test_zip_bomb(good, tmp_path):
    path, data = good
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, src.read(name))
        z.writestr("xl/media/image9.xml", b"<a/>" * (4 << 20))  # 16 MB in ~16 KB
    assert "độc hại" in _rolls_up(path, bomb)


def good_total(path: Path):
    return consolidate([path]).total


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["random", "truncate", "flip"]),
    data=st.binary(max_size=4000),
    seed=st.integers(0, 2**32),
)
def test_random_and_mutated_workbooks_never_crash(good, tmp_path, kind, data, seed):
    path, original = good
    if kind != "random":
        data = mutate(original, seed, kind)
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(data)
    TRIED["files"] += 1
    result = consolidate([path, bad])
    # a flip that spared the figures leaves two copies of one report: one rolls up, never both
    assert len(result.accepted) == 1 and result.total == good_total(path), result.message()
    for r in result.rejected:
        assert is_vietnamese(r.reason, bad.name), r.reason


@pytest.fixture(scope="module", autouse=True)
def _print_tried():
    """After this module's tests: how many hostile files they tried, for docs/trust.md (run the file
    alone with -s). Printed, not asserted: each test checks its own inputs, whatever runs before."""
    yield
    print(f"\nHostile files tried on the city roll-up: {TRIED['files']}")


# --- hostile PDFs beside the workbooks (issue 19) ------------------------------------------------
def test_hostile_pdfs_are_named_and_the_good_ward_still_rolls_up(good, tmp_path):
    """A PDF that is not one, is empty, is a mutated real PDF, carries no MotCua data or has no
    workbook: each refused by name (no exception), the good ward's workbook still rolls up."""
    from reports.signing.verify import load_trust_roots
    from tests.signing_ca import throwaway_ca

    good_path, _ = good
    roots = load_trust_roots(throwaway_ca().trust_dir(tmp_path / "goc"))
    real = _plain_pdf()
    bad = {
        "rong.pdf": b"",
        "chu.pdf": "Đây không phải PDF".encode(),
        "dau-pdf.pdf": b"%PDF-1.7\n" + os.urandom(4000),
        "khong-ky.pdf": real,
        **{f"cat-{i}.pdf": mutate(real, i, "truncate") for i in range(3)},
        **{f"dao-{i}.pdf": mutate(real, i, "flip") for i in range(3)},
    }
    paths = []
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    result = consolidate([good_path, *paths], trust_roots=roots)
    assert [a.path for a in result.accepted] == [good_path], result.message()
    refused = {r.path.name: r.reason for r in result.rejected}
    assert set(refused) == set(bad)
    for name, reason in refused.items():
        assert is_vietnamese(reason), (name, reason)
        assert "không có tệp Excel của cùng báo cáo" in reason
    # the same files sent as the ward's own PDF (same name as its workbook): the ward is refused,
    # the PDF named, never an exception
    for name, data in bad.items():
        twin = tmp_path / "ward" / f"{good_path.stem}.pdf"
        twin.parent.mkdir(exist_ok=True)
        twin.write_bytes(data)
        result = consolidate([good_path, twin], trust_roots=roots)
        assert not result.accepted, name
        (refused_ward,) = result.rejected
        assert refused_ward.path == good_path and twin.name in refused_ward.reason, refused_ward.reason
        assert is_vietnamese(refused_ward.reason)


def _plain_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    c = Canvas(out)
    c.drawString(72, 720, "Bao cao")
    c.showPage()
    c.save()
    return out.getvalue()
