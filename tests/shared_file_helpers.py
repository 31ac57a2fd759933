"""Real processes on one register file: a window stand-in and ``motcua`` command lines.

Shared by the shared-file tests. Every process is a real one (``python -m cli`` and
``python -m tests.shared_file_window``), so SQLite's locks between processes, and what one
process's file handling does to its own locks, are the real ones.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from core.model import Role
from core.register import Register
from core.users import SYSTEM_USER

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "canbo1"
PASSWORD = "matkhau123"


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def prepare(db: Path) -> None:
    """An initialised register with one clerk, closed again (no connection left in this process)."""
    reg = Register.open(db)
    reg.initialise("UBND phường Tây Hồ", "H56")
    reg.add_user(SYSTEM_USER, LOGIN, "Nguyễn Thị Thu Hà", Role.CLERK, PASSWORD)
    reg.close()


def start_window(db: Path, stop: Path, tag: str = "W") -> subprocess.Popen:
    """The window stand-in, already past ``ready`` (its register is open and has read)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.shared_file_window", str(db), LOGIN, str(stop), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        cwd=ROOT,
        text=True,
        encoding="utf-8",
    )
    first = child.stdout.readline()
    assert first == "ready\n", first + child.stderr.read()
    return child


def stop_window(child: subprocess.Popen, stop: Path) -> tuple[list[str], list[str]]:
    """(codes it acknowledged, what went wrong in it); a window that did not end is a failure."""
    stop.touch()
    out, err = child.communicate(timeout=120)
    lines = [line for line in out.splitlines() if line]
    problems = [line for line in err.splitlines() if line.strip()]
    if not lines or lines[-1] != "done" or child.returncode != 0:
        problems.append(f"the window ended with {child.returncode}: {out[-300:]!r}")
    return [line for line in lines if line not in ("done", "ready")], problems


def motcua(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """One ``motcua --db DB ...`` command line, run to its end (``stdin``: e.g. a password line)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env(),
        cwd=ROOT,
        timeout=120,
    )


def cli_intake(db: Path, applicant: str) -> subprocess.CompletedProcess:
    return motcua(
        db,
        "intake",
        "--procedure",
        "1.004222",
        "--applicant",
        applicant,
        "--id-number",
        "001190012345",
        "--phone",
        "0912345678",
        "--clerk",
        LOGIN,
        stdin=PASSWORD + "\n",  # the clerk proves who she is
    )


def stored_codes(db: Path) -> set[str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT code FROM dossiers")}
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def half_written(db: Path) -> list[str]:
    """Codes of dossiers stored without the rest of their intake (its event, its audit entry).

    A process killed at any moment may leave one dossier more than it acknowledged (committed,
    not yet printed): that is allowed. A dossier without its intake event or audit entry is not:
    the intake is one transaction, whole or absent.
    """
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT d.code FROM dossiers d WHERE NOT EXISTS "
                "(SELECT 1 FROM events e WHERE e.dossier_id = d.id AND e.kind = 'received') "
                "OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'dossier' "
                "AND a.entity_key = d.code AND a.action = 'intake')"
            )
        ]
    finally:
        conn.close()
