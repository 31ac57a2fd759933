"""The same register on SQLite and on PostgreSQL gives the same report, for any period.

One seeded random ward is taken in and moved through its life cycle on both backends in
lockstep (every call on both, the results compared), then every preset period around several
dates and "nows" is computed on both: the tables must be equal, and equal to the slow
re-computation from the events (``tests/report_reference``).
"""

from __future__ import annotations

import contextlib
import random
import shutil
from datetime import timedelta

import pytest

from core.errors import MotCuaError
from core.register import Register
from core.stats import compute, day_summary
from tests.helpers import at
from tests.test_report_figures import (
    WINDOW_END,
    Counter,
    Draws,
    check_against_reference,
    periods_around,
    random_life,
)


class Twin:
    """Calls every register method on both backends and insists on the same answer."""

    def __init__(self, a: Register, b: Register):
        self.a, self.b = a, b

    def __getattr__(self, name):
        first, second = getattr(self.a, name), getattr(self.b, name)
        if not callable(first):
            assert first == second, name
            return first

        def both(*args, **kw):
            try:
                ra = first(*args, **kw)
            except MotCuaError as exc:
                with pytest.raises(type(exc)) as again:
                    second(*args, **kw)
                assert again.value.message == exc.message
                raise
            rb = second(*args, **kw)
            assert ra == rb, (name, args)
            return ra

        return both


@pytest.fixture
def twin(register_template, tmp_path, clock, pg_register):
    path = tmp_path / "twin.sqlite3"
    shutil.copyfile(register_template, path)
    lite = Register.open(path, clock=clock)
    yield lite, pg_register
    lite.close()


def test_random_register_gives_identical_figures_on_both_backends(twin, clock):
    lite, pg = twin
    draw = Draws(rng=random.Random(20261203))
    desk = Counter(Twin(lite, pg), clock, lite.user("canbo1"))
    for _ in range(120):
        with contextlib.suppress(MotCuaError):  # refused on both (checked): on to the next dossier
            random_life(desk, draw)
    assert lite.store.dossier_count() == pg.store.dossier_count() >= 120
    for table in ("dossiers", "events", "sequences"):
        assert list(lite.store.table_rows(table)) == list(pg.store.table_rows(table)), table
    # The entries alike; the hashes differ, since each register's users have their own salts.
    unsalted = [
        {k: v for k, v in r.items() if k not in ("hash", "prev_hash", "state")}
        for r in lite.store.audit_rows()
    ]
    assert unsalted == [
        {k: v for k, v in r.items() if k not in ("hash", "prev_hash", "state")} for r in pg.store.audit_rows()
    ]
    for now in (WINDOW_END, WINDOW_END + timedelta(days=9), at("2027-01-20 10:00")):
        periods = periods_around(draw, now)
        for period in periods:
            assert compute(lite, period, now) == compute(pg, period, now), (period, now)
        check_against_reference(pg, periods, now)
    for day in ("2026-10-05", "2026-11-23", "2026-12-18"):
        moment = at(f"{day} 17:30")
        assert day_summary(lite, moment.date(), moment) == day_summary(pg, moment.date(), moment)
