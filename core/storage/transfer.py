"""Moving one-PC registers (SQLite files) into the centre's server database.

Several files from PCs that ran separately merge into one register. The dossier code is the
key: a code already on the server (or in an earlier file) with the same content is skipped,
so running the move again adds nothing; the same code with different content is a conflict,
listed, and then nothing at all is written: codes were printed on citizens' receipts and are
never renumbered silently. Each file's audit chain is verified first; its entries are copied
into the server's chain (re-linked), after an entry that names the file and the last hash of
its own chain, and the server's chain is verified after the move.

Scans travel with their dossier. Each ``attachments`` row gets a new id and its dossier's new
id, every other column as it was; the bytes (files beside the SQLite file, in ``<stem>.tep``)
go into the server once per SHA-256, a scan the server already holds intact is not sent again,
and each one is read back from the server and hashed before the move commits. The scans are
part of a dossier's content: the same code with other scans on the server is a conflict. One
case is not: a dossier already there with no scan at all while the file has some was moved by
a version that did not move scans; its scans are added now (an entry names them), or they
would never arrive.

A scan missing or damaged in a file refuses the whole move, as a conflict does, naming the
file, the dossier and the document. Why not move the rest and name the lost scan: the dossier
row says its document is digitised (``digitised_documents``, ``digitised_at``, counted by the
indicators), so the server would hold a dossier claiming a scan it lacks, reported by every
``audit verify`` there for good; and a scan is rarely lost for good: the PC's backups keep
every scan in their ``tep`` folder, and most often the ``.tep`` folder was just not copied
with the file. The PC goes on working on its own file meanwhile; moving a day later loses
nothing. See ``_copy_audit`` for what happens to the entries' seals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import audit, audit_state
from core.attachments.content import sha256_hex
from core.errors import MotCuaError
from core.storage.base import SqlStore
from core.storage.rows import dossier_search_key

# Columns compared to decide "same dossier" (ids and the derived search key differ by nature).
_SKIP = {"id", "search_key"}
_EVENT_KEYS = ("kind", "at", "user_login", "user_name", "note", "data")
_SCAN_SKIP = {"id", "dossier_id"}  # the same scan on two databases differs only in these
_SHOWN = 50


def _listed(lines: list[str]) -> str:
    shown = "\n".join(f"  - {line}" for line in lines[:_SHOWN])
    more = f"\n  ... và {len(lines) - _SHOWN} mục khác" if len(lines) > _SHOWN else ""
    return shown + more


class MigrationConflict(MotCuaError):
    def __init__(self, conflicts: list[str]):
        super().__init__(
            f"{len(conflicts)} mã hồ sơ có ở hai nơi với nội dung khác nhau; chưa chuyển gì "
            f"(mã đã in trên giấy hẹn của công dân, không được đánh lại số):\n{_listed(conflicts)}"
        )
        self.conflicts = conflicts


class ScansMissing(MotCuaError):
    """Scans of dossiers to move are missing or damaged in their file; nothing was written."""

    def __init__(self, problems: list[str], absent_folders: list[str]):
        folders = "".join(
            f"\nKhông thấy thư mục {f} cạnh tệp cơ sở dữ liệu: hãy chép cả thư mục này cùng tệp."
            for f in absent_folders
        )
        super().__init__(
            f"{len(problems)} tệp số hóa bị mất hoặc đã bị sửa; chưa chuyển gì (hồ sơ không được "
            f"chuyển lên máy chủ khi thiếu bản quét):\n{_listed(problems)}{folders}\n"
            "Lấy lại các tệp đó từ thư mục “tep” cạnh các bản sao lưu của máy đó (chép vào thư mục "
            ".tep cạnh tệp cơ sở dữ liệu, giữ nguyên thư mục con và tên tệp), rồi chạy lại."
        )
        self.problems = problems


@dataclass
class MoveReport:
    files: list[str] = field(default_factory=list)
    dossiers: int = 0
    already_there: int = 0
    scans: int = 0
    users: int = 0
    procedures: int = 0
    reports: int = 0
    audit_entries: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Đã chuyển {self.dossiers} hồ sơ từ {len(self.files)} tệp ({self.already_there} đã có trên máy "
            f"chủ, bỏ qua); {self.scans} tệp số hóa, {self.users} người dùng, {self.procedures} thủ tục, "
            f"{self.reports} báo cáo, {self.audit_entries} mục nhật ký. Chuỗi nhật ký trên máy chủ đã được "
            "kiểm tra: toàn vẹn."
        )
        return "\n".join([text, *(f"Cảnh báo: {w}" for w in self.warnings)])


@dataclass
class _File:
    """One source file while it is moved: what the move wrote from it, and the new keys."""

    name: str
    store: SqlStore
    dossiers: dict[str, tuple[dict, list[dict], list[dict]]]  # code -> row, events, scans
    written: set[tuple[str, str]] = field(default_factory=set)  # (entity, server key)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (entity, PC key) -> server key


def _fingerprint(row: dict, events: list[dict]) -> str:
    body = {k: v for k, v in row.items() if k not in _SKIP}
    evs = [[e[k] for k in _EVENT_KEYS] for e in events]
    return json.dumps([body, evs], ensure_ascii=False, sort_keys=True, default=str)


def _scans_print(scans: list[dict]) -> str:
    body = sorted(json.dumps({k: v for k, v in s.items() if k not in _SCAN_SKIP}, sort_keys=True, default=str)
                  for s in scans)  # fmt: skip
    return json.dumps(body, ensure_ascii=False)


def _by_dossier(rows) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["dossier_id"], []).append(r)
    return out


def _dossiers(store: SqlStore) -> dict[str, tuple[dict, list[dict], list[dict]]]:
    events = _by_dossier(store.table_rows("events"))
    scans = _by_dossier(store.attachment_rows())
    return {
        r["code"]: (r, events.get(r["id"], []), scans.get(r["id"], [])) for r in store.table_rows("dossiers")
    }


def move(sources: list[tuple[str, SqlStore]], target: SqlStore) -> MoveReport:
    """Merge ``sources`` (name, opened SQLite store) into ``target``; all or nothing."""
    report = MoveReport(files=[n for n, _ in sources])
    for name, src in sources:
        verdict = audit.verify(src)
        if not verdict.ok:
            raise MotCuaError(f"Nhật ký của tệp {name} không toàn vẹn ({verdict.problem}): chưa chuyển gì.")
        changed = audit_state.check(src.audit_rows(), src.table_rows).problems
        if changed:
            report.warnings.append(
                f"tệp {name} có dữ liệu bị thay đổi ngoài MotCua ({'; '.join(changed)}); phần dữ liệu đó "
                "đã chuyển lên máy chủ vẫn bị “motcua audit verify” báo như trên máy đó."
            )
    with target.transaction():
        target._lock("import")
        files = [_File(name, src, _dossiers(src)) for name, src in sources]
        planned, late = _plan(files, _dossiers(target), report)
        _check_scans([(f, row, s) for f, row, _evs, scans in planned.values() for s in scans]
                     + [(f, row, s) for f, row, scans in late.values() for s in scans])  # fmt: skip
        done_files = {_json(e["new"]) for e in target.audit_entries(entity="register_file", limit=10**6)}
        for f in files:
            _reference_tables(f, target, report)
            _reports(f, target, report, fresh=_file_key(f.store) not in done_files)
        ids = target.reserve_dossier_ids(len(planned))
        events: list[dict] = []
        rows = []
        scans: list[tuple[_File, int, dict]] = []
        for new_id, (f, row, evs, kept) in zip(ids, planned.values(), strict=True):
            key = dossier_search_key(row["applicant"], row["code"], row["id_number"], row["phone"])
            rows.append({**row, "id": new_id, "search_key": key})
            events += [{**{k: v for k, v in e.items() if k != "id"}, "dossier_id": new_id} for e in evs]
            scans += [(f, new_id, s) for s in kept]
        target.insert_rows("dossiers", rows)
        target.insert_rows("events", events)
        scans += [(f, row["id"], s) for f, row, kept in late.values() for s in kept]
        report.scans = _move_scans(scans, target)
        _raise_sequences(sources, target)
        report.dossiers = len(rows)
        for f in files:
            key = _file_key(f.store)
            added = {row["code"]: len(kept) for g, row, kept in late.values() if g is f}
            if added:  # moved by an earlier version, which left the scans behind
                target.audit(
                    user_login="system", action="migrate", entity="attachments", key=Path(f.name).name,
                    new={"file": key, "dossiers": added},
                    reason="chuyển tệp số hóa của hồ sơ đã có trên máy chủ",
                )  # fmt: skip
            if key in done_files:
                continue
            target.audit(user_login="system", action="migrate", entity="register_file", key=Path(f.name).name,
                         new=key, reason="chuyển sổ một máy lên máy chủ")  # fmt: skip
            report.audit_entries += _copy_audit(f, target)
    verdict = audit.verify(target)
    if not verdict.ok:  # cannot happen unless the server's chain was already broken
        raise MotCuaError(f"Nhật ký trên máy chủ không toàn vẹn sau khi chuyển: {verdict.problem}")
    return report


def _plan(files: list[_File], there: dict, report: MoveReport) -> tuple[dict, dict]:
    """The dossiers to move (code -> file, row, events, scans) and the scans to add to dossiers
    already there (code -> file, server row, scans); conflicts raise ``MigrationConflict``."""
    planned: dict[str, tuple[_File, dict, list[dict], list[dict]]] = {}
    late: dict[str, tuple[_File, dict, list[dict]]] = {}
    conflicts = []
    for f in files:
        for code, (row, events, scans) in f.dossiers.items():
            mine = _fingerprint(row, events)
            if code in there:
                server_row, server_events, server_scans = there[code]
                if _fingerprint(server_row, server_events) != mine:
                    conflicts.append(f"{code}: trên máy chủ và trong {f.name}")
                elif code in late:
                    if _scans_print(late[code][2]) != _scans_print(scans):
                        conflicts.append(
                            f"{code}: tệp số hóa trong {late[code][0].name} và trong {f.name} khác nhau"
                        )
                elif _scans_print(server_scans) == _scans_print(scans):
                    report.already_there += 1
                elif not server_scans:
                    late[code] = (f, server_row, scans)
                    report.already_there += 1
                else:
                    conflicts.append(f"{code}: tệp số hóa trên máy chủ và trong {f.name} khác nhau")
            elif code in planned:
                first, row0, events0, scans0 = planned[code]
                if _fingerprint(row0, events0) != mine:
                    conflicts.append(f"{code}: trong {first.name} và trong {f.name}")
                elif _scans_print(scans0) != _scans_print(scans):
                    conflicts.append(f"{code}: tệp số hóa trong {first.name} và trong {f.name} khác nhau")
            else:
                planned[code] = (f, row, events, scans)
                f.written.add(("dossier", code))
    if conflicts:
        raise MigrationConflict(sorted(set(conflicts)))
    return planned, late


# --- scans ---------------------------------------------------------------------------------------
def _scan_state(store: SqlStore, digest: str) -> str:
    """``ok``, ``missing`` or ``altered``: a file beside a SQLite register is hashed as a stream."""
    files = store.blob_store()
    if files is not None:
        return files.check(digest).state
    data = store.blob_get(digest)
    return "missing" if data is None else ("ok" if sha256_hex(data) == digest else "altered")


def _document(row: dict, scan: dict) -> str:
    """The scan's target as the receipt names it: "thành phần 1 “Tờ khai …”" or the result."""
    if scan["is_result"]:
        return "kết quả giải quyết"
    number = scan["document"]
    documents = json.loads(row["documents"]) if isinstance(row["documents"], str) else row["documents"]
    name = documents[number - 1] if 1 <= number <= len(documents) else ""
    return f"thành phần {number} “{name}”" if name else f"thành phần {number}"


def _check_scans(moves: list[tuple[_File, dict, dict]]) -> None:
    """Every scan to move present and whole in its file, before anything is written."""
    states: dict[tuple[int, str], str] = {}
    problems: list[str] = []
    absent: list[str] = []
    for f, row, scan in moves:
        digest = scan["sha256"]
        if (id(f), digest) not in states:
            states[(id(f), digest)] = _scan_state(f.store, digest)
        state = states[(id(f), digest)]
        if state == "ok":
            continue
        what = "bị mất" if state == "missing" else "đã bị sửa (nội dung không khớp SHA-256)"
        problems.append(
            f"{f.name}: hồ sơ {row['code']}, {_document(row, scan)} (tệp “{scan['file_name']}”) {what}"
        )
        folder = f.store.blob_store()
        if folder is not None and not folder.root.is_dir() and folder.root.name not in absent:
            absent.append(folder.root.name)
    if problems:
        raise ScansMissing(problems, absent)


def _move_scans(moves: list[tuple[_File, int, dict]], target: SqlStore) -> int:
    """The bytes once per SHA-256 (before the rows that name them), then each row; returns how
    many rows. ``moves``: (file, the dossier's id on the server, the file's attachment row)."""
    sent: set[str] = set()
    for f, _dossier_id, scan in moves:
        if scan["sha256"] not in sent:
            _send_bytes(f, scan["sha256"], target)
            sent.add(scan["sha256"])
    for _f, dossier_id, scan in moves:
        target.attachment_insert({**scan, "dossier_id": dossier_id})
    return len(moves)


def _send_bytes(f: _File, digest: str, target: SqlStore) -> None:
    held = target.blob_get(digest)
    if held is not None and sha256_hex(held) == digest:
        return  # already on the server, intact (an earlier run, the same scan on another PC)
    data = f.store.blob_get(digest)
    if data is None or sha256_hex(data) != digest:  # changed on disk since it was checked
        raise MotCuaError(
            f"Tệp số hóa {digest[:12]}… của {f.name} vừa bị mất hoặc bị sửa trong lúc chuyển: chưa chuyển gì."
        )
    target.blob_put(digest, data)  # replaces bytes the server holds under that hash but altered
    back = target.blob_get(digest)
    if back is None or sha256_hex(back) != digest:
        raise MotCuaError(f"Tệp số hóa {digest[:12]}… đọc lại từ máy chủ không khớp SHA-256: chưa chuyển gì.")


# --- audit entries -------------------------------------------------------------------------------
def _copy_audit(f: _File, target: SqlStore) -> int:
    """The file's entries into the server's chain; returns how many.

    Each keeps its moment, user, action, values, reason, channel and operating-system account
    (given explicitly: the store would otherwise stamp the migrating command's own). The seal
    (``state``, ``core.audit_state``) cannot be copied as it is: it hashes the rows as they are
    in *this* database, ids included (a dossier's events, a report and its sends), and the
    server gives those rows new ids. Only each entity's last seal is ever compared. So:

    - the file's last entry about an entity whose rows this move wrote on the server is sealed
      over the server's rows when the file's rows still matched their last seal (or had none):
      from then on a row changed behind MotCua on the server is found, as it was on the PC;
    - when they did not (changed outside MotCua on the PC, which that PC's ``audit verify``
      reports), the entry keeps the PC's seal, which cannot match: the server's ``audit verify``
      names the entity as the PC's did, and the summary warns. Sealing it afresh would launder
      the change into a clean record. The same for an entity deleted outside MotCua on the PC
      that the server does not hold either;
    - every other entry carries no seal: a PC's seal vouches for rows that do not exist on the
      server (report 3 there is another report), and, coming later in the chain, it would
      replace the server's own seal of rows this move did not write (a user, a dossier already
      there), hiding a change made to them.

    Entries about reports and difficulties are re-keyed to the rows' new ids (their key is the
    id; left as they were, they would name other rows, and the moved rows none). Ids written
    inside an entry's values (an attachment's number) stay as the PC recorded them: the PC's
    file, named in the move's own entry by the last hash of its chain, keeps the original.
    """
    rows = f.store.audit_rows()
    last: dict[tuple[str, str], int] = {}
    pc_seal: dict[tuple[str, str], str] = {}
    for i, e in enumerate(rows):
        entity, pc_key = e["entity"], _group(e["entity"], e["entity_key"])
        last[(entity, f.keys.get((entity, pc_key), pc_key))] = i
        if e.get("state"):
            pc_seal[(entity, pc_key)] = e["state"]
    for i, e in enumerate(rows):
        entity, pc_key = e["entity"], _group(e["entity"], e["entity_key"])
        key = f.keys.get((entity, pc_key), pc_key)
        state = ""
        if audit_state.is_sealed(entity) and last[(entity, key)] == i:
            state = _seal_on_server(f, target, entity, pc_key, key, pc_seal.get((entity, pc_key), ""))
        target.audit(
            user_login=e["user_login"], action=e["action"], entity=entity,
            key=f.keys.get((entity, str(e["entity_key"])), e["entity_key"]),
            old=_json(e["old"]), new=_json(e["new"]), reason=e["reason"], at=_moment(e["at"]),
            channel=e.get("channel") or "", os_user=e.get("os_user") or "", state=state,
        )  # fmt: skip
    return len(rows)


def _group(entity: str, key: Any) -> str:
    """The key ``core.audit_state.check`` groups an entity's entries by."""
    return "" if entity == "settings" else str(key)


def _seal_on_server(f: _File, target: SqlStore, entity: str, pc_key: str, key: str, pc_seal: str) -> str:
    intact = not pc_seal or audit_state.state_of(entity, pc_key, f.store.entity_rows) == pc_seal
    if (entity, key) in f.written:
        return audit_state.state_of(entity, key, target.entity_rows) if intact else pc_seal
    if not intact and not _held(f.store, entity, pc_key) and not _held(target, entity, key):
        return pc_seal  # deleted outside MotCua on the PC, and not on the server either
    return ""


def _held(store: SqlStore, entity: str, key: str) -> bool:
    part = audit_state.SEALED[entity][0]
    if part.table == "settings":
        return True
    value: Any = int(key) if entity in audit_state.INT_KEYS and key.isdigit() else key
    return bool(store.entity_rows(part, value))


def _file_key(src: SqlStore) -> str:
    """What names a source file's history: the last hash of its own audit chain."""
    rows = src.audit_rows()
    return rows[-1]["hash"] if rows else audit.GENESIS


def _json(text: str) -> Any:
    return json.loads(text) if text else None


def _moment(text: str):
    from core.timeutil import from_db

    return from_db(text)


# --- the rest of the register --------------------------------------------------------------------
def _reference_tables(f: _File, target: SqlStore, report: MoveReport) -> None:
    """Settings (when the server has none yet), catalogue, users and calendar not yet there."""
    src = f.store
    if not target.settings().is_configured:
        target.save_settings(src.settings())
        f.written.add(("settings", ""))
    known = {p.code for p in target.procedures(active_only=False)}
    for p in src.procedures(active_only=False):
        if p.code not in known:
            target.upsert_procedure(p)
            f.written.add(("procedure", p.code))
            report.procedures += 1
    for r in src.table_rows("users"):
        if target.user(r["login"]) is None:
            target._exec(
                "INSERT INTO users (login, full_name, role, title, password_hash, active, failed_logins, "
                "locked_until, created_at) VALUES (:login, :full_name, :role, :title, :password_hash, "
                ":active, :failed_logins, :locked_until, :created_at)",
                r,
            )
            f.written.add(("user", r["login"]))
            report.users += 1
    days = {o.day for o in target.overrides()}
    for o in src.overrides():
        if o.day not in days:
            target.set_override(o)
            f.written.add(("calendar_override", o.day.isoformat()))


def _reports(f: _File, target: SqlStore, report: MoveReport, fresh: bool) -> None:
    """Report objects and their sends, with new ids (``supersedes`` re-pointed); once per file."""
    if not fresh:
        return
    src = f.store
    new_ids: dict[int, int] = {}
    for r in src.table_rows("reports"):
        values = {k: v for k, v in r.items() if k not in ("id", "superseded_by")}
        values["supersedes"] = new_ids.get(values.get("supersedes"))
        cols = list(values)
        sql = f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
        new_ids[r["id"]] = target._insert(sql, values)
        _rekey(f, "report", r["id"], new_ids[r["id"]])
        report.reports += 1
    for s in src.table_rows("report_sends"):
        values = {k: v for k, v in s.items() if k != "id"}
        values["report_id"] = new_ids[s["report_id"]]
        target.report_send_insert(values)
    for d in src.table_rows("difficulties"):
        values = {k: v for k, v in d.items() if k != "id"}
        cols = list(values)
        new_id = target._insert(
            f"INSERT INTO difficulties ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})",
            values,
        )
        _rekey(f, "difficulty", d["id"], new_id)


def _rekey(f: _File, entity: str, old_id: int, new_id: int) -> None:
    f.keys[(entity, str(old_id))] = str(new_id)
    f.written.add((entity, str(new_id)))


def _raise_sequences(sources: list[tuple[str, SqlStore]], target: SqlStore) -> None:
    """Every sequence on the server at least as far as in any file: no code is issued twice."""
    highest: dict[str, int] = {}
    for _name, src in sources:
        for r in src.table_rows("sequences"):
            highest[r["key"]] = max(highest.get(r["key"], 0), r["last"])
    target._many(target.RAISE_SEQUENCE_SQL, sorted(highest.items()))
