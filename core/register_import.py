"""Bringing an old register (Sổ theo dõi hồ sơ) in from Excel or CSV, legacy encodings included.

A ward switches to MotCua only if its history comes along, and its reports must then count the
old dossiers exactly like the ones typed at the counter. So every imported row fills the columns
the report reads (received_at, due_at, outcome_at, returned_at, status, channel, field) the way
``Register.intake``/``apply`` would, and gets the life-cycle events those would have written
(the supplement pause decides "in time" in the report) plus an ``imported`` event naming the
file and row.

``preview`` reads and checks everything and writes nothing; ``import_register`` writes the good
rows in one transaction. The dossier code is the key: a code already in the register is skipped,
so importing the same file again adds nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core import legacy_text
from core import users as users_mod
from core.errors import ValidationError
from core.model import Channel, EventKind, Procedure, Role, Status, User
from core.register_file import (
    CHANNELS,
    LABELS,
    STATUSES,
    RowError,
    find_header,
    header_key,
    id_number_parts,
    parse_moment,
    phone_digits,
    read_rows,
    text_of,
)
from core.text import fold, nfc
from core.timeutil import VN_TZ, fmt_vn, to_db
from core.validation import validate_imported

Progress = Callable[[int, int], None]  # (rows done, rows in all)

_FINAL_NEEDS_OUTCOME = (Status.RESOLVED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED)
_OUTCOME_EVENT = {
    Status.RESOLVED: EventKind.RESOLVED,
    Status.RETURNED: EventKind.RESOLVED,
    Status.REFUSED: EventKind.REFUSED,
    Status.WITHDRAWN: EventKind.WITHDRAWN,
    Status.STOPPED: EventKind.STOPPED,
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based row number in the sheet, as the spreadsheet shows it
    reason: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.reason}"


@dataclass
class Analysis:
    """A file read and checked; nothing written."""

    path: Path
    encoding: str  # "xlsx", "utf-8", "cp1258", "cp1252"
    header_row: int
    mapping: dict[str, str]  # field -> header text as found
    ignored_headers: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)  # good rows, ready to write
    problems: list[RowProblem] = field(default_factory=list)
    shown: list[dict[str, str]] = field(default_factory=list)  # first rows as parsed, for display
    converted_cells: int = 0
    conversions: Counter = field(default_factory=Counter)  # "tcvn3"/"vni" -> cells
    total_rows: int = 0


@dataclass
class ImportPreview:
    mapping: dict[str, str]
    ignored_headers: list[str]
    rows: list[dict[str, str]]  # the first rows as parsed: display strings, "problem" if any
    problems: list[str]
    total_rows: int
    good_rows: int
    already_there: int
    converted_cells: int
    encoding: str

    def summary(self) -> str:
        text = (
            f"Đọc {self.total_rows} dòng: {self.good_rows - self.already_there} hồ sơ sẽ được nhập, "
            f"{self.already_there} đã có trong sổ, {len(self.problems)} dòng lỗi sẽ bỏ qua."
        )
        if self.converted_cells:
            text += f" Chuyển {self.converted_cells} ô từ bảng mã cũ (TCVN3/VNI) sang Unicode."
        return text + " Chưa ghi gì vào sổ."


@dataclass
class ImportResult:
    file_name: str
    imported: int
    already_there: int
    problems: list[str]
    converted_cells: int
    total_rows: int
    codes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Đã nhập {self.imported} hồ sơ từ {self.file_name} ({self.total_rows} dòng)."
        if self.already_there:
            text += f" {self.already_there} hồ sơ đã có trong sổ (trùng mã), không nhập lại."
        if self.problems:
            text += f" Bỏ qua {len(self.problems)} dòng lỗi."
        if self.converted_cells:
            text += f" Đã chuyển {self.converted_cells} ô từ bảng mã cũ (TCVN3/VNI) sang Unicode."
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "rows": self.total_rows,
            "imported": self.imported,
            "already_there": self.already_there,
            "converted_cells": self.converted_cells,
            "problems": self.problems,
        }


# --- the analysis ---------------------------------------------------------------------------------------
class _Converter:
    """Legacy text per cell, with what the rest of the file says for the ambiguous ones."""

    def __init__(self, cells: list[str]):
        kinds: Counter = Counter()
        unicode_seen = False
        self.cache: dict[str, legacy_text.Reading] = {}
        for cell in cells:
            if cell.isascii() or cell in self.cache:
                continue
            reading = self.cache[cell] = legacy_text.classify(cell)
            kinds[reading.kind] += 1
            unicode_seen = unicode_seen or legacy_text.has_unicode_vietnamese(cell)
        legacy = {k: kinds[k] for k in (legacy_text.TCVN3, legacy_text.VNI) if kinds[k]}
        self.prior = "" if unicode_seen or not legacy else max(legacy, key=legacy.__getitem__)
        self.counts: Counter = Counter()

    def __call__(self, cell: str) -> str:
        if cell.isascii():
            return cell
        reading = self.cache.get(cell) or legacy_text.classify(cell)
        if reading.kind in (legacy_text.TCVN3, legacy_text.VNI):
            self.counts[reading.kind] += 1
            return reading.text
        if reading.kind == "ambiguous" and self.prior:
            for name, converted in reading.options:
                if name == self.prior:
                    self.counts[name] += 1
                    return converted
        return cell


def _procedure_finder(procedures: list[Procedure]) -> Callable[[str], Procedure]:
    by_code = {p.code: p for p in procedures}
    by_name: dict[str, Procedure] = {}
    by_folded: dict[str, list[Procedure]] = {}
    for p in procedures:
        by_name.setdefault(p.name, p)
        by_folded.setdefault(fold(p.name), []).append(p)

    def find(value: str) -> Procedure:
        p = by_code.get(value) or by_code.get(value.upper()) or by_name.get(value)
        if p is None and len(by_folded.get(fold(value), [])) == 1:
            p = by_folded[fold(value)][0]
        if p is None:
            raise RowError(f"không có thủ tục “{value}” trong danh mục (theo mã hoặc đúng tên)")
        return p

    return find


def analyse(register, path: str | Path, user: User, progress: Progress | None = None) -> Analysis:
    """Read and check the whole file; build the rows to write. Writes nothing."""
    path = Path(path)
    rows, encoding = read_rows(path)
    header_index, columns, ignored = find_header(rows)
    header = rows[header_index]
    data = rows[header_index + 1 :]
    text_cols = [c for k, c in columns.items() if k not in ("received", "due", "outcome", "returned")]
    convert = _Converter(
        [v for row in data for c in text_cols if c < len(row) and isinstance(v := row[c], str)]
    )
    analysis = Analysis(
        path=path,
        encoding=encoding,
        header_row=header_index + 1,
        mapping={k: nfc(str(header[c])) for k, c in columns.items()},
        ignored_headers=ignored,
        total_rows=0,
    )
    settings = register.settings
    calendar = register.calendar
    now = register.now()
    find_procedure = _procedure_finder(register.store.procedures(active_only=False))
    seen: dict[str, int] = {}
    due_cache: dict = {}
    total = len(data)
    for offset, row in enumerate(data):
        number = header_index + 2 + offset
        if progress and offset % 2000 == 0:
            progress(offset, total)

        def cell(key: str, row=row) -> Any:
            col = columns.get(key)
            if col is None or col >= len(row):
                return None
            value = row[col]
            return convert(value) if isinstance(value, str) else value

        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        analysis.total_rows += 1
        try:
            built = _build_row(cell, find_procedure, settings, calendar, now, user, due_cache)
            if built["code"] in seen:
                raise RowError(f"mã hồ sơ “{built['code']}” trùng với dòng {seen[built['code']]}")
            seen[built["code"]] = number
            built["_row"] = number
            analysis.rows.append(built)
            if len(analysis.shown) < 200:
                analysis.shown.append(_display(number, built))
        except RowError as exc:
            analysis.problems.append(RowProblem(number, str(exc)))
            if len(analysis.shown) < 200:
                analysis.shown.append({"row": str(number), "problem": str(exc)})
    if progress:
        progress(total, total)
    analysis.conversions = convert.counts
    analysis.converted_cells = sum(convert.counts.values())
    return analysis


def _build_row(
    cell, find_procedure, settings, calendar, now: datetime, user: User, due_cache: dict
) -> dict[str, Any]:
    code = text_of(cell("code"))
    if not code:
        raise RowError("thiếu mã hồ sơ")
    procedure_text = text_of(cell("procedure"))
    if not procedure_text:
        raise RowError("thiếu mã hoặc tên thủ tục")
    procedure = find_procedure(procedure_text)
    applicant = text_of(cell("applicant"))
    if not applicant:
        raise RowError("thiếu tên người nộp")
    received = parse_moment(cell("received"), LABELS["received"])
    if received is None:
        raise RowError("thiếu ngày nhận")
    received_at = received[0]
    _check_year(received_at, LABELS["received"])
    if received_at > now:
        raise RowError(f"ngày nhận {fmt_vn(received_at)} sau thời điểm hiện tại")
    return_at = settings.return_at

    def moment(key: str, floor: datetime) -> datetime | None:
        parsed = parse_moment(cell(key), LABELS[key])
        if parsed is None:
            return None
        at, has_time = parsed
        _check_year(at, LABELS[key])
        if not has_time:  # a date alone: the office's return time, never before what precedes it
            at = datetime.combine(at.date(), return_at, VN_TZ)
            if at.date() == floor.date():  # only within the same day: an earlier date stays an error
                at = max(at, floor)
        if at > now and key != "due":
            raise RowError(f"{LABELS[key].lower()} {fmt_vn(at)} sau thời điểm hiện tại")
        return at

    due_at = moment("due", received_at)
    if due_at is not None and due_at.date() < received_at.date():
        raise RowError(f"ngày hẹn trả {fmt_vn(due_at)} trước ngày nhận {fmt_vn(received_at)}")
    if due_at is None:
        due_at = _computed_due(due_cache, calendar, received_at, procedure)
    outcome_at = moment("outcome", received_at)
    if outcome_at is not None and outcome_at < received_at:
        raise RowError(f"ngày có kết quả {fmt_vn(outcome_at)} trước ngày nhận {fmt_vn(received_at)}")
    returned_at = moment("returned", outcome_at or received_at)
    if returned_at is not None and returned_at < received_at:
        raise RowError(f"ngày trả {fmt_vn(returned_at)} trước ngày nhận {fmt_vn(received_at)}")
    if returned_at is not None and outcome_at is not None and returned_at < outcome_at:
        raise RowError(f"ngày trả {fmt_vn(returned_at)} trước ngày có kết quả {fmt_vn(outcome_at)}")
    status = _status(text_of(cell("status")), outcome_at, returned_at)
    if status == Status.RETURNED:
        outcome_at = outcome_at or returned_at
        returned_at = returned_at or outcome_at
    channel_text = text_of(cell("channel"))
    channel = CHANNELS.get(header_key(channel_text)) if channel_text else Channel.DIRECT
    if channel is None:
        raise RowError(f"kênh nộp “{channel_text}” không rõ (Trực tiếp, Trực tuyến hoặc Bưu chính)")
    id_kind, id_number, applicant_kind = id_number_parts(text_of(cell("id_number")))
    return _as_typed(
        {
            "code": code,
            **procedure.dossier_columns(),
            "applicant": applicant,
            "applicant_kind": applicant_kind,
            "id_kind": id_kind,
            "id_number": id_number,
            "phone": phone_digits(text_of(cell("phone"))),
            "address": text_of(cell("address")),
            "channel": channel.value,
            "received_at": to_db(received_at),
            "due_at": to_db(due_at),
            "status": status.value,
            "outcome_at": to_db(outcome_at) if status.is_final_outcome else None,
            "returned_at": to_db(returned_at) if status == Status.RETURNED else None,
            "receiver_name": applicant if status == Status.RETURNED else "",
            "clerk_login": user.login,
            "clerk_name": user.full_name,
            "note": text_of(cell("note")),
            "source": "import",
        }
    )


def _as_typed(row: dict[str, Any]) -> dict[str, Any]:
    """The row through the intake's own checks of names and texts (``core.validation``)."""
    try:
        return validate_imported(row)
    except ValidationError as exc:
        raise RowError(exc.message) from None


def _check_year(moment: datetime, label: str) -> None:
    """Year 1 or 9999 would overflow when shifted between time zones (and means a typing slip)."""
    if not 1900 <= moment.year <= 2100:
        raise RowError(f"{label.lower()} năm {moment.year}: ngoài khoảng 1900-2100, hãy kiểm tra lại")


def _computed_due(cache: dict, calendar, received_at: datetime, procedure: Procedure) -> datetime:
    """``calendar.due_moment``, remembered per (day, side of the cut-off and return hours,
    procedure length): a register has thousands of rows per day but only a few such keys."""
    local_time = received_at.timetz().replace(tzinfo=None)
    key = (
        received_at.date(),
        local_time >= calendar.cutoff,
        local_time > calendar.return_at,
        procedure.working_days,
        procedure.cutoff_applies,
    )
    if key not in cache:
        cache[key] = calendar.due_moment(received_at, procedure.working_days, procedure.cutoff_applies)
    return cache[key]


def _status(text: str, outcome_at: datetime | None, returned_at: datetime | None) -> Status:
    if not text:
        if returned_at:
            return Status.RETURNED
        return Status.RESOLVED if outcome_at else Status.RECEIVED
    status = STATUSES.get(header_key(text))
    if status is None:
        raise RowError(
            f"trạng thái “{text}” không rõ (Đang giải quyết, Chờ bổ sung, Đã có kết quả, "
            "Đã trả kết quả, Từ chối, Rút hồ sơ, Dừng giải quyết)"
        )
    if not status.is_final_outcome and (outcome_at or returned_at):
        raise RowError(f"trạng thái “{text}” nhưng đã có ngày có kết quả hoặc ngày trả")
    if status in _FINAL_NEEDS_OUTCOME and outcome_at is None:
        raise RowError(f"trạng thái “{text}” cần ngày có kết quả")
    if status != Status.RETURNED and status.is_final_outcome and returned_at:
        raise RowError(f"trạng thái “{text}” nhưng có ngày trả kết quả")
    if status == Status.RETURNED and not (outcome_at or returned_at):
        raise RowError(f"trạng thái “{text}” cần ngày trả hoặc ngày có kết quả")
    return status


def _display(number: int, row: dict[str, Any]) -> dict[str, str]:
    from core.timeutil import from_db

    return {
        "row": str(number),
        "code": row["code"],
        "procedure": f"{row['procedure_code']} - {row['procedure_name']}",
        "applicant": row["applicant"],
        "channel": Channel(row["channel"]).label,
        "received": fmt_vn(from_db(row["received_at"])),
        "due": fmt_vn(from_db(row["due_at"])),
        "outcome": fmt_vn(from_db(row["outcome_at"])),
        "returned": fmt_vn(from_db(row["returned_at"])),
        "status": Status(row["status"]).label,
        "problem": "",
    }


# --- the two entry points ------------------------------------------------------------------------------
def preview(register, path: str | Path, rows: int = 20, progress: Progress | None = None) -> ImportPreview:
    """What importing ``path`` would do: mapping, first rows as parsed, problems. Writes nothing."""
    a = analyse(register, path, users_mod.SYSTEM_USER, progress)
    there = register.store.existing_codes(r["code"] for r in a.rows)
    return ImportPreview(
        mapping=a.mapping,
        ignored_headers=a.ignored_headers,
        rows=a.shown[:rows],
        problems=[str(p) for p in a.problems],
        total_rows=a.total_rows,
        good_rows=len(a.rows),
        already_there=len(there),
        converted_cells=a.converted_cells,
        encoding=a.encoding,
    )


def import_register(register, user: User, path: str | Path, progress: Progress | None = None) -> ImportResult:
    """Import the good rows in one transaction; rows with errors are listed and skipped."""
    users_mod.require(user, Role.ADMIN, action="nhập sổ theo dõi hồ sơ cũ")
    a = analyse(register, path, user, progress)
    at = register.now()
    settings = register.settings
    with register.store.transaction():
        there = register.store.existing_codes(r["code"] for r in a.rows)
        new = [r for r in a.rows if r["code"] not in there]
        _write(register.store, new, a.path.name, at, user, settings.agency_code)
        register.store.audit(
            user_login=user.login,
            action="import",
            entity="register",
            key=a.path.name,
            new={
                "rows": a.total_rows,
                "imported": len(new),
                "already_there": len(there),
                "skipped": len(a.problems),
                "converted_cells": a.converted_cells,
            },
            at=at,
        )
    return ImportResult(
        file_name=a.path.name,
        imported=len(new),
        already_there=len(there),
        problems=[str(p) for p in a.problems],
        converted_cells=a.converted_cells,
        total_rows=a.total_rows,
        codes=[r["code"] for r in new],
    )


def _write(store, rows: list[dict[str, Any]], file_name: str, at: datetime, user: User, agency: str) -> None:
    """The dossiers, their events and the daily code sequences; inside the caller's transaction.

    Ids are reserved up front (``reserve_dossier_ids``) so the events can name their dossier
    without reading each one back; the store computes the search key as intake's insert does.
    """
    ids = store.reserve_dossier_ids(len(rows))
    events: list[tuple] = []
    sequences: dict[str, int] = {}
    code_form = re.compile(rf"{re.escape(agency)}-(\d{{6}})-(\d{{4}})") if agency else None
    who = (user.login, user.full_name)
    for i, row in enumerate(rows):
        row["id"] = dossier_id = ids[i]
        status = Status(row["status"])
        events.append((dossier_id, EventKind.RECEIVED.value, row["received_at"], *who, "", "{}"))
        if status == Status.AWAITING_SUPPLEMENT:  # the pause keeps it "in time" in the report
            pause = EventKind.SUPPLEMENT_REQUESTED.value
            note = "Đang chờ bổ sung khi nhập từ sổ cũ"
            events.append((dossier_id, pause, row["received_at"], *who, note, "{}"))
        if status.is_final_outcome:
            events.append((dossier_id, _OUTCOME_EVENT[status].value, row["outcome_at"], *who, "", "{}"))
        if status == Status.RETURNED:
            data = json.dumps({"receiver_name": row["applicant"]}, ensure_ascii=False)
            events.append((dossier_id, EventKind.RETURNED.value, row["returned_at"], *who, "", data))
        origin = json.dumps({"file": file_name, "row": row["_row"]}, ensure_ascii=False)
        note = f"Nhập từ sổ cũ: tệp {file_name}, dòng {row['_row']}"
        events.append((dossier_id, EventKind.IMPORTED.value, to_db(at), *who, note, origin))
        if code_form and (m := code_form.fullmatch(row["code"])):
            key = f"code:{m[1]}"
            sequences[key] = max(sequences.get(key, 0), int(m[2]))
    store.insert_imported(rows, events, sequences)
