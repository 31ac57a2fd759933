"""What test modules share besides fixtures: the standard ward and users, the hand-moved clock,
intake forms and moments. Import it as ``from tests.helpers import ...`` (never from conftest:
conftest holds fixtures and the session's set-up only)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from core.model import IntakeForm, Role
from core.register import Register
from core.timeutil import VN_TZ
from core.users import SYSTEM_USER

PASSWORD = "matkhau123"
AGENCY = "000.17.22.H56"
WARD = "UBND phường Tây Hồ"
REPORT_TO = "Văn phòng UBND thành phố Hà Nội"
# Where the `clock` fixture starts: a Monday, a working day, fixed so no test depends on the
# day the suite runs (the wall clock is moved with `--today`, this one is not).
START = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
# login, full name, role of the users every `register` has
USERS = (
    ("quantri", "Lê Minh Quản", Role.ADMIN),
    ("canbo1", "Nguyễn Thị Thu Hà", Role.CLERK),
    ("phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR),
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, text: str) -> None:
        self.at = datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def populate(reg: Register) -> Register:
    """The standard ward: starter catalogue, an admin, a clerk and a vice-chair (all PASSWORD).

    Kept apart from the storage so another store (a PostgreSQL register) is filled the same way."""
    reg.initialise(WARD, AGENCY, report_to=REPORT_TO)
    for login, name, role in USERS:
        reg.add_user(SYSTEM_USER, login, name, role, PASSWORD)
    return reg


def make_register(path: Path, clock: Clock) -> Register:
    """An initialised register on a new SQLite file at ``path``."""
    return populate(Register.open(path, clock=clock))


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
