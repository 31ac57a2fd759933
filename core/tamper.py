"""Everything ``motcua audit verify`` checks beyond the hash chain itself.

1. The rows against their seals (``core.audit_state``): a dossier, event, user, procedure,
   calendar day, setting or report changed, deleted or added outside MotCua.
2. The chain against heads kept elsewhere, since a forger who rewrites the log can re-hash it
   from the changed entry on, or cut its end off: every backup holds the chain as it was (its
   last entry's number and hash must still be in the register), and each signed report prints
   the head at its sign-off, which ``--known N:HASH`` checks.

Without any such outside head a log rewritten and re-hashed from top to bottom cannot be told
from a true one (nothing in the file is secret); that is why the heads leave the file.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from core import audit_state
from core.errors import MotCuaError, ValidationError


@dataclass
class Findings:
    sealed_checked: int = 0
    heads_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_BACKUPS = 5  # this register's newest backups compared: a cut or rewrite shows in the newest


def head(entries: list[dict]) -> tuple[int, str]:
    """(number of the last entry, its hash): what is printed and kept to detect a cut chain."""
    return (entries[-1]["id"], entries[-1]["hash"]) if entries else (0, "")


def parse_known(text: str) -> tuple[int, str]:
    """ "1234:9f2c…" (as printed on a signed report) -> (1234, "9f2c…")."""
    number, sep, digest = (text or "").strip().partition(":")
    digest = digest.strip().lower()
    if not (
        sep
        and number.strip().isdigit()
        and len(digest) >= 16
        and all(c in "0123456789abcdef" for c in digest)
    ):
        raise ValidationError("--known", f"“{text}” không có dạng SỐ_MỤC:BĂM (ít nhất 16 ký tự hex)")
    return int(number), digest


def examine(store, backups: list[Path] = (), known: list[tuple[int, str]] = ()) -> Findings:
    """Seals, backups' heads and heads printed on reports, against the register in ``store``.

    ``backups``: newest first; the first ``MAX_BACKUPS`` of this register are compared."""
    entries = store.audit_rows()
    by_id = {e["id"]: e["hash"] for e in entries}
    verdict = audit_state.check(entries, store.table_rows)
    found = Findings(sealed_checked=verdict.checked, problems=list(verdict.problems))
    for number, digest in known:
        found.heads_checked += 1
        if number not in by_id:
            found.problems.append(
                f"nhật ký chỉ còn {len(entries)} mục, ngắn hơn đầu chuỗi đã in (mục {number}): bị cắt bớt"
            )
        elif not by_id[number].startswith(digest):
            found.problems.append(f"mục {number} khác với đầu chuỗi đã in: nhật ký đã bị viết lại")
    mine = (store.meta("register_id"), entries[0]["hash"] if entries else None)
    restores = [e["id"] for e in entries if e["action"] == "restore" and e["entity"] == "register"]
    compared = 0
    for path in backups:  # newest first; folders may hold other registers' backups too
        if compared == MAX_BACKUPS:
            break
        other = _backup_head(path)
        if other is None or not _same_register(mine, other[0]):  # another register's (or unreadable)
            continue
        compared += 1
        found.heads_checked += 1
        theirs = other[1]
        number = max(theirs)
        if by_id.get(number) == theirs[number] or _restored_since(by_id, restores, theirs, number):
            continue
        if number not in by_id:
            found.problems.append(
                f"nhật ký chỉ còn {len(entries)} mục, bản sao lưu {path.name} có {number} mục: bị cắt bớt"
            )
        else:
            found.problems.append(f"mục {number} khác bản sao lưu {path.name}: nhật ký đã bị viết lại")
    return found


def _restored_since(by_id: dict[int, str], restores: list[int], theirs: dict[int, str], number: int) -> bool:
    """A backup newer than the one restored: the chains part at the restore entry, and must agree
    up to it (a restore from an older backup legitimately drops what came after)."""
    return any(r - 1 <= number and r - 1 in theirs and by_id.get(r - 1) == theirs[r - 1] for r in restores)


def _same_register(mine: tuple, theirs: tuple) -> bool:
    """By the id ``initialise`` gives each register; for older ones, by the first entry's hash."""
    if mine[0] and theirs[0]:
        return mine[0] == theirs[0]
    return not mine[0] and not theirs[0] and mine[1] == theirs[1]


def _backup_head(path: Path) -> tuple[tuple, dict[int, str]] | None:
    """((register id, first entry's hash), entry id -> hash) of a backup, read-only; None if unreadable."""
    from core.storage import open_store

    with contextlib.suppress(MotCuaError, OSError, ValueError):
        other = open_store(path, readonly=True)
        try:
            rows = other.audit_rows()
            register_id = other.meta("register_id")
        finally:
            other.close()
        if rows:
            return (register_id, rows[0]["hash"]), {r["id"]: r["hash"] for r in rows}
    return None


def report_problems(store, report) -> list[str]:
    """Why a stored report cannot be trusted as signed: its fingerprint, or its row's seal.

    A forger who edits the figures and recomputes the SHA-256 passes the first check; the row
    then no longer matches the seal its sign-off (or last send) wrote into the audit chain.
    """
    problems = []
    if report.is_signed and report.fingerprint != report.computed_fingerprint():
        problems.append(
            f"dấu vân tay của báo cáo số {report.id} không khớp số liệu đang lưu: "
            "số liệu đã bị sửa sau khi ký"
        )
    last = store.audit_entries("report", str(report.id), 1)
    if last and last[0].get("state"):
        now = audit_state.state_of("report", str(report.id), store.entity_rows)
        if now != last[0]["state"]:
            problems.append(
                f"báo cáo số {report.id} đã bị sửa ngoài MotCua "
                f"(khác lần ghi cuối trong nhật ký, mục {last[0]['id']})"
            )
    return problems


def sign_head(store, report_id: int) -> str:
    """ "N:HASH" of the sign-off's own audit entry: printed with the signed report, so a chain
    cut or rewritten after it is found by ``motcua audit verify --known N:HASH``."""
    for entry in store.audit_entries("report", str(report_id), 500):
        if entry["action"] == "sign":
            return f"{entry['id']}:{entry['hash'][:32]}"
    return ""
