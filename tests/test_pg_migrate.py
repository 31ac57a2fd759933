"""``motcua migrate FILE.sqlite3 [...] --to URL``: one-PC registers into the server register."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from core import audit
from core.periods import preset_period
from core.register import Register
from core.stats import compute
from tests.helpers import START, Clock, at, make_form, make_register

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, encoding="utf-8",
        env=dict(os.environ),
    )  # fmt: skip


def one_pc(path: Path, day: str, applicants: list[str]) -> list[str]:
    """A PC's own register with a few dossiers taken in on ``day`` and moved along."""
    reg = make_register(path, Clock(START))
    clerk = reg.user("canbo1")
    codes = []
    for i, name in enumerate(applicants):
        d = reg.intake(make_form(applicant=name), clerk, at=at(f"{day} 08:{10 + i:02d}"))
        codes.append(d.code)
    reg.apply(codes[0], "handover", clerk, at=at(f"{day} 09:00"))
    reg.apply(codes[0], "resolve", clerk, at=at(f"{day} 10:00"))
    reg.close()
    return codes


def counts(url: str) -> tuple:
    with psycopg.connect(url) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("dossiers", "events", "audit_log", "users")
        )


def test_two_pcs_merge_and_a_second_run_adds_nothing(tmp_path, pg_url):
    a, b = tmp_path / "quay1.sqlite3", tmp_path / "quay2.sqlite3"
    codes_a = one_pc(a, "2026-11-02", ["Nguyễn Văn An", "Lê Thị Bình"])
    codes_b = one_pc(b, "2026-11-03", ["Trần Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"])
    done = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "Đã chuyển 5 hồ sơ từ 2 tệp" in done.stdout
    first = counts(pg_url)
    again = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert again.returncode == 0, again.stderr
    assert "Đã chuyển 0 hồ sơ" in again.stdout and "5 đã có trên máy chủ" in again.stdout
    assert counts(pg_url) == first  # idempotent: nothing added, not even audit entries
    with Register.open(pg_url, clock=Clock(START)) as server:
        assert {d for d in server.store.dossier_codes()} == set(codes_a + codes_b)
        assert audit.verify(server.store).ok
        november = preset_period("month", at("2026-11-10 09:00").date())
        cut = at("2026-11-30 17:00")
        figures = compute(server, november, cut)
        with Register.open(a) as ra, Register.open(b) as rb:
            assert figures.total == compute(ra, november, cut).total + compute(rb, november, cut).total
        # the day's numbering goes on after the highest number moved in
        nxt = server.intake(make_form(), server.user("canbo1"), at=at("2026-11-03 15:00"))
        assert nxt.code.endswith("-261103-0004")


def test_the_same_code_with_different_content_is_listed_and_nothing_written(tmp_path, pg_url):
    a, b = tmp_path / "quay1.sqlite3", tmp_path / "quay2.sqlite3"
    codes = one_pc(a, "2026-11-02", ["Nguyễn Văn An"])
    clash = one_pc(b, "2026-11-02", ["Người Khác Hẳn"])  # the other PC also issued ...-0001
    assert codes == clash
    before = counts(pg_url)
    done = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert done.returncode == 2
    assert codes[0] in done.stderr and "chưa chuyển gì" in done.stderr and "Traceback" not in done.stderr
    assert counts(pg_url) == before


def test_a_file_with_a_broken_audit_chain_is_refused(tmp_path, pg_url):
    import sqlite3

    a = tmp_path / "quay1.sqlite3"
    one_pc(a, "2026-11-02", ["Nguyễn Văn An"])
    raw = sqlite3.connect(a)
    raw.execute("UPDATE audit_log SET reason = 'sửa lén' WHERE id = 3")
    raw.commit()
    raw.close()
    before = counts(pg_url)
    done = run_cli("migrate", str(a), "--to", pg_url)
    assert done.returncode == 2 and "không toàn vẹn" in done.stderr
    assert counts(pg_url) == before
