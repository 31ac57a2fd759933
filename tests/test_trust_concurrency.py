"""Two MotCua processes on one file: no "database is locked", no duplicated code."""

from __future__ import annotations

import sqlite3

from core.audit import verify
from core.register import Register
from tests.test_crash_kill import prepare, spawn

PER_PROCESS = 200


def test_two_processes_take_400_distinct_codes(tmp_path):
    db, script = prepare(tmp_path)
    go = tmp_path / "go"
    children = [spawn(script, db, PER_PROCESS, tag, 0, go) for tag in ("A", "B")]
    for child in children:
        assert child.stdout.readline() == b"ready\n"
    go.touch()
    outputs = [child.communicate(timeout=300) for child in children]
    codes: list[str] = []
    numbers: list[list[int]] = []
    for child, (out, err) in zip(children, outputs, strict=True):
        text = err.decode()
        assert child.returncode == 0, text
        assert "locked" not in text.lower() and "Traceback" not in text
        lines = [line for line in out.decode().splitlines() if line != "ready"]
        assert len(lines) == PER_PROCESS
        codes += lines
        numbers.append([int(c.rsplit("-", 1)[1]) for c in lines])
    assert len(codes) == 400 and len(set(codes)) == 400
    # one day's sequence, 0001..0400 with no gap: the two processes shared it
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, 401))
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(DISTINCT code), COUNT(*) FROM dossiers").fetchone() == (400, 400)
    seqs = [r[0] for r in conn.execute("SELECT register_seq FROM dossiers ORDER BY register_seq")]
    assert seqs == list(range(1, 401))  # the register book numbers too
    conn.close()
    switches = sum(1 for n in range(1, 400) if (n in numbers[0]) != (n + 1 in numbers[0]))
    print(f"\n400 codes, 400 distinct, no error; the writer changed {switches} times in the sequence")
    reg = Register.open(db)
    assert verify(reg.store.db).ok  # and one unbroken audit chain, interleaved
    reg.close()
