"""A spreadsheet's shape cannot make a reader hold gigabytes: one row of 3 million cells.

Such a file is ~17 MB, compresses like a real sheet (so the zip-bomb checks pass it) and made
openpyxl build 3 million Python cells for its one row: 30 s and 2.2 GB. The sheet's XML is now
counted as it streams (cells per row, cells, shared strings) before any parser sees it. The read
runs in a child process with its address space capped, so the old behaviour cannot hurt the
machine running the tests.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
CELLS = 3_000_000

CHILD = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
from core.errors import MotCuaError
from core.filesafety import read_xlsx_rows
from reports.datasheet import read_workbook

for reader in (read_xlsx_rows, read_workbook):
    try:
        reader(sys.argv[1])
        print("đọc được")
    except MotCuaError as exc:
        print(exc.message)
"""


def _one_long_row(target: Path) -> Path:
    """A real workbook whose sheet1.xml is one row of ``CELLS`` numbers, streamed into the zip."""
    source = target.with_name("mau.xlsx")
    wb = Workbook()
    wb.active.append(["Mã hồ sơ", "Người nộp"])
    wb.save(source)
    with zipfile.ZipFile(source) as z:
        members = {name: z.read(name) for name in z.namelist()}
    rng = random.Random(18)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1">'
            )
            for _ in range(CELLS // 10_000):
                sheet.write(b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**7) for _ in range(10_000)))
            sheet.write(b"</row></sheetData></worksheet>")
    return target


def test_one_row_of_three_million_cells_is_refused(tmp_path):
    path = _one_long_row(tmp_path / "mot-dong.xlsx")
    size_mb = path.stat().st_size / 1e6
    assert 10 < size_mb < 40  # the file of the attack: small, compresses like a real sheet
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers = done.stdout.splitlines()
    assert len(answers) == 2, done.stdout
    for answer in answers:
        assert "một dòng hơn 1024 ô" in answer and "mot-dong.xlsx" in answer, answer
