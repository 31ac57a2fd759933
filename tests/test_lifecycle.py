"""Life cycle on a real database: legal steps, illegal ones refused with nothing changed,
supplement pauses extending the due moment, and calendar edits re-dating open dossiers."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import PermissionDenied, TransitionError, ValidationError
from core.model import EventKind, Status
from tests.helpers import at, make_form


def test_intake_numbers_and_dates_a_dossier(register, clerk):
    d = register.intake(make_form(), clerk, at=at("2026-11-23T09:15"))
    assert d.code == "000.17.22.H56-261123-0001"
    assert d.status == Status.RECEIVED
    # 1.004222 Đăng ký thường trú: 7 working days, 24/11 is a holiday -> 3/12.
    assert d.due_at == at("2026-12-03T16:30")
    assert d.clerk_name == "Nguyễn Thị Thu Hà"
    assert [e.kind for e in d.events] == [EventKind.RECEIVED]
    assert d.events[0].user_name == "Nguyễn Thị Thu Hà"
    second = register.intake(make_form(), clerk, at=at("2026-11-23T09:20"))
    assert second.code.endswith("-261123-0002")
    next_day = register.intake(make_form(), clerk, at=at("2026-11-25T08:00"))
    assert next_day.code.endswith("-261125-0001")


def test_full_life(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    register.apply(code, "handover", clerk, at=at("2026-11-23T10:00"), to_officer="Tư pháp")
    d = register.apply(code, "resolve", clerk, at=at("2026-11-30T10:00"), signed_by="Phạm Quang Vinh")
    assert d.status == Status.RESOLVED and d.resolved_at == at("2026-11-30T10:00")
    assert d.signed_by == "Phạm Quang Vinh"
    d = register.apply(
        code,
        "return",
        clerk,
        at=at("2026-12-01T09:00"),
        receiver_name="Trần Văn B",
        satisfaction="rat-hai-long",
    )
    assert d.status == Status.RETURNED and d.returned_at == at("2026-12-01T09:00")
    assert d.receiver_name == "Trần Văn B" and d.satisfaction.label == "Rất hài lòng"
    assert [e.kind for e in d.events] == [
        EventKind.RECEIVED,
        EventKind.HANDOVER,
        EventKind.RESOLVED,
        EventKind.RETURNED,
    ]


@pytest.mark.parametrize("action", ["return", "supplement-received"])
def test_illegal_step_is_refused_and_changes_nothing(register, clerk, action):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    before = register.dossier(code)
    audit_before = register.store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    with pytest.raises(TransitionError) as err:
        register.apply(code, action, clerk, at=at("2026-11-23T10:00"))
    assert "Đã tiếp nhận" in err.value.message
    assert register.dossier(code) == before
    assert register.store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audit_before


def test_closed_dossier_cannot_move(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    register.apply(code, "refuse", clerk, at=at("2026-11-23T09:30"), note="Không thuộc thẩm quyền")
    for action in ("handover", "resolve", "withdraw", "supplement"):
        with pytest.raises(TransitionError):
            register.apply(code, action, clerk, at=at("2026-11-23T10:00"), note="x")


def test_step_before_previous_event_is_refused(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    with pytest.raises(TransitionError):
        register.apply(code, "handover", clerk, at=at("2026-11-23T08:00"))


def test_supplement_needs_reason_and_pause_extends_due(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    original = register.dossier(code).due_at
    with pytest.raises(ValidationError):
        register.apply(code, "supplement", clerk, at=at("2026-11-25T09:00"))
    register.apply(
        code,
        "supplement",
        clerk,
        at=at("2026-11-25T09:00"),
        note="Thiếu giấy tờ",
        missing=["Giấy tờ chứng minh chỗ ở hợp pháp"],
    )
    assert register.dossier(code).status == Status.AWAITING_SUPPLEMENT
    d = register.apply(code, "supplement-received", clerk, at=at("2026-11-27T10:00"))
    # paused Thu 26 and Fri 27: two working days later than the original appointment
    assert d.due_at == register.calendar.due_moment(at("2026-11-23T09:00"), 7, False, 2)
    assert d.due_at > original
    assert d.events[-2].data["missing"] == ["Giấy tờ chứng minh chỗ ở hợp pháp"]


def test_calendar_override_redates_open_dossiers_only(register, clerk, admin):
    open_code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    done_code = register.intake(make_form(), clerk, at=at("2026-11-23T09:05")).code
    register.apply(done_code, "resolve", clerk, at=at("2026-11-23T11:00"))
    open_due = register.dossier(open_code).due_at
    done_due = register.dossier(done_code).due_at
    moved = register.set_override(admin, date(2026, 11, 27), False, "Nghỉ theo công văn")
    assert moved == 1
    assert register.dossier(open_code).due_at > open_due
    assert register.dossier(done_code).due_at == done_due
    register.remove_override(admin, date(2026, 11, 27))
    assert register.dossier(open_code).due_at == open_due


def test_only_admin_edits_calendar(register, clerk):
    with pytest.raises(PermissionDenied) as err:
        register.set_override(clerk, date(2026, 11, 27), False)
    assert "Quản trị" in err.value.message


def test_edit_after_printed_receipt_needs_reason(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    register.edit_dossier(code, clerk, {"address": "Số 3 Yên Phụ"})
    assert register.record_print(code, clerk, "01") is False
    assert register.record_print(code, clerk, "01") is True  # a reprint says so
    with pytest.raises(ValidationError):
        register.edit_dossier(code, clerk, {"phone": "0987654321"})
    d = register.edit_dossier(code, clerk, {"phone": "0987 654 321"}, reason="Công dân đổi số")
    assert d.phone == "0987654321"
    assert d.events[-1].kind == EventKind.EDITED and d.events[-1].note == "Công dân đổi số"


def test_apology_keeps_original_due(register, clerk):
    code = register.intake(make_form(), clerk, at=at("2026-11-23T09:00")).code
    due = register.dossier(code).due_at
    d = register.apologise(code, clerk, at("2026-12-10T16:30"), "Chờ xác minh")
    assert d.due_at == due and d.new_appointment_at == at("2026-12-10T16:30")
