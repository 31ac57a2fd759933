"""The life cycle of a dossier (domain README): which step is allowed from which status."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import TransitionError
from core.model import EventKind, Status


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
