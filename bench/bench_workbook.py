"""Benchmark of the report workbook and the city roll-up, each beside bare openpyxl.

- writing one ward's report workbook (heading, table, notes, sign-off, "Dữ liệu" sheet) beside a
  bare openpyxl workbook holding the same numbers in one sheet with no styling;
- rolling up N ward files (safety check, reading and checking every "Dữ liệu" sheet, fingerprints)
  and writing the city workbook, beside bare ``load_workbook(read_only=True)`` + reading every row
  of the same files.

Figures are synthetic but consistent (the invariants hold); no database is needed.
Run: ``.venv/bin/python bench/bench_workbook.py [--wards 100] [--fields 12]``.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from openpyxl import Workbook, load_workbook  # noqa: E402
from timing import median_ms  # noqa: E402  (bench/ is on sys.path when run)

from core.periods import Period  # noqa: E402
from core.reporting import SIGNED, Report  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.stats import KEYS, FieldRow, Figures, Table  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402
from reports.consolidate import consolidate, write_city_workbook  # noqa: E402
from reports.workbook import report_workbook  # noqa: E402

FIELDS = (
    "Hộ tịch",
    "Chứng thực",
    "Cư trú",
    "Đất đai",
    "Xây dựng",
    "Bảo trợ xã hội",
    "Kinh doanh",
    "Lao động - Thương binh và Xã hội",
    "Tư pháp",
    "Giáo dục",
    "Y tế",
    "Văn hóa",
)


def figures(rng: random.Random) -> Figures:
    online, direct, carried = rng.randint(0, 300), rng.randint(0, 900), rng.randint(0, 200)
    total = online + direct + carried
    resolved = rng.randint(0, total)
    early = rng.randint(0, resolved)
    late = rng.randint(0, resolved - early)
    pending = total - resolved
    overdue = rng.randint(0, pending)
    return Figures(
        total,
        online,
        direct,
        carried,
        resolved,
        early,
        resolved - early - late,
        late,
        pending,
        pending - overdue,
        overdue,
    )


def ward_report(rng: random.Random, n: int, fields: int) -> tuple[Report, Settings]:
    period = Period(date(2026, 10, 15), date(2026, 11, 14), "official-month")
    rows = tuple(
        FieldRow(FIELDS[i % len(FIELDS)] + ("" if i < len(FIELDS) else f" {i}"), figures(rng))
        for i in range(fields)
    )
    table = Table(
        period, datetime(2026, 11, 15, tzinfo=VN_TZ), rows, sum((r.figures for r in rows), Figures())
    )
    code = f"000.17.22.H{n:03d}"
    report = Report(
        id=n,
        table=table,
        created_by_name="Nguyễn Thị Thu Hà",
        agency_code=code,
        highlights="Giải quyết đúng hạn 98% hồ sơ.",
        difficulties="Đường truyền chậm.",
        proposals="Cấp thêm máy quét.",
    )
    report = replace(
        report,
        status=SIGNED,
        signed_at=datetime(2026, 11, 14, 16, 30, tzinfo=VN_TZ),
        signed_by="pct",
        signed_by_name="Phạm Quang Vinh",
        signed_by_title="Phó Chủ tịch UBND",
        fingerprint=report.computed_fingerprint(),
    )
    return report, Settings(ward_name=f"UBND phường Số {n}", agency_code=code, place_name=f"Số {n}")


def bare_workbook(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in report.table.rows:
        ws.append([r.field, *(getattr(r.figures, k) for k in KEYS)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bare_read(paths: list[Path]) -> int:
    cells = 0
    for p in paths:
        wb = load_workbook(p, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return cells


def bare_city(result) -> bytes:
    wb = Workbook()
    ws = wb.active
    for w in result.wards:
        ws.append([w.ward_name, *(getattr(w.total, k) for k in KEYS)])
    for field in result.fields:
        for w, f in result.field_rows(field):
            ws.append([w.ward_name, *(getattr(f, k) for k in KEYS)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wards", type=int, default=100)
    ap.add_argument("--fields", type=int, default=12)
    args = ap.parse_args()
    rng = random.Random(6)
    report, settings = ward_report(rng, 1, args.fields)
    ours = median_ms(lambda: report_workbook(report, settings), 20)
    bare = median_ms(lambda: bare_workbook(report), 20)
    size = len(report_workbook(report, settings))
    print(
        f"one report workbook ({args.fields} fields): MotCua {ours:.1f} ms, {size / 1024:.1f} KB; "
        f"bare openpyxl (values only) {bare:.1f} ms; ratio {ours / bare:.1f}x"
    )
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n in range(1, args.wards + 1):
            r, s = ward_report(rng, n, args.fields)
            path = Path(tmp) / f"ward{n}.xlsx"
            path.write_bytes(report_workbook(r, s))
            paths.append(path)
        t = time.perf_counter()
        result = consolidate(paths)
        read_time = time.perf_counter() - t
        t = time.perf_counter()
        out = write_city_workbook(result, Path(tmp) / "city.xlsx")
        write_time = time.perf_counter() - t
        t = time.perf_counter()
        bare_read(paths)
        bare_time = time.perf_counter() - t
        t = time.perf_counter()
        bare_city(result)
        bare_write = time.perf_counter() - t
        print(
            f"roll-up of {args.wards} ward files: MotCua read+check {read_time:.2f} s, "
            f"city workbook {write_time:.2f} s ({out.stat().st_size / 1024:.0f} KB, "
            f"{len(result.accepted)} accepted, {len(result.rejected)} rejected); "
            f"bare openpyxl read of every sheet {bare_time:.2f} s; ratio {read_time / bare_time:.1f}x"
        )
        print(
            f"city workbook write: MotCua {write_time:.2f} s; bare openpyxl write of the same rows "
            f"(values only, one sheet) {bare_write:.2f} s; ratio {write_time / bare_write:.1f}x"
        )


if __name__ == "__main__":
    main()
