"""The storage interface on both backends (tests.backends runs every test here on each)."""

from __future__ import annotations

import inspect
import threading

import pytest

from core.errors import TransitionError
from core.model import IdKind
from core.register import Register
from core.storage.postgres import PostgresStore
from core.storage.protocol import Store
from core.storage.sqlite import SqliteStore
from tests.helpers import at, make_form


@pytest.mark.parametrize("cls", [SqliteStore, PostgresStore])
def test_both_stores_have_every_method_of_the_protocol(cls):
    wanted = {n for n, v in vars(Store).items() if inspect.isfunction(v)}
    missing = [n for n in wanted if not callable(getattr(cls, n, None))]
    assert not missing, missing


def test_search_is_accent_and_case_insensitive_the_same_way(register, clerk):
    people = [
        ("Nguyễn Thị Ưởng", "001190012345"),
        ("Đặng Văn Đông", "B1234567"),  # a passport number keeps its capitals
        ("Trần Thị Hà", "079301000111"),
        ("Lê Hoàng Anh", "034095000222"),
    ]
    for i, (name, number) in enumerate(people):
        kind = IdKind.PASSPORT if number[0].isalpha() else IdKind.CCCD
        form = make_form(applicant=name, id_number=number, id_kind=kind)
        register.intake(form, clerk, at=at(f"2026-11-23 08:{10 + i}"))

    def found(text: str) -> list[str]:
        return sorted(d.applicant for d in register.search(text))

    assert found("nguyen uong") == ["Nguyễn Thị Ưởng"]
    assert found("DANG dong") == ["Đặng Văn Đông"]
    assert found("b12345") == ["Đặng Văn Đông"]
    assert found("thi") == ["Nguyễn Thị Ưởng", "Trần Thị Hà"]
    assert found("ha") == ["Trần Thị Hà"]  # 2 letters: substring of the folded key
    assert set(found("an")) == {"Lê Hoàng Anh", "Trần Thị Hà", "Đặng Văn Đông"}  # hoàng, trần, đặng
    assert found("%") == [] and found("_") == []  # LIKE's wildcards are plain characters


def test_two_counters_doing_the_same_step_one_wins(register, clerk, backend, tmp_path):
    """Check-then-act: both read "received" and try to resolve; the second is refused, one
    outcome event is written (FOR UPDATE on PostgreSQL, the file's write lock on SQLite)."""
    code = register.intake(make_form(), clerk, at=at("2026-11-23 08:00")).code
    target = register.store.url if backend == "postgresql" else register.store.path
    barrier = threading.Barrier(2)
    results: list[str] = []

    def counter() -> None:
        reg = Register.open(target, clock=register.clock)
        try:
            barrier.wait()
            reg.apply(code, "resolve", reg.user("canbo1"), at=at("2026-11-23 09:00"))
            results.append("ok")
        except TransitionError:
            results.append("refused")
        finally:
            reg.close()

    threads = [threading.Thread(target=counter) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    kinds = [e.kind.value for e in register.dossier(code).events]
    assert kinds.count("resolved") == 1


def test_interrupt_stops_a_long_read_from_another_thread(register, clerk, backend):
    """The window stops a count made stale by the next keystroke: the read ends at once with
    QueryInterrupted, and the same connection answers the next query."""
    import time

    from core.errors import QueryInterrupted

    register.intake(make_form(), clerk, at=at("2026-11-23T09:00"))
    endless = (
        "SELECT pg_sleep(60)"
        if backend == "postgresql"
        else "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
    )
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(register.store._scalar(endless))
        except Exception as exc:  # noqa: BLE001 - the test looks at what came back
            outcome.append(exc)

    worker = threading.Thread(target=read)
    worker.start()
    time.sleep(0.3)
    started = time.perf_counter()
    register.interrupt()
    worker.join(10)
    assert not worker.is_alive() and time.perf_counter() - started < 5
    assert isinstance(outcome[0], QueryInterrupted), outcome
    assert "dừng" in outcome[0].message
    assert register.store.dossier_count() == 1
