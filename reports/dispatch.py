"""Sending a signed report (or the end-of-day summary): workbook, message, send log, in one place.

A report signed with a certificate also carries its signed PDF (reports.signing.stored).

The command line and the reports screen both go through these two functions, so a send is
logged the same way whichever door it came through: every attempt in ``report_sends`` (the
report) or the audit trail (the day summary), a failed one with its Vietnamese reason, and the
failure re-raised for the caller to show. Qt-free; the password is passed in, never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from core import reporting as rp
from core.errors import MotCuaError
from core.model import User
from core.register import Register
from core.settings import Settings
from core.stats import DaySummary


@dataclass(frozen=True)
class SendOutcome:
    """What happened: by SMTP (``path`` None) or saved as an .eml draft (``path`` set)."""

    method: str
    recipients: str
    path: Path | None = None
    record: rp.SendRecord | None = None


def _recipients(msg) -> str:
    return ", ".join(a.strip() for a in str(msg.get("To", "")).split(",") if a.strip())


def send_report(
    register: Register,
    user: User,
    report_id: int,
    *,
    eml: Path | None = None,
    password: str | None = None,
) -> SendOutcome:
    """Send a signed report by the office's SMTP server, or save it as an .eml draft.

    Refused (nothing logged) when the report is not signed or not the latest version; after
    that every attempt is logged, good or failed (a message that cannot be built from the
    settings, a refused login, an unwritable file ...).
    """
    from reports.email_out import report_message
    from reports.workbook import report_filename, report_workbook

    report = rp.get(register, report_id)
    rp.check_sendable(report)
    settings = register.settings

    def build() -> EmailMessage:
        from core.indicators import compute as compute_indicators
        from reports.signing.stored import load_signed

        ward_indicators = compute_indicators(register, report.period)  # the ward's own, beside the report
        workbook = report_workbook(report, settings, ward_indicators)
        pdf = load_signed(register, report)  # the digitally signed PDF, when the vice-chair made one
        name = report_filename(report, settings)
        return report_message(report, settings, workbook, name, pdf=pdf, indicators=ward_indicators)

    def log(method: str, to: str, error: str) -> rp.SendRecord:
        return rp.record_send(register, user, report_id, method, to, not error, error)

    return _deliver(build, settings, eml, password, log)


def send_day_summary(
    register: Register,
    user: User,
    summary: DaySummary,
    *,
    eml: Path | None = None,
    password: str | None = None,
) -> SendOutcome:
    """Send the end-of-day summary (or save it as .eml); the attempt goes to the audit trail.

    The summary is not a report (no sign-off, no version), so ``report_sends`` has no row for
    it: the audit trail records who sent which day to whom, and why a send failed.
    """
    from reports.email_out import day_summary_message
    from reports.workbook import day_summary_filename, day_summary_workbook

    settings = register.settings

    def build() -> EmailMessage:
        workbook = day_summary_workbook(summary, settings)
        return day_summary_message(summary, settings, workbook, day_summary_filename(summary, settings))

    def log(method: str, to: str, error: str) -> None:
        _audit_day(register, user, summary, method, to, error)

    outcome = _deliver(build, settings, eml, password, log)
    return SendOutcome(outcome.method, outcome.recipients, outcome.path)


def _deliver(
    build: Callable[[], EmailMessage],
    settings: Settings,
    eml: Path | None,
    password: str | None,
    log: Callable[[str, str, str], Any],
) -> SendOutcome:
    """Build the message, then send it or save it as .eml; ``log(method, to, error)`` every attempt.

    A message that cannot even be built (a bad address in the settings) is a failed send too.
    """
    from reports.email_out import save_eml, send_message

    to = ", ".join(settings.recipients)
    method = "eml" if eml else "smtp"
    try:
        msg = build()
        to = _recipients(msg)
        if eml:
            path = save_eml(msg, Path(eml))
        else:
            path = None
            send_message(msg, settings, password)
    except MotCuaError as exc:
        log(method, to, exc.message)
        raise
    except OSError as exc:  # the .eml could not be written
        reason = f"Không ghi được tệp {exc.filename or eml}: {exc.strerror}"
        log(method, to, reason)
        raise MotCuaError(reason) from exc
    return SendOutcome(method, to, path, log(method, to, ""))


def _audit_day(register: Register, user: User, summary: DaySummary, method: str, to: str, error: str) -> None:
    entry = {"method": method, "recipients": to, "ok": not error}
    if error:
        entry["error"] = error
    with register.store.transaction():
        register.store.audit(
            user_login=user.login,
            action="send_failed" if error else "send",
            entity="day_summary",
            key=summary.day.isoformat(),
            new=entry,
            at=register.now(),
        )
