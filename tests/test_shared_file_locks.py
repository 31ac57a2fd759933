"""Nothing acknowledged is lost when the window and command lines share the register file.

On POSIX, closing any descriptor of a file drops every lock the process holds on it, SQLite's
included. A MotCua process that opened the database file with ``open()`` beside its own SQLite
connections (the header check did, for every worker connection) looked to a second process
like a file nobody used: that process checkpointed and deleted the WAL the first one was still
writing into, and committed dossiers vanished. These tests replay that with real processes.
"""

from __future__ import annotations

import threading
import time

import pytest

from core import filesafety
from core.db import holds_connection
from core.errors import MotCuaError
from core.register import Register
from tests.shared_file_helpers import (
    cli_intake,
    integrity,
    motcua,
    prepare,
    start_window,
    stop_window,
    stored_codes,
)

ROUNDS = 6


def test_window_and_command_lines_lose_nothing(tmp_path):
    """The issue's sequence: window open, a look-up in a terminal, intakes on both sides."""
    db = tmp_path / "motcua.sqlite3"
    prepare(db)
    stop = tmp_path / "stop"
    window = start_window(db, stop)
    acknowledged: list[str] = []
    refusals: list[str] = []
    try:
        for n in range(ROUNDS):
            look = motcua(db, "search", "uong")
            if look.returncode != 0:
                refusals.append(f"search: {look.stderr}")
            took = cli_intake(db, f"Trần Văn Dòng {n}")
            if took.returncode == 0:
                code = took.stdout.strip()
                acknowledged.append(code)
                shown = motcua(db, "show", code)
                if shown.returncode != 0:
                    refusals.append(f"show {code}: {shown.stderr}")
            else:
                refusals.append(f"intake: {took.stderr}")
            time.sleep(0.1)  # the window keeps working between two command lines
    finally:
        window_codes, window_problems = stop_window(window, stop)
    acknowledged += window_codes
    stored = stored_codes(db)
    missing = sorted(set(acknowledged) - stored)
    print(f"\nacknowledged {len(acknowledged)}, stored of them {len(set(acknowledged) & stored)}")
    assert not missing, f"acknowledged but not in the file: {missing}"
    assert not refusals, refusals
    assert not window_problems, window_problems[-5:]
    assert len(acknowledged) >= ROUNDS + 1
    assert integrity(db) == "ok"
    assert motcua(db, "audit", "verify").returncode == 0


def _command_line_clerk(
    db, tag: str, rounds: int, stop_at: float, acknowledged: list[str], failures: list[str]
) -> None:
    """One terminal: a dossier taken in, then a look-up; ``rounds`` times, or fewer (never under
    two) once ``stop_at`` has passed, so the soak stays under a minute on a loaded machine."""
    for n in range(rounds):
        if n >= 2 and time.monotonic() > stop_at:
            return
        took = cli_intake(db, f"Người Nộp {tag} {n}")
        if took.returncode == 0:
            acknowledged.append(took.stdout.strip())
        else:
            failures.append(f"{tag} intake: {took.stderr.strip()}")
        look = motcua(db, "search", "Người Nộp", "--limit", "5")
        if look.returncode != 0:
            failures.append(f"{tag} search: {look.stderr.strip()}")


def test_soak_one_window_three_command_lines(tmp_path):
    """Bounded soak: a window with worker connections and three command lines, for N rounds."""
    db = tmp_path / "motcua.sqlite3"
    prepare(db)
    stop = tmp_path / "stop"
    rounds = 6
    stop_at = time.monotonic() + 35
    acknowledged: dict[str, list[str]] = {tag: [] for tag in ("A", "B", "C")}
    failures: list[str] = []
    window = start_window(db, stop)
    try:
        clerks = [
            threading.Thread(
                target=_command_line_clerk, args=(db, tag, rounds, stop_at, acknowledged[tag], failures)
            )
            for tag in acknowledged
        ]
        for c in clerks:
            c.start()
        for c in clerks:
            c.join(timeout=300)
    finally:
        window_codes, window_problems = stop_window(window, stop)
    everything = [code for codes in acknowledged.values() for code in codes] + window_codes
    stored = stored_codes(db)
    kept = len(set(everything) & stored)
    twice = sorted({code for code in everything if everything.count(code) > 1})
    print(
        f"\nsoak: {[len(c) for c in acknowledged.values()]} rounds, 1 window + 3 command lines; "
        f"acknowledged {len(everything)} "
        f"(window {len(window_codes)}, command lines {len(everything) - len(window_codes)}), "
        f"stored of them {kept}, rows in the file {len(stored)}, codes handed out twice {len(twice)}"
    )
    assert not twice, f"codes acknowledged twice (one of them lost): {twice[:5]}"
    assert kept == len(everything), sorted(set(everything) - stored)
    assert not failures, failures[-5:]
    assert not window_problems, window_problems[-5:]
    done_rounds = [len(codes) for codes in acknowledged.values()]
    assert all(n >= 2 for n in done_rounds), done_rounds  # every command-line intake acknowledged
    assert integrity(db) == "ok"
    verified = motcua(db, "audit", "verify")
    assert verified.returncode == 0, verified.stderr


def test_the_open_register_is_known_and_never_read_as_an_import(db_path, tmp_path):
    """The registry of open files follows the connections, and the file readers consult it."""
    reg = Register.open(db_path)
    reg.initialise("UBND phường Tây Hồ", "H56")
    worker = Register.open(db_path)
    assert holds_connection(db_path) and holds_connection(f"{db_path}-wal")
    worker.close()
    assert holds_connection(db_path)  # the window's own connection is still open
    for reader in (filesafety.check_xlsx, filesafety.read_csv_bytes):
        for name in (db_path, f"{db_path}-wal", f"{db_path}-shm"):
            with pytest.raises(MotCuaError, match="cơ sở dữ liệu MotCua đang mở"):
                reader(name)
    reg.close()
    assert not holds_connection(db_path)
    other = tmp_path / "so-cu.csv"
    other.write_text("Mã hồ sơ,Người nộp\n", encoding="utf-8")
    assert filesafety.read_csv_bytes(other).startswith("Mã".encode())
