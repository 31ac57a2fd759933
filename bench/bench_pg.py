"""Benchmark of the server register (PostgreSQL) beside SQLite, in the same run.

For each size (default 100,000 and 1,000,000 dossiers): one register is built on SQLite
(``bench_report.build``: two years of counter work) and copied whole into a PostgreSQL database
of a throw-away cluster started for the run (``tests/pg_cluster.py``, fsync on: real commits).
Then on both backends, each beside the bare driver statement on the same database:

- intake commit (MotCua's ``Register.intake``: sequence, dossier, event, audit, commit) beside
  a bare transaction writing the same four rows;
- a search keystroke (``Register.search``) beside the bare search query;
- the year's report (``core.stats.compute``) beside one bare aggregate over the year's rows;

and last the combined intake throughput of 4 counter processes taking dossiers at full speed
for ``--seconds`` (30 by default, the issue's figure) on each backend.

    .venv/bin/python bench/bench_pg.py [--sizes 100000,1000000] [--seconds 30] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import psycopg  # noqa: E402
from bench_report import BARE_SQL, NOW, build  # noqa: E402
from timing import median_ms  # noqa: E402

from core.model import IntakeForm  # noqa: E402
from core.periods import preset_period  # noqa: E402
from core.register import Register  # noqa: E402
from core.stats import compute  # noqa: E402
from core.storage.base import TABLES  # noqa: E402
from core.timeutil import VN_TZ, to_db  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

FORM = IntakeForm(procedure_code="1.004222", applicant="Nguyễn Văn Bench", id_number="001190012345",
                  phone="0912345678")  # fmt: skip
SEARCH = "nguyen van an"
PG_BARE_SQL = BARE_SQL.replace(
    "SUM(channel = 'truc-tuyen')", "SUM(CASE WHEN channel = 'truc-tuyen' THEN 1 END)"
)
PG_BARE_SQL = PG_BARE_SQL.replace("SUM(outcome_at IS NULL)", "SUM(CASE WHEN outcome_at IS NULL THEN 1 END)")
PG_BARE_SQL = PG_BARE_SQL.replace("?", "%s")


def copy_to_server(sqlite_path: Path, url: str) -> None:
    """Every table of the SQLite register into the (migrated, empty) server database, by COPY."""
    Register.open(url).close()  # the schema
    src = sqlite3.connect(sqlite_path)
    src.row_factory = sqlite3.Row
    with psycopg.connect(url, autocommit=False) as conn:
        for table in TABLES:
            listed = "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            pg_cols = [r[0] for r in conn.execute(listed, [table])]
            cur = src.execute(f"SELECT * FROM {table}")
            cols = [c[0] for c in cur.description if c[0] in pg_cols]
            with conn.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in cur:
                    copy.write_row([row[c] for c in cols])
        for table in ("dossiers", "events", "difficulties", "reports", "report_sends"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


class Bare:
    """The driver alone: the statements of an intake, a search, a report, nothing around them."""

    def __init__(self, target: str | Path):
        self.pg = isinstance(target, str)
        if self.pg:
            self.conn = psycopg.connect(target, autocommit=True)
        else:
            self.conn = sqlite3.connect(target, isolation_level=None)
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA busy_timeout = 15000")
        self.n = 0

    def q(self, sql: str, params=()):
        if self.pg:
            sql = sql.replace("?", "%s")
        return self.conn.execute(sql, params)

    def intake(self) -> None:
        self.n += 1
        code = f"BARE-{os.getpid()}-{self.n:06d}"
        self.q("BEGIN" if self.pg else "BEGIN IMMEDIATE")
        self.q("INSERT INTO sequences (key, last) VALUES ('bare', 1) ON CONFLICT(key) "
               "DO UPDATE SET last = sequences.last + 1 RETURNING last").fetchone()  # fmt: skip
        new = self.q(
            "INSERT INTO dossiers (code, procedure_code, procedure_name, field, working_days, applicant, "
            "channel, received_at, due_at, status, clerk_login, clerk_name, search_key) VALUES (?, "
            "'1.004222', 'Đăng ký thường trú', 'Cư trú', 7, 'Nguyễn Văn Bench', 'truc-tiep', "
            "'2026-11-23T08:00:00+07:00', '2026-12-03T16:30:00+07:00', 'received', 'canbo1', 'Hà', "
            "'nguyen van bench') RETURNING id",
            [code],
        ).fetchone()[0]
        self.q("INSERT INTO events (dossier_id, kind, at, user_login, user_name) "
               "VALUES (?, 'received', '2026-11-23T08:00:00+07:00', 'canbo1', 'Hà')", [new])  # fmt: skip
        self.q("INSERT INTO audit_log (id, at, user_login, action, entity, entity_key, new, prev_hash, hash) "
               "SELECT coalesce(max(id), 0) + 1, '2026-11-23T08:00:00+07:00', 'canbo1', 'intake', 'dossier', "
               "?, '{}', '', '' FROM audit_log", [code])  # fmt: skip
        self.q("COMMIT")

    def search(self, text: str):
        tokens = text.split()
        like = " AND ".join(["d.search_key ILIKE ?" if self.pg else "d.search_key LIKE ?"] * len(tokens))
        if not self.pg:  # SQLite's index for the same rule: the trigram FTS table
            match = " AND ".join(f'"{t}"' for t in tokens if len(t) >= 3)
            sql = ("SELECT d.* FROM dossiers d WHERE d.id IN (SELECT rowid FROM dossier_fts WHERE "
                   "dossier_fts MATCH ?) ORDER BY d.received_at DESC, d.id DESC LIMIT 50")  # fmt: skip
            return self.q(sql, [match]).fetchall()
        sql = f"SELECT d.* FROM dossiers d WHERE {like} ORDER BY d.received_at DESC, d.id DESC LIMIT 50"
        return self.q(sql, [f"%{t}%" for t in tokens]).fetchall()

    def report(self, params: list[str]):
        return self.q(PG_BARE_SQL if self.pg else BARE_SQL, params).fetchall()


def measure(label: str, target: str | Path, repeat: int) -> None:
    reg = Register.open(target, clock=lambda: NOW)
    bare = Bare(target)
    clerk = reg.user("canbo1")
    moment = [datetime(2026, 11, 23, 8, 0, tzinfo=VN_TZ)]

    def ours_intake():
        moment[0] += timedelta(seconds=20)
        reg.intake(FORM, clerk, at=moment[0])

    year = preset_period("year", date(2026, 11, 23))
    params = [to_db(year.first_moment), to_db(year.after)]
    compute(reg, year, NOW)
    bare.report(params)  # warm both
    rows = [
        ("intake commit", median_ms(ours_intake, repeat), median_ms(bare.intake, repeat)),
        (
            f"search “{SEARCH}”",
            median_ms(lambda: reg.search(SEARCH), repeat),
            median_ms(lambda: bare.search(SEARCH), repeat),
        ),  # fmt: skip
        (
            f"year report {year.short}",
            median_ms(lambda: compute(reg, year, NOW), max(3, repeat // 6)),
            median_ms(lambda: bare.report(params), max(3, repeat // 6)),
        ),  # fmt: skip
    ]
    for name, ours, base in rows:
        print(f"  {label:<10} {name:<32} MotCua {ours:9.2f} ms   bare {base:9.2f} ms   {ours / base:5.2f}x")
    reg.close()


def worker(target: str, seconds: float) -> None:
    reg = Register.open(target, clock=lambda: NOW)
    clerk = reg.user("canbo1")
    end, n = time.monotonic() + seconds, 0
    moment = datetime(2026, 11, 24, 8, 0, tzinfo=VN_TZ)
    while time.monotonic() < end:
        reg.intake(FORM, clerk, at=moment)
        n += 1
    print(n)


def throughput(label: str, target: str | Path, seconds: float) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(target), "--seconds", str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )  # fmt: skip
        for _ in range(4)
    ]
    counts = [int(p.communicate()[0].strip() or 0) for p in procs]
    total = sum(counts)
    print(
        f"  {label:<10} 4 counters × {seconds:.0f} s: {total:,} intakes "
        f"({total / seconds:.1f}/s; each {counts})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.seconds)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the cluster on the way out
    cluster = PgCluster(fast=False).start()
    print(
        f"PostgreSQL {cluster.bin.parent.name} on 127.0.0.1:{cluster.port} (fsync on), "
        f"SQLite {sqlite3.sqlite_version}"
    )
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tempfile.gettempdir()) / f"motcua-bench-pg-{size}.sqlite3"
            if not path.exists():  # built under another name: a killed build is never taken as cached
                t0 = time.perf_counter()
                partial = path.with_name(path.stem + "-partial.sqlite3")
                build(partial, size)
                partial.replace(path)
                print(f"built {size:,} dossiers on SQLite in {time.perf_counter() - t0:.0f} s")
            work = path.with_name(path.stem + "-work.sqlite3")  # measured on a copy: the cache stays clean
            subprocess.run(["cp", str(path), str(work)], check=True)
            t0 = time.perf_counter()
            url = cluster.create_database(f"bench{size}")
            copy_to_server(work, url)
            print(f"{size:,} dossiers (copied to the server in {time.perf_counter() - t0:.0f} s)")
            measure("SQLite", work, args.repeat)
            measure("PostgreSQL", url, args.repeat)
            if size == int(args.sizes.split(",")[0]):
                throughput("SQLite", work, args.seconds)
                throughput("PostgreSQL", url, args.seconds)
            for extra in ("", "-wal", "-shm"):
                Path(f"{work}{extra}").unlink(missing_ok=True)
            cluster.drop_database(f"bench{size}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
