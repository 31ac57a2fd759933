"""A report's snapshot as data: its stored JSON, its fingerprint, and what changed between two.

Pure functions on ``core.stats.Table`` and plain JSON, so the same fingerprint can be computed
from the database or from figures read back from a workbook's "Dữ liệu" sheet.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.stats import KEYS, Table
from core.text import nfc
from core.timeutil import to_db

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


def snapshot_text(table: Table, agency_code: str) -> str:
    """The stored ``reports.snapshot``: the ``--json`` table plus its cut-off and agency code."""
    return json.dumps(
        {**table.to_json(), "cutoff": to_db(table.cutoff), "agency_code": agency_code}, ensure_ascii=False
    )
