"""What the hostile-file guards cost, beside a bare baseline measured in the same run.

    .venv/bin/python bench/bench_filesafety.py [rows]

1. A 100,000-row sheet: ``core.filesafety.read_xlsx_rows`` (zip check, merged-cell scan, row and
   column limits) against bare ``openpyxl`` read-only ``iter_rows`` on the same file.
2. A sparse-sheet bomb (one cell at XFD1048576, a few KB). The bare baseline materialises rows as
   the procedure import did before the guard (one text per cell): timed on the first 2,000 rows of
   16,384 cells and extrapolated to the 1,048,576 rows it would walk. The guarded reader stops at
   the row limit.

CPU time (``time.process_time``), best of two runs each, alternating: the machine is shared.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

from core.errors import MotCuaError  # noqa: E402
from core.filesafety import read_xlsx_rows  # noqa: E402


def bare(path: Path, limit: int | None = None) -> int:
    """Rows as lists of text, as the procedure import read them before the guard."""
    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            ["" if v is None else str(v) for v in row]
            n += 1
            if limit and n >= limit:
                break
        return n
    finally:
        wb.close()


def guarded(path: Path) -> str:
    try:
        return f"{len(read_xlsx_rows(path))} rows"
    except MotCuaError as exc:
        return f"refused: {exc.message}"


def timed(fn, path: Path) -> tuple[float, object]:
    start = time.process_time()
    result = fn(path)
    return time.process_time() - start, result


def best_of_two(a, b, path: Path) -> tuple[tuple[float, object], tuple[float, object]]:
    runs_a, runs_b = [], []
    for _ in range(2):
        runs_a.append(timed(a, path))
        runs_b.append(timed(b, path))
    return min(runs_a, key=lambda r: r[0]), min(runs_b, key=lambda r: r[0])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    folder = Path(tempfile.mkdtemp(prefix="bench-filesafety-"))
    big = folder / "lon.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Số ngày làm việc"])
    for i in range(rows):
        ws.append([f"8.{i:06d}", f"Thủ tục số {i}", f"Lĩnh vực {i % 40}", i % 30])
    wb.save(big)
    sparse = folder / "thua.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Mã thủ tục"
    wb.active["XFD1048576"] = 1
    wb.save(sparse)

    print(f"{rows:,}-row sheet ({big.stat().st_size / 1e6:.1f} MB on disk), CPU seconds")
    (t_bare, n), (t_safe, what) = best_of_two(bare, guarded, big)
    print(f"  bare openpyxl read-only : {t_bare:6.2f} s  ({n} rows)")
    print(f"  read_xlsx_rows          : {t_safe:6.2f} s  ({what}; {100 * (t_safe / t_bare - 1):+.0f}%)")
    print(f"sparse-sheet bomb ({sparse.stat().st_size:,} bytes on disk), CPU seconds")
    t_bare, n = timed(lambda p: bare(p, 2000), sparse)
    whole = t_bare * 1_048_576 / n
    print(f"  bare, first {n:,} rows   : {t_bare:6.2f} s  -> all 1,048,576 rows ~{whole:,.0f} s")
    t_safe, what = timed(guarded, sparse)
    print(f"  read_xlsx_rows          : {t_safe:6.2f} s  ({what})")


if __name__ == "__main__":
    main()
