"""Fixtures and the test run's own surroundings: a real SQLite file per test, a settable clock,
ready-made users, a data folder and credential store of the run's own, cheap password hashes.

Shared constants and helpers live in ``tests.helpers`` (import them from there).
QT_QPA_PLATFORM is set before Qt can load (as Picard does), so GUI tests run headless.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing a test does may reach the developer's own MotCua folder or credential store: the data
# folder (backups, the list of backup folders, logs) and the keyring are the test run's own,
# here and in every subprocess a test starts. Tests that need a keyring set a memory one.
_TEST_HOME = tempfile.mkdtemp(prefix="motcua-tests-")
os.environ["MOTCUA_DATA_DIR"] = _TEST_HOME
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from core import timeutil, users  # noqa: E402
from core.register import Register  # noqa: E402
from tests.helpers import AGENCY, PASSWORD, START, Clock, at, make_form, make_register  # noqa: E402

# older `from tests.conftest import make_form` imports keep working; new code uses tests.helpers
_REEXPORTED = (AGENCY, PASSWORD, at, make_form)

pytest_plugins = [
    "tests.gui_helpers",  # GUI fixtures (fake_prompts, gui_session), listed once here
    "tests.backends",  # the PostgreSQL cluster, and `backend` for tests run on both stores
]

# Users made in this process hash with the cheapest argon2id parameters: a hash costs ~0.1 ms
# instead of ~60 ms. Verifying reads the parameters from each hash, so subprocesses check these
# passwords as cheaply without any switch of their own; production parameters are tested in
# test_house.py. Programs a test starts still hash new passwords with the production parameters.
users.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="run the suite as if the wall clock said 09:00 that day (sets MOTCUA_NOW, which "
        "the suite's own processes and every program they start read)",
    )


def pytest_configure(config: pytest.Config) -> None:
    today = config.getoption("--today")
    if today:
        os.environ[timeutil.ENV_NOW] = today
    timeutil.clock_override()  # a mistyped --today or MOTCUA_NOW stops the run here, not in a test


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_TEST_HOME, ignore_errors=True)  # this process's data folder, backups and logs


def pytest_report_header(config: pytest.Config) -> str:
    fixed = timeutil.clock_override()
    return f"MotCua clock: {timeutil.fmt(fixed)} (MOTCUA_NOW)" if fixed else "MotCua clock: the PC's"


@pytest.fixture
def clock():
    """The hand-moved clock, and for the test's length the clock of the whole process: the
    register, backups, the audit trail and the window all read it (``core.timeutil.now``)."""
    moving = Clock(START)
    previous = timeutil.set_clock(moving)
    yield moving
    timeutil.set_clock(previous)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "motcua.sqlite3"


@pytest.fixture(scope="session")
def register_template(tmp_path_factory) -> os.PathLike:
    """The standard register built once per process (``make_register``); tests get a copy.

    Copied only while no connection is open to it: after ``close`` the file is whole, with no
    -wal or -shm beside it (checked), so a byte copy is the same database."""
    path = tmp_path_factory.mktemp("modele") / "motcua.sqlite3"
    make_register(path, Clock(START)).close()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the template register left {leftovers} beside it"
    return path


@pytest.fixture
def register(db_path, clock, register_template, backend, request):
    """An initialised register (starter catalogue) on a real file, with a clerk,
    a vice-chair and an admin; in the modules of ``tests.backends.BOTH_BACKENDS`` also on a
    PostgreSQL database."""
    if backend == "postgresql":
        yield request.getfixturevalue("pg_register")
        return
    if clock.at == START and not db_path.exists():
        shutil.copyfile(register_template, db_path)
        reg = Register.open(db_path, clock=clock)
        with reg.store.transaction():  # a copy is a register of its own (whose backups are whose)
            reg.store.set_meta("register_id", uuid.uuid4().hex)
    else:  # a test that moved its clock first gets a register made at that moment
        reg = make_register(db_path, clock)
    yield reg
    reg.close()


@pytest.fixture
def clerk(register):
    return register.user("canbo1")


@pytest.fixture
def admin(register):
    return register.user("quantri")


@pytest.fixture
def vice_chair(register):
    return register.user("phochutich")
