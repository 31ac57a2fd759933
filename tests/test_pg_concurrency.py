"""Four counters at once on one PostgreSQL register, and a counter killed mid-intake.

Real processes on a real server: each takes dossiers as fast as it can for a few seconds
(the benchmark runs the issue's full 30 s). Afterwards: every code distinct, the numbers of
the day consecutive from 1 with no gap, the register-book numbers likewise, one unbroken
audit chain, and every dossier a process reported is in the register with its event.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from core import audit
from core.register import Register
from tests.helpers import START, Clock, make_form

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-11-23T09:00:00+07:00"  # every intake on one day: its codes must run 0001, 0002 ...


def worker(url: str, seconds: float, hang: bool) -> None:
    """A counter: intakes until ``seconds`` have passed, one JSON line per committed dossier.

    ``hang``: stop inside the first intake's transaction (after the dossier row is written,
    before its event) and wait there to be killed."""
    from datetime import datetime

    reg = Register.open(url, clock=Clock(START))
    clerk = reg.user("canbo1")
    if hang:
        store = reg.store

        def stuck(*args, **kw):
            print("INSIDE", flush=True)
            time.sleep(120)

        store.add_event = stuck
    end = time.monotonic() + seconds
    moment = datetime.fromisoformat(AT)
    while time.monotonic() < end:
        d = reg.intake(make_form(), clerk, at=moment)
        print(json.dumps({"code": d.code, "seq": d.register_seq}), flush=True)
    reg.close()


def start_worker(url: str, seconds: float, hang: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_pg_concurrency", url, str(seconds), "1" if hang else "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def check_register(reg: Register, reported: list[dict]) -> None:
    codes = reg.store.dossier_codes()
    assert len(codes) == len(set(codes)), "a code was issued twice"
    assert {r["code"] for r in reported} <= set(codes), "a dossier a counter was told about is missing"
    by_day = defaultdict(list)
    for code in codes:
        _, day, number = code.rsplit("-", 2)
        by_day[day].append(int(number))
    for day, numbers in by_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gap or repeat on {day}"
    seqs = sorted(r["register_seq"] for r in reg.store.table_rows("dossiers"))
    assert seqs == list(range(1, len(seqs) + 1))
    for code in codes:
        assert reg.store.dossier(code).events, f"{code} has no event: half-written"
    verdict = audit.verify(reg.store)
    assert verdict.ok, verdict.problem
    intakes = [e for e in reg.store.audit_entries(entity="dossier", limit=10**6) if e["action"] == "intake"]
    assert len(intakes) == len(codes)


def test_four_counters_at_full_speed(pg_register):
    url = pg_register.store.url
    workers = [start_worker(url, 6.0) for _ in range(4)]
    reported: list[dict] = []
    for w in workers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines, "a counter took no dossier at all"
        reported += lines
    assert len(reported) >= 40
    check_register(pg_register, reported)
    assert pg_register.store.dossier_count() == len(reported)


def test_a_counter_killed_mid_intake_leaves_nothing_half_written(pg_register):
    url = pg_register.store.url
    before = pg_register.store.dossier_count()
    stuck = start_worker(url, 60, hang=True)
    assert stuck.stdout.readline().strip() == "INSIDE"
    os.kill(stuck.pid, signal.SIGKILL)
    stuck.wait(timeout=30)
    # The server notices the dead client and rolls its transaction back.
    for _ in range(100):
        waiting = pg_register.store._scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'MotCua' "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
        )
        if not waiting:
            break
        time.sleep(0.1)
    assert pg_register.store.dossier_count() == before
    again = start_worker(url, 0.5)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    reported = [json.loads(line) for line in out.splitlines()]
    assert reported[0]["code"].endswith("-0001"), "the killed intake's number was not given back"
    check_register(pg_register, reported)


if __name__ == "__main__":
    worker(sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1")
