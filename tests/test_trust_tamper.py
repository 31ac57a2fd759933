"""Tampering shows: changes made to the database file by another program are found.

Each test builds a real register through MotCua (intake, steps, users, a signed report, a
backup), closes it, changes the SQLite file with plain ``sqlite3`` as a forger would, and runs
``motcua audit verify`` / ``report show`` in this process. A register nobody touched passes.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import date

import pytest

from cli.main import main
from core import audit
from core import reporting as rp
from core.backup import backup_now
from core.periods import Period
from core.report_snapshot import fingerprint_of
from tests.helpers import PASSWORD, at, make_form

PERIOD = Period(date(2026, 11, 2), date(2026, 11, 13))


@pytest.fixture
def ward(register, clerk, admin, vice_chair, clock, tmp_path):
    """A week of work: dossiers through their steps, a calendar change, a difficulty, a signed
    report, a settings change; then a backup (the daily one)."""
    clock.set("2026-11-14T09:00:00")
    codes = []
    for i, day in enumerate(("02", "03", "04", "05", "06")):
        d = register.intake(make_form(applicant=f"Nguyễn Văn Số {i}"), clerk, at=at(f"2026-11-{day}T09:00"))
        codes.append(d.code)
    register.apply(codes[0], "handover", clerk, at=at("2026-11-02T10:00"), to_officer="Tư pháp")
    register.apply(codes[0], "resolve", clerk, at=at("2026-11-04T10:00"))
    register.apply(codes[1], "supplement", clerk, at=at("2026-11-03T10:00"), note="Thiếu tờ khai")
    register.edit_dossier(codes[2], clerk, {"phone": "0987654321"})
    register.record_print(codes[2], clerk, "01")
    register.set_override(admin, date(2026, 11, 20), False, "Nghỉ bù")  # re-dates open dossiers
    register.add_difficulty(clerk, "Thiếu mẫu tờ khai")
    register.update_settings(admin, address="Số 1 Xuân Diệu")
    report = rp.prepare(register, clerk, PERIOD)
    rp.sign(register, report.id, "phochutich", PASSWORD)
    register.close()
    backup = backup_now(register.store.path, tmp_path / "sao-luu")
    return register.store.path, codes, report.id, backup


def verify(db_path, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--db", str(db_path), "audit", "verify", *extra])
    out, err = capsys.readouterr()
    return code, out + err


def forge(db_path, sql: str, params=()) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_an_untouched_register_passes(ward, capsys):
    db_path, *_ = ward
    code, text = verify(db_path, capsys)
    assert code == 0 and "Nhật ký toàn vẹn" in text, text


def test_every_entry_names_the_channel_and_the_os_account(ward, monkeypatch, capsys):
    import getpass

    db_path, codes, *_ = ward
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db_path), "--user", "canbo1", "handover", codes[3]]) == 0
    conn = sqlite3.connect(db_path)
    channel, os_user = conn.execute("SELECT channel, os_user FROM audit_log ORDER BY id DESC").fetchone()
    conn.close()
    assert (channel, os_user) == ("dòng lệnh", getpass.getuser())
    assert verify(db_path, capsys)[0] == 0


@pytest.mark.parametrize(
    ("what", "sql", "found"),
    [
        (
            "an edited dossier row",
            "UPDATE dossiers SET applicant = 'Kẻ Gian' WHERE code = :code",
            "đã bị sửa",
        ),
        ("an edited fee", "UPDATE dossiers SET fee_collected = 999999 WHERE code = :code", "đã bị sửa"),
        (
            "an edited event",
            "UPDATE events SET at = '2026-11-01T08:00:00+07:00' WHERE dossier_id = "
            "(SELECT id FROM dossiers WHERE code = :code)",
            "đã bị sửa",
        ),
        ("a deleted dossier", "DELETE FROM dossiers WHERE code = :code", "đã bị xóa"),
    ],
)
def test_dossier_tampering_is_found(ward, capsys, what, sql, found):
    db_path, codes, *_ = ward
    if "DELETE" in sql:
        forge(
            db_path,
            "DELETE FROM events WHERE dossier_id = (SELECT id FROM dossiers WHERE code = ?)",
            [codes[0]],
        )
    forge(db_path, sql, {"code": codes[0]})
    code, text = verify(db_path, capsys)
    assert code == 2, what
    assert f"hồ sơ {codes[0]} {found} ngoài MotCua" in text, text


def test_a_user_made_admin_a_new_user_and_a_changed_password_hash_are_found(ward, capsys):
    db_path, *_ = ward
    forge(db_path, "UPDATE users SET role = 'admin' WHERE login = 'canbo1'")
    code, text = verify(db_path, capsys)
    assert code == 2 and "người dùng canbo1 đã bị sửa ngoài MotCua" in text
    forge(db_path, "UPDATE users SET role = 'clerk' WHERE login = 'canbo1'")  # put back: passes again
    assert verify(db_path, capsys)[0] == 0
    forge(
        db_path,
        "INSERT INTO users (login, full_name, role, password_hash, created_at) "
        "SELECT 'kegian', 'Kẻ Gian', 'admin', password_hash, created_at FROM users WHERE login = 'quantri'",
    )
    code, text = verify(db_path, capsys)
    assert code == 2 and "người dùng kegian không có trong nhật ký" in text


def test_the_calendar_and_settings_are_sealed(ward, capsys):
    db_path, *_ = ward
    forge(db_path, "UPDATE calendar_overrides SET working = 1 WHERE day = '2026-11-20'")
    forge(db_path, "UPDATE settings SET value = '\"UBND phường Giả\"' WHERE key = 'ward_name'")
    code, text = verify(db_path, capsys)
    assert code == 2
    assert "ngày điều chỉnh lịch 2026-11-20 đã bị sửa" in text and "thiết lập đã bị sửa" in text


def test_the_last_five_audit_rows_deleted_are_found(ward, capsys):
    db_path, codes, _, backup = ward
    conn = sqlite3.connect(db_path)
    count = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    conn.close()
    forge(db_path, "DELETE FROM audit_log WHERE id > ?", [count - 5])
    code, text = verify(db_path, capsys)
    assert code == 2
    assert f"bản sao lưu {backup.name} có {count} mục: bị cắt bớt" in text, text
    # ... and the rows those entries sealed no longer match their earlier seals
    assert "ngoài MotCua" in text


def test_an_audit_row_edited_with_the_chain_rehashed_is_found(ward, capsys):
    """The forger rewrites entry 5 and re-hashes every entry after it: the chain is whole again,
    but the backup (and the head printed on the signed report) still hold the true hashes."""
    db_path, codes, report_id, backup = ward
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY id")]
    head = f"{rows[-1]['id']}:{rows[-1]['hash']}"
    rows[4]["new"] = '{"applicant": "Kẻ Gian"}'
    prev = rows[3]["hash"]
    for row in rows[4:]:
        row["prev_hash"] = prev
        row["hash"] = prev = audit._entry_hash(row)
        conn.execute(
            "UPDATE audit_log SET new = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [row["new"], row["prev_hash"], row["hash"], row["id"]],
        )
    conn.commit()
    conn.close()
    code, text = verify(db_path, capsys)
    assert code == 2 and f"khác bản sao lưu {backup.name}: nhật ký đã bị viết lại" in text, text
    backup.unlink()  # without the backup, the head printed on paper still tells
    code, text = verify(db_path, capsys, "--known", head)
    assert code == 2 and "khác với đầu chuỗi đã in: nhật ký đã bị viết lại" in text, text


def test_a_signed_reports_figures_with_a_recomputed_fingerprint_are_found(ward, capsys):
    db_path, codes, report_id, _ = ward
    import json

    conn = sqlite3.connect(db_path)
    snapshot = json.loads(
        conn.execute("SELECT snapshot FROM reports WHERE id = ?", [report_id]).fetchone()[0]
    )
    snapshot["total"]["resolved_late"] = 0
    snapshot["total"]["resolved_on_time"] = snapshot["total"]["resolved_total"]
    for row in snapshot["rows"]:
        row["resolved_on_time"] += row.get("resolved_late", 0)
        row["resolved_late"] = 0
    conn.execute(
        "UPDATE reports SET snapshot = ?, fingerprint = ? WHERE id = ?",
        [
            json.dumps(snapshot, ensure_ascii=False),
            fingerprint_of(snapshot, snapshot["agency_code"]),
            report_id,
        ],
    )
    conn.commit()
    conn.close()
    code, text = verify(db_path, capsys)
    assert code == 2 and f"báo cáo số {report_id} đã bị sửa ngoài MotCua" in text
    capsys.readouterr()
    assert main(["--db", str(db_path), "report", "show", str(report_id)]) == 2
    err = capsys.readouterr().err
    assert f"CẢNH BÁO: báo cáo số {report_id} đã bị sửa ngoài MotCua" in err
    # a clumsier forger who leaves the old fingerprint is named by the fingerprint itself
    forge(db_path, "UPDATE reports SET fingerprint = ? WHERE id = ?", ["0" * 64, report_id])
    assert main(["--db", str(db_path), "report", "show", str(report_id)]) == 2
    assert "dấu vân tay của báo cáo số" in capsys.readouterr().err


def test_signing_prints_the_chain_head(register, clerk, db_path, monkeypatch, capsys, clock):
    clock.set("2026-11-14T09:00:00")
    register.intake(make_form(), clerk, at=at("2026-11-03T09:00"))
    report = rp.prepare(register, clerk, PERIOD)
    register.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db_path), "report", "sign", str(report.id), "--user", "phochutich"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("Đầu chuỗi nhật ký lúc ký:"))
    head = line.split("--known ")[1].rstrip(")")
    code, text = verify(db_path, capsys, "--known", head)
    assert code == 0, text


def test_a_restore_from_an_older_backup_is_not_taken_for_a_cut(ward, clock, monkeypatch, capsys):
    """Backup 1, more work, backup 2, restore backup 1: the chain is shorter than backup 2's,
    but it parts from it at the audited restore, and agrees with it up to there."""
    db_path, codes, _, first = ward
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db_path), "--user", "canbo1", "handover", codes[3]]) == 0
    clock.set("2026-11-15T10:00:00")  # the next day (one backup a day is kept)
    second = backup_now(db_path, first.parent)
    assert second != first
    assert verify(db_path, capsys)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(db_path), "--user", "quantri", "restore", str(first)]) == 0
    code, text = verify(db_path, capsys)
    assert code == 0, text
