"""A fuzzer over every ``motcua`` command: whatever is typed, a Vietnamese refusal (exit 2) or a
success (exit 0), never a traceback, never the "unexpected error" sentence of a bug.

The commands and their options are read from the real parser of ``cli/main.py`` (so a command
added tomorrow is fuzzed too); hypothesis draws hostile text, numbers, dates and paths for
them, and a stdin of right and wrong passwords. Each example runs ``cli.main.main(argv)`` in
this process on a real register file in a temporary folder; paths only ever point inside it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import build_parser, main
from core.model import Role
from core.register import Register
from core.users import SYSTEM_USER
from tests.helpers import AGENCY, PASSWORD
from tests.hostile_helpers import is_vietnamese

EXAMPLES_PER_COMMAND = 15  # x about 45 commands: some 700 command lines a run
LOGINS = ("canbo1", "quantri", "phochutich")


def leaf_commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command words, parser) for every parser that runs something (has a handler)."""
    found = []

    def walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        if "handler" in parser._defaults:
            found.append((words, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, (*words, name))

    walk(build_parser(), ())
    return found


PARSERS = dict(leaf_commands())
SPECIALS = [
    "",
    " ",
    "\x07",
    "\x1b[31mđỏ\x1b[0m",
    "Nguyễn\u202eVăn",
    "Trần\u200bThị",
    "Nguy\udcffn",  # an undecodable byte, as Python hands it over from argv
    "0001-01-01",
    "0001-01-01 00:00",
    "9999-12-31",
    "9999-12-31 10:00",
    "23/11/0026",
    "2099-01-01 08:00",
    "2026-02-30",
    str(2**63),
    str(-(2**63) - 1),
    str(10**40),
    "-1",
    "0",
    "nan",
    "inf",
    "1e400",
    "'; DROP TABLE dossiers;--",
    "%s%n%x",
    "A" * 5000,
    "x=" + "y" * 3000,
    "fee_collected=" + str(2**63),
    "copies=-5",
    "receipt_copies=" + "9" * 5000,
    "report_to=not-an-email@x.vn",
    "agency_code=x';--",
    "ward_name=" + "A" * 10_000,
    "000.17.22.H56-261123-0001",
    "1.004222",
]
hostile_text = st.one_of(st.sampled_from(SPECIALS), st.text(max_size=40), st.text(min_size=300, max_size=600))
numbers = st.one_of(
    st.integers(-3, 5).map(str), st.sampled_from([str(2**63), str(2**64), str(10**100), "-1", "1.5", "0x10"])
)
PATH_DESTS = {"file", "files", "out", "eml", "to_dir", "cafile"}


def value_for(action: argparse.Action, paths: list[str]) -> st.SearchStrategy[str]:
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        return st.one_of(st.sampled_from(sorted(map(str, action.choices))), hostile_text)
    if action.dest in PATH_DESTS:
        return st.one_of(st.sampled_from(paths), hostile_text)
    if action.type in (int, float):
        return st.one_of(numbers, hostile_text)
    return hostile_text


@st.composite
def command_lines(draw, words: tuple[str, ...], paths: list[str]) -> tuple[list[str], str]:
    parser = PARSERS[words]
    argv = list(words)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if not action.option_strings:  # positional
            count = 1 if action.nargs in (None, 1) else draw(st.integers(1 if action.nargs == "+" else 0, 3))
            argv += [draw(value_for(action, paths)) for _ in range(count)]
        elif draw(st.booleans()):
            flag = action.option_strings[-1]
            if action.nargs == 0:
                argv.append(flag)
            else:
                count = draw(st.integers(0, 2)) if action.nargs in ("*", "+") else 1
                argv += [flag, *(draw(value_for(action, paths)) for _ in range(count))]
    if draw(st.booleans()):
        argv = ["--user", draw(st.one_of(st.sampled_from(LOGINS), hostile_text)), *argv]
    lines = draw(st.lists(st.one_of(st.just(PASSWORD), hostile_text), max_size=3))
    return argv, "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A register with a clerk, an admin and a vice-chair, and a few files for path arguments."""
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "motcua.sqlite3"
    reg = Register.open(db)
    reg.initialise("UBND phường Tây Hồ", AGENCY)
    reg.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", Role.ADMIN, PASSWORD)
    reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, PASSWORD)
    reg.add_user(SYSTEM_USER, "phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR, PASSWORD)
    reg.close()
    (folder / "rong.xlsx").write_bytes(b"")
    (folder / "rac.xlsx").write_bytes(bytes(range(256)) * 4)
    (folder / "so-cu.csv").write_text("Họ tên,Ngày nhận\n\x07Nguyễn\u202e,0001-01-01\n", encoding="utf-8")
    (folder / "thu-muc").mkdir()
    paths = [
        str(folder / name)
        for name in ("rong.xlsx", "rac.xlsx", "so-cu.csv", "thu-muc", "khong-co.xlsx", "ra.xlsx", "ra.eml")
    ]
    paths += [str(folder / "khong-co" / "sau" / "ra.xlsx"), str(folder / "thu-muc" / "sao-luu")]
    return db, paths


@pytest.mark.parametrize("words", sorted(PARSERS), ids=" ".join)
@settings(
    max_examples=EXAMPLES_PER_COMMAND,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_every_command_refuses_in_vietnamese_or_succeeds(place, monkeypatch, words, data):
    db, paths = place
    argv, stdin = data.draw(command_lines(words, paths))
    monkeypatch.delenv("MOTCUA_USER", raising=False)
    monkeypatch.chdir(db.parent)  # a relative path drawn for --out or --to lands in the test's folder
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", str(db), *argv])
    finally:
        sys.stdin = saved
    text = err.getvalue()
    allowed = {0, 1, 2} if words == ("smtp-password", "status") else {0, 2}  # status 1: "not stored"
    assert code in allowed, (argv, code, text)
    assert "Traceback" not in text and "ngoài dự kiến" not in text, (argv, text)
    if code == 2:
        assert text.strip(), argv
        assert is_vietnamese(text, *argv), (argv, text)


def test_the_parser_is_what_is_fuzzed():
    """The list above comes from the parser itself: every command of ``motcua`` is in it."""
    names = {" ".join(words) for words in PARSERS}
    assert len(names) >= 40
    assert {"intake", "report sign", "restore", "settings set", "import-register", "audit verify"} <= names
