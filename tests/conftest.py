"""Shared fixtures: a real SQLite file per test, a settable clock, ready-made users.

QT_QPA_PLATFORM is set before Qt can load (as Picard does), so GUI tests run headless.
"""

from __future__ import annotations

import os
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing a test does may reach the developer's own MotCua folder or credential store: the data
# folder (backups, the list of backup folders, logs) and the keyring are the test run's own,
# here and in every subprocess a test starts. Tests that need a keyring set a memory one.
_TEST_HOME = __import__("tempfile").mkdtemp(prefix="motcua-tests-")
os.environ["MOTCUA_DATA_DIR"] = _TEST_HOME
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import pytest  # noqa: E402

from core.model import IntakeForm, Role  # noqa: E402
from core.register import Register  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402

pytest_plugins = ["tests.gui_helpers"]  # GUI fixtures (fake_prompts, gui_session), listed once here

PASSWORD = "matkhau123"
AGENCY = "000.17.22.H56"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, text: str) -> None:
        self.at = datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "motcua.sqlite3"


@pytest.fixture
def register(db_path, clock):
    """An initialised register (starter catalogue) on a real file, with a clerk,
    a vice-chair and an admin."""
    reg = Register.open(db_path, clock=clock)
    reg.initialise("UBND phường Tây Hồ", AGENCY, report_to="Văn phòng UBND thành phố Hà Nội")
    from core.users import SYSTEM_USER

    reg.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", Role.ADMIN, PASSWORD)
    reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, PASSWORD)
    reg.add_user(SYSTEM_USER, "phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR, PASSWORD)
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


def make_form(procedure_code: str = "1.004222", **kw) -> IntakeForm:
    base = dict(
        procedure_code=procedure_code,
        applicant="Nguyễn Thị Ưởng",
        id_number="001190012345",
        phone="0912345678",
        address="Số 12 Âu Cơ, phường Tây Hồ, Hà Nội",
    )
    base.update(kw)
    return IntakeForm(**base)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)
