"""What the report object adds on top of the figures: drafts, sign-off, versions, the list.

Beside each measured step it prints its bare baseline from the same run on the same file:
``prepare`` (a draft: figures + snapshot + audit) beside ``compute`` alone; ``sign`` beside one
argon2 password check plus ``compute`` (what a sign-off must do at least: check the password
again and check the figures are still the live ones); the list of reports beside a bare
``SELECT`` of the same rows. The register is built by ``bench/bench_report.py``'s builder
into a file of its own (default 100,000 dossiers, about two years of a busy ward):

    .venv/bin/python bench/bench_report_object.py [--dossiers N] [--repeat K] [--versions V]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import median_ms  # noqa: E402  (bench/ is on sys.path when run)

from bench.bench_report import NOW, build  # noqa: E402
from core import reporting as rp  # noqa: E402
from core import users as users_mod  # noqa: E402
from core.model import Role  # noqa: E402
from core.periods import Period, preset_period  # noqa: E402
from core.register import Register  # noqa: E402
from core.stats import compute  # noqa: E402
from core.users import SYSTEM_USER  # noqa: E402

PASSWORD = "matkhau123"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--versions", type=int, default=300, help="reports in the list")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"motcua-bench-report-object-{args.dossiers}.sqlite3"
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    build(path, args.dossiers)
    print(f"built {args.dossiers:,} dossiers in {time.perf_counter() - t0:.0f} s -> {path}")
    reg = Register.open(path, clock=lambda: NOW)
    reg.add_user(SYSTEM_USER, "phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR, PASSWORD)
    clerk = reg.user("canbo1")
    period = preset_period("official-year", date(2026, 11, 23))
    compute(reg, period, NOW)  # warm the page cache

    bare = median_ms(lambda: compute(reg, period, NOW), args.repeat)
    first = time.perf_counter()
    draft = rp.prepare(reg, clerk, period, NOW)
    first = (time.perf_counter() - first) * 1000
    again = median_ms(lambda: rp.prepare(reg, clerk, period, NOW), args.repeat)
    print(f"figures of {period.short} (compute, bare):        {bare:8.1f} ms")
    print(f"prepare: new draft (figures+snapshot+audit):      {first:8.1f} ms")
    print(f"prepare: same draft again (figures+compare):      {again:8.1f} ms  ({again / bare:.2f}x bare)")

    row = reg.store.user_auth_row("phochutich")
    check = median_ms(lambda: users_mod.password_matches(row["password_hash"], PASSWORD), args.repeat)
    t0 = time.perf_counter()
    signed = rp.sign(reg, draft.id, "phochutich", PASSWORD, NOW)
    sign = (time.perf_counter() - t0) * 1000
    print(f"sign (password again + live check + write):       {sign:8.1f} ms  "
          f"(bare: argon2 check {check:.1f} ms + compute {bare:.1f} ms = {check + bare:.1f} ms)")  # fmt: skip
    fp = median_ms(lambda: signed.computed_fingerprint(), args.repeat * 20)
    print(f"fingerprint of the snapshot (SHA-256 of canonical JSON): {fp:6.3f} ms")

    # Many reports: one per day, so the list screen has something to show.
    start = date(2025, 1, 1)
    with reg.store.transaction():
        for i in range(args.versions):
            day = start + timedelta(days=i)
            table = replace(draft.table, period=Period(day, day))  # the figures do not matter here
            rp._insert(reg, rp.Report(None, table, created_at=NOW))
    listed = median_ms(lambda: rp.list_reports(reg), args.repeat)
    raw = sqlite3.connect(path)
    bare_list = median_ms(
        lambda: raw.execute("SELECT * FROM reports ORDER BY period_from DESC").fetchall(), args.repeat
    )
    count = len(rp.list_reports(reg))
    print(
        f"list of {count} reports (with superseded_by, parsed): {listed:8.1f} ms  "
        f"(bare SELECT {bare_list:.1f} ms)"
    )
    reg.close()
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
