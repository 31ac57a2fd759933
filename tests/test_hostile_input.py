"""Property-based hostile input: validators, date parsers and intake never crash, always explain
themselves in Vietnamese, and never half-write.

Every example either succeeds or raises a ``MotCuaError`` whose message - with the hostile input
itself removed, so the input can't supply the diacritics - is still Vietnamese.
"""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import MotCuaError
from core.model import ApplicantKind, Channel, IdKind, IntakeForm
from core.register import Register
from core.settings import SETTING_NAMES, coerce_setting
from core.timeutil import parse_date, parse_hhmm, parse_time
from core.users import SYSTEM_USER
from core.validation import (
    normalise_phone,
    validate_cccd,
    validate_email,
    validate_intake,
    validate_name,
    validate_passport,
    validate_tax_code,
)
from tests.helpers import at
from tests.hostile_helpers import is_vietnamese

EXAMPLES = 400
TRIED: dict[str, int] = {}

# Text that reaches deep branches: digits (incl. non-ASCII ones), separators, + and @, and anything.
digits_like = st.text(alphabet="0123456789 .-+()²³١٢٣٤০১" + "０１２", max_size=25)
anything = st.text(max_size=300)
hostile_text = st.one_of(anything, digits_like, st.from_regex(r"\A[0-9]{12}\Z"), st.just(""))


def check(name: str, fn, *args):
    """Run one example: success, or a Vietnamese ``MotCuaError``; anything else fails the test."""
    TRIED[name] = TRIED.get(name, 0) + 1
    try:
        return fn(*args)
    except MotCuaError as exc:
        assert exc.message, name
        assert is_vietnamese(exc.message, *args), (name, args, exc.message)
        return None


@settings(max_examples=EXAMPLES, deadline=None)
@given(hostile_text, st.one_of(st.none(), st.integers(-(10**9), 10**9)))
def test_validate_cccd(value, birth_year):
    result = check("validate_cccd", validate_cccd, value, birth_year, date(2026, 11, 23))
    if result is not None:
        assert len(result) == 12 and result.isascii() and result.isdigit()


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(anything, st.text(alphabet=string.ascii_letters + string.digits + " ", max_size=25)))
def test_validate_passport(value):
    result = check("validate_passport", validate_passport, value)
    if result is not None:
        assert result.isascii() and 6 <= len(result) <= 20


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(hostile_text, st.from_regex(r"\A\d{10}(-\d{3})?\Z")))
def test_validate_tax_code(value):
    result = check("validate_tax_code", validate_tax_code, value)
    if result is not None:
        assert result.replace("-", "").isascii()


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(hostile_text, st.from_regex(r"\A(\+84|0)[35789]\d{8}\Z")))
def test_normalise_phone(value):
    result = check("normalise_phone", normalise_phone, value)
    if result:
        assert result.isascii() and result.isdigit() and len(result) in (10, 11)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(anything, st.emails()))
def test_validate_email(value):
    check("validate_email", validate_email, value)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(anything, st.text(min_size=190, max_size=400)))
def test_validate_name(value):
    result = check("validate_name", validate_name, value)
    if result is not None:
        assert 0 < len(result) <= 200


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.one_of(
        anything,
        digits_like,
        st.datetimes().map(lambda d: d.isoformat()),
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
        st.from_regex(r"\A\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}([+-]\d{2}:\d{2})?\Z"),
        st.just("0001-01-01T00:00:00+14:00"),
        st.just("9999-12-31T23:59:59-12:00"),
    )
)
def test_date_parsers(value):
    check("parse_time", parse_time, value)
    check("parse_date", parse_date, value)
    check("parse_hhmm", parse_hhmm, value)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.one_of(st.sampled_from(sorted(SETTING_NAMES)), anything),
    st.one_of(hostile_text, st.integers(-(10**30), 10**30), st.booleans(), st.none(), st.just("25:61")),
)
def test_coerce_setting(name, value):
    """Every setting the admin screen or ``motcua settings`` can send (text, numbers, ticks)."""
    result = check("coerce_setting", coerce_setting, name, value)
    if result is not None and name in ("cutoff_time", "return_time"):
        parse_hhmm(result)  # a stored time always reads back


def forms():
    return st.builds(
        IntakeForm,
        procedure_code=st.one_of(st.just("1.004222"), st.just("1.001193"), anything),
        applicant=st.one_of(st.just("Nguyễn Thị Ưởng"), anything),
        applicant_kind=st.one_of(st.sampled_from(list(ApplicantKind)), anything),
        id_kind=st.one_of(st.sampled_from(list(IdKind)), anything),
        id_number=hostile_text,
        birth_year=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
        phone=hostile_text,
        address=st.one_of(anything, st.text(min_size=490, max_size=600)),
        email=st.one_of(anything, st.emails(), st.just("")),
        channel=st.one_of(st.sampled_from(list(Channel)), anything),
        copies=st.one_of(st.integers(-5, 120), st.just(1)),
        documents=st.lists(anything, max_size=5).map(tuple),
        fee_collected=st.integers(-(10**12), 10**12),
        return_by_post=st.booleans(),
        note=st.one_of(anything, st.text(min_size=1990, max_size=2100)),
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(forms())
def test_validate_intake(form):
    check("validate_intake", validate_intake, form)


@pytest.fixture(scope="module")
def shared_register(tmp_path_factory):
    reg = Register.open(tmp_path_factory.mktemp("hostile") / "motcua.sqlite3")
    reg.initialise("UBND phường Tây Hồ", "H56")
    clerk = reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", "clerk", "matkhau123")
    yield reg, clerk
    reg.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=forms())
def test_intake_all_or_nothing(shared_register, form):
    reg, clerk = shared_register
    db = reg.store.db
    tables = ("dossiers", "events", "audit_log")
    before = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables]
    written = check("Register.intake", reg.intake, form, clerk, at("2026-11-23T09:00"))
    after = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables]
    if written is None:
        assert after == before  # a rejection wrote nothing
    else:
        assert after == [n + 1 for n in before]
        assert reg.dossier(written.code).applicant == written.applicant


@pytest.fixture(scope="module", autouse=True)
def _print_tried():
    """After this module's tests: how many hostile inputs they tried, for docs/trust.md (run the file
    alone with -s). Printed, not asserted: each test checks its own inputs, whatever runs before."""
    yield
    total = sum(TRIED.values())
    print(f"\nHostile inputs tried: {total} " + ", ".join(f"{k} {v}" for k, v in sorted(TRIED.items())))
