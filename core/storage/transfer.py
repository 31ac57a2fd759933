"""Moving one-PC registers (SQLite files) into the centre's server database.

Several files from PCs that ran separately merge into one register. The dossier code is the
key: a code already on the server (or in an earlier file) with the same content is skipped,
so running the move again adds nothing; the same code with different content is a conflict,
listed, and then nothing at all is written: codes were printed on citizens' receipts and are
never renumbered silently. Each file's audit chain is verified first; its entries are copied
into the server's chain (re-linked), after an entry that names the file and the last hash of
its own chain, and the server's chain is verified after the move.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import audit
from core.errors import MotCuaError
from core.storage.base import SqlStore
from core.storage.rows import dossier_search_key

# Columns compared to decide "same dossier" (ids and the derived search key differ by nature).
_SKIP = {"id", "search_key"}
_EVENT_KEYS = ("kind", "at", "user_login", "user_name", "note", "data")


class MigrationConflict(MotCuaError):
    def __init__(self, conflicts: list[str]):
        shown = "\n".join(f"  - {c}" for c in conflicts[:50])
        more = f"\n  ... và {len(conflicts) - 50} mã khác" if len(conflicts) > 50 else ""
        super().__init__(
            f"{len(conflicts)} mã hồ sơ có ở hai nơi với nội dung khác nhau; chưa chuyển gì "
            f"(mã đã in trên giấy hẹn của công dân, không được đánh lại số):\n{shown}{more}"
        )
        self.conflicts = conflicts


@dataclass
class MoveReport:
    files: list[str] = field(default_factory=list)
    dossiers: int = 0
    already_there: int = 0
    users: int = 0
    procedures: int = 0
    reports: int = 0
    audit_entries: int = 0

    def summary(self) -> str:
        return (
            f"Đã chuyển {self.dossiers} hồ sơ từ {len(self.files)} tệp ({self.already_there} đã có trên máy "
            f"chủ, bỏ qua); {self.users} người dùng, {self.procedures} thủ tục, {self.reports} báo cáo, "
            f"{self.audit_entries} mục nhật ký. Chuỗi nhật ký trên máy chủ đã được kiểm tra: toàn vẹn."
        )


def _fingerprint(row: dict, events: list[dict]) -> str:
    body = {k: v for k, v in row.items() if k not in _SKIP}
    evs = [[e[k] for k in _EVENT_KEYS] for e in events]
    return json.dumps([body, evs], ensure_ascii=False, sort_keys=True, default=str)


def _events_by_dossier(store: SqlStore) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for e in store.table_rows("events"):
        out.setdefault(e["dossier_id"], []).append(e)
    return out


def _dossiers(store: SqlStore) -> dict[str, tuple[dict, list[dict]]]:
    events = _events_by_dossier(store)
    return {r["code"]: (r, events.get(r["id"], [])) for r in store.table_rows("dossiers")}


def move(sources: list[tuple[str, SqlStore]], target: SqlStore) -> MoveReport:
    """Merge ``sources`` (name, opened SQLite store) into ``target``; all or nothing."""
    for name, src in sources:
        verdict = audit.verify(src)
        if not verdict.ok:
            raise MotCuaError(f"Nhật ký của tệp {name} không toàn vẹn ({verdict.problem}): chưa chuyển gì.")
    report = MoveReport(files=[n for n, _ in sources])
    with target.transaction():
        target._lock("import")
        there = _dossiers(target)
        planned: dict[str, tuple[str, dict, list[dict]]] = {}
        conflicts = []
        loaded = [(name, src, _dossiers(src)) for name, src in sources]
        for name, _src, dossiers in loaded:
            for code, (row, events) in dossiers.items():
                mine = _fingerprint(row, events)
                if code in there:
                    if _fingerprint(*there[code]) != mine:
                        conflicts.append(f"{code}: trên máy chủ và trong {name}")
                    else:
                        report.already_there += 1
                elif code in planned:
                    if _fingerprint(planned[code][1], planned[code][2]) != mine:
                        conflicts.append(f"{code}: trong {planned[code][0]} và trong {name}")
                else:
                    planned[code] = (name, row, events)
        if conflicts:
            raise MigrationConflict(sorted(set(conflicts)))
        done_files = {_json(e["new"]) for e in target.audit_entries(entity="register_file", limit=10**6)}
        for _name, src, _ in loaded:
            _reference_tables(src, target, report)
            _reports(src, target, report, fresh=_file_key(src) not in done_files)
        ids = target.reserve_dossier_ids(len(planned))
        events: list[dict] = []
        rows = []
        for new_id, (_name, row, evs) in zip(ids, planned.values(), strict=True):
            key = dossier_search_key(row["applicant"], row["code"], row["id_number"], row["phone"])
            rows.append({**row, "id": new_id, "search_key": key})
            events += [{**{k: v for k, v in e.items() if k != "id"}, "dossier_id": new_id} for e in evs]
        target.insert_rows("dossiers", rows)
        target.insert_rows("events", events)
        _raise_sequences(sources, target)
        report.dossiers = len(rows)
        for name, src, _ in loaded:
            key = _file_key(src)
            if key in done_files:
                continue
            target.audit(user_login="system", action="migrate", entity="register_file", key=Path(name).name,
                         new=key, reason="chuyển sổ một máy lên máy chủ")  # fmt: skip
            for e in src.audit_rows():
                target.audit(
                    user_login=e["user_login"], action=e["action"], entity=e["entity"], key=e["entity_key"],
                    old=_json(e["old"]), new=_json(e["new"]), reason=e["reason"], at=_moment(e["at"]),
                )  # fmt: skip
                report.audit_entries += 1
    verdict = audit.verify(target)
    if not verdict.ok:  # cannot happen unless the server's chain was already broken
        raise MotCuaError(f"Nhật ký trên máy chủ không toàn vẹn sau khi chuyển: {verdict.problem}")
    return report


def _file_key(src: SqlStore) -> str:
    """What names a source file's history: the last hash of its own audit chain."""
    rows = src.audit_rows()
    return rows[-1]["hash"] if rows else audit.GENESIS


def _json(text: str) -> Any:
    return json.loads(text) if text else None


def _moment(text: str):
    from core.timeutil import from_db

    return from_db(text)


def _reference_tables(src: SqlStore, target: SqlStore, report: MoveReport) -> None:
    """Settings (when the server has none yet), catalogue, users and calendar not yet there."""
    if not target.settings().is_configured:
        target.save_settings(src.settings())
    known = {p.code for p in target.procedures(active_only=False)}
    for p in src.procedures(active_only=False):
        if p.code not in known:
            target.upsert_procedure(p)
            report.procedures += 1
    for r in src.table_rows("users"):
        if target.user(r["login"]) is None:
            target._exec(
                "INSERT INTO users (login, full_name, role, title, password_hash, active, failed_logins, "
                "locked_until, created_at) VALUES (:login, :full_name, :role, :title, :password_hash, "
                ":active, :failed_logins, :locked_until, :created_at)",
                r,
            )
            report.users += 1
    days = {o.day for o in target.overrides()}
    for o in src.overrides():
        if o.day not in days:
            target.set_override(o)


def _reports(src: SqlStore, target: SqlStore, report: MoveReport, fresh: bool) -> None:
    """Report objects and their sends, with new ids (``supersedes`` re-pointed); once per file."""
    if not fresh:
        return
    new_ids: dict[int, int] = {}
    for r in src.table_rows("reports"):
        values = {k: v for k, v in r.items() if k not in ("id", "superseded_by")}
        values["supersedes"] = new_ids.get(values.get("supersedes"))
        cols = list(values)
        sql = f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
        new_ids[r["id"]] = target._insert(sql, values)
        report.reports += 1
    for s in src.table_rows("report_sends"):
        values = {k: v for k, v in s.items() if k != "id"}
        values["report_id"] = new_ids[s["report_id"]]
        target.report_send_insert(values)
    for d in src.table_rows("difficulties"):
        values = {k: v for k, v in d.items() if k != "id"}
        cols = list(values)
        target._insert(
            f"INSERT INTO difficulties ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})",
            values,
        )


def _raise_sequences(sources: list[tuple[str, SqlStore]], target: SqlStore) -> None:
    """Every sequence on the server at least as far as in any file: no code is issued twice."""
    highest: dict[str, int] = {}
    for _name, src in sources:
        for r in src.table_rows("sequences"):
            highest[r["key"]] = max(highest.get(r["key"], 0), r["last"])
    target._many(target.RAISE_SEQUENCE_SQL, sorted(highest.items()))
