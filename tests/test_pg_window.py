"""The window on a server register: another counter's intake shows within 2 s, and the worker
threads open their own connection to the same server."""

from __future__ import annotations

import threading

from core.register import Register
from gui.session import Session
from tests.helpers import at, make_form


def test_another_counters_intake_reaches_the_open_window(qtbot, register, clock):
    """Runs on both backends (tests.backends.BOTH_BACKENDS)."""
    reg = register
    target = getattr(reg.store, "url", reg.store.target)
    session = Session(reg, target)
    session.watch_other_counters(200)
    other = Register.open(target, clock=clock)
    try:
        with qtbot.waitSignal(session.changed, timeout=2000):
            other.intake(
                make_form(applicant="Quầy Bên Cạnh"), other.user("canbo1"), at=at("2026-11-23 09:00")
            )
        assert [d.applicant for d in reg.search("quay ben canh")] == ["Quầy Bên Cạnh"]
    finally:
        other.close()
        session._watch.stop()


def test_worker_threads_use_their_own_server_connection(pg_register):
    session = Session(pg_register, pg_register.store.url)
    seen = {}

    def work():
        mine = session.worker_register()
        seen["conn"] = mine.store.conn
        seen["count"] = mine.store.dossier_count()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["conn"] is not pg_register.store.conn and seen["count"] == pg_register.store.dossier_count()
    session.close_workers()
