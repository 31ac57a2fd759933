"""The rules the 2025 texts add, on a real register: the daily sequence goes past 9999, the
provincial system's code is kept, searched, edited and printed, "sắp đến hạn" (due within one
working day, not resolved) from the core and from ``motcua due-soon``; and the command line's
manners: Vietnamese --version help, --report-to refusing an e-mail address, ``| head`` safe."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest

from cli.main import main
from core.errors import ValidationError
from core.today import due_soon
from reports.receipt import render_receipt
from reports.register_book import book_rows, dossiers_in_period
from tests.helpers import at, make_form

ROOT = Path(__file__).resolve().parents[1]


def test_intake_past_9999_a_day_goes_on(register, clerk):
    with register.store.transaction():
        for _ in range(9998):
            register.store.next_sequence("code:261123")
    d9999 = register.intake(make_form(), clerk, at=at("2026-11-23T08:00"))
    d10000 = register.intake(make_form(), clerk, at=at("2026-11-23T08:01"))
    assert d9999.code.endswith("-261123-9999")
    assert d10000.code.endswith("-261123-10000")
    assert register.find(d10000.code).id == d10000.id
    nextday = register.intake(make_form(), clerk, at=at("2026-11-24T08:00"))
    assert nextday.code.endswith("-261124-0001")


def test_province_code_kept_searched_edited_printed(register, clerk):
    d = register.intake(make_form(province_code="H56.99-261123-000777"), clerk, at=at("2026-11-23T08:00"))
    assert register.dossier(d.code).province_code == "H56.99-261123-000777"
    assert register.find("H56.99-261123-000777").code == d.code  # scanned from the province's slip
    assert [x.code for x in register.search("000777")] == [d.code]
    with pytest.raises(ValidationError):
        register.intake(make_form(province_code="mã tỉnh có dấu"), clerk, at=at("2026-11-23T08:05"))
    edited = register.edit_dossier(d.code, clerk, {"province_code": "H56.99-261123-000778"})
    assert edited.province_code == "H56.99-261123-000778"
    assert register.find("H56.99-261123-000778").code == d.code
    text = " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_receipt(edited, register.settings))).pages
    )
    assert "Mã hồ sơ trên hệ thống của tỉnh: H56.99-261123-000778" in " ".join(text.split())
    rows = book_rows(
        dossiers_in_period(register, at("2026-11-23T00:00").date(), at("2026-11-23T00:00").date()),
        register.settings,
    )
    assert "Mã hồ sơ của tỉnh: H56.99-261123-000778" in rows[0].values[-1]


def test_authorised_person_needs_a_name(register, clerk):
    with pytest.raises(ValidationError, match="chưa nhập họ tên"):
        register.intake(make_form(authorised_id="001090012345"), clerk, at=at("2026-11-23T08:00"))
    with pytest.raises(ValidationError):
        register.intake(
            make_form(authorised_name="Trần Văn Khôi", authorised_id="12"), clerk, at=at("2026-11-23T08:00")
        )


def test_due_soon_within_one_working_day_and_not_resolved(register, clerk, vice_chair, clock):
    a = register.intake(make_form("1.004194"), clerk, at=at("2026-11-23T08:00"))  # 3 working days
    b = register.intake(make_form("1.004222"), clerk, at=at("2026-11-23T08:00"))  # 7 working days
    c = register.intake(make_form("1.004194", applicant="Lê Văn Xong"), clerk, at=at("2026-11-23T08:10"))
    register.apply(c.code, "resolve", vice_chair, at=at("2026-11-24T09:00"))
    cal = register.calendar
    due_day = a.due_at.date()
    day_before = next(d for d in (due_day - timedelta(days=n) for n in range(1, 8)) if cal.is_working_day(d))
    two_before = next(
        d for d in (day_before - timedelta(days=n) for n in range(1, 8)) if cal.is_working_day(d)
    )
    clock.at = a.due_at
    morning = a.due_at.replace(hour=8, minute=0)
    assert [d.code for d in due_soon(register, morning)] == [a.code]  # due today; b days away; c resolved
    assert [
        d.code for d in due_soon(register, morning.replace(day=day_before.day, month=day_before.month))
    ] == [a.code]  # due the next working day: time to send the apology
    assert due_soon(register, morning.replace(day=two_before.day, month=two_before.month)) == []
    assert due_soon(register, a.due_at + timedelta(minutes=1)) == []  # past due is overdue, not "soon"
    assert b.code not in [d.code for d in due_soon(register, morning)]


def test_due_soon_command_line(register, clerk, db_path, capsys):
    a = register.intake(make_form("1.004194"), clerk, at=at("2026-11-23T08:00"))
    moment = f"{a.due_at:%Y-%m-%d} 08:00"
    register.clock.at = a.due_at  # "now" at the due moment: --at may not be in the future
    assert main(["--db", str(db_path), "due-soon", "--at", moment, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [x["code"] for x in got] == [a.code]
    assert main(["--db", str(db_path), "due-soon", "--at", "2026-11-23 08:30"]) == 0
    assert "Không có hồ sơ nào sắp đến hạn." in capsys.readouterr().out


def test_version_help_is_vietnamese(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "in số phiên bản rồi thoát" in out and "show program" not in out


def test_init_report_to_has_help_and_refuses_an_email(tmp_path, capsys):
    assert main(["init", "--help"]) == 0
    assert "cơ quan nhận báo cáo" in capsys.readouterr().out
    db = str(tmp_path / "m.sqlite3")
    args = ["--db", db, "init", "--ward-name", "UBND phường Tây Hồ", "--agency-code", "000.17.22.H56"]
    assert main([*args, "--report-to", "vanphong@hanoi.gov.vn"]) == 2
    assert "Nơi nhận báo cáo" in capsys.readouterr().err


def test_report_out_into_a_closed_pipe_writes_the_file(register, clerk, db_path, tmp_path):
    register.intake(make_form(), clerk, at=at("2026-11-23T08:00"))
    out = tmp_path / "bao-cao.xlsx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "cli", "--db", str(db_path), "report", "--no-save", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # "| head" that has read enough: the reader is gone before we print
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Broken pipe" not in err and "BrokenPipeError" not in err
    assert out.stat().st_size > 0


def test_intake_command_records_the_2025_fields(register, db_path, capsys, monkeypatch):
    from cli.context import CliContext
    from tests.helpers import PASSWORD

    monkeypatch.setattr(CliContext, "read_secret", lambda self, prompt: PASSWORD)
    args = ["--db", str(db_path), "--user", "canbo1", "intake", "--procedure", "1.004222"]
    args += ["--applicant", "Nguyễn Thị Ưởng", "--id-number", "001190012345", "--at", "2026-11-23 08:00"]
    args += ["--authorised-name", "Trần Văn Khôi", "--authorised-id", "001090012345"]
    args += ["--authorised-relation", "con", "--delivery", "truc-tuyen", "--province-code", "H56-1", "--json"]
    assert main(args) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["authorised_name"], got["authorised_id"], got["authorised_relation"]) == (
        "Trần Văn Khôi",
        "001090012345",
        "con",
    )
    assert got["result_delivery"] == "truc-tuyen" and got["province_code"] == "H56-1"
    assert main([*args[:-1], "--authorised-id", "123"]) == 2  # not a CCCD: refused, nothing written
    assert "phải gồm đúng 12 chữ số" in capsys.readouterr().err
    assert register.store.dossier_count() == 1
