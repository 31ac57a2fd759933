"""The life cycle of a dossier (domain README): which step is allowed from which status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import TransitionError, ValidationError
from core.model import OPEN_STATUSES, EventKind, Status
from core.timeutil import to_local


@dataclass(frozen=True)
class Step:
    action: str  # command-line verb
    event: EventKind
    to: Status
    allowed_from: frozenset[Status]
    label: str  # Vietnamese verb for buttons and messages


_S = Status
STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step("handover", EventKind.HANDOVER, _S.IN_PROGRESS,
             frozenset({_S.RECEIVED, _S.IN_PROGRESS}), "Chuyển xử lý"),
        Step("supplement", EventKind.SUPPLEMENT_REQUESTED, _S.AWAITING_SUPPLEMENT,
             frozenset({_S.RECEIVED, _S.IN_PROGRESS}), "Yêu cầu bổ sung"),
        Step("supplement-received", EventKind.SUPPLEMENT_RECEIVED, _S.IN_PROGRESS,
             frozenset({_S.AWAITING_SUPPLEMENT}), "Nhận bổ sung"),
        Step("resolve", EventKind.RESOLVED, _S.RESOLVED,
             frozenset({_S.RECEIVED, _S.IN_PROGRESS}), "Có kết quả"),
        Step("return", EventKind.RETURNED, _S.RETURNED,
             frozenset({_S.RESOLVED}), "Trả kết quả"),
        Step("refuse", EventKind.REFUSED, _S.REFUSED,
             frozenset({_S.RECEIVED, _S.IN_PROGRESS}), "Từ chối"),
        Step("withdraw", EventKind.WITHDRAWN, _S.WITHDRAWN,
             frozenset({_S.RECEIVED, _S.IN_PROGRESS, _S.AWAITING_SUPPLEMENT}), "Rút hồ sơ"),
        Step("stop", EventKind.STOPPED, _S.STOPPED,
             frozenset({_S.IN_PROGRESS, _S.AWAITING_SUPPLEMENT}), "Dừng giải quyết"),
    )
}  # fmt: skip

OUTCOME_EVENTS = frozenset({EventKind.RESOLVED, EventKind.REFUSED, EventKind.WITHDRAWN, EventKind.STOPPED})


def step_for(action: str) -> Step:
    try:
        return STEPS[action]
    except KeyError:
        raise TransitionError(f"Không có thao tác “{action}”") from None


def check_transition(code: str, current: Status, action: str) -> Step:
    """Return the step, or raise ``TransitionError`` naming why it is not allowed now."""
    step = step_for(action)
    if current not in step.allowed_from:
        allowed = ", ".join(s.label for s in step.allowed_from)
        raise TransitionError(
            f"Hồ sơ {code} đang ở trạng thái “{current.label}”: không thể “{step.label}” "
            f"(chỉ được khi hồ sơ ở trạng thái: {allowed})"
        )
    return step


def allowed_actions(current: Status) -> list[Step]:
    return [s for s in STEPS.values() if current in s.allowed_from]


def check_apology(
    code: str,
    current: Status,
    due_at: datetime,
    new_appointment: datetime,
    earlier_apologies: int,
    is_working_day: Callable[[date], bool],
) -> None:
    """The rules of Mẫu 04 (Decree 118/2025 as the provinces apply it); raise, changing nothing.

    - only while the dossier is not resolved (an open status): a result ready needs no new date;
    - once per dossier: a second new appointment is refused (the first one stands);
    - the new appointment falls on a working day after the original due date (a later hour of
      the same day is not an extension, and a Sunday appointment cannot be kept).
    """
    if current not in OPEN_STATUSES:
        raise TransitionError(
            f"Hồ sơ {code} đang ở trạng thái “{current.label}”: chỉ gia hạn hồ sơ chưa có kết quả."
        )
    if earlier_apologies:
        raise TransitionError(
            f"Hồ sơ {code} đã được gia hạn một lần (Phiếu xin lỗi và đề nghị gia hạn): "
            "mỗi hồ sơ chỉ được hẹn lại một lần."
        )
    new_day = to_local(new_appointment).date()
    if new_day <= to_local(due_at).date():
        raise ValidationError(
            "Thời gian hẹn trả mới",
            f"phải là một ngày làm việc sau ngày hẹn trả ban đầu ({to_local(due_at):%d/%m/%Y})",
        )
    if not is_working_day(new_day):
        raise ValidationError("Thời gian hẹn trả mới", f"{new_day:%d/%m/%Y} không phải ngày làm việc")
