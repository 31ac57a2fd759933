"""Audit trail: every kind of change is recorded, and tampering is found by ``motcua audit verify``."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from cli.main import main
from core import audit
from core.errors import ValidationError
from core.model import Role
from tests.helpers import at, make_form


def _pairs(register) -> list[tuple[str, str]]:
    return [
        (r["entity"], r["action"])
        for r in register.store.db.query("SELECT entity, action FROM audit_log ORDER BY id")
    ]


def test_every_change_kind_appends_an_entry(register, clerk, admin, vice_chair):
    d = register.intake(make_form(), clerk, at=at("2026-11-23T09:00"))
    register.apply(d.code, "handover", clerk, at=at("2026-11-23T09:30"), to_officer="Cán bộ địa chính")
    register.edit_dossier(d.code, clerk, {"phone": "0987654321"})
    register.record_print(d.code, clerk, "01")
    with pytest.raises(ValidationError, match="lý do"):
        register.edit_dossier(d.code, clerk, {"address": "Số 1 Xuân Diệu"})
    register.edit_dossier(d.code, clerk, {"address": "Số 1 Xuân Diệu"}, reason="Ghi nhầm số nhà")
    register.apologise(d.code, clerk, at("2026-12-30T16:30"), "Chờ ý kiến cơ quan thuế")
    register.apply(d.code, "resolve", vice_chair, at=at("2026-12-29T10:00"), signed_by="Phạm Quang Vinh")
    register.update_settings(admin, address="Số 5 Lạc Long Quân")
    register.save_procedure(admin, replace(register.procedure("1.004222"), fee="50.000 đồng"))
    register.set_override(admin, date(2026, 12, 26), True, "Làm bù")
    register.remove_override(admin, date(2026, 12, 26))
    register.add_user(admin, "canbo2", "Trần Văn Bình", Role.CLERK, "mat-khau-2")
    register.update_user(admin, "canbo2", active=False)
    register.add_difficulty(clerk, "Thiếu mẫu tờ khai", dossier_code=d.code)

    pairs = _pairs(register)
    for expected in [
        ("dossier", "intake"),
        ("dossier", "handover"),
        ("dossier", "edit"),
        ("dossier", "print"),
        ("dossier", "apology"),
        ("dossier", "resolve"),
        ("settings", "update"),
        ("procedure", "upsert"),
        ("calendar_override", "set"),
        ("calendar_override", "delete"),
        ("user", "add"),
        ("user", "update"),
        ("difficulty", "add"),
    ]:
        assert expected in pairs, expected
    # the refused edit wrote nothing: exactly two "edit" entries, the second with its reason
    edits = [r for r in audit.entries(register.store.db, "dossier", d.code) if r["action"] == "edit"]
    assert len(edits) == 2 and edits[0]["reason"] == "Ghi nhầm số nhà"
    assert json.loads(edits[0]["old"]) == {"address": "Số 12 Âu Cơ, phường Tây Hồ, Hà Nội"}
    assert json.loads(edits[0]["new"]) == {"address": "Số 1 Xuân Diệu"}
    assert edits[0]["user_login"] == "canbo1"
    assert audit.verify(register.store.db).ok


def _tamper(db_path, sql: str, params=()) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


@pytest.fixture
def filled(register, clerk, db_path):
    for i in range(5):
        register.intake(make_form(applicant=f"Người Nộp Số {i}"), clerk, at=at("2026-11-23T09:00"))
    count = register.store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    register.close()
    return db_path, count


def test_verify_ok_names_the_count(filled, capsys):
    db_path, count = filled
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    assert capsys.readouterr().out.strip() == f"Nhật ký toàn vẹn: {count} mục"


def test_altered_value_is_found(filled, capsys):
    db_path, count = filled
    victim = count - 3
    _tamper(db_path, "UPDATE audit_log SET new = ? WHERE id = ?", ['{"applicant": "Kẻ Gian"}', victim])
    assert main(["--db", str(db_path), "audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert f"Mục đầu tiên bị sửa/xóa: {victim}" in err and "đã bị sửa" in err


def test_altered_row_with_recomputed_hash_is_found_at_the_next_row(filled, capsys):
    """A careful forger also fixes the row's own hash: the next row's prev_hash still gives it away."""
    db_path, count = filled
    victim = count - 3
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM audit_log WHERE id = ?", [victim]).fetchone())
    row["new"] = '{"applicant": "Kẻ Gian"}'
    conn.execute(
        "UPDATE audit_log SET new = ?, hash = ? WHERE id = ?",
        [row["new"], audit._entry_hash(row), victim],
    )
    conn.commit()
    conn.close()
    assert main(["--db", str(db_path), "audit", "verify"]) == 2
    assert f"Mục đầu tiên bị sửa/xóa: {victim + 1}" in capsys.readouterr().err


def test_deleted_middle_row_is_found(filled, capsys):
    db_path, count = filled
    _tamper(db_path, "DELETE FROM audit_log WHERE id = ?", [count - 2])
    assert main(["--db", str(db_path), "audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert f"Mục đầu tiên bị sửa/xóa: {count - 1}" in err and "xóa" in err


def test_audit_list_filters(filled, capsys):
    db_path, _ = filled
    assert main(["--db", str(db_path), "audit", "list", "--entity", "dossier", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5 and {r["action"] for r in rows} == {"intake"}
    code = rows[0]["entity_key"]
    assert main(["--db", str(db_path), "audit", "list", "--key", code, "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert code in out and "intake" in out and out.count("dossier") == 1
