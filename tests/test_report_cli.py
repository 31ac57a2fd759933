"""``motcua report``, ``day-summary`` and ``consolidate`` end to end.

Every form of the command line runs for real: through a subprocess (the installed entry
point's parser, stdin for passwords) or ``cli.main.main()`` in this process when the test
needs its own keyring backend (never the developer's) and a loopback SMTP server.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.main import main
from core import audit
from core import reporting as rp
from core.credentials import set_smtp_password
from core.periods import Period
from core.stats import KEYS, compute, day_summary
from reports.datasheet import read_workbook
from tests.helpers import PASSWORD, at, make_form
from tests.smtp_helpers import SMTP_USER, failing_keyring, free_port, memory_keyring, smtp_server

ROOT = Path(__file__).resolve().parent.parent
PERIOD = Period(date(2026, 11, 2), date(2026, 11, 13))
SPAN = ["--from", "2026-11-02", "--to", "13/11/2026"]
RECIPIENTS = "vanphong@hanoi.gov.vn, thongke@hanoi.gov.vn"


@pytest.fixture
def ward(register, clerk, clock):
    clock.set("2026-11-03T10:00:00")
    register.add_difficulty(clerk, "Thiếu mẫu tờ khai bản giấy", procedure_code="1.004222")
    d1 = register.intake(make_form(), clerk, at=at("2026-11-02T08:30:00"))
    register.apply(d1.code, "resolve", clerk, at=at("2026-11-02T14:00:00"))
    register.intake(make_form(), clerk, at=at("2026-11-04T09:00:00"))
    register.intake(make_form(channel="truc-tuyen"), clerk, at=at("2026-11-05T09:00:00"))
    clock.set("2026-11-23T09:00:00")
    return register


def run(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``motcua --db DB args...`` as a child process, as a clerk types it."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("MOTCUA_USER", None)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", str(db), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def call(db: Path, *args: str, stdin: str = "", capsys=None, monkeypatch=None) -> tuple[int, str, str]:
    """``cli.main.main()`` in this process (so the test's keyring backend is the one used).

    A leading ``--user`` acts as that person: their password is the first line on stdin."""
    if args[:1] == ("--user",):
        stdin = PASSWORD + "\n" + stdin
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _signed_report(ward, clerk) -> rp.Report:
    report = rp.prepare(ward, clerk, PERIOD)
    return rp.sign(ward, report.id, "phochutich", PASSWORD)


# --- report: figures, draft -------------------------------------------------------------------
def test_report_json_is_exactly_the_table_and_saves_a_draft(ward, db_path):
    done = run(db_path, "report", *SPAN, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data == compute(ward, PERIOD).to_json()
    assert list(data) == ["from", "to", "rows", "total"]
    assert (data["from"], data["to"]) == ("2026-11-02", "2026-11-13")
    for row in data["rows"]:
        assert list(row) == ["field", *KEYS]
    assert list(data["total"]) == list(KEYS) and data["total"]["received_total"] == 3
    assert "Báo cáo số 1, phiên bản 1: Bản nháp" in done.stderr  # stdout stays pure JSON
    draft = rp.get(ward, 1)
    assert draft.status == rp.DRAFT and draft.created_by == "he-thong"
    assert draft.difficulties.startswith("- 03/11: Thiếu mẫu tờ khai bản giấy")


def test_report_preset_text_and_draft_workbook(ward, db_path, tmp_path, capsys, monkeypatch):
    out = tmp_path / "bao-cao.xlsx"
    code, text, err = call(
        db_path, "--user", "canbo1", "report", "--preset", "official-month", "--date", "2026-11-10",
        "--highlights", "Không có hồ sơ trễ hạn", "--out", str(out),
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    assert "Kỳ báo cáo: Từ ngày 15/10/2026 đến ngày 14/11/2026" in text
    total = compute(ward, Period(date(2026, 10, 15), date(2026, 11, 14))).total.to_dict()
    total_line = next(line for line in text.splitlines() if line.startswith("Tổng cộng"))
    assert total_line.split()[2:] == [str(total[k]) for k in KEYS]
    assert (total["received_total"], total["received_online"], total["resolved_early"]) == (3, 1, 1)
    assert "motcua report sign 1 --user" in text
    report = rp.get(ward, 1)
    assert report.highlights == "Không có hồ sơ trễ hạn" and report.created_by == "canbo1"
    assert report.period.preset == "official-month"
    wb = load_workbook(out)
    cells = [c for row in wb["Báo cáo"].iter_rows(values_only=True) for c in row if c]
    assert any("BẢN NHÁP" in str(c) for c in cells)
    assert "Không có hồ sơ trễ hạn" in cells
    assert read_workbook(out).total.received_total == 3
    # The default period (no flags) is the official month of the settings around today.
    code, text, _ = call(db_path, "report", "--no-save", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "Từ ngày 15/11/2026 đến ngày 14/12/2026" in text
    assert len(rp.list_reports(ward)) == 1  # --no-save wrote nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--from", "2026-11-02"], "cần cả --from và --to"),
        (["report", "--preset", "month", *SPAN], "chọn --preset hoặc --from/--to"),
        (["report", "--from", "2026-11-13", "--to", "2026-11-02"], "trước ngày đầu"),
        (["report", "--preset", "fortnight"], "giá trị 'fortnight' không hợp lệ"),
        (["report", *SPAN, "--out", "bao-cao.pdf"], "phải có đuôi .xlsx"),
        (["report", "sign"], "thiếu tham số bắt buộc: id"),
        (["report", "show", "7"], "Không có báo cáo số 7"),
        (["day-summary", "--send", "--eml", "x.eml"], "không dùng cùng tham số --send"),
        (["report", "sign", "1"], "cần tên đăng nhập của Phó Chủ tịch"),
    ],
)
def test_report_refusals(ward, db_path, args, message, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.delenv("MOTCUA_USER", raising=False)
    try:
        code = main(["--db", str(db_path), *args])
    except SystemExit as stop:  # argparse's own refusals
        code = stop.code
    assert code == 2
    assert message in capsys.readouterr().err


# --- sign-off ---------------------------------------------------------------------------------
def test_sign_from_the_command_line(ward, clerk, db_path):
    report = rp.prepare(ward, clerk, PERIOD)
    wrong = run(db_path, "report", "sign", str(report.id), "--user", "phochutich", stdin="sai-mat-khau\n")
    assert wrong.returncode == 2 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.stderr
    by_clerk = run(db_path, "report", "sign", str(report.id), "--user", "canbo1", stdin=PASSWORD + "\n")
    assert by_clerk.returncode == 2 and "Chỉ Phó Chủ tịch UBND được ký duyệt" in by_clerk.stderr
    assert rp.get(ward, report.id).status == rp.DRAFT
    ok = run(db_path, "report", "sign", str(report.id), "--user", "phochutich", stdin=PASSWORD + "\n")
    assert ok.returncode == 0, ok.stderr
    signed = rp.get(ward, report.id)
    assert signed.status == rp.SIGNED and signed.signed_by == "phochutich"
    assert f"Dấu vân tay SHA-256: {signed.fingerprint}" in ok.stdout
    assert "Phạm Quang Vinh (Phó Chủ tịch UBND)" in ok.stdout
    again = run(db_path, "report", "sign", str(report.id), "--user", "phochutich", stdin=PASSWORD + "\n")
    assert again.returncode == 2 and "không được ký lại" in again.stderr
    listed = run(db_path, "report", "list", "--json")
    data = json.loads(listed.stdout)
    assert [(r["id"], r["status"], r["fingerprint"]) for r in data] == [(1, "signed", signed.fingerprint)]
    text = run(db_path, "report", "list").stdout
    assert "v1\tĐã ký duyệt, chưa gửi\tPhạm Quang Vinh\t" + signed.fingerprint[:16] in text


def test_late_entry_shows_and_makes_version_two(ward, clerk, db_path, capsys, monkeypatch):
    v1 = _signed_report(ward, clerk)
    intake = ["intake", "--procedure", "1.004222", "--applicant", "Hoàng Văn Nam"]
    code, _, err = call(
        db_path, "--user", "canbo1", *intake, "--id-number", "001190012345", "--at", "2026-11-10 09:00",
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    code, text, _ = call(db_path, "report", "show", str(v1.id), capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "tổng số nhận 3 → 4" in text and "motcua report --from 2026-11-02" in text
    code, text, _ = call(db_path, "report", *SPAN, capsys=capsys, monkeypatch=monkeypatch)
    assert f"Báo cáo số 2, phiên bản 2 (thay thế báo cáo số {v1.id}): Bản nháp" in text
    changed = next(line for line in text.splitlines() if line.startswith("Số liệu khác bản đã ký: "))
    assert "Cư trú: tổng số nhận 3 → 4" in changed and "Cư trú: đang giải quyết 2 → 3" in changed
    code, _, err = call(
        db_path, "report", "send", str(v1.id), "--eml", "x.eml", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 2 and "phiên bản mới hơn" in err
    assert rp.get(ward, v1.id).table.total.received_total == 3


# --- sending ----------------------------------------------------------------------------------
def _mail_settings(register, admin, port: int) -> None:
    register.update_settings(
        admin,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_user=SMTP_USER,
        smtp_sender=SMTP_USER,
        report_recipients=RECIPIENTS,
    )


def test_send_failed_then_good_through_a_real_smtp_server(ward, clerk, admin, db_path, capsys, monkeypatch):
    report = _signed_report(ward, clerk)

    def send() -> tuple[int, str, str]:
        args = ("--user", "canbo1", "report", "send", str(report.id))
        return call(db_path, *args, capsys=capsys, monkeypatch=monkeypatch)

    with memory_keyring(), smtp_server(auth_password="dung-mat-khau") as server:
        # Nobody listens: refused connection, logged, still "signed, not sent".
        _mail_settings(ward, admin, free_port())
        set_smtp_password(ward.settings, "dung-mat-khau")
        code, _, err = send()
        assert code == 2 and "Không kết nối được máy chủ thư" in err
        # The server is up but the stored password is wrong: login refused, logged.
        _mail_settings(ward, admin, server.port)
        set_smtp_password(ward.settings, "mat-khau-cu")
        code, _, err = send()
        assert code == 2 and "từ chối đăng nhập" in err
        assert rp.get(ward, report.id).status == rp.SIGNED and server.messages == []
        set_smtp_password(ward.settings, "dung-mat-khau")
        code, out, err = send()
        assert code == 0, err
        assert f"Đã gửi báo cáo số {report.id} tới {RECIPIENTS}." in out
    log = rp.sends(ward, report.id)
    assert [(s.method, s.ok) for s in log] == [("smtp", False), ("smtp", False), ("smtp", True)]
    assert "Không kết nối được" in log[0].error and "từ chối đăng nhập" in log[1].error
    assert log[2].error == "" and log[2].recipients == RECIPIENTS and log[2].user_login == "canbo1"
    sent = rp.get(ward, report.id)
    assert sent.status == rp.SENT and sent.sent_at is not None
    [msg] = server.messages
    assert "Báo cáo tình hình giải quyết TTHC từ 02/11/2026 đến 13/11/2026" in str(msg["Subject"])
    [part] = [p for p in msg.iter_attachments()]
    data = read_workbook(part.get_content())
    assert data.fingerprint == report.fingerprint and data.fingerprint_ok
    assert data.total == report.table.total
    assert server.logins == [SMTP_USER]
    assert audit.verify(ward.store.db).ok


def test_send_asks_for_the_password_when_the_machine_has_no_credential_store(
    ward, clerk, admin, db_path, capsys, monkeypatch
):
    report = _signed_report(ward, clerk)
    with failing_keyring(), smtp_server(auth_password="dung-mat-khau") as server:
        _mail_settings(ward, admin, server.port)
        args = ("--user", "canbo1", "report", "send", str(report.id))
        code, out, err = call(db_path, *args, stdin="dung-mat-khau\n", capsys=capsys, monkeypatch=monkeypatch)
        assert code == 0, err
        assert len(server.messages) == 1 and server.logins == [SMTP_USER]
    assert rp.get(ward, report.id).status == rp.SENT


def test_send_as_eml_then_mark_sent(ward, clerk, admin, db_path, tmp_path):
    draft = rp.prepare(ward, clerk, PERIOD)
    ward.update_settings(admin, report_recipients=RECIPIENTS)
    eml = tmp_path / "bao-cao.eml"
    refused = run(db_path, "report", "send", str(draft.id), "--eml", str(eml))
    assert refused.returncode == 2 and "chưa được Phó Chủ tịch ký duyệt" in refused.stderr
    assert not eml.exists() and rp.sends(ward, draft.id) == []  # nothing left the office
    rp.sign(ward, draft.id, "phochutich", PASSWORD)
    done = run(db_path, "report", "send", str(draft.id), "--eml", str(eml))
    assert done.returncode == 0, done.stderr
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["X-Unsent"] == "1" and "vanphong@hanoi.gov.vn" in str(msg["To"])
    [part] = list(msg.iter_attachments())
    assert read_workbook(part.get_content()).fingerprint == rp.get(ward, draft.id).fingerprint
    [entry] = rp.sends(ward, draft.id)
    assert (entry.method, entry.ok) == ("eml", True) and rp.get(ward, draft.id).status == rp.SIGNED
    marked = run(db_path, "report", "mark-sent", str(draft.id))
    assert marked.returncode == 0 and "Đã gửi lúc" in marked.stdout
    assert rp.get(ward, draft.id).status == rp.SENT


def test_an_eml_that_cannot_be_written_is_logged_as_failed(ward, clerk, tmp_path, db_path):
    report = _signed_report(ward, clerk)
    blocker = tmp_path / "tep-thuong.txt"
    blocker.write_text("x", encoding="utf-8")
    done = run(db_path, "report", "send", str(report.id), "--eml", str(blocker / "con" / "bao-cao.eml"))
    assert done.returncode == 2 and "Không ghi được tệp thư" in done.stderr
    [entry] = rp.sends(ward, report.id)
    assert (entry.method, entry.ok) == ("eml", False) and "Không ghi được tệp thư" in entry.error
    assert rp.get(ward, report.id).status == rp.SIGNED


def test_a_bad_recipient_in_the_settings_is_a_logged_failed_send(ward, clerk, admin, db_path):
    report = _signed_report(ward, clerk)
    # settings refuse such an address now; a register saved by an older MotCua may still hold one
    with ward.store.transaction():
        ward.store.save_settings(replace(ward.settings, report_recipients="vanphong-hanoi.gov.vn"))
    done = run(db_path, "report", "send", str(report.id))
    assert done.returncode == 2 and "Địa chỉ nhận báo cáo không hợp lệ" in done.stderr
    [entry] = rp.sends(ward, report.id)
    assert (entry.method, entry.ok, entry.recipients) == ("smtp", False, "vanphong-hanoi.gov.vn")


# --- end-of-day summary -----------------------------------------------------------------------
def test_day_summary_json_workbook_eml_and_send(ward, admin, db_path, tmp_path, capsys, monkeypatch):
    code, out, _ = call(
        db_path, "day-summary", "--date", "2026-11-02", "--json", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 0
    assert json.loads(out) == day_summary(ward, date(2026, 11, 2)).to_json()
    assert json.loads(out)["received"] == 1 and json.loads(out)["resolved"] == 1
    book = tmp_path / "ngay.xlsx"
    eml = tmp_path / "ngay.eml"
    code, out, err = call(
        db_path, "day-summary", "--date", "2026-11-03", "--out", str(book), "--eml", str(eml),
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    assert "Thiếu mẫu tờ khai bản giấy" in out
    cells = [c for row in load_workbook(book).active.iter_rows(values_only=True) for c in row if c]
    assert "Thiếu mẫu tờ khai bản giấy" in cells
    assert email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)["X-Unsent"] == "1"
    with memory_keyring(), smtp_server(auth_password="dung-mat-khau") as server:
        _mail_settings(ward, admin, server.port)
        set_smtp_password(ward.settings, "dung-mat-khau")
        code, _, err = call(
            db_path,
            "--user",
            "canbo1",
            "day-summary",
            "--date",
            "2026-11-03",
            "--send",
            capsys=capsys,
            monkeypatch=monkeypatch,
        )
        assert code == 0, err
    [msg] = server.messages
    assert "Tổng hợp cuối ngày 03/11/2026" in str(msg["Subject"])
    entries = audit.entries(ward.store.db, entity="day_summary", key="2026-11-03")
    assert [(e["action"], json.loads(e["new"])["method"]) for e in entries] == [
        ("send", "smtp"),
        ("send", "eml"),
    ]


# --- city roll-up -----------------------------------------------------------------------------
def _ward_by_cli(db: Path, name: str, code: str, online: int, tmp: Path, capsys, monkeypatch) -> Path:
    """A ward made only through the command line: set-up, users, dossiers, report, sign-off."""

    def ok(*args: str, stdin: str = "") -> str:
        code_, out, err = call(db, *args, stdin=stdin, capsys=capsys, monkeypatch=monkeypatch)
        assert code_ == 0, err
        return out

    ok("init", "--ward-name", name, "--agency-code", code)
    ok("user", "add", "quantri", "--role", "admin", "--full-name", "Lê Minh Quản", stdin=PASSWORD + "\n")
    admin = ("--user", "quantri")  # the users after the first need an admin's password
    ok(*admin, "user", "add", "canbo", "--role", "clerk", "--full-name", "Vũ Thị Lan", stdin=PASSWORD + "\n")
    vice_chair = ["pct", "--role", "vice-chair", "--full-name", "Đặng Văn Hùng"]
    ok(*admin, "user", "add", *vice_chair, stdin=PASSWORD + "\n")
    person = ["--procedure", "1.004222", "--id-number", "001190012345"]
    first = ok("--user", "canbo", "intake", *person, "--applicant", "Ngô Thị Mai", "--at", "2026-11-03 09:00")
    ok("--user", "canbo", "resolve", first.strip(), "--at", "2026-11-03 15:00")
    for i in range(online):
        at_ = f"2026-11-0{4 + i} 10:00"
        ok(
            "--user",
            "canbo",
            "intake",
            *person,
            "--applicant",
            "Phan Văn Tú",
            "--channel",
            "truc-tuyen",
            "--at",
            at_,
        )
    draft = tmp / f"{code}-nhap.xlsx"
    ok("--user", "canbo", "report", *SPAN, "--out", str(draft))
    ok("report", "sign", "1", "--user", "pct", stdin=PASSWORD + "\n")
    signed = tmp / f"{code}.xlsx"
    ok("report", "show", "1", "--out", str(signed))
    return signed


def test_consolidate_two_wards_made_by_the_cli(tmp_path, capsys, monkeypatch):
    a = _ward_by_cli(
        tmp_path / "a.sqlite3", "UBND phường Tây Hồ", "000.17.22.H56", 1, tmp_path, capsys, monkeypatch
    )
    b = _ward_by_cli(
        tmp_path / "b.sqlite3", "UBND phường Ba Đình", "000.01.22.H56", 2, tmp_path, capsys, monkeypatch
    )
    unsigned = tmp_path / "000.01.22.H56-nhap.xlsx"
    broken = tmp_path / "khong-phai-excel.xlsx"
    broken.write_text("không phải tệp Excel", encoding="utf-8")
    city = tmp_path / "thanh-pho.xlsx"
    done = run(
        tmp_path / "a.sqlite3", "consolidate", str(a), str(b), str(unsigned), str(broken), "--out", str(city)
    )
    assert done.returncode == 0, done.stderr
    assert "Đã tổng hợp 2 báo cáo, kỳ Từ ngày 02/11/2026 đến ngày 13/11/2026" in done.stdout
    assert "2 tệp bị loại" in done.stdout
    assert "- khong-phai-excel.xlsx: " in done.stdout and "- 000.01.22.H56-nhap.xlsx: " in done.stdout
    ws = load_workbook(city)["Tổng hợp"]
    rows = {r[1] or r[0]: r[2:13] for r in ws.iter_rows(values_only=True) if r[0] or r[1]}
    assert rows["UBND phường Tây Hồ"][:5] == (2, 1, 1, 0, 1)
    assert rows["UBND phường Ba Đình"][:5] == (3, 2, 1, 0, 1)
    assert rows["Tổng cộng"][:5] == (5, 3, 2, 0, 2)
    # Nothing good to roll up: refused, named, and no file written.
    none = run(tmp_path / "a.sqlite3", "consolidate", str(unsigned), "--out", str(tmp_path / "rong.xlsx"))
    assert none.returncode == 2 and "Không có báo cáo hợp lệ nào" in none.stderr
    assert "000.01.22.H56-nhap.xlsx" in none.stderr and not (tmp_path / "rong.xlsx").exists()
