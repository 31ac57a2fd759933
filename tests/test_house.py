"""The test suite's own promises: one clock for the process and the programs it starts, the
production password parameters, and one way to load the suite whichever way pytest starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from core import backup, timeutil, users
from tests.helpers import AGENCY, START, at, make_form

ROOT = Path(__file__).resolve().parent.parent


def motcua(db: Path, *args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
    )


def test_the_clock_fixture_is_the_clock_of_the_whole_process(clock, register, clerk):
    assert timeutil.now() == START == register.now()
    clock.set("2031-02-03T10:15")
    assert backup.now() == at("2031-02-03T10:15") == register.now()
    d = register.intake(make_form(), clerk)
    assert d.received_at == at("2031-02-03T10:15") and "-310203-" in d.code


def test_motcua_now_moves_the_programs_a_test_starts(tmp_path):
    db = tmp_path / "dong-ho.sqlite3"
    env = {**os.environ, timeutil.ENV_NOW: "2031-02-03T10:15"}
    made = motcua(db, "init", "--ward-name", "UBND phường Tây Hồ", "--agency-code", AGENCY, env=env)
    assert made.returncode == 0, made.stderr
    user = ["user", "add", "canbo1", "--role", "clerk", "--full-name", "Lê Văn An"]
    added = motcua(db, *user, env=env, stdin="mat-khau-1\n")
    assert added.returncode == 0, added.stderr
    intake = ["--user", "canbo1", "intake", "--procedure", "1.001193", "--applicant", "Trần Văn Bình"]
    out = motcua(db, *intake, env=env, stdin="mat-khau-1\n")
    assert out.returncode == 0, out.stderr
    code = out.stdout.strip()
    assert code == f"{AGENCY}-310203-0001"  # the day is in the code: the program saw 3 Feb 2031
    shown = json.loads(motcua(db, "show", code, "--json", env=env).stdout)
    assert shown["received_at"][:16].replace("T", " ") == "2031-02-03 10:15"

    # a mistyped value is refused in Vietnamese before anything is written
    bad = motcua(db, *intake, env={**env, timeutil.ENV_NOW: "mai"}, stdin="mat-khau-1\n")
    assert bad.returncode == 2, bad.stderr
    assert "MOTCUA_NOW" in bad.stderr and "không phải thời gian hợp lệ" in bad.stderr
    again = motcua(db, *intake, env=env, stdin="mat-khau-1\n")
    assert again.stdout.strip() == f"{AGENCY}-310203-0002"  # the refused one took no number


def test_a_bare_date_is_nine_o_clock(monkeypatch):
    monkeypatch.setenv(timeutil.ENV_NOW, "04/02/2031")
    assert timeutil.clock_override() == at("2031-02-04T09:00")
    monkeypatch.setenv(timeutil.ENV_NOW, "2031-02-05")
    assert timeutil.now() == at("2031-02-05T09:00")
    monkeypatch.delenv(timeutil.ENV_NOW)
    assert timeutil.clock_override() is None


def test_production_password_parameters():
    """Stored passwords get RFC 9106's low-memory argon2id profile; only this process's hasher is cheap."""
    strong = users.production_hasher()
    stored = strong.hash("matkhau123")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert users.password_matches(stored, "matkhau123") and not users.password_matches(stored, "matkhau124")
    with pytest.raises(VerifyMismatchError):
        strong.verify(stored, "sai")
    cheap = users.hash_password("matkhau123")  # the suite's hasher (conftest)
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert PasswordHasher().verify(cheap, "matkhau123")  # a production process checks it all the same


def test_the_suite_loads_once_whichever_way_pytest_starts():
    assert (
        "conftest" not in sys.modules and "helpers" not in sys.modules
    )  # only tests.conftest, tests.helpers
    here = Path(__file__).relative_to(ROOT)
    for start in ([sys.executable, "-m", "pytest"], [str(Path(sys.executable).with_name("pytest"))]):
        run = subprocess.run(
            [*start, "--collect-only", "-q", "-p", "no:cacheprovider", str(here)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "5 tests collected" in run.stdout, run.stdout
