"""Bad input never gets in: impossible times, hidden characters, oversized numbers and texts,
settings of the wrong shape, and a refused report note that leaves nothing behind.

Each case goes through the real way in (the register on a real file, or ``motcua`` in this
process) and then checks that nothing was written.
"""

from __future__ import annotations

import io
import sqlite3

import pytest

from cli.main import main
from core import reporting as rp
from core.errors import MotCuaError, ValidationError, ValidationErrors
from core.periods import Period
from core.settings import coerce_setting
from core.validation import validate_text
from tests.helpers import PASSWORD, at, make_form

HIDDEN = {
    "BEL": "\x07",
    "ESC": "\x1b[31m",
    "RTL override": "\u202e",
    "LTR isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "BOM": "\ufeff",
    "NUL": "\x00",
    "line separator": "\u2028",
}


def counts(db_path) -> tuple[int, ...]:
    conn = sqlite3.connect(db_path)
    try:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("dossiers", "events", "audit_log", "reports", "difficulties", "calendar_overrides")
        )
    finally:
        conn.close()


@pytest.fixture
def cli(register, db_path, monkeypatch, capsys):
    """``motcua --db DB ...`` in this process; stdin holds the given lines (passwords)."""

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(["--db", str(db_path), *args])
        return code, capsys.readouterr().err

    register.close()
    return run


INTAKE = [
    "intake",
    "--procedure",
    "1.004222",
    "--applicant",
    "Nguyễn Thị Ưởng",
    "--id-number",
    "001190012345",
]


# --- times ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "when",
    ["0001-01-01 00:00", "23/11/0026 10:00", "9999-12-31 10:00", "1999-12-31 16:00", "2101-01-01 08:00"],
)
def test_intake_at_an_impossible_year_is_refused_and_writes_nothing(cli, db_path, when):
    before = counts(db_path)
    code, err = cli("--user", "canbo1", *INTAKE, "--at", when, stdin=PASSWORD + "\n")
    assert code == 2 and "nằm ngoài khoảng 2000-2100" in err
    assert counts(db_path) == before


def test_future_moments_typed_in_are_refused(cli, db_path, clock):
    """The clock says 09:00: 09:30 is refused, 09:04 (a PC a few minutes fast) is taken."""
    pw = PASSWORD + "\n"
    before = counts(db_path)
    code, err = cli("--user", "canbo1", *INTAKE, "--at", "2026-11-23 09:30", stdin=pw)
    assert code == 2 and "trong tương lai" in err and counts(db_path) == before
    code, _ = cli("--user", "canbo1", *INTAKE, "--at", "2026-11-23 09:04", stdin=pw)
    assert code == 0
    conn = sqlite3.connect(db_path)
    [dossier] = [r[0] for r in conn.execute("SELECT code FROM dossiers")]
    conn.close()
    code, err = cli("--user", "canbo1", "resolve", dossier, "--at", "2099-01-01 08:00", stdin=pw)
    assert code == 2 and "trong tương lai" in err
    # the step refused above did not block the real one
    clock.set("2026-11-24T10:00:00")
    assert cli("--user", "canbo1", "resolve", dossier, stdin=pw)[0] == 0


def test_the_domain_refuses_impossible_years_from_any_caller(register, clerk):
    from datetime import datetime

    from core.timeutil import VN_TZ

    with pytest.raises(ValidationError, match="ngoài khoảng"):
        register.intake(make_form(), clerk, at=datetime(1, 1, 2, tzinfo=VN_TZ))


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--from", "0001-01-01", "--to", "9999-12-31"],
        ["due-date", "--procedure", "1.004222", "--at", "9999-12-31 10:00"],
        ["difficulty", "list", "--from", "0001-01-01"],
        ["calendar", "add-holiday", "9999-12-31"],
    ],
)
def test_out_of_range_dates_are_a_vietnamese_refusal(cli, db_path, args):
    before = counts(db_path)
    code, err = cli(*args)
    assert code == 2 and err.startswith("Lỗi:") and "nằm ngoài khoảng" in err and "Traceback" not in err
    assert counts(db_path) == before


def test_calendar_day_out_of_range_is_refused_by_the_domain(register, admin):
    from datetime import date

    with pytest.raises(ValidationError, match="ngoài khoảng"):
        register.set_override(admin, date(1, 1, 1), False, "Nghỉ")
    with pytest.raises(ValidationError, match="ngoài khoảng"):
        register.set_override(admin, date(9999, 12, 31), True, "Làm bù")


# --- hidden characters ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_hidden_characters_are_refused_in_every_text_way_in(register, clerk, admin, kind):
    bad = f"Nguyễn{HIDDEN[kind]}Văn An"
    before = counts(register.store.path)
    for field in ("applicant", "address", "note"):
        with pytest.raises(ValidationErrors, match="ký tự điều khiển"):
            register.intake(make_form(**{field: bad}), clerk)
    with pytest.raises(ValidationError, match="ký tự điều khiển"):
        register.add_difficulty(clerk, f"Thiếu {HIDDEN[kind]}mẫu")
    with pytest.raises(ValidationError, match="ký tự điều khiển"):
        register.update_settings(admin, ward_name=f"UBND phường {HIDDEN[kind]}Tây Hồ")
    with pytest.raises(ValidationError, match="ký tự điều khiển"):
        register.add_user(admin, "canbo9", bad, "clerk", PASSWORD)
    assert counts(register.store.path) == before
    assert register.settings.ward_name == "UBND phường Tây Hồ"


def test_tabs_and_newlines_only_in_multi_line_fields(register, clerk):
    with pytest.raises(ValidationErrors, match="U\\+0009"):
        register.intake(make_form(applicant="Nguyễn\tVăn An"), clerk)
    with pytest.raises(ValidationErrors, match="U\\+000A"):
        register.intake(make_form(address="Số 12\nÂu Cơ"), clerk)
    d = register.intake(make_form(note="Dòng một\nDòng hai"), clerk)
    assert d.note  # accepted (white space folded as before)
    assert validate_text("a\tb\nc", "Ghi chú", multiline=True) == "a b c"


def test_a_name_of_digits_or_a_huge_one_is_refused(register, clerk):
    for name in ("12345", "A" * 5000):
        with pytest.raises(ValidationErrors):
            register.intake(make_form(applicant=name), clerk)
    with pytest.raises(ValidationErrors, match="Địa chỉ: dài quá"):
        register.intake(make_form(address="x" * 100_000), clerk)


# --- numbers, arguments -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        [*INTAKE, "--fee", str(2**63)],
        [*INTAKE, "--fee", str(10**11)],
        ["search", "Nguyễn", "--limit", str(2**63)],
        ["report", "show", str(2**63)],
        ["audit", "list", "--limit", str(2**64)],
        ["edit", "X", f"fee_collected={2**63}"],
        [*INTAKE, "--applicant", "Nguy\udcffn"],  # a non-UTF-8 byte in the argument
        ["import-register", "/khong/co/tep.xlsx"],
        ["restore", "/khong/co/ban-sao.sqlite3"],
    ],
)
def test_no_traceback_and_no_english(cli, db_path, args):
    before = counts(db_path)
    code, err = cli("--user", "canbo1", *args, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 2, err
    assert err.startswith("Lỗi") and "Traceback" not in err and "ngoài dự kiến" not in err
    assert "No such file" not in err and "Errno" not in err
    assert counts(db_path) == before


def test_help_and_version_return_instead_of_exiting(cli, capsys):
    assert cli("--version")[0] == 0
    assert cli("intake", "--help")[0] == 0
    code, err = cli("no-such-command")
    assert code == 2 and "Lỗi: lệnh không hợp lệ" in err


# --- settings -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("report_to", "not-an-email@hanoi.gov.vn", "tên cơ quan"),
        ("report_to", "12345", "không phải tên cơ quan"),
        ("agency_code", "x';--", "Mã cơ quan"),
        ("agency_code", "000.17.22.H56.9999", "Mã cơ quan"),
        ("ward_name", "A" * 10_000, "dài quá"),
        ("report_recipients", "vanphong@hanoi.gov.vn, not-an-email", "không phải địa chỉ email"),
        ("email", "motcua@", "không phải địa chỉ email"),
        ("smtp_sender", "a b@c", "không phải địa chỉ email"),
        ("smtp_host", "smtp host;rm", "không phải tên máy chủ"),
        ("phone", "gọi tôi", "Số điện thoại"),
        ("register_book", "01/../..", "Quyển số"),
        ("default_period", "weekly", "official"),
        ("receipt_copies", "9" * 5000, "không phải số"),
        ("backup_dir", "D:\\Sao lưu\x07", "ký tự điều khiển"),
    ],
)
def test_every_setting_is_checked(register, admin, name, value, why):
    before = register.settings
    with pytest.raises(ValidationError, match=why):
        register.update_settings(admin, **{name: value})
    assert register.settings == before


def test_good_settings_still_go_in():
    assert coerce_setting("smtp_sender", "MotCua Tây Hồ <motcua@hanoi.gov.vn>").endswith(">")
    assert coerce_setting("report_recipients", "a@hanoi.gov.vn; b@hanoi.gov.vn")
    assert coerce_setting("agency_code", "000.17.22.H56") == "000.17.22.H56"
    assert coerce_setting("phone", "024 3753 2345") == "02437532345"
    assert coerce_setting("smtp_host", "127.0.0.1") == "127.0.0.1"


# --- report notes ---------------------------------------------------------------------------------
def test_a_refused_highlight_writes_no_draft(cli, db_path):
    before = counts(db_path)
    code, err = cli(
        "--user", "canbo1", "report", "--from", "2026-11-02", "--to", "2026-11-13",
        "--highlights", "x" * 5000, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 2 and "dài quá 4000 ký tự" in err
    assert counts(db_path) == before  # no draft, no audit entry
    code, err = cli(
        "--user", "canbo1", "report", "--from", "2026-11-02", "--to", "2026-11-13",
        "--proposals", "Đề nghị \u202ebổ sung", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 2 and "ký tự điều khiển" in err
    assert counts(db_path) == before


def test_report_notes_refuse_hidden_characters_in_the_domain(register, clerk):
    draft = rp.prepare(register, clerk, Period(at("2026-11-02T00:00").date(), at("2026-11-13T00:00").date()))
    with pytest.raises(MotCuaError, match="ký tự điều khiển"):
        rp.save_notes(register, clerk, draft.id, highlights="Tốt\x1b[2J")
    assert rp.save_notes(register, clerk, draft.id, highlights="Tốt\nRất tốt").highlights


# --- the old-register import ------------------------------------------------------------------------
def test_imported_rows_pass_the_intake_checks(register, admin, tmp_path):
    """A 5,000-character name, a 100,000-character address, "12345" as a name and a hidden
    character are refused per row with the reason; the good row still comes in."""
    import csv

    from core import register_import

    rows = [
        ["Mã hồ sơ", "Mã thủ tục", "Người nộp", "Địa chỉ", "Ngày nhận"],
        ["H56-250901-0001", "1.001193", "A" * 5000, "", "01/09/2025"],
        ["H56-250901-0002", "1.001193", "Trần Văn Bình", "x" * 100_000, "01/09/2025"],
        ["H56-250901-0003", "1.001193", "12345", "", "01/09/2025"],
        ["H56-250901-0004", "1.001193", "Lê\u202eThị Hoa", "", "01/09/2025"],
        ["H56-250901-0005", "1.001193", "Ngô Thị Mai", "Số 3 Âu Cơ", "01/09/2025"],
    ]
    path = tmp_path / "so-cu.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    before = counts(register.store.path)
    result = register_import.import_register(register, admin, path)
    assert result.imported == 1
    problems = "\n".join(map(str, result.problems))
    assert "Dòng 2: Người nộp: dài quá 200 ký tự" in problems
    assert "Dòng 3: Địa chỉ: dài quá 500 ký tự" in problems
    assert "Dòng 4: Người nộp: “12345” không phải họ tên" in problems
    assert "Dòng 5: Người nộp: có ký tự điều khiển hoặc ký tự ẩn (U+202E)" in problems
    assert counts(register.store.path)[0] == before[0] + 1
    assert register.dossier("H56-250901-0005").address == "Số 3 Âu Cơ"


def test_a_report_period_outside_the_years_is_refused_whoever_asks():
    """The window's date pickers allow 1752-9999: the period itself refuses such years."""
    from datetime import date

    with pytest.raises(ValidationError, match="ngoài khoảng 2000-2100"):
        Period(date(1, 1, 1), date(9999, 12, 31))
    assert Period(date(2026, 11, 1), date(2026, 11, 30)).end.day == 30


def test_an_old_row_with_escapes_never_reaches_the_terminal_raw(cli, db_path, capsys, monkeypatch):
    """A row written before these checks (or by another program) holds ESC and an RTL override:
    ``show`` and ``search`` print it with the controls replaced, and a code typed with an ESC is
    echoed the same way in the refusal."""
    code, _ = cli("--user", "canbo1", *INTAKE, stdin=PASSWORD + "\n")
    assert code == 0
    conn = sqlite3.connect(db_path)
    [dossier] = [r[0] for r in conn.execute("SELECT code FROM dossiers")]
    conn.execute("UPDATE dossiers SET applicant = ?", ["Nguyễn\x1b[2J\u202eVăn An"])
    conn.commit()
    conn.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    assert main(["--db", str(db_path), "show", dossier]) == 0
    assert main(["--db", str(db_path), "search", "Văn An"]) == 0
    assert main(["--db", str(db_path), "show", "X\x1b[31m"]) == 2
    out, err = capsys.readouterr()
    assert "Nguyễn\ufffd[2J\ufffdVăn An" in out
    assert "\x1b" not in out + err and "\u202e" not in out + err
