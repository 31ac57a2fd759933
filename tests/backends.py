"""Both backends for the tests: a throw-away PostgreSQL cluster for the run, and a ``backend``
parameter that runs the listed modules' register tests on SQLite and on PostgreSQL.

Listed in ``tests/conftest.py``'s ``pytest_plugins``. The ``register`` fixture (conftest) asks
for ``backend``; it is "sqlite" everywhere except in ``BOTH_BACKENDS`` modules, where each
test runs twice. A PostgreSQL test gets a database of its own, copied from a prepared one
(``CREATE DATABASE ... TEMPLATE``: a few ms, where building the register costs far more).
Without PostgreSQL on the machine those tests fail with the reason; they never skip.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from core.register import Register
from tests.helpers import START, Clock, make_register
from tests.pg_cluster import PgCluster

BOTH_BACKENDS = {
    "test_storage",
    "test_storage_backends",
    "test_lifecycle",
    "test_validation_search",
    "test_report_figures",
    "test_import_register",
    "test_report_object",
    "test_calendar",
    "test_attach_register",
    "test_indicators",
    "test_pg_window",
    "test_forms2025_backends",
}
_numbers = itertools.count(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        module = metafunc.module.__name__.rsplit(".", 1)[-1]
        both = module in BOTH_BACKENDS and not metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"], scope="function")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (its file, pragmas)")


class SqlFacade:
    """``store.db.execute(...)`` / ``.query(...)`` for tests that inspect a PostgreSQL register
    with plain SQL, through the store's own primitives (production code has no such door)."""

    def __init__(self, store):
        self.store = store

    def execute(self, sql: str, params=()):
        store = self.store
        if sql.lstrip().upper().startswith("SELECT"):
            rows = store._tuples(sql, params)
        else:
            store._exec(sql, params)
            rows = []
        return _Result(rows)

    def query(self, sql: str, params=()):
        return iter(self.store._rows(sql, params))


class _Result:
    def __init__(self, rows):
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return self.rows

    def __iter__(self):
        return iter(self.rows)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_templates(pg_cluster) -> dict[str, str]:
    """Two prepared databases: the schema alone, and the standard register of tests.helpers."""
    empty = "motcua_rong"
    Register.open(pg_cluster.create_database(empty)).close()
    standard = "motcua_modele"
    pg_cluster.create_database(standard, template=empty)
    make_register(pg_cluster.url(standard), Clock(START)).close()
    return {"empty": empty, "standard": standard}


@pytest.fixture
def pg_url(pg_cluster, pg_templates) -> Iterator[str]:
    """A fresh database holding the schema only (for tests that make their own register)."""
    name = f"t{next(_numbers)}"
    yield pg_cluster.create_database(name, template=pg_templates["empty"])
    pg_cluster.drop_database(name)


def open_pg(url: str, clock) -> Register:
    reg = Register.open(url, clock=clock)
    reg.store.db = SqlFacade(reg.store)
    return reg


@pytest.fixture
def pg_register(pg_cluster, pg_templates, clock) -> Iterator[Register]:
    """The standard register (as conftest's ``register``) on a PostgreSQL database of its own."""
    name = f"t{next(_numbers)}"
    if clock.at == START:
        url = pg_cluster.create_database(name, template=pg_templates["standard"])
        reg = open_pg(url, clock)
    else:  # a test that moved its clock first gets a register made at that moment
        url = pg_cluster.create_database(name, template=pg_templates["empty"])
        reg = make_register(url, clock)
        reg.store.db = SqlFacade(reg.store)
    yield reg
    reg.close()
    pg_cluster.drop_database(name)
