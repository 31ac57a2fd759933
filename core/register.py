"""The counter register: the one entry point the window and the command line use.

Business rules live here (validation, life cycle, due moments, permissions, audit);
SQL lives in the store. Every change is one write transaction: it happens whole or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from core import users as users_mod
from core.accounts import AccountsMixin
from core.attachments.intake import intake_columns
from core.attachments.register_part import AttachmentsMixin
from core.calendar_admin import CalendarMixin
from core.errors import MotCuaError, NotFoundError, TransitionError, ValidationError
from core.lifecycle import OUTCOME_EVENTS, check_apology, check_transition
from core.model import (
    Difficulty,
    Dossier,
    Event,
    EventKind,
    IntakeForm,
    Procedure,
    Role,
    Satisfaction,
    Status,
    User,
)
from core.settings import Settings, with_updates
from core.storage import DossierQuery, QuickFilter, Store, open_store
from core.text import nfc
from core.timeutil import MAX_YEAR, MIN_YEAR, end_of_day, now, to_local
from core.validation import validate_2025_fields, validate_intake, validate_moment, validate_text
from core.workcalendar import WorkingCalendar

Clock = Callable[[], datetime]
# What the audit entry of an intake keeps: the facts typed in and the appointment, not what
# is derived from the catalogue (the full row is in the dossier itself).
AUDITED_INTAKE_FIELDS = (
    "procedure_code",
    "applicant",
    "applicant_kind",
    "id_kind",
    "id_number",
    "phone",
    "address",
    "email",
    "channel",
    "copies",
    "fee_collected",
    "received_at",
    "due_at",
    "return_by_post",
    "note",
    "authorised_name",
    "authorised_id",
    "authorised_relation",
    "province_code",
    "payment",
    "reused_documents",
)
NEW_DOSSIER_DEFAULTS = {
    "outcome_at": None,
    "returned_at": None,
    "new_appointment_at": None,
    "signed_by": "",
    "receiver_name": "",
    "satisfaction": None,
    "paused_days": 0,
    "receipt_printed": 0,
}


class Register(AccountsMixin, CalendarMixin, AttachmentsMixin):
    """A ward's register on one store, with a clock that tests can set."""

    def __init__(self, store: Store, clock: Clock = now):
        self.store = store
        self.clock = clock
        self._calendar: WorkingCalendar | None = None
        self._settings: Settings | None = None
        self._data_version: int | None = None

    @classmethod
    def open(cls, target: str | Path, clock: Clock = now, readonly: bool = False) -> Register:
        """A register on a SQLite file, or on a server database given as a postgresql:// URL."""
        return cls(open_store(target, readonly=readonly), clock)

    def close(self) -> None:
        self.store.close()

    def interrupt(self) -> None:
        """From another thread: stop the read this register runs now (it raises
        ``QueryInterrupted``); the window stops a count made stale by the next keystroke."""
        self.store.interrupt()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        return to_local(self.clock()).replace(microsecond=0)

    # --- settings -------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        """The office settings, cached until this or another process commits a change."""
        self._refresh_if_changed()
        if self._settings is None:
            self._settings = self.store.settings()
        return self._settings

    def _refresh_if_changed(self) -> None:
        """Drop cached settings and calendar when another connection committed (data_version)."""
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self._invalidate()

    def _invalidate(self) -> None:
        self._settings = None
        self._calendar = None

    @property
    def is_initialised(self) -> bool:
        return self.settings.is_configured

    def update_settings(self, user: User, **changes: Any) -> Settings:
        users_mod.require(user, Role.ADMIN, action="đổi thiết lập")
        with self.store.transaction():
            old = self.settings
            new = with_updates(old, **changes)
            diff_old = {k: v for k, v in asdict(old).items() if asdict(new)[k] != v}
            diff_new = {k: asdict(new)[k] for k in diff_old}
            self.store.save_settings(new)
            if diff_old:
                self.store.audit(
                    user_login=user.login,
                    action="update",
                    entity="settings",
                    old=diff_old,
                    new=diff_new,
                    at=self.now(),
                )
            rules_changed = {"cutoff_time", "return_time"} & set(diff_old)
            if rules_changed:
                self._invalidate()
                self._redate_open_dossiers()
        self._invalidate()
        return new

    def initialise(
        self,
        ward_name: str,
        agency_code: str,
        report_to: str | None = None,
        user: User = users_mod.SYSTEM_USER,
        **more: Any,
    ) -> Settings:
        """First set-up of a new database: ward details, and the starter catalogue if empty."""
        changes: dict[str, Any] = {"ward_name": ward_name, "agency_code": agency_code, **more}
        if report_to:
            changes["report_to"] = report_to
        if not nfc(ward_name):
            raise ValidationError("Tên đơn vị", "chưa nhập (ví dụ: UBND phường Tây Hồ)")
        if "place_name" not in more:
            changes["place_name"] = _place_from_ward(nfc(ward_name))
        settings = self.update_settings(user, **changes)
        if not self.store.meta("register_id"):  # tells this register's backups from any other's
            with self.store.transaction():
                self.store.set_meta("register_id", uuid.uuid4().hex)
        if not self.store.procedures(active_only=False):
            from core.catalogue import load_starter_catalogue

            load_starter_catalogue(self, user)
        return settings

    def due_for(self, procedure_code: str, received_at: datetime) -> datetime:
        p = self.procedure(procedure_code)
        return self.calendar.due_moment(received_at, p.working_days, p.cutoff_applies)

    # --- catalogue ------------------------------------------------------------------------
    def procedures(self, active_only: bool = True) -> list[Procedure]:
        return self.store.procedures(active_only)

    def procedure(self, code: str) -> Procedure:
        p = self.store.procedure(nfc(code))
        if p is None:
            raise NotFoundError(f"Không có thủ tục mã “{code}” trong danh mục.")
        return p

    def save_procedure(self, user: User, procedure: Procedure) -> None:
        users_mod.require(user, Role.ADMIN, action="sửa danh mục thủ tục")
        with self.store.transaction():
            old = self.store.procedure(procedure.code)
            self.store.upsert_procedure(procedure)
            if old != procedure:
                self.store.audit(
                    user_login=user.login,
                    action="upsert",
                    entity="procedure",
                    key=procedure.code,
                    old=asdict(old) if old else None,
                    new=asdict(procedure),
                    at=self.now(),
                )

    # --- dossiers: intake -----------------------------------------------------------------
    def intake(self, form: IntakeForm, clerk: User, at: datetime | None = None) -> Dossier:
        """Receive a complete dossier: validate, number it, date it, record it. All or nothing."""
        users_mod.require(clerk, Role.CLERK, action="tiếp nhận hồ sơ")
        form = validate_2025_fields(validate_intake(form))
        procedure = self.procedure(form.procedure_code)
        if not procedure.active:
            raise ValidationError("Thủ tục", f"“{procedure.name}” đã ngừng áp dụng")
        at = validate_moment(to_local(at), "Thời điểm tiếp nhận") if at else self.now()
        settings = self.settings
        if not settings.agency_code:
            raise MotCuaError("Chưa thiết lập mã cơ quan: chạy “motcua init” hoặc mở Thiết lập.")
        due = self.calendar.due_moment(at, procedure.working_days, procedure.cutoff_applies)
        day_key = at.strftime("%y%m%d")
        with self.store.transaction():
            seq = self.store.next_sequence(f"code:{day_key}")
            # at least four digits (Circular 04/2025): past 9999 the day goes on with 10000 ...
            code = f"{settings.agency_code}-{day_key}-{seq:04d}"
            book_seq = self.store.next_sequence(f"book:{settings.register_book}:{at.year}")
            row = {
                "code": code,
                **procedure.dossier_columns(),
                "applicant": form.applicant,
                "applicant_kind": form.applicant_kind,
                "id_kind": form.id_kind,
                "id_number": form.id_number,
                "phone": form.phone,
                "address": form.address,
                "email": form.email,
                "channel": form.channel,
                "copies": form.copies,
                "documents": list(form.documents or procedure.documents),
                "fee_collected": form.fee_collected,
                "received_at": at,
                "due_at": due,
                "status": Status.RECEIVED,
                "clerk_login": clerk.login,
                "clerk_name": clerk.full_name,
                "return_by_post": form.return_by_post,
                "register_book": settings.register_book,
                "register_seq": book_seq,
                "note": form.note,
                "authorised_name": form.authorised_name,
                "authorised_id": form.authorised_id,
                "authorised_relation": form.authorised_relation,
                "result_delivery": form.delivery(),
                "province_code": form.province_code,
                **intake_columns(
                    form.payment,
                    form.reused_documents,
                    tuple(form.documents or procedure.documents),
                    form.channel,
                    form.fee_collected,
                    at,
                ),
            }
            dossier_id = self.store.insert_dossier(row)
            received = Event(EventKind.RECEIVED, at, clerk.login, clerk.full_name, form.note)
            received = replace(received, id=self.store.add_event(dossier_id, received))
            self.store.audit(
                user_login=clerk.login,
                action="intake",
                entity="dossier",
                key=code,
                new={k: row[k] for k in AUDITED_INTAKE_FIELDS if row[k] not in ("", 0, None, [])},
                at=self.now(),
            )
        # Built from what was just written: no second read on the counter's hot path.
        return self.store.dossier_from_row({**NEW_DOSSIER_DEFAULTS, **row, "id": dossier_id}, (received,))

    # --- dossiers: life cycle -------------------------------------------------------------
    def apply(
        self, code: str, action: str, user: User, at: datetime | None = None, note: str = "", **details: Any
    ) -> Dossier:
        """One life-cycle step (handover, supplement, resolve, return ...); illegal ones change nothing."""
        users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="cập nhật hồ sơ")
        at = validate_moment(to_local(at), "Thời điểm") if at else self.now()
        note = validate_text(note, "Ghi chú", 2000, multiline=True)
        with self.store.transaction():
            row = self.store.dossier_state(nfc(code), for_update=True)
            if row is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
            step = check_transition(row["code"], row["status"], action)
            last = self.store.last_step_at(row["id"])
            if last and at < last:
                raise TransitionError(
                    f"Thời điểm {at:%d/%m/%Y %H:%M} sớm hơn bước trước của hồ sơ ({last:%d/%m/%Y %H:%M})."
                )
            if step.action in ("supplement", "refuse") and not note:
                field = "Lý do yêu cầu bổ sung" if step.action == "supplement" else "Lý do từ chối"
                raise ValidationError(field, "chưa nhập")
            changes: dict[str, Any] = {"status": step.to}
            data: dict[str, Any] = {}
            if step.event in OUTCOME_EVENTS:
                changes["outcome_at"] = at
            if step.action == "resolve" and details.get("signed_by"):
                changes["signed_by"] = data["signed_by"] = validate_text(details["signed_by"], "Người ký")
            if step.action == "handover" and details.get("to_officer"):
                data["to_officer"] = validate_text(details["to_officer"], "Chuyển cho")
            if step.action == "return":
                changes["returned_at"] = at
                receiver = validate_text(details.get("receiver_name"), "Người nhận") or row["applicant"]
                changes["receiver_name"] = data["receiver_name"] = receiver
                if details.get("satisfaction"):
                    sat = Satisfaction(details["satisfaction"]).value
                    changes["satisfaction"] = data["satisfaction"] = sat
            if details.get("missing"):
                data["missing"] = [validate_text(m, "Giấy tờ còn thiếu") for m in details["missing"]]
            self.store.add_event(row["id"], Event(step.event, at, user.login, user.full_name, note, data))
            if step.action == "supplement-received":
                paused = self._paused_days(row["id"])
                due = self.calendar.due_moment(
                    row["received_at"], row["working_days"], row["cutoff_applies"], paused
                )
                changes.update(due_at=due, paused_days=paused)
            self.store.update_dossier(row["id"], changes)
            self.store.audit(
                user_login=user.login,
                action=step.action,
                entity="dossier",
                key=row["code"],
                old={k: row[k] for k in changes},
                new=changes,
                reason=note,
                at=self.now(),
            )
        return self.dossier(row["code"])

    def apologise(
        self, code: str, user: User, new_appointment: datetime, reason: str, at: datetime | None = None
    ) -> Dossier:
        """Mẫu 04: record a new appointment for a late dossier (the original due still counts);
        the rules (once, only while open, a working day after the due date) are in
        ``core.lifecycle.check_apology``."""
        users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="hẹn lại ngày trả")
        reason = validate_text(reason, "Lý do", 2000, multiline=True)
        if not MIN_YEAR <= new_appointment.year <= MAX_YEAR:
            raise ValidationError("Thời gian hẹn lại", f"năm {new_appointment.year} không hợp lệ")
        if not reason:
            raise ValidationError("Lý do", "chưa nhập lý do chậm trả kết quả")
        with self.store.transaction():
            row = self.store.dossier_state(nfc(code), for_update=True)
            if row is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
            earlier = sum(1 for e in self.store.events(row["id"]) if e.kind == EventKind.APOLOGY)
            check_apology(
                row["code"], row["status"], row["due_at"], new_appointment, earlier,
                self.calendar.is_working_day,
            )  # fmt: skip
            at = validate_moment(to_local(at), "Thời điểm") if at else self.now()
            self.store.add_event(
                row["id"],
                Event(
                    EventKind.APOLOGY,
                    at,
                    user.login,
                    user.full_name,
                    reason,
                    {"new_appointment_at": to_local(new_appointment)},
                ),
            )
            self.store.update_dossier(row["id"], {"new_appointment_at": to_local(new_appointment)})
            self.store.audit(
                user_login=user.login,
                action="apology",
                entity="dossier",
                key=row["code"],
                old={"new_appointment_at": row["new_appointment_at"]},
                new={"new_appointment_at": to_local(new_appointment)},
                reason=reason,
                at=at,
            )
        return self.dossier(row["code"])

    def edit_dossier(self, code: str, user: User, changes: dict[str, Any], reason: str = "") -> Dossier:
        """Correct the applicant's details; after the receipt was printed a reason is required."""
        users_mod.require(user, Role.CLERK, action="sửa hồ sơ")
        editable = {
            "applicant",
            "id_number",
            "id_kind",
            "phone",
            "address",
            "email",
            "note",
            "copies",
            "fee_collected",
            "birth_year",
            "authorised_name",
            "authorised_id",
            "authorised_relation",
            "province_code",
        }
        unknown = set(changes) - editable
        if unknown:
            raise ValidationError("Sửa hồ sơ", f"không sửa được trường {', '.join(sorted(unknown))}")
        with self.store.transaction():
            row = self.store.dossier_state(nfc(code), for_update=True)
            if row is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
            reason = validate_text(reason, "Lý do sửa", 2000, multiline=True)
            if row["receipt_printed"] and not reason:
                raise ValidationError("Lý do sửa", "hồ sơ đã in giấy tiếp nhận: phải nêu lý do sửa")
            merged = {k: row[k] for k in editable - {"birth_year"}}
            merged.update({k: v for k, v in changes.items() if k != "birth_year"})
            form = validate_2025_fields(validate_intake(
                IntakeForm(
                    procedure_code=row["procedure_code"],
                    applicant=merged["applicant"],
                    id_kind=merged["id_kind"],
                    id_number=merged["id_number"],
                    birth_year=changes.get("birth_year"),
                    phone=merged["phone"],
                    address=merged["address"],
                    email=merged["email"],
                    copies=int(merged["copies"]),
                    fee_collected=int(merged["fee_collected"]),
                    note=merged["note"],
                    channel=row["channel"],
                    authorised_name=merged["authorised_name"],
                    authorised_id=merged["authorised_id"],
                    authorised_relation=merged["authorised_relation"],
                    province_code=merged["province_code"],
                )
            ))  # fmt: skip
            clean = {k: getattr(form, k) for k in editable - {"birth_year"}}
            clean["id_kind"] = form.id_kind.value
            diff = {k: v for k, v in clean.items() if row[k] != v}
            if not diff:
                return self.dossier(row["code"])
            at = self.now()
            self.store.update_dossier(row["id"], diff)
            self.store.add_event(
                row["id"],
                Event(
                    EventKind.EDITED, at, user.login, user.full_name, nfc(reason), {"fields": sorted(diff)}
                ),
            )
            self.store.audit(
                user_login=user.login,
                action="edit",
                entity="dossier",
                key=row["code"],
                old={k: row[k] for k in diff},
                new=diff,
                reason=nfc(reason),
                at=at,
            )
        return self.dossier(row["code"])

    def record_print(
        self, code: str, user: User, form: str, at: datetime | None = None, number: int | None = None
    ) -> bool:
        """Record that a form was printed (with its own number, 2025 forms); True for a reprint."""
        at = to_local(at) if at else self.now()
        with self.store.transaction():
            row = self.store.dossier_state(nfc(code), for_update=True)
            if row is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
            earlier = self.store.print_count(row["id"], form)
            self.store.add_event(
                row["id"],
                Event(
                    EventKind.PRINTED,
                    at,
                    user.login,
                    user.full_name,
                    f"In lại {form}" if earlier else f"In {form}",
                    {"form": form, "reprint": earlier > 0, **({"number": number} if number else {})},
                ),
            )
            if form in ("01", "receipt") and not row["receipt_printed"]:
                self.store.update_dossier(row["id"], {"receipt_printed": True})
            self.store.audit(
                user_login=user.login,
                action="print",
                entity="dossier",
                key=row["code"],
                new={"form": form, "reprint": earlier > 0},
                at=at,
            )
        return earlier > 0

    # --- reading --------------------------------------------------------------------------
    def dossier(self, code: str) -> Dossier:
        d = self.store.dossier(nfc(code))
        if d is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ “{code}”.")
        return d

    def find(self, text: str) -> Dossier | None:
        """A scanned/typed code (exact), else the single dossier a search names."""
        text = nfc(text)
        if not text:
            return None
        exact = self.store.find_exact(text)
        if exact:
            return exact
        hits = self.search(text, limit=2)
        return self.dossier(hits[0].code) if len(hits) == 1 else None

    def possible_duplicates(self, id_number: str, procedure_code: str) -> list[Dossier]:
        """Open dossiers with the same ID number and procedure: the counter names them before
        taking the same dossier in twice, and the clerk decides (read-only; none without an ID)."""
        id_number = "".join(nfc(id_number).split()).upper()
        if not id_number or not procedure_code:
            return []
        return self.store.open_dossiers_of(id_number, nfc(procedure_code))

    def search(self, text: str, limit: int = 50) -> list[Dossier]:
        return self.store.query_dossiers(DossierQuery(text=nfc(text), limit=limit))

    def query(self, q: DossierQuery) -> list[Dossier]:
        return self.store.query_dossiers(self._with_now(q))

    def count(self, q: DossierQuery) -> int:
        return self.store.count_dossiers(self._with_now(q))

    def _with_now(self, q: DossierQuery) -> DossierQuery:
        if q.quick == QuickFilter.ALL and q.now:
            return q
        at = q.now or self.now()
        soon = end_of_day(self.calendar.add_working_days(at.date(), 2))
        return replace(q, now=at, due_soon_until=soon)

    # --- difficulties ---------------------------------------------------------------------
    def add_difficulty(
        self, user: User, text: str, dossier_code: str = "", procedure_code: str = ""
    ) -> Difficulty:
        text = validate_text(text, "Vướng mắc", 2000, multiline=True)
        if not text:
            raise ValidationError("Vướng mắc", "chưa nhập nội dung")
        if dossier_code:
            d = self.dossier(dossier_code)
            procedure_code = procedure_code or d.procedure_code
        if procedure_code:
            self.procedure(procedure_code)
        at = self.now()
        item = Difficulty(0, at, text, user.login, user.full_name, nfc(dossier_code), nfc(procedure_code))
        with self.store.transaction():
            new_id = self.store.insert_difficulty(item)
            self.store.audit(
                user_login=user.login,
                action="add",
                entity="difficulty",
                key=str(new_id),
                new=asdict(item),
                at=at,
            )
        return replace(item, id=new_id)

    def difficulties(self, start: date, end: date) -> list[Difficulty]:
        from core.timeutil import start_of_day

        return self.store.difficulties(start_of_day(start), end_of_day(end))


def _place_from_ward(ward_name: str) -> str:
    """ "UBND phường Tây Hồ" -> "Tây Hồ": the place on the date line of printed forms."""
    words = ward_name.split()
    lowered = [w.lower() for w in words]
    for marker in ("phường", "xã", "thị", "đặc"):
        if marker in lowered:
            i = lowered.index(marker)
            rest = words[i + 1 :]
            if marker in ("thị", "đặc") and rest:
                rest = rest[1:]
            return " ".join(rest) or ward_name
    return ward_name


ONE_DAY = timedelta(days=1)
