"""Row seals: the state of what an audit entry changed, hashed into the chain as it is written.

The hash chain alone proves only that the log was not edited; a dossier, an event, a user or a
report changed in the database file by another program would leave the log intact. So each
entry also carries ``state``: the SHA-256 of the rows its entity has right after the change
(a dossier with its events, a user without the log-in counters, a report with its sends, the
calendar day, the settings). ``check`` recomputes those hashes from the rows as they are now:
a row edited, deleted or added behind MotCua's back no longer matches its last seal.

What is sealed is what a person decided or typed. Values MotCua derives and rewrites on its own
(a dossier's due moment after a calendar change, the search key, the digitising moments, the
log-in counters) are left out, so MotCua's own housekeeping is never taken for tampering.
Pure rules, no SQL: the store reads the rows (``entity_rows`` per entity, ``table_rows`` for
the whole check).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

DOSSIER_FACTS = (
    "code", "procedure_code", "procedure_name", "field", "working_days", "applicant",
    "applicant_kind", "id_kind", "id_number", "phone", "address", "email", "channel", "copies",
    "documents", "fee_collected", "received_at", "status", "clerk_login", "clerk_name",
    "outcome_at", "returned_at", "new_appointment_at", "signed_by", "receiver_name",
    "satisfaction", "return_by_post", "register_book", "register_seq", "note", "receipt_printed",
)  # fmt: skip
USER_FACTS = ("login", "full_name", "role", "title", "password_hash", "active")


@dataclass(frozen=True)
class Part:
    """One table's share of an entity's state: its rows whose ``column`` equals the key."""

    table: str
    column: str  # "code", "login" ...; for a dossier's events the parent's id (see ``parent``)
    columns: tuple[str, ...] | None = None  # None: every column
    parent: str = ""  # "dossiers.id": rows of this table belong to the entity's row in that table


# entity of the audit entry -> the rows its state covers
SEALED: dict[str, tuple[Part, ...]] = {
    "dossier": (Part("dossiers", "code", DOSSIER_FACTS), Part("events", "dossier_id", parent="dossiers.id")),
    "user": (Part("users", "login", USER_FACTS),),
    "procedure": (Part("procedures", "code", None),),
    "calendar_override": (Part("calendar_overrides", "day", None),),
    "difficulty": (Part("difficulties", "id", None),),
    "report": (Part("reports", "id", None), Part("report_sends", "report_id", None)),
    "settings": (Part("settings", "key", None),),  # the whole table but the "_" meta keys
}
INT_KEYS = {"difficulty", "report"}
SKIPPED_COLUMNS = {"search_key"}
# Rows every entry about them must name: one found with no entry at all was added behind MotCua.
MUST_BE_NAMED = {"dossier": "dossiers", "user": "users", "report": "reports"}
LABELS = {
    "dossier": "hồ sơ",
    "user": "người dùng",
    "procedure": "thủ tục",
    "calendar_override": "ngày điều chỉnh lịch",
    "difficulty": "vướng mắc",
    "report": "báo cáo số",
    "settings": "thiết lập",
}


CLI, WINDOW = "dòng lệnh", "cửa sổ"


def channel_context(channel: str) -> dict[str, str]:
    """What each entry records of how it came in: the channel and the operating-system account
    (a shared office PC's Windows login says who sat there when the MotCua name is doubtful)."""
    import getpass

    try:
        os_user = getpass.getuser()
    except (KeyError, OSError, ImportError):  # no account name in the environment
        os_user = ""
    return {"channel": channel, "os_user": os_user}


def is_sealed(entity: str) -> bool:
    return entity in SEALED


def _clean(row: dict, columns: tuple[str, ...] | None) -> dict:
    names = columns if columns is not None else [k for k in row if k not in SKIPPED_COLUMNS]
    return {k: row.get(k) for k in names}


def seal(parts: dict[str, list[dict]], entity: str) -> str:
    """The SHA-256 of an entity's rows (per table, in key order); the same text on both engines."""
    data = {}
    for part in SEALED[entity]:
        rows = parts.get(part.table, [])
        if part.table == "settings":
            rows = [r for r in rows if not str(r["key"]).startswith("_")]
        data[part.table] = sorted(
            (_clean(r, part.columns) for r in rows), key=lambda r: json.dumps(r, sort_keys=True, default=str)
        )
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def state_of(entity: str, key: str, read: Callable[[Part, Any], list[dict]]) -> str:
    """The seal of one entity now, its rows read with ``read(part, key)``; "" if not sealed."""
    if entity not in SEALED:
        return ""
    value: Any = int(key) if entity in INT_KEYS and str(key).isdigit() else key
    return seal({p.table: read(p, value) for p in SEALED[entity]}, entity)


# --- checking the rows now against their last seals -------------------------------------------------
@dataclass
class StateVerdict:
    checked: int = 0  # entities whose rows were compared with a seal
    unsealed: int = 0  # entities named only by entries older than seals (nothing to compare)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _current(tables: Callable[[str], Iterable[dict]]) -> dict[str, dict[str, dict[str, list[dict]]]]:
    """entity -> key -> table -> rows, for every sealed entity, from whole-table reads."""
    out: dict[str, dict[str, dict[str, list[dict]]]] = defaultdict(lambda: defaultdict(dict))
    ids: dict[Any, str] = {}
    for row in tables("dossiers"):
        ids[row["id"]] = row["code"]
        out["dossier"][row["code"]]["dossiers"] = [row]
    for row in tables("events"):
        code = ids.get(row["dossier_id"], f"#{row['dossier_id']}")
        out["dossier"][code].setdefault("events", []).append(row)
    for entity, parts in SEALED.items():
        if entity == "dossier":
            continue
        for part in parts:
            for row in tables(part.table):
                key = "" if entity == "settings" else str(row[part.column])
                out[entity][key].setdefault(part.table, []).append(row)
    return out


def check(entries: Iterable[dict], tables: Callable[[str], Iterable[dict]]) -> StateVerdict:
    """Compare the rows now with the last seal each entity got in the chain ``entries``.

    Dossiers that came in by ``import-register`` (``source`` "import") were written in bulk
    under one entry for the file and carry no seal of their own until their first change.
    """
    last: dict[tuple[str, str], str] = {}
    named: set[tuple[str, str]] = set()
    for e in entries:
        entity, key = e["entity"], str(e["entity_key"])
        if entity not in SEALED:
            continue
        key = "" if entity == "settings" else key
        named.add((entity, key))
        if e.get("state"):
            last[(entity, key)] = e["state"]
    now = _current(tables)
    verdict = StateVerdict()
    for (entity, key), expected in sorted(last.items()):
        rows = now.get(entity, {}).get(key, {})
        verdict.checked += 1
        if seal(rows, entity) == expected:
            continue
        label = f"{LABELS[entity]} {key}".strip()
        main_table = SEALED[entity][0].table
        if main_table != "settings" and not rows.get(main_table):
            verdict.problems.append(f"{label} đã bị xóa ngoài MotCua")
        else:
            verdict.problems.append(f"{label} đã bị sửa ngoài MotCua (khác lần ghi cuối trong nhật ký)")
    verdict.unsealed = len(named - set(last))
    for entity in MUST_BE_NAMED:
        for key in sorted(now.get(entity, {})):
            if (entity, key) in named or key.startswith("#"):
                continue
            main_rows = now[entity][key].get(MUST_BE_NAMED[entity])
            if not main_rows or (entity == "dossier" and main_rows[0].get("source") == "import"):
                continue
            verdict.problems.append(f"{LABELS[entity]} {key} không có trong nhật ký (được thêm ngoài MotCua)")
    for code in now.get("dossier", {}):
        if code.startswith("#"):
            verdict.problems.append(f"bước xử lý của hồ sơ không còn tồn tại ({code}): ghi ngoài MotCua")
    return verdict


def chain_heads(entries: Iterable[dict]) -> Iterator[tuple[int, str]]:
    """(id, hash) of each entry: what a backup or a printed report keeps of the chain."""
    for e in entries:
        yield e["id"], e["hash"]
