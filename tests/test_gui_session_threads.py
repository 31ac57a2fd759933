"""Background work gets its own SQLite connection (gui/session.py worker_register): one connection
shared by two threads broke sqlite_utils' savepoints ("no such savepoint: sqlite_utils_query")."""

from __future__ import annotations

import threading

from core import reporting as rp
from core.periods import preset_period
from core.stats import compute
from core.store import DossierQuery
from gui.tasks import Task, set_synchronous, wait_for_idle
from tests.helpers import make_form


def test_worker_threads_use_their_own_connection_and_the_gui_thread_the_session_one(
    qtbot, gui_session, register, clerk, fake_prompts
):
    for i in range(30):
        register.intake(make_form(id_number=f"0011900123{i:02d}"), clerk)
    period = preset_period("month", register.now().date())
    seen: list[tuple[int, int]] = []  # (thread id, connection id) per task
    failures: list[BaseException] = []
    results: list[int] = []
    lock = threading.Lock()

    def work():
        reg = gui_session.worker_register()
        with lock:
            seen.append((threading.get_ident(), id(reg.store.db.conn)))
        total = 0
        for _ in range(15):  # reads and a write on the worker's connection
            total = compute(reg, period).total.received_total
            rp.list_reports(reg, period)
        rp.prepare(reg, clerk, period)
        return total

    assert gui_session.worker_register() is register  # the GUI thread: the session's register
    set_synchronous(False)
    try:
        for _ in range(6):
            Task(None, work).success(results.append).failure(failures.append).run_in_background()
        for _ in range(200):  # meanwhile the GUI thread keeps reading, as the table paints
            register.query(DossierQuery(text="nguyen", limit=50))
            register.count(DossierQuery())
        assert wait_for_idle(30_000)
        qtbot.waitUntil(lambda: len(results) + len(failures) == 6, timeout=5000)
    finally:
        set_synchronous(True)
        gui_session.close_workers()
    assert failures == []
    assert results == [30] * 6
    gui_connection = id(register.store.db.conn)
    assert all(conn != gui_connection for _, conn in seen)
    by_thread: dict[int, set[int]] = {}
    for thread, conn in seen:
        by_thread.setdefault(thread, set()).add(conn)
    assert all(len(conns) == 1 for conns in by_thread.values())  # one connection per thread, reused
    assert len(rp.list_reports(register, period)) == 1  # the workers' writes are in the file


def test_close_workers_closes_their_connections_and_later_work_opens_new_ones(
    qtbot, gui_session, register, fake_prompts
):
    conns = []

    def work():
        reg = gui_session.worker_register()
        reg.count(DossierQuery())
        conns.append(reg.store.db.conn)
        return True

    set_synchronous(False)
    try:
        Task(None, work).run_in_background()
        assert wait_for_idle(10_000)
        gui_session.close_workers()
        Task(None, work).run_in_background()
        assert wait_for_idle(10_000)
    finally:
        set_synchronous(True)
        gui_session.close_workers()
    first, second = conns
    assert first is not second
    import sqlite3

    import pytest

    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")  # closed
