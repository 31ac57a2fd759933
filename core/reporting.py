"""The report object: a period's figures frozen in a snapshot, three short notes, and a status.

A report is a draft until the vice-chair signs it; a signed report never changes. If the live
figures later differ from a signed snapshot (a dossier entered late), a new version is made
that supersedes it. The snapshot's SHA-256 fingerprint is what the vice-chair signed.

Every change is one write transaction with its audit entry (entity ``report``), as in
``core/register.py``. The SQL on ``reports`` and ``report_sends`` is in ``core/storage/reports``;
the fingerprint and the comparison of figures in ``core/report_snapshot`` (pure functions,
also used on figures read back from a workbook).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from core import users as users_mod
from core.errors import MotCuaError, NotFoundError
from core.model import Role, User
from core.periods import Period
from core.register import Register
from core.report_snapshot import KEY_LABELS as KEY_LABELS
from core.report_snapshot import LiveCheck as LiveCheck
from core.report_snapshot import canonical_snapshot as canonical_snapshot
from core.report_snapshot import check_live, differences, fingerprint_of, heading_of, snapshot_text
from core.report_snapshot import report_json as report_json
from core.stats import Table, compute, table_from_json
from core.text import nfc
from core.timeutil import from_db, to_db
from core.validation import validate_text

DRAFT = "draft"
SIGNED = "signed"
SENT = "sent"
STATUS_LABELS = {DRAFT: "Bản nháp", SIGNED: "Đã ký duyệt, chưa gửi", SENT: "Đã gửi"}
NOTE_FIELDS = ("highlights", "difficulties", "proposals")
NOTE_LABELS = {
    "highlights": "Kết quả nổi bật",
    "difficulties": "Khó khăn, vướng mắc",
    "proposals": "Đề xuất, kiến nghị",
}
METHODS = ("smtp", "eml")
MAX_NOTE = 4000  # a short report: a few lines per note, readable in an email preview


class ReportLockedError(MotCuaError):
    """A signed (or sent) report was asked to change."""


class ReportError(MotCuaError):
    """A report action that is not possible now (stale figures, not signed, not the latest)."""


@dataclass(frozen=True)
class Report:
    """One version of a report, as stored (``reports`` table) or as a new unsaved draft (id None)."""

    id: int | None
    table: Table  # the snapshot of the figures (period inside)
    version: int = 1
    supersedes: int | None = None
    status: str = DRAFT
    highlights: str = ""  # Kết quả nổi bật
    difficulties: str = ""  # Khó khăn, vướng mắc
    proposals: str = ""  # Đề xuất, kiến nghị
    created_at: datetime | None = None
    created_by: str = ""
    created_by_name: str = ""
    signed_at: datetime | None = None
    signed_by: str | None = None
    signed_by_name: str | None = None
    signed_by_title: str | None = None
    fingerprint: str | None = None
    sent_at: datetime | None = None
    agency_code: str = ""  # the ward's code when the snapshot was taken (part of the fingerprint)
    heading: dict[str, str] | None = None  # ward, centre, place, recipient as signed (frozen at sign-off)
    superseded_by: int | None = None  # the id of the newer version, if any (read from the table)

    @property
    def is_signed(self) -> bool:
        return self.status in (SIGNED, SENT)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def period(self) -> Period:
        return self.table.period

    @property
    def is_latest(self) -> bool:
        return self.superseded_by is None

    @property
    def fingerprint_display(self) -> str:
        """The fingerprint in groups of eight, as read aloud or compared on paper."""
        fp = self.fingerprint or ""
        return " ".join(fp[i : i + 8] for i in range(0, len(fp), 8))

    def computed_fingerprint(self) -> str:
        """The fingerprint of this snapshot now (equal to ``fingerprint`` unless tampered with)."""
        return fingerprint_of(self.table.to_json(), self.agency_code)


@dataclass(frozen=True)
class SendRecord:
    """One attempt to send a report (``report_sends``): by SMTP or saved as an .eml draft."""

    id: int
    report_id: int
    at: datetime
    user_login: str
    method: str
    recipients: str
    ok: bool
    error: str = ""


# --- comparing with the live figures ---------------------------------------------------------
# --- the difficulties of the period, offered as a start for the "vướng mắc" note -------------
def suggested_difficulties(register: Register, period: Period) -> str:
    """One line per difficulty noted in the period: date, text, and the procedure it concerns."""
    names = {p.code: p.name for p in register.procedures(active_only=False)}
    lines = []
    for d in register.difficulties(period.start, period.end):
        about = names.get(d.procedure_code, d.procedure_code)
        suffix = f" (thủ tục: {about})" if about else ""
        lines.append(f"- {d.at:%d/%m}: {d.text}{suffix}")
    return "\n".join(lines)


# --- making and changing drafts ----------------------------------------------------------------
def prepare(register: Register, user: User, period: Period, now: datetime | None = None) -> Report:
    """The report to work on for ``period``: its draft, made or brought up to date.

    - no report yet for these dates: a new draft (version 1), the period's difficulties as
      the start of the "vướng mắc" note;
    - the latest version is a draft: its snapshot is refreshed to the live figures;
    - the latest version is signed and the figures have not changed: that signed report;
    - it is signed and the figures changed (a late entry): a new draft version superseding it,
      with the notes of the signed one.
    """
    users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="lập báo cáo")
    live = compute(register, period, now)
    agency = register.settings.agency_code
    with register.store.transaction():
        latest = _latest_for(register, period)
        if latest is None:
            report = Report(
                id=None,
                table=live,
                difficulties=suggested_difficulties(register, period)[:MAX_NOTE],
                created_at=register.now(),
                created_by=user.login,
                created_by_name=user.full_name,
                agency_code=agency,
            )
            report = _insert(register, report)
            _audit(register, user, "create", report, new=_summary(report))
            return report
        if latest.status == DRAFT:
            if differences(latest.table, live) or latest.agency_code != agency:
                return _refresh(register, user, latest, live, agency)
            return latest
        if not differences(latest.table, live):
            return latest
        return _new_version(register, user, latest, live, agency)


def refresh(register: Register, user: User, report_id: int, now: datetime | None = None) -> Report:
    """Bring a draft's snapshot up to the live figures (a signed report is never touched)."""
    users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="cập nhật báo cáo")
    report = get(register, report_id)
    _refuse_if_signed(report, "cập nhật số liệu")
    live = compute(register, report.period, now)
    with register.store.transaction():
        report = get(register, report_id)  # re-read under the write lock
        _refuse_if_signed(report, "cập nhật số liệu")
        return _refresh(register, user, report, live, register.settings.agency_code)


def clean_notes(**notes: str | None) -> dict[str, str]:
    """The notes given (``None`` left out), checked: callers check before writing anything."""
    clean = {
        k: validate_text(v, NOTE_LABELS[k], 10 * MAX_NOTE, multiline=True)
        for k, v in notes.items()
        if v is not None
    }
    for k, v in clean.items():
        if len(v) > MAX_NOTE:
            raise ReportError(f"{NOTE_LABELS[k]}: dài quá {MAX_NOTE} ký tự; báo cáo nhanh chỉ cần vài dòng.")
    return clean


def save_notes(
    register: Register,
    user: User,
    report_id: int,
    *,
    highlights: str | None = None,
    difficulties: str | None = None,
    proposals: str | None = None,
) -> Report:
    """Change the three notes of a draft; ``None`` leaves a note as it is."""
    users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="sửa báo cáo")
    clean = clean_notes(highlights=highlights, difficulties=difficulties, proposals=proposals)
    with register.store.transaction():
        report = get(register, report_id)
        _refuse_if_signed(report, "sửa nội dung")
        diff = {k: v for k, v in clean.items() if getattr(report, k) != v}
        if not diff:
            return report
        _update(register, report_id, diff)
        new = replace(report, **diff)
        _audit(register, user, "update_notes", new, old={k: getattr(report, k) for k in diff}, new=diff)
        return new


def new_version(register: Register, user: User, report_id: int, now: datetime | None = None) -> Report:
    """A new draft that supersedes a signed report whose figures no longer match the live ones."""
    users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="lập phiên bản mới của báo cáo")
    report = get(register, report_id)
    if not report.is_signed:
        raise ReportError(
            f"Báo cáo số {report.id} còn là bản nháp: cập nhật số liệu trực tiếp, không cần phiên bản mới."
        )
    check = check_live(register, report, now)
    with register.store.transaction():
        report = get(register, report_id)
        if not report.is_latest:
            raise ReportError(f"Báo cáo số {report.id} đã có phiên bản mới hơn (số {report.superseded_by}).")
        if not check.differs:
            raise ReportError(
                f"Số liệu kỳ {report.period.short} không thay đổi so với báo cáo số {report.id} "
                "đã ký: không cần phiên bản mới."
            )
        return _new_version(register, user, report, check.live, register.settings.agency_code)


# --- sign-off ----------------------------------------------------------------------------------
def sign(
    register: Register, report_id: int, login: str, password: str, now: datetime | None = None
) -> Report:
    """The vice-chair's sign-off, after entering their password again.

    Refused for anyone but a vice-chair (not even the administrator), for a wrong password
    (counted towards the lock-out like a failed log-in), for a report already signed, for an
    old version, and when the live figures no longer match the draft: the vice-chair signs
    exactly the figures shown, so a stale draft is refreshed and looked at again first.
    """
    user = register.authenticate(login, password)
    users_mod.require(user, Role.VICE_CHAIR, action="ký duyệt báo cáo", admin_ok=False)
    report = get(register, report_id)
    _refuse_if_signed(report, "ký lại")
    check = check_live(register, report, now)
    with register.store.transaction():
        report = get(register, report_id)
        _refuse_if_signed(report, "ký lại")
        if not report.is_latest:
            raise ReportError(
                f"Báo cáo số {report.id} đã có phiên bản mới hơn (số {report.superseded_by}): "
                "ký phiên bản đó."
            )
        if check.differs:
            raise ReportError(check.message + " Hãy cập nhật bản nháp, xem lại số liệu rồi ký.")
        at = register.now()
        fp = report.computed_fingerprint()
        changes = {
            "snapshot": snapshot_text(report.table, report.agency_code, heading_of(register.settings)),
            "status": SIGNED,
            "signed_at": to_db(at),
            "signed_by": user.login,
            "signed_by_name": user.full_name,
            "signed_by_title": user.title or Role.VICE_CHAIR.label,
            "fingerprint": fp,
        }
        _update(register, report_id, changes)
        signed = get(register, report_id)
        _audit(register, user, "sign", signed, old={"status": DRAFT}, new={**changes, **_summary(signed)})
        return signed


def verify(report: Report) -> bool:
    """True when a signed report's stored snapshot still gives the fingerprint it was signed with."""
    return bool(report.fingerprint) and report.fingerprint == report.computed_fingerprint()


# --- sending -----------------------------------------------------------------------------------
def check_sendable(report: Report) -> None:
    """Only a signed report leaves the office (an .eml draft included)."""
    if not report.is_signed:
        raise ReportError(
            f"Báo cáo số {report.id} chưa được Phó Chủ tịch ký duyệt: chưa gửi được (kể cả lưu tệp .eml)."
        )
    if not report.is_latest:
        raise ReportError(
            f"Báo cáo số {report.id} đã được thay bằng phiên bản mới hơn (số {report.superseded_by}): "
            "gửi phiên bản mới sau khi ký."
        )


def record_send(
    register: Register,
    user: User,
    report_id: int,
    method: str,
    recipients: list[str] | str,
    ok: bool,
    error: str = "",
) -> SendRecord:
    """Log one send attempt; a good SMTP send marks the report sent, a failed one changes nothing else."""
    if method not in METHODS:
        raise ReportError(f"Cách gửi “{method}” không có (smtp hoặc eml).")
    to = recipients if isinstance(recipients, str) else ", ".join(recipients)
    at = register.now()
    with register.store.transaction():
        report = get(register, report_id)
        check_sendable(report)
        send_id = register.store.report_send_insert(
            {
                "report_id": report_id, "at": to_db(at), "user_login": user.login, "method": method,
                "recipients": to, "ok": int(ok), "error": nfc(error),
            },
        )  # fmt: skip
        entry = {"method": method, "recipients": to, "ok": ok}
        if error:
            entry["error"] = nfc(error)
        _audit(register, user, "send" if ok else "send_failed", report, new=entry)
        if ok and method == "smtp" and report.status == SIGNED:
            _update(register, report_id, {"status": SENT, "sent_at": to_db(at)}, expect=SIGNED)
            _audit(register, user, "mark_sent", report, old={"status": SIGNED}, new={"status": SENT})
    return SendRecord(send_id, report_id, at, user.login, method, to, ok, nfc(error))


def mark_sent(register: Register, user: User, report_id: int) -> Report:
    """Mark a signed report sent by hand (its .eml was sent from the office's mail program)."""
    users_mod.require(user, Role.CLERK, Role.VICE_CHAIR, action="đánh dấu đã gửi báo cáo")
    with register.store.transaction():
        report = get(register, report_id)
        check_sendable(report)
        if report.status == SENT:
            return report
        at = register.now()
        _update(register, report_id, {"status": SENT, "sent_at": to_db(at)}, expect=SIGNED)
        _audit(register, user, "mark_sent", report, old={"status": SIGNED}, new={"status": SENT})
        return get(register, report_id)


def sends(register: Register, report_id: int) -> list[SendRecord]:
    """The send log of one report, oldest first."""
    return [
        SendRecord(
            r["id"],
            r["report_id"],
            from_db(r["at"]),
            r["user_login"],
            r["method"],
            r["recipients"],
            bool(r["ok"]),
            r["error"],
        )  # fmt: skip
        for r in register.store.report_sends(report_id)
    ]


def send_counts(register: Register) -> dict[int, tuple[int, int]]:
    """Report id -> (send attempts, good ones), for the list of reports."""
    return register.store.report_send_counts()


# --- reading -----------------------------------------------------------------------------------
def get(register: Register, report_id: int) -> Report:
    row = register.store.report_by_id(int(report_id))
    if row is None:
        raise NotFoundError(f"Không có báo cáo số {report_id}.")
    return _from_row(row)


def list_reports(register: Register, period: Period | None = None) -> list[Report]:
    """Every version, newest period first, newest version first within a period."""
    start = period.start.isoformat() if period else None
    end = period.end.isoformat() if period else None
    return [_from_row(r) for r in register.store.reports_by_period(start, end)]


def versions(register: Register, report_id: int) -> list[Report]:
    """All versions of the report's period, newest first."""
    return list_reports(register, get(register, report_id).period)


# --- internals ---------------------------------------------------------------------------------
def _refuse_if_signed(report: Report, what: str) -> None:
    if report.is_signed:
        raise ReportLockedError(
            f"Báo cáo số {report.id} (kỳ {report.period.short}, phiên bản {report.version}) đã được "
            f"{report.signed_by_name or 'Phó Chủ tịch'} ký duyệt lúc {report.signed_at:%H:%M %d/%m/%Y}: "
            f"không được {what}. Nếu số liệu thay đổi, hãy lập phiên bản mới."
        )


def _summary(report: Report) -> dict[str, Any]:
    return {
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "version": report.version,
        "total": report.table.total.to_dict(),
    }


def _audit(register: Register, user: User, action: str, report: Report, old: Any = None, new: Any = None):
    register.store.audit(
        user_login=user.login, action=action, entity="report", key=str(report.id), old=old, new=new,
        at=register.now(),
    )  # fmt: skip


def _refresh(register: Register, user: User, report: Report, live: Table, agency: str) -> Report:
    _update(register, report.id, {"snapshot": snapshot_text(live, agency)})
    new = replace(report, table=live, agency_code=agency)
    _audit(register, user, "refresh", new, old=_summary(report), new=_summary(new))
    return new


def _new_version(register: Register, user: User, old: Report, live: Table, agency: str) -> Report:
    report = Report(
        id=None,
        table=live,
        version=old.version + 1,
        supersedes=old.id,
        highlights=old.highlights,
        difficulties=old.difficulties,
        proposals=old.proposals,
        created_at=register.now(),
        created_by=user.login,
        created_by_name=user.full_name,
        agency_code=agency,
    )
    report = _insert(register, report)
    _audit(
        register, user, "new_version", report,
        old={"id": old.id, "version": old.version, "fingerprint": old.fingerprint},
        new={**_summary(report), "changes": differences(old.table, live)},
    )  # fmt: skip
    return report


def _latest_for(register: Register, period: Period) -> Report | None:
    found = list_reports(register, period)
    return found[0] if found else None


def _insert(register: Register, report: Report) -> Report:
    p = report.period
    values = {
        "period_from": p.start.isoformat(),
        "period_to": p.end.isoformat(),
        "preset": p.preset,
        "version": report.version,
        "supersedes": report.supersedes,
        "status": DRAFT,
        "snapshot": snapshot_text(report.table, report.agency_code),
        "highlights": report.highlights,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
        "created_at": to_db(report.created_at),
        "created_by": report.created_by,
        "created_by_name": report.created_by_name,
    }
    return replace(report, id=register.store.report_insert(values))


def _update(register: Register, report_id: int, changes: dict[str, Any], expect: str = DRAFT) -> None:
    if not register.store.report_update(report_id, changes, expect):
        raise ReportLockedError(
            f"Báo cáo số {report_id} không còn ở trạng thái “{STATUS_LABELS[expect]}”: không sửa được."
        )


def _from_row(row: dict) -> Report:
    data = json.loads(row["snapshot"])
    period = Period(
        date.fromisoformat(row["period_from"]), date.fromisoformat(row["period_to"]), row["preset"]
    )
    cutoff = from_db(data.get("cutoff")) or period.after
    return Report(
        id=row["id"],
        table=table_from_json(data, period, cutoff),
        version=row["version"],
        supersedes=row["supersedes"],
        status=row["status"],
        highlights=row["highlights"],
        difficulties=row["difficulties"],
        proposals=row["proposals"],
        created_at=from_db(row["created_at"]),
        created_by=row["created_by"],
        created_by_name=row["created_by_name"],
        signed_at=from_db(row["signed_at"]),
        signed_by=row["signed_by"],
        signed_by_name=row["signed_by_name"],
        signed_by_title=row["signed_by_title"],
        fingerprint=row["fingerprint"],
        sent_at=from_db(row["sent_at"]),
        agency_code=data.get("agency_code", ""),
        heading=data.get("heading"),
        superseded_by=row["superseded_by"],
    )
