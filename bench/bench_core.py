"""Benchmark of the register core on a 100,000-dossier database.

Prints, for an intake commit and for searches by name, code and ID number, MotCua's time
beside the same operation done with bare ``sqlite3`` statements on the same file (the
physical limit here). Run: ``.venv/bin/python bench/bench_core.py [--dossiers N]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import median_ms  # noqa: E402  (bench/ is on sys.path when run)

from core.demo import _person  # noqa: E402
from core.model import IntakeForm, Role  # noqa: E402
from core.register import Register  # noqa: E402
from core.store import _fts_query  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402
from core.users import SYSTEM_USER  # noqa: E402


def build(path: Path, count: int) -> Register:
    reg = Register.open(path)
    reg.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Hà", Role.CLERK, "matkhau123")
    clerk = reg.user("canbo1")
    rng = random.Random(1)
    procedures = reg.procedures()
    start = datetime(2024, 1, 2, 8, 0, tzinfo=VN_TZ)
    with reg.store.transaction():
        for i in range(count):
            name, cccd, year = _person(rng)
            at = start + timedelta(minutes=7 * i)
            reg.intake(
                IntakeForm(
                    procedure_code=rng.choice(procedures).code,
                    applicant=name,
                    id_number=cccd,
                    birth_year=year,
                    phone="09" + f"{rng.randrange(10**8):08d}",
                ),
                clerk,
                at=at,
            )
    return reg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    path = folder / "bench.sqlite3"
    t0 = time.perf_counter()
    reg = build(path, args.dossiers)
    print(
        f"built {args.dossiers:,} dossiers in {time.perf_counter() - t0:.1f} s "
        f"({path.stat().st_size / 1e6:.0f} MB)"
    )
    clerk = reg.user("canbo1")
    sample = reg.store.query_dossiers.__self__.db.execute(
        "SELECT code, applicant, id_number FROM dossiers WHERE id = ?", [args.dossiers // 2]
    ).fetchone()
    code, applicant, id_number = sample

    bare = sqlite3.connect(path, isolation_level=None)
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("PRAGMA busy_timeout = 15000")
    moment = [datetime(2026, 11, 23, 8, 0, tzinfo=VN_TZ)]

    def motcua_intake():
        moment[0] += timedelta(seconds=30)
        reg.intake(
            IntakeForm(
                procedure_code="1.004222",
                applicant="Nguyễn Văn Bench",
                id_number="001190012345",
                phone="0912345678",
            ),
            clerk,
            at=moment[0],
        )

    counter = [0]

    def bare_intake():
        counter[0] += 1
        bare.execute("BEGIN IMMEDIATE")
        seq = bare.execute(
            "INSERT INTO sequences (key, last) VALUES ('bare', 1) ON CONFLICT(key) "
            "DO UPDATE SET last = last + 1 RETURNING last"
        ).fetchone()[0]
        rowid = bare.execute(
            "INSERT INTO dossiers (code, procedure_code, procedure_name, field, working_days, "
            "applicant, channel, received_at, due_at, status, clerk_login, clerk_name, search_key) "
            "VALUES (?, '1.004222', 'Đăng ký thường trú', 'Cư trú', 7, 'Nguyễn Văn Bench', "
            "'truc-tiep', '2026-11-23T08:00:00+07:00', '2026-12-03T16:30:00+07:00', 'received', "
            "'canbo1', 'Nguyễn Thị Hà', 'nguyen van bench')",
            [f"BARE-{seq:06d}"],
        ).lastrowid
        bare.execute(
            "INSERT INTO events (dossier_id, kind, at, user_login, user_name) "
            "VALUES (?, 'received', '2026-11-23T08:00:00+07:00', 'canbo1', 'Hà')",
            [rowid],
        )
        bare.execute(
            "INSERT INTO audit_log (at, user_login, action, entity, entity_key, new, "
            "prev_hash, hash) VALUES ('2026-11-23T08:00:00+07:00', 'canbo1', 'intake', "
            "'dossier', ?, '{}', '', '')",
            [f"BARE-{seq:06d}"],
        )
        bare.execute("COMMIT")

    rows = [
        (
            "intake commit (dossier + event + audit, fsync)",
            median_ms(motcua_intake, args.repeat),
            median_ms(bare_intake, args.repeat),
        )
    ]

    def bare_search(text: str):
        match, likes = _fts_query(text)
        sql = (
            "SELECT d.* FROM dossiers d WHERE d.id IN (SELECT rowid FROM dossier_fts WHERE "
            "dossier_fts MATCH ?)"
            + " AND d.search_key LIKE ?" * len(likes)
            + " ORDER BY d.received_at DESC, d.id DESC LIMIT 50"
        )
        return bare.execute(sql, [match, *likes]).fetchall()

    for label, text in (
        ("search by name (accent-free)", applicant.lower()),
        ("search by code", code),
        ("search by ID number", id_number),
        ("search by name fragment", applicant.split()[-1][:3]),
    ):
        from core.text import fold

        ours = median_ms(lambda text=text: reg.search(text, limit=50), args.repeat)
        base = median_ms(lambda text=text: bare_search(fold(text)), args.repeat)
        hits = len(reg.search(text, limit=50))
        rows.append((f"{label} ({hits} hits)", ours, base))
    rows.append(
        (
            "open scanned code (exact)",
            median_ms(lambda: reg.find(code), args.repeat),
            median_ms(
                lambda: bare.execute("SELECT * FROM dossiers WHERE code = ?", [code]).fetchall(), args.repeat
            ),
        )
    )

    print(f"\n{'operation':52} {'MotCua ms':>10} {'bare ms':>9} {'ratio':>6}")
    for label, ours, base in rows:
        print(f"{label:52} {ours:10.2f} {base:9.2f} {ours / base:6.2f}x")
    reg.close()
    bare.close()


if __name__ == "__main__":
    main()
