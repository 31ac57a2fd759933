"""The report object on a real database file: drafts, notes, sign-off, versions, send log."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from core import audit, report_store
from core import reporting as rp
from core.errors import AuthenticationError, NotFoundError, PermissionDenied
from core.periods import Period
from core.stats import compute
from tests.helpers import AGENCY, PASSWORD, at, make_form

PERIOD = Period(date(2026, 11, 2), date(2026, 11, 13), "")


@pytest.fixture
def ward(register, clerk, clock):
    """Three dossiers in the first half of November: one resolved early, one open, one online."""
    clock.set("2026-11-03T10:00:00")
    register.add_difficulty(clerk, "Thiếu mẫu tờ khai bản giấy", procedure_code="1.004222")
    register.add_difficulty(clerk, "Mạng chậm khi tra cứu cơ sở dữ liệu dân cư")
    d1 = register.intake(make_form(), clerk, at=at("2026-11-02T08:30:00"))
    register.apply(d1.code, "resolve", clerk, at=at("2026-11-02T14:00:00"))
    register.intake(make_form(), clerk, at=at("2026-11-04T09:00:00"))
    register.intake(make_form(channel="truc-tuyen"), clerk, at=at("2026-11-05T09:00:00"))
    clock.set("2026-11-23T09:00:00")
    return register


def _rows(register, sql, params=()):
    return register.store.db.execute(sql, list(params)).fetchall()


def test_draft_is_made_once_with_the_period_difficulties(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    assert draft.id is not None and draft.version == 1 and draft.status == rp.DRAFT
    assert draft.table.total.received_total == 3
    assert draft.table.total.received_online == 1
    assert draft.table == compute(ward, PERIOD)
    assert draft.agency_code == AGENCY
    lines = draft.difficulties.splitlines()
    assert lines[0].startswith("- 03/11: Thiếu mẫu tờ khai bản giấy (thủ tục: ")
    assert lines[1] == "- 03/11: Mạng chậm khi tra cứu cơ sở dữ liệu dân cư"
    again = rp.prepare(ward, clerk, PERIOD)
    assert again.id == draft.id
    assert _rows(ward, "SELECT COUNT(*) FROM reports")[0][0] == 1
    stored = rp.get(ward, draft.id)
    assert stored.table == draft.table and stored.created_by == "canbo1"
    assert stored.created_by_name == "Nguyễn Thị Thu Hà"
    entries = audit.entries(ward.store.db, entity="report", key=str(draft.id))
    assert [e["action"] for e in entries] == ["create"]


def test_a_draft_follows_the_live_figures(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    ward.intake(make_form(), clerk, at=at("2026-11-06T09:00:00"))
    refreshed = rp.prepare(ward, clerk, PERIOD)
    assert refreshed.id == draft.id and refreshed.version == 1
    assert refreshed.table.total.received_total == 4
    assert rp.get(ward, draft.id).table.total.received_total == 4
    actions = [e["action"] for e in audit.entries(ward.store.db, entity="report", key=str(draft.id))]
    assert actions == ["refresh", "create"]


def test_notes_are_saved_and_audited(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    saved = rp.save_notes(
        ward, clerk, draft.id, highlights="100% hồ sơ đúng hạn", proposals="Bổ sung máy quét"
    )
    assert saved.difficulties == draft.difficulties  # None leaves a note as it is
    stored = rp.get(ward, draft.id)
    assert (stored.highlights, stored.proposals) == ("100% hồ sơ đúng hạn", "Bổ sung máy quét")
    # Decomposed input (Unikey "Unicode tổ hợp") is stored composed.
    rp.save_notes(ward, clerk, draft.id, highlights="Tho\u0302\u0301ng ke\u0302")
    assert rp.get(ward, draft.id).highlights == "Thống kê"
    entry = audit.entries(ward.store.db, entity="report", key=str(draft.id))[0]
    assert entry["action"] == "update_notes" and "Thống kê" in entry["new"]


def test_a_note_too_long_for_a_short_report_is_refused(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    with pytest.raises(rp.ReportError, match="dài quá"):
        rp.save_notes(ward, clerk, draft.id, proposals="x" * (rp.MAX_NOTE + 1))
    assert rp.get(ward, draft.id).proposals == ""


def test_sign_off_refused_for_a_clerk_and_an_admin_with_their_right_password(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    with pytest.raises(PermissionDenied, match="Chỉ Phó Chủ tịch UBND được ký duyệt báo cáo"):
        rp.sign(ward, draft.id, "canbo1", PASSWORD)
    with pytest.raises(PermissionDenied):
        rp.sign(ward, draft.id, "quantri", PASSWORD)
    assert rp.get(ward, draft.id).status == rp.DRAFT


def test_sign_off_refused_for_a_wrong_password_and_counted(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    with pytest.raises(AuthenticationError, match="Sai tên đăng nhập hoặc mật khẩu"):
        rp.sign(ward, draft.id, "phochutich", "khongphai")
    assert rp.get(ward, draft.id).status == rp.DRAFT
    assert ward.store.user_auth_row("phochutich")["failed_logins"] == 1
    failed = audit.entries(ward.store.db, entity="user", key="phochutich")[0]
    assert failed["action"] == "login_failed"


def _expected_fingerprint(table_json: dict, agency: str) -> str:
    """The fingerprint as report.md/the issue describe it, computed independently here."""
    doc = {
        "agency_code": agency,
        "from": table_json["from"],
        "to": table_json["to"],
        "rows": table_json["rows"],
        "total": table_json["total"],
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_sign_off_records_who_when_title_and_a_stable_fingerprint(ward, clerk, clock):
    draft = rp.prepare(ward, clerk, PERIOD)
    clock.set("2026-11-23T10:15:00")
    signed = rp.sign(ward, draft.id, "phochutich", PASSWORD)
    assert signed.status == rp.SIGNED and signed.status_label == "Đã ký duyệt, chưa gửi"
    assert signed.signed_by == "phochutich" and signed.signed_by_name == "Phạm Quang Vinh"
    assert signed.signed_by_title == "Phó Chủ tịch UBND"
    assert signed.signed_at == at("2026-11-23T10:15:00")
    expected = _expected_fingerprint(compute(ward, PERIOD).to_json(), AGENCY)
    assert signed.fingerprint == expected and len(expected) == 64
    assert rp.verify(signed)
    # Stable: the same figures read back from the file give the same fingerprint.
    assert rp.get(ward, draft.id).computed_fingerprint() == expected
    assert rp.fingerprint_of(json.loads(json.dumps(draft.table.to_json())), AGENCY) == expected
    # And it covers the agency code and every figure.
    assert rp.fingerprint_of(draft.table.to_json(), "000.17.22.H57") != expected
    changed = draft.table.to_json()
    changed["rows"][0]["received_online"] += 1
    assert rp.fingerprint_of(changed, AGENCY) != expected
    assert signed.fingerprint_display.replace(" ", "") == expected
    entry = audit.entries(ward.store.db, entity="report", key=str(draft.id))[0]
    assert entry["action"] == "sign" and entry["user_login"] == "phochutich" and expected in entry["new"]


def test_a_signed_report_never_changes(ward, clerk, vice_chair):
    draft = rp.prepare(ward, clerk, PERIOD)
    rp.save_notes(ward, clerk, draft.id, highlights="Không có hồ sơ quá hạn")
    rp.sign(ward, draft.id, "phochutich", PASSWORD)
    before = _rows(ward, "SELECT * FROM reports WHERE id = ?", [draft.id])
    with pytest.raises(rp.ReportLockedError, match="đã được Phạm Quang Vinh ký duyệt"):
        rp.save_notes(ward, vice_chair, draft.id, highlights="sửa sau khi ký")
    with pytest.raises(rp.ReportLockedError, match="không được ký lại"):
        rp.sign(ward, draft.id, "phochutich", PASSWORD)
    with pytest.raises(rp.ReportLockedError, match="không được cập nhật số liệu"):
        rp.refresh(ward, clerk, draft.id)
    # Even a caller that skips the rules cannot rewrite it: the UPDATE itself wants a draft.
    assert not report_store.update(ward.store.db, draft.id, {"highlights": "lén sửa"}, rp.DRAFT)
    assert _rows(ward, "SELECT * FROM reports WHERE id = ?", [draft.id]) == before
    # Unchanged figures: preparing the same period again gives the signed report, not a new draft.
    assert rp.prepare(ward, clerk, PERIOD).id == draft.id
    with pytest.raises(rp.ReportError, match="không cần phiên bản mới"):
        rp.new_version(ward, clerk, draft.id)


def test_a_late_entry_makes_a_new_version_that_supersedes_the_signed_one(ward, clerk):
    v1 = rp.prepare(ward, clerk, PERIOD)
    rp.save_notes(ward, clerk, v1.id, proposals="Tăng cường tập huấn")
    v1 = rp.sign(ward, v1.id, "phochutich", PASSWORD)
    # A dossier received on 10/11 is typed in only now.
    ward.intake(make_form(), clerk, at=at("2026-11-10T15:30:00"))
    check = rp.check_live(ward, rp.get(ward, v1.id))
    assert check.differs
    assert "tổng số nhận 3 → 4" in check.message and f"báo cáo số {v1.id}" in check.message
    v2 = rp.prepare(ward, clerk, PERIOD)
    assert (v2.version, v2.supersedes, v2.status) == (2, v1.id, rp.DRAFT)
    assert v2.table.total.received_total == 4 and v2.proposals == "Tăng cường tập huấn"
    old = rp.get(ward, v1.id)
    assert old.superseded_by == v2.id and not old.is_latest
    assert old.table.total.received_total == 3 and rp.verify(old)  # the signed one is untouched
    assert [r.version for r in rp.versions(ward, v1.id)] == [2, 1]
    with pytest.raises(rp.ReportError, match="phiên bản mới hơn"):
        rp.record_send(ward, clerk, v1.id, "eml", "vp@hanoi.gov.vn", True)
    v2 = rp.sign(ward, v2.id, "phochutich", PASSWORD)
    assert v2.fingerprint != old.fingerprint
    entry = audit.entries(ward.store.db, entity="report", key=str(v2.id))[-1]
    assert entry["action"] == "new_version" and "tổng số nhận 3 → 4" in entry["new"]


def test_new_version_on_request(ward, clerk):
    v1 = rp.prepare(ward, clerk, PERIOD)
    with pytest.raises(rp.ReportError, match="còn là bản nháp"):
        rp.new_version(ward, clerk, v1.id)
    rp.sign(ward, v1.id, "phochutich", PASSWORD)
    d = ward.intake(make_form(), clerk, at=at("2026-11-12T08:00:00"))
    ward.apply(d.code, "resolve", clerk, at=at("2026-11-12T10:00:00"))
    v2 = rp.new_version(ward, clerk, v1.id)
    assert v2.version == 2 and v2.table.total.resolved_total == 2
    with pytest.raises(rp.ReportError, match="phiên bản mới hơn"):
        rp.new_version(ward, clerk, v1.id)


def test_a_stale_draft_is_not_signed(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    ward.intake(make_form(), clerk, at=at("2026-11-09T09:00:00"))
    with pytest.raises(rp.ReportError, match="Hãy cập nhật bản nháp"):
        rp.sign(ward, draft.id, "phochutich", PASSWORD)
    assert rp.get(ward, draft.id).status == rp.DRAFT
    rp.refresh(ward, clerk, draft.id)
    assert rp.sign(ward, draft.id, "phochutich", PASSWORD).table.total.received_total == 4


def test_send_log_failed_then_good(ward, clerk, clock):
    draft = rp.prepare(ward, clerk, PERIOD)
    with pytest.raises(rp.ReportError, match="chưa được Phó Chủ tịch ký duyệt"):
        rp.record_send(ward, clerk, draft.id, "smtp", ["vp@hanoi.gov.vn"], True)
    rp.sign(ward, draft.id, "phochutich", PASSWORD)
    clock.set("2026-11-23T11:00:00")
    failed = rp.record_send(
        ward, clerk, draft.id, "smtp", ["vp@hanoi.gov.vn"], False, "Không kết nối được máy chủ thư"
    )
    assert not failed.ok and rp.get(ward, draft.id).status == rp.SIGNED
    rp.record_send(ward, clerk, draft.id, "eml", ["vp@hanoi.gov.vn"], True)
    assert rp.get(ward, draft.id).status == rp.SIGNED  # an .eml draft is not a send
    clock.set("2026-11-23T11:05:00")
    rp.record_send(ward, clerk, draft.id, "smtp", ["vp@hanoi.gov.vn", "tk@hanoi.gov.vn"], True)
    sent = rp.get(ward, draft.id)
    assert sent.status == rp.SENT and sent.sent_at == at("2026-11-23T11:05:00")
    log = rp.sends(ward, draft.id)
    assert [(s.method, s.ok, s.error) for s in log] == [
        ("smtp", False, "Không kết nối được máy chủ thư"),
        ("eml", True, ""),
        ("smtp", True, ""),
    ]
    assert log[2].recipients == "vp@hanoi.gov.vn, tk@hanoi.gov.vn" and log[0].user_login == "canbo1"
    actions = [e["action"] for e in audit.entries(ward.store.db, entity="report", key=str(draft.id))]
    assert actions[:4] == ["mark_sent", "send", "send", "send_failed"]
    with pytest.raises(rp.ReportLockedError):
        rp.save_notes(ward, clerk, draft.id, highlights="sau khi gửi")
    assert audit.verify(ward.store.db).ok


def test_mark_sent_by_hand_after_an_eml(ward, clerk):
    draft = rp.prepare(ward, clerk, PERIOD)
    rp.sign(ward, draft.id, "phochutich", PASSWORD)
    rp.record_send(ward, clerk, draft.id, "eml", "vp@hanoi.gov.vn", True)
    assert rp.mark_sent(ward, clerk, draft.id).status == rp.SENT


def test_list_and_json(ward, clerk):
    first = rp.prepare(ward, clerk, PERIOD)
    other = rp.prepare(ward, clerk, Period(date(2026, 10, 15), date(2026, 11, 14), "official-month"))
    listed = rp.list_reports(ward)
    assert [r.id for r in listed] == [first.id, other.id]  # newest period first
    assert listed[1].period.preset == "official-month"
    data = rp.report_json(listed[0], rp.sends(ward, first.id))
    assert data["from"] == "2026-11-02" and data["status_label"] == "Bản nháp"
    assert data["total"]["received_total"] == 3 and data["sends"] == []
    with pytest.raises(NotFoundError, match="Không có báo cáo số 999"):
        rp.get(ward, 999)


def test_only_staff_prepare_reports(ward, clerk):
    from core.model import Role, User

    stranger = User("khach", "Khách", Role.CLERK, active=False)
    with pytest.raises(PermissionDenied):
        rp.prepare(ward, stranger, PERIOD)
