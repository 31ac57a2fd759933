"""Domain objects of the register: plain dataclasses, no storage, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    RESOLVED = "resolved"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_final_outcome(self) -> bool:
        """A final outcome closes the processing clock (returned follows resolved)."""
        return self in FINAL_STATUSES


STATUS_LABELS = {
    Status.RECEIVED: "Đã tiếp nhận",
    Status.IN_PROGRESS: "Đang giải quyết",
    Status.AWAITING_SUPPLEMENT: "Chờ bổ sung",
    Status.RESOLVED: "Đã có kết quả",
    Status.RETURNED: "Đã trả kết quả",
    Status.REFUSED: "Từ chối",
    Status.WITHDRAWN: "Rút hồ sơ",
    Status.STOPPED: "Dừng giải quyết",
}
FINAL_STATUSES = frozenset(
    {Status.RESOLVED, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED}
)
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT})


class Channel(StrEnum):
    DIRECT = "truc-tiep"
    ONLINE = "truc-tuyen"
    POST = "buu-chinh"

    @property
    def label(self) -> str:
        return {"truc-tiep": "Trực tiếp", "truc-tuyen": "Trực tuyến", "buu-chinh": "Bưu chính"}[self.value]


class Payment(StrEnum):
    """How the fee was paid (the "Thanh toán trực tuyến" indicator, Decision 766/QĐ-TTg)."""

    CASH = "tien-mat"
    TRANSFER = "chuyen-khoan"
    ONLINE = "truc-tuyen"

    @property
    def label(self) -> str:
        return {"tien-mat": "Tiền mặt", "chuyen-khoan": "Chuyển khoản", "truc-tuyen": "Trực tuyến"}[
            self.value
        ]


class ResultDelivery(StrEnum):
    """How the applicant takes the result (Mẫu 07's "Phương thức nhận kết quả", recorded at intake)."""

    COUNTER = "tai-quay"
    POST = "buu-chinh"
    ONLINE = "truc-tuyen"

    @property
    def label(self) -> str:
        return {
            "tai-quay": "Tại Bộ phận Một cửa",
            "buu-chinh": "Dịch vụ bưu chính",
            "truc-tuyen": "Trực tuyến",
        }[self.value]


class ApplicantKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class IdKind(StrEnum):
    CCCD = "cccd"
    PASSPORT = "passport"
    TAX_CODE = "tax_code"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "cccd": "Số định danh cá nhân (CCCD)",
            "passport": "Hộ chiếu",
            "tax_code": "Mã số thuế",
            "none": "Không có",
        }[self.value]


class Role(StrEnum):
    CLERK = "clerk"
    VICE_CHAIR = "vice-chair"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"clerk": "Cán bộ một cửa", "vice-chair": "Phó Chủ tịch UBND", "admin": "Quản trị"}[self.value]


class EventKind(StrEnum):
    RECEIVED = "received"
    HANDOVER = "handover"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    RESOLVED = "resolved"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    APOLOGY = "apology"  # Mẫu 04: a new appointment; the original due moment still decides lateness
    EDITED = "edited"
    PRINTED = "printed"
    IMPORTED = "imported"
    NOTE = "note"

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self, self.value)


EVENT_LABELS = {
    EventKind.RECEIVED: "Tiếp nhận hồ sơ",
    EventKind.HANDOVER: "Chuyển xử lý",
    EventKind.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung",
    EventKind.SUPPLEMENT_RECEIVED: "Nhận hồ sơ bổ sung",
    EventKind.RESOLVED: "Có kết quả",
    EventKind.RETURNED: "Trả kết quả",
    EventKind.REFUSED: "Từ chối",
    EventKind.WITHDRAWN: "Rút hồ sơ",
    EventKind.STOPPED: "Dừng giải quyết",
    EventKind.APOLOGY: "Xin lỗi, hẹn lại ngày trả",
    EventKind.EDITED: "Sửa thông tin",
    EventKind.PRINTED: "In phiếu",
    EventKind.IMPORTED: "Nhập từ sổ cũ",
    EventKind.NOTE: "Ghi chú",
}


class Satisfaction(StrEnum):
    UNSATISFIED = "khong-hai-long"
    SATISFIED = "hai-long"
    VERY_SATISFIED = "rat-hai-long"

    @property
    def label(self) -> str:
        return {
            "khong-hai-long": "Không hài lòng",
            "hai-long": "Hài lòng",
            "rat-hai-long": "Rất hài lòng",
        }[self.value]


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[self.value]


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    working_days: int
    cutoff_applies: bool = False
    fee: str = ""
    documents: tuple[str, ...] = ()
    note: str = ""
    active: bool = True
    position: int = 0  # catalogue order (the report lists fields in this order)

    def dossier_columns(self) -> dict[str, object]:
        """What a dossier keeps of its procedure as it was when received (the catalogue may change)."""
        return {
            "procedure_code": self.code,
            "procedure_name": self.name,
            "field": self.field,
            "working_days": self.working_days,
            "cutoff_applies": int(self.cutoff_applies),
        }


@dataclass(frozen=True)
class User:
    login: str
    full_name: str
    role: Role
    title: str = ""
    active: bool = True


@dataclass(frozen=True)
class Event:
    kind: EventKind
    at: datetime
    user_login: str
    user_name: str
    note: str = ""
    data: dict = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class IntakeForm:
    """What the counter types in for a new dossier (validated by ``core.validation``)."""

    procedure_code: str
    applicant: str
    applicant_kind: ApplicantKind = ApplicantKind.PERSON
    id_kind: IdKind = IdKind.CCCD
    id_number: str = ""
    birth_year: int | None = None
    phone: str = ""
    address: str = ""
    email: str = ""
    channel: Channel = Channel.DIRECT
    copies: int = 1
    documents: tuple[str, ...] = ()
    fee_collected: int = 0
    return_by_post: bool = False
    note: str = ""
    # 2025 receipt (Circular 03/2025 Mẫu 01): someone filing on the applicant's behalf
    authorised_name: str = ""
    authorised_id: str = ""
    authorised_relation: str = ""  # e.g. "con", "được ủy quyền theo giấy ủy quyền số ..."
    result_delivery: ResultDelivery | None = None  # None: by post if return_by_post, else at the counter
    province_code: str = ""  # the code the provincial one-stop system gave this dossier, if any
    payment: Payment | None = None  # how the fee was paid; None: no fee, or not recorded
    reused_documents: tuple[int, ...] = ()  # documents (from 1) reused from the national data, not scanned

    def delivery(self) -> ResultDelivery:
        if self.result_delivery is not None:
            return ResultDelivery(self.result_delivery)
        return ResultDelivery.POST if self.return_by_post else ResultDelivery.COUNTER


@dataclass(frozen=True)
class Dossier:
    id: int
    code: str
    procedure_code: str
    procedure_name: str
    field: str
    applicant: str
    applicant_kind: ApplicantKind
    id_kind: IdKind
    id_number: str
    phone: str
    address: str
    email: str
    channel: Channel
    copies: int
    documents: tuple[str, ...]
    fee_collected: int
    received_at: datetime
    due_at: datetime
    status: Status
    clerk_login: str
    clerk_name: str
    working_days: int = 0
    resolved_at: datetime | None = None  # moment of the final outcome (resolved/refused/...)
    returned_at: datetime | None = None
    signed_by: str = ""
    receiver_name: str = ""
    satisfaction: Satisfaction | None = None
    new_appointment_at: datetime | None = None
    return_by_post: bool = False
    register_book: str = ""
    register_seq: int = 0
    note: str = ""
    events: tuple[Event, ...] = ()
    authorised_name: str = ""
    authorised_id: str = ""
    authorised_relation: str = ""
    result_delivery: str = ""  # a ResultDelivery value; "" for dossiers from before it was recorded
    province_code: str = ""  # mã hồ sơ trên hệ thống của tỉnh (searchable, printed)
    payment: str = ""  # a Payment value; "" when there was no fee or it was not recorded
    reused_documents: tuple[int, ...] = ()  # documents (from 1) reused from the national data
    digitised_documents: tuple[int, ...] = ()  # documents (from 1) with a scan kept
    result_digitised: bool = False  # the result has a scan kept

    def delivery(self) -> ResultDelivery:
        """How the result goes back: as recorded, else by post when asked for, else at the counter."""
        if self.result_delivery:
            return ResultDelivery(self.result_delivery)
        return ResultDelivery.POST if self.return_by_post else ResultDelivery.COUNTER

    @property
    def is_organisation(self) -> bool:
        return self.applicant_kind == ApplicantKind.ORGANISATION

    def is_overdue(self, at: datetime) -> bool:
        """Overdue is derived, never stored: open and past the due moment."""
        return self.status in OPEN_STATUSES and self.due_at < at

    def timeliness(self) -> Timeliness | None:
        """Early/on time/late for a dossier with a final outcome (report.md definitions)."""
        if self.resolved_at is None:
            return None
        if self.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
            return Timeliness.ON_TIME
        if self.resolved_at.date() < self.due_at.date():
            return Timeliness.EARLY
        if self.resolved_at > self.due_at:
            return Timeliness.LATE
        return Timeliness.ON_TIME


@dataclass(frozen=True)
class CalendarOverride:
    day: date
    working: bool  # True: extra working day (make-up Saturday); False: extra day off
    note: str = ""


@dataclass(frozen=True)
class Difficulty:
    id: int
    at: datetime
    text: str
    user_login: str
    user_name: str
    dossier_code: str = ""
    procedure_code: str = ""
