"""Benchmark of the report figures on a 1,000,000-dossier register.

Prints the time of a year's report (``core.stats.compute`` for the ``year`` preset, median of
several runs) beside ONE bare aggregate SQL query over the same file, measured in the same run,
and their ratio; then the end-of-day summary. The database is built once through the real schema
(``Register.open`` runs the migrations) by bulk ``executemany`` in one transaction, and cached:

    .venv/bin/python bench/bench_report.py [--db PATH] [--dossiers N] [--repeat K] [--rebuild]

Default path: ``motcua-bench-report-<N>.sqlite3`` in the system's temporary folder. The spread is
two years of counter work
up to 22/11/2026 (working days, office hours), fields weighted as at a ward counter, channels
online/direct/post, about 3 % of dossiers with a supplement pause (some still awaiting), a few
percent refused/withdrawn/stopped, late and early results, and the recent weeks still open.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import median_ms  # noqa: E402  (bench/ is on sys.path when run)

from core.demo import STREETS, _person  # noqa: E402
from core.model import Role  # noqa: E402
from core.periods import preset_period  # noqa: E402
from core.register import Register  # noqa: E402
from core.stats import compute, day_summary  # noqa: E402
from core.store import dossier_search_key  # noqa: E402
from core.timeutil import VN_TZ, to_db  # noqa: E402
from core.users import SYSTEM_USER  # noqa: E402
from core.workcalendar import WorkingCalendar  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
FIRST_DAY = date(2024, 11, 23)
LAST_DAY = date(2026, 11, 22)
AGENCY = "000.17.22.H56"
CLERKS = [("canbo1", "Nguyễn Thị Thu Hà"), ("canbo2", "Trần Văn Đức")]
# How often each procedure comes to the counter (certifications and civil status dominate).
WEIGHTS = {
    "1.001193": 6, "1.000656": 2, "1.000894": 2, "1.004873": 4, "1.004859": 1, "1.004884": 1,
    "2.000635": 4, "2.000815": 40, "2.000884": 12, "2.000908": 2, "2.001016": 1,
    "1.004222": 8, "1.004194": 8, "1.001776": 3, "1.014137": 3, "1.009122": 3,
}  # fmt: skip
COLUMNS = (
    "id", "code", "procedure_code", "procedure_name", "field", "working_days", "cutoff_applies",
    "applicant", "id_number", "phone", "address", "channel", "documents", "received_at", "due_at",
    "paused_days", "status", "outcome_at", "returned_at", "clerk_login", "clerk_name",
    "receiver_name", "register_book", "register_seq", "search_key",
)  # fmt: skip
EVENT_COLUMNS = ("dossier_id", "kind", "at", "user_login", "user_name", "note", "data")


class Dues:
    """``WorkingCalendar.due_moment`` with a cache: the answer depends only on the day, whether
    the time is past the cut-off / return hour, the working days and the pause."""

    def __init__(self, cal: WorkingCalendar):
        self.cal = cal
        self.cache: dict[tuple, datetime] = {}

    def __call__(self, received: datetime, days: int, cutoff: bool, paused: int = 0) -> datetime:
        t = received.time()
        key = (received.date(), t >= self.cal.cutoff, t > self.cal.return_at, days, cutoff, paused)
        due = self.cache.get(key)
        if due is None:
            due = self.cache[key] = self.cal.due_moment(received, days, cutoff, paused)
        return due


def _moment(
    day: date, rng: random.Random, first: int = 7 * 3600 + 30 * 60, last: int = 17 * 3600
) -> datetime:
    seconds = rng.randrange(first, last)
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + timedelta(seconds=seconds)


def build(path: Path, count: int, seed: int = 1) -> None:
    """Write ``count`` dossiers with their events into a new register at ``path``."""
    reg = Register.open(path, clock=lambda: NOW)
    reg.initialise("UBND phường Tây Hồ", AGENCY, report_to="Văn phòng UBND thành phố Hà Nội")
    reg.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", Role.ADMIN, "matkhau123")
    for login, name in CLERKS:
        reg.add_user(SYSTEM_USER, login, name, Role.CLERK, "matkhau123")
    cal = reg.calendar
    dues = Dues(cal)
    procs = {p.code: p for p in reg.procedures()}
    codes = [c for c in WEIGHTS if c in procs]
    weights = [WEIGHTS[c] for c in codes]
    rng = random.Random(seed)
    workdays, d = [], FIRST_DAY
    while d <= LAST_DAY:
        if cal.is_working_day(d):
            workdays.append(d)
        d += timedelta(days=1)
    later = {d: cal.add_working_days(d, 1) for d in workdays}

    def after_working_days(moment: datetime, n: int) -> datetime:
        day = cal.add_working_days(moment.date(), n)
        return _moment(day, rng, 8 * 3600, 16 * 3600)

    received = sorted(_moment(rng.choice(workdays), rng) for _ in range(count))
    book = reg.settings.register_book
    per_day: dict[str, int] = {}
    now_db = to_db(NOW)
    db = reg.store.db
    insert = f"INSERT INTO dossiers ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    insert_event = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)"
    docs = {c: json.dumps(list(p.documents), ensure_ascii=False) for c, p in procs.items()}
    with reg.store.transaction():
        rows: list[tuple] = []
        events: list[tuple] = []
        for i, at in enumerate(received, start=1):
            p = procs[rng.choices(codes, weights)[0]]
            login, clerk = CLERKS[i % 2]
            day_key = at.strftime("%y%m%d")
            seq = per_day[day_key] = per_day.get(day_key, 0) + 1
            code = f"{AGENCY}-{day_key}-{seq:04d}"
            name, cccd, _year = _person(rng)
            phone = "09" + f"{rng.randrange(10**8):08d}"
            r = rng.random()
            channel = "truc-tuyen" if r < 0.22 else ("buu-chinh" if r < 0.26 else "truc-tiep")
            ev = [(i, "received", to_db(at), login, clerk, "", "{}")]
            if p.working_days:
                hand = at + timedelta(minutes=rng.randrange(10, 240))
                ev.append((i, "handover", to_db(hand), login, clerk, "", "{}"))
            paused, awaiting = 0, False
            last = at + timedelta(minutes=20)
            if rng.random() < 0.03:  # a supplement pause
                asked = after_working_days(at, 1 + rng.randrange(2))
                got = after_working_days(asked, 1 + rng.randrange(8))
                ev.append((i, "supplement_requested", to_db(asked), login, clerk, "Thiếu giấy tờ", "{}"))
                if got < NOW and rng.random() < 0.9:
                    ev.append((i, "supplement_received", to_db(got), login, clerk, "", "{}"))
                    paused = cal.paused_working_days([(asked, got)])
                    last = got
                else:
                    awaiting, last = True, asked
            due = dues(at, p.working_days, p.cutoff_applies, paused)
            status, outcome, returned, receiver = "in_progress", None, None, ""
            k = rng.random()
            if k < 0.01:
                status, outcome = "refused", at + timedelta(hours=rng.randrange(1, 30))
            elif k < 0.02:
                status, outcome = "withdrawn", after_working_days(last, rng.randrange(3))
            elif k < 0.023 and len(ev) > 1:
                status, outcome = "stopped", after_working_days(last, 1 + rng.randrange(3))
            elif k < 0.025:
                status = "in_progress"  # stuck: open for good (overdue by now)
            elif not awaiting:
                s = rng.random()
                if s < 0.07:  # late: 1-8 working days after the due day
                    outcome = after_working_days(due, 1 + rng.randrange(8))
                elif s < 0.35 and due.date() > later.get(at.date(), due.date()):  # early
                    outcome = _moment(
                        due.date() - timedelta(days=1 + rng.randrange(2)), rng, 8 * 3600, 16 * 3600
                    )
                else:  # on the due day, before the return hour
                    outcome = due - timedelta(minutes=rng.randrange(10, 480))
                status = "resolved"
            if outcome is not None:
                outcome = max(outcome, last + timedelta(minutes=30))
            if outcome is not None and to_db(outcome) >= now_db:
                status, outcome = "in_progress", None
            if awaiting and outcome is None:
                status = "awaiting_supplement"
            if outcome is not None:
                ev.append((i, status, to_db(outcome), login, clerk, "", "{}"))
                if status == "resolved" and rng.random() < 0.9:
                    back = outcome + timedelta(hours=rng.randrange(1, 120))
                    if back < NOW:
                        status, returned, receiver = "returned", back, name
                        ev.append((i, "returned", to_db(back), login, clerk, "", "{}"))
            elif status == "in_progress" and len(ev) == 1:
                status = "received"
            address = f"Số {rng.randrange(1, 200)} {rng.choice(STREETS)}, phường Tây Hồ, Hà Nội"
            rows.append(
                (
                    i, code, p.code, p.name, p.field, p.working_days, int(p.cutoff_applies),
                    name, cccd, phone, address, channel, docs[p.code], to_db(at), to_db(due),
                    paused, status, to_db(outcome), to_db(returned), login, clerk,
                    receiver, book, i, dossier_search_key(name, code, cccd, phone),
                )
            )  # fmt: skip
            events.extend(ev)
            if len(rows) >= 50_000:
                db.conn.executemany(insert, rows)
                db.conn.executemany(insert_event, events)
                rows, events = [], []
        db.conn.executemany(insert, rows)
        db.conn.executemany(insert_event, events)
        db.conn.executemany(
            "INSERT INTO sequences (key, last) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET last = excluded.last",
            [(f"code:{k}", v) for k, v in per_day.items()],
        )
    reg.close()


# The baseline: one bare aggregate over the rows received in the period, the bulk of the
# report's population, by the index range SQLite picks for it. The report must do more: find the
# dossiers carried over and judge every one against its due moment.
BARE_SQL = """
SELECT field, COUNT(*), SUM(channel = 'truc-tuyen'), SUM(outcome_at IS NULL)
FROM dossiers WHERE received_at >= ? AND received_at < ? GROUP BY field
"""
# The example of the brief, as SQLite plans it (a scan in field order): printed for reference.
LOOSE_SQL = """
SELECT field, COUNT(*), SUM(channel = 'truc-tuyen'), SUM(outcome_at IS NULL)
FROM dossiers WHERE received_at < ? GROUP BY field
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="cached database (built if missing)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"motcua-bench-report-{args.dossiers}.sqlite3"
    if args.rebuild or not path.exists():
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        t0 = time.perf_counter()
        build(path, args.dossiers)
        print(f"built {args.dossiers:,} dossiers in {time.perf_counter() - t0:.0f} s -> {path}")
    t0 = time.perf_counter()
    reg = Register.open(path, clock=lambda: NOW)  # runs any pending schema migration
    print(f"opened (and migrated) in {time.perf_counter() - t0:.1f} s")
    total = reg.store.dossier_count()
    print(f"{path}: {total:,} dossiers, {path.stat().st_size / 1e6:.0f} MB")
    year = preset_period("year", date(2026, 11, 23))
    bare = sqlite3.connect(path, isolation_level=None)
    bare_param = [to_db(year.first_moment), to_db(year.after)]

    table = compute(reg, year, NOW)  # warm the page cache for both
    bare.execute(BARE_SQL, bare_param).fetchall()
    ours = bares = 0.0
    for _ in range(2):  # interleaved, so both see the same cache and load
        ours = median_ms(lambda: compute(reg, year, NOW), args.repeat)
        bares = median_ms(lambda: bare.execute(BARE_SQL, bare_param).fetchall(), args.repeat)
    print(f"year report {year.short} (compute, median of {args.repeat}): {ours:8.0f} ms")
    print(f"bare aggregate query, rows received in the year:      {bares:8.0f} ms")
    print(f"ratio: {ours / bares:.2f}x")
    loose = median_ms(lambda: bare.execute(LOOSE_SQL, bare_param[1:]).fetchall(), args.repeat)
    print(f"(for reference: received_at < end only, as SQLite plans it: {loose:.0f} ms)")
    print(f"  total row: {table.total.to_dict()}")
    print(f"  problems: {table.problems() or 'none'}")
    for name in ("official-year", "quarter", "month", "official-month", "week"):
        period = preset_period(name, date(2026, 11, 23))
        ms = median_ms(lambda p=period: compute(reg, p, NOW), args.repeat)
        param = [to_db(period.first_moment), to_db(period.after)]
        base = median_ms(lambda a=param: bare.execute(BARE_SQL, a).fetchall(), args.repeat)
        print(f"{name:>15} report {period.short}: {ms:6.0f} ms, bare {base:6.0f} ms, {ms / base:.2f}x")
    day = date(2026, 11, 20)
    ms = median_ms(lambda: day_summary(reg, day, NOW), args.repeat)
    s = day_summary(reg, day, NOW)
    print(f"day summary {day:%d/%m/%Y}: {ms:8.1f} ms (received {s.received}, ready {s.resolved}, "
          f"returned {s.returned}, due next {s.due_next}, overdue {s.overdue})")  # fmt: skip


if __name__ == "__main__":
    main()
