"""A stand-in for the counter window, run as its own process by the shared-file tests.

It does to the register file what the window does: one long-lived register (the GUI thread's),
and worker threads that each open their own connection, read, and are closed again (the
window's background tasks and ``Session.close_workers``). Every dossier it takes in is printed
only after ``intake`` returned (after COMMIT): the tests hold it to every code it printed.

Usage: ``python -m tests.shared_file_window DB LOGIN STOP_FILE [TAG]``; it prints ``ready``
once its register is open, works until STOP_FILE exists, then closes everything and prints
``done``.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from core.model import IntakeForm
from core.register import Register


def _worker_round(db: str, clock, failures: list[str]) -> None:
    """One background task: a connection of its own, a look-up, closed at the end."""
    try:
        mine = Register.open(db, clock=clock)
        try:
            mine.search("Người Nộp", limit=5)
            mine.store.dossier_count()
        finally:
            mine.close()
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        failures.append(f"{type(exc).__name__}: {exc}")


def main(argv: list[str]) -> int:
    db, login, stop = argv[0], argv[1], Path(argv[2])
    tag = argv[3] if len(argv) > 3 else "W"
    register = Register.open(db)
    clerk = register.user(login)
    register.search("x")  # a read first: the window shows the Today screen at once
    print("ready", flush=True)
    failures: list[str] = []
    n = 0
    while not stop.exists():
        task = (db, register.clock, failures)
        workers = [threading.Thread(target=_worker_round, args=task) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        dossier = register.intake(
            IntakeForm(
                procedure_code="1.004222",
                applicant=f"Người Nộp {tag} {n}",
                id_number="001190012345",
                phone="0912345678",
                address="Số 12 Âu Cơ, phường Tây Hồ",
            ),
            clerk,
            at=register.clock(),
        )
        print(dossier.code, flush=True)
        register.search("Người Nộp", limit=5)
        n += 1
        time.sleep(0.2)  # a busy counter, not a benchmark: the command lines get the CPU too
    register.close()
    for failure in failures:
        print(f"worker failed: {failure}", file=sys.stderr)
    print("done", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
