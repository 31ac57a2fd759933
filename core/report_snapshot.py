"""A report's snapshot as data: its stored JSON, its fingerprint, what changed, its JSON view.

Functions on ``core.stats.Table`` and plain JSON (no SQL, no rule), so the same fingerprint can
be computed from the database or from figures read back from a workbook's "Dữ liệu" sheet.
``core.reporting`` re-exports what callers use (``rp.check_live``, ``rp.report_json`` ...).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.stats import KEYS, Table, compute
from core.text import nfc
from core.timeutil import to_db

if TYPE_CHECKING:
    from core.register import Register
    from core.reporting import Report, SendRecord

KEY_LABELS = {
    "received_total": "tổng số nhận",
    "received_online": "nhận trực tuyến",
    "received_direct": "nhận trực tiếp, bưu chính",
    "carried_over": "kỳ trước chuyển sang",
    "resolved_total": "đã giải quyết",
    "resolved_early": "giải quyết trước hạn",
    "resolved_on_time": "giải quyết đúng hạn",
    "resolved_late": "giải quyết quá hạn",
    "pending_total": "đang giải quyết",
    "pending_in_time": "đang giải quyết trong hạn",
    "pending_overdue": "đang giải quyết quá hạn",
}


# --- fingerprint ------------------------------------------------------------------------------
def canonical_snapshot(table_json: dict[str, Any], agency_code: str) -> str:
    """The exact text the fingerprint covers: agency code, period and the figures, nothing else.

    Keys sorted, no spaces, integers as integers, field names NFC, rows in their printed order;
    so the same figures always give the same text, on any machine, from the database or read
    back from a workbook's "Dữ liệu" sheet.
    """
    data = {
        "agency_code": nfc(agency_code),
        "from": str(table_json["from"]),
        "to": str(table_json["to"]),
        "rows": [
            {"field": nfc(r["field"]), **{k: int(r.get(k) or 0) for k in KEYS}}
            for r in table_json.get("rows", [])
        ],
        "total": {k: int(table_json.get("total", {}).get(k) or 0) for k in KEYS},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint_of(table_json: dict[str, Any], agency_code: str) -> str:
    """SHA-256 (hex) of ``canonical_snapshot``: what the vice-chair's sign-off records."""
    return hashlib.sha256(canonical_snapshot(table_json, agency_code).encode("utf-8")).hexdigest()


# --- comparing figures ------------------------------------------------------------------------
def differences(old: Table, new: Table) -> list[str]:
    """What changed between two tables of the same period, one Vietnamese line per changed cell."""
    out: list[str] = []
    before = {r.field: r.figures.to_dict() for r in old.rows}
    after = {r.field: r.figures.to_dict() for r in new.rows}
    for name in [*before, *(f for f in after if f not in before)]:
        a, b = before.get(name, {}), after.get(name, {})
        for k in KEYS:
            if a.get(k, 0) != b.get(k, 0):
                out.append(f"{name}: {KEY_LABELS[k]} {a.get(k, 0)} → {b.get(k, 0)}")
    if not out and old.total != new.total:  # only possible with a tampered snapshot
        out.append("dòng tổng cộng khác")
    return out


def snapshot_text(table: Table, agency_code: str, heading: dict[str, str] | None = None) -> str:
    """The stored ``reports.snapshot``: the ``--json`` table plus its cut-off and agency code, and
    for a signed report the heading it prints (``heading_of``, frozen at sign-off)."""
    data: dict[str, Any] = {**table.to_json(), "cutoff": to_db(table.cutoff), "agency_code": agency_code}
    if heading:
        data["heading"] = heading
    return json.dumps(data, ensure_ascii=False)


# What a report prints above and around its figures, taken from the settings. A signed report
# keeps them in its snapshot: changing the ward's recipient or name later must not change a
# report already signed (its fingerprint covers the figures; the heading is frozen beside them).
HEADING_FIELDS = ("ward_name", "centre_name", "place_name", "report_to")


def heading_of(settings: Any) -> dict[str, str]:
    return {name: getattr(settings, name) or "" for name in HEADING_FIELDS}


def printed_settings(report: Report, settings: Any) -> Any:
    """The settings a report is printed with: today's for a draft, the frozen heading for a signed
    report (older signed reports, from before the heading was kept, print today's)."""
    import dataclasses

    frozen = getattr(report, "heading", None)
    if not (report.is_signed and frozen):
        return settings
    return dataclasses.replace(settings, **{k: v for k, v in frozen.items() if k in HEADING_FIELDS})


@dataclass(frozen=True)
class LiveCheck:
    """A report's snapshot against the live figures of its period."""

    report: Report
    live: Table
    changes: tuple[str, ...]  # Vietnamese lines: "Hộ tịch: tổng số nhận 12 → 13"

    @property
    def differs(self) -> bool:
        return bool(self.changes)

    @property
    def message(self) -> str:
        if not self.changes:
            return "Số liệu hiện tại khớp với báo cáo."
        head = (
            f"Số liệu kỳ {self.report.period.short} đã thay đổi so với báo cáo số {self.report.id} "
            f"(phiên bản {self.report.version})"
        )
        return head + ": " + "; ".join(self.changes) + "."


def check_live(register: Register, report: Report, now: datetime | None = None) -> LiveCheck:
    """Recompute the report's period and say what differs from its snapshot (late entries)."""
    live = compute(register, report.period, now)
    return LiveCheck(report, live, tuple(differences(report.table, live)))


def report_json(report: Report, send_log: list[SendRecord] | None = None) -> dict[str, Any]:
    """The ``report list --json`` view of one version."""
    out = {
        "id": report.id,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "preset": report.period.preset,
        "version": report.version,
        "supersedes": report.supersedes,
        "superseded_by": report.superseded_by,
        "status": report.status,
        "status_label": report.status_label,
        "created_at": to_db(report.created_at),
        "created_by": report.created_by,
        "signed_at": to_db(report.signed_at),
        "signed_by": report.signed_by,
        "signed_by_name": report.signed_by_name,
        "signed_by_title": report.signed_by_title,
        "fingerprint": report.fingerprint,
        "sent_at": to_db(report.sent_at),
        "agency_code": report.agency_code,
        "highlights": report.highlights,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
        "total": report.table.total.to_dict(),
    }
    if send_log is not None:
        out["sends"] = [
            {"at": to_db(s.at), "method": s.method, "recipients": s.recipients, "ok": s.ok, "error": s.error}
            for s in send_log
        ]
    return out
