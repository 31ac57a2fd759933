"""Benchmark: importing a 100,000-row old register (xlsx, then csv) beside bare baselines.

Baselines measured in the same run on the same files: openpyxl's read-only iteration of the
workbook (the floor for reading any xlsx), csv.reader over the decoded text, and a bare
``executemany`` of the same dossier rows into a fresh database of the same schema (the floor for
writing them, triggers and indexes included). Run:
``.venv/bin/python bench/bench_import.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import register_import as ri  # noqa: E402
from core.legacy_text import encode_tcvn3, encode_vni  # noqa: E402
from core.register import Register  # noqa: E402
from core.register_file import LABELS  # noqa: E402
from core.storage.dossiers import _IMPORT_SQL  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402
from core.users import SYSTEM_USER  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLES = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Khánh", "Lan", "Minh", "Tuấn", "Ưởng", "Yến"]
STATUSES = ["Đã trả kết quả", "Đã có kết quả", "Đang giải quyết", "Từ chối", "", "Chờ bổ sung"]


def rows(count: int, procedures: list[str]) -> list[list]:
    rng = random.Random(7)
    start = datetime(2022, 1, 3, 8, 0)
    out = []
    for i in range(count):
        received = start + timedelta(minutes=int(i * (4.5 * 365 * 24 * 60 / count)))
        received = received.replace(hour=8 + rng.randrange(8))
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        address = f"Số {rng.randrange(1, 200)} Âu Cơ, phường Tây Hồ"
        kind = rng.random()
        if kind < 0.15:
            name, address = encode_tcvn3(name), encode_tcvn3(address)
        elif kind < 0.25:
            name, address = encode_vni(name), encode_vni(address)
        status = rng.choice(STATUSES)
        outcome = returned = ""
        if status in ("Đã trả kết quả", "Đã có kết quả", "Từ chối", ""):
            done = received + timedelta(days=rng.randrange(0, 12), hours=1)
            outcome = done.strftime("%d/%m/%Y %H:%M") if done < NOW.replace(tzinfo=None) else ""
            if not outcome:
                status = "Đang giải quyết"
            elif status == "Đã trả kết quả":
                returned = (done + timedelta(days=1)).strftime("%d/%m/%Y")
        out.append(
            [
                f"SO-{i:06d}",
                rng.choice(procedures),
                name,
                f"001{rng.randrange(10**8, 10**9)}",
                f"09{rng.randrange(10**7, 10**8)}",
                address,
                rng.choice(["Trực tiếp", "Trực tuyến", "Bưu chính"]),
                received if i % 2 else received.strftime("%d/%m/%Y %H:%M"),
                "",
                outcome,
                returned,
                status,
                "",
            ]
        )
    return out


def write_files(folder: Path, data: list[list]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(LABELS.values()))
    for row in data:
        ws.append(row)
    xlsx = folder / "so-theo-doi.xlsx"
    wb.save(xlsx)
    csv_path = folder / "so-theo-doi.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(LABELS.values()))
        for row in data:
            writer.writerow([v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else v for v in row])
    return xlsx, csv_path


def fresh(path: Path) -> Register:
    reg = Register.open(path, clock=lambda: NOW)
    reg.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    return reg


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = fresh(folder / "a.sqlite3")
        codes = [p.code for p in reg.procedures()]
        t_gen, (xlsx, csv_path) = timed(lambda: write_files(folder, rows(args.rows, codes)))
        print(f"{args.rows:,} dòng; tạo tệp {t_gen:.1f} s; xlsx {xlsx.stat().st_size / 1e6:.1f} MB, "
              f"csv {csv_path.stat().st_size / 1e6:.1f} MB")  # fmt: skip

        def bare_openpyxl() -> int:
            from openpyxl import load_workbook

            wb = load_workbook(xlsx, read_only=True, data_only=True)
            n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
            wb.close()
            return n

        def bare_csv() -> int:
            with open(csv_path, encoding="utf-8-sig", newline="") as f:
                return sum(1 for _ in csv.reader(f))

        t_read, n = timed(bare_openpyxl)
        print(f"đọc xlsx trần (openpyxl read-only, {n:,} dòng): {t_read:6.2f} s")
        t_csv, n = timed(bare_csv)
        print(f"đọc csv trần (csv.reader, {n:,} dòng):          {t_csv:6.2f} s")

        t_prev, preview = timed(lambda: ri.preview(reg, xlsx))
        print(f"xem trước xlsx (đọc + kiểm tra, không ghi):     {t_prev:6.2f} s  "
              f"({preview.converted_cells:,} ô TCVN3/VNI, {len(preview.problems)} dòng lỗi)")  # fmt: skip
        t_xlsx, result = timed(lambda: ri.import_register(reg, SYSTEM_USER, xlsx))
        print(f"nhập xlsx (MotCua, một giao dịch):              {t_xlsx:6.2f} s  ({result.imported:,} hồ sơ)")
        t_again, again = timed(lambda: ri.import_register(reg, SYSTEM_USER, xlsx))
        print(f"nhập lại cùng tệp (không thêm gì):              {t_again:6.2f} s  "
              f"({again.already_there:,} đã có)")  # fmt: skip

        reg_csv = fresh(folder / "b.sqlite3")
        t_csv_imp, result_csv = timed(lambda: ri.import_register(reg_csv, SYSTEM_USER, csv_path))
        print(f"nhập csv (MotCua, một giao dịch):               {t_csv_imp:6.2f} s  "
              f"({result_csv.imported:,} hồ sơ)")  # fmt: skip

        # Bare write: the same dossier rows and events with executemany into a fresh file.
        analysis = ri.analyse(reg, xlsx, SYSTEM_USER)
        bare = fresh(folder / "c.sqlite3")

        def bare_write() -> None:
            with bare.store.transaction():
                ri._write(bare.store, analysis.rows, xlsx.name, NOW, SYSTEM_USER, "")

        def bare_dossiers_only() -> None:
            with bare2.store.transaction():
                bare2.store.db.conn.executemany(_IMPORT_SQL, analysis.rows)

        t_write, _ = timed(bare_write)
        bare2 = fresh(folder / "d.sqlite3")
        t_dossiers, _ = timed(bare_dossiers_only)
        print(f"ghi trần: executemany hồ sơ + sự kiện:          {t_write:6.2f} s")
        print(f"ghi trần: executemany chỉ hồ sơ:                {t_dossiers:6.2f} s")
        for r in (reg, reg_csv, bare, bare2):
            r.close()


if __name__ == "__main__":
    main()
