"""``motcua migrate`` with the scans: one-PC SQLite registers holding real scans (attached through
the register's own API) moved into the PostgreSQL test cluster, read back byte for byte there;
a second run adds nothing; a lost or damaged scan refuses the move with nothing written; the
audit entries keep how they came in (channel, OS account) and the server's ``audit verify``
passes, still finds a row changed outside MotCua on the PC, and finds one changed on the server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest

from core import audit
from core import reporting as rp
from core.attachments.blobs import FileBlobStore
from core.attachments.content import sha256_hex
from core.audit_state import CLI, WINDOW
from core.periods import Period
from core.register import Register
from core.storage import open_store
from core.storage.sqlite import SqliteStore
from core.storage.transfer import ScansMissing, move
from tests.helpers import START, Clock, at, make_form, make_register
from tests.hostile_helpers import is_vietnamese
from tests.test_attach_samples import jpeg_bytes, pdf_bytes, png_bytes

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-30T10:00:00"  # the programs' clock (MOTCUA_NOW), never the wall clock's
PC_ACCOUNT = "NV-QUAY1"  # the Windows account of the counter PC, not the one running the move
TABLES = ("dossiers", "events", "attachments", "attachment_blobs", "audit_log", "users", "reports")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "MOTCUA_NOW": NOW}
    env.pop("MOTCUA_USER", None)
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, encoding="utf-8",
        env=env, timeout=300,
    )  # fmt: skip


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def pc_with_scans(path: Path, day: str, applicants: list[str], folder: Path, pdf_pages: int = 2) -> list[str]:
    """A counter PC's register (entries made in the window, under the PC's Windows account)
    with real scans: a PDF and a PNG on the first dossier's two documents, the same PNG on the
    second one's first document (one stored file for both), a JPEG as the first one's result."""
    reg = make_register(path, Clock(START))
    reg.store.audit_context = {"channel": WINDOW, "os_user": PC_ACCOUNT}
    clerk = reg.user("canbo1")
    folder.mkdir(exist_ok=True)
    files = {"to-khai.pdf": pdf_bytes(pdf_pages), "so-ho-khau.png": png_bytes(), "ket-qua.jpg": jpeg_bytes(3)}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    codes = []
    for i, name in enumerate(applicants):
        d = reg.intake(make_form(applicant=name), clerk, at=at(f"{day} 08:{10 + i:02d}"))
        codes.append(d.code)
    reg.attach(codes[0], folder / "to-khai.pdf", clerk, document=1, at=at(f"{day} 08:30"))
    reg.attach(codes[0], folder / "so-ho-khau.png", clerk, document=2, at=at(f"{day} 08:31"))
    reg.apply(codes[0], "handover", clerk, at=at(f"{day} 09:00"))
    reg.apply(codes[0], "resolve", clerk, at=at(f"{day} 10:00"))
    reg.attach(codes[0], folder / "ket-qua.jpg", clerk, result=True, at=at(f"{day} 10:05"))
    if len(codes) > 1:
        reg.attach(codes[1], folder / "so-ho-khau.png", clerk, document=1, at=at(f"{day} 08:40"))
    reg.close()
    return codes


def scans_of(reg: Register, code: str) -> list[tuple]:
    """What a clerk sees of each scan, and its bytes read back through the register (hash-checked)."""
    return [
        (a.document, a.is_result, a.file_name, a.size, a.sha256, a.mime, a.pages, a.at, a.user_login,
         a.user_name, reg.attachment_bytes(code, a.id))
        for a in reg.attachments(code)
    ]  # fmt: skip


def digitised(reg: Register, code: str) -> dict:
    """The dossier's digitising columns as stored (the indicators count them)."""
    sql = (
        "SELECT digitised_documents, digitised_at, result_digitised_at, docs_to_digitise "
        "FROM dossiers WHERE code = ?"
    )
    return reg.store._rows(sql, [code])[0]


def test_scans_arrive_byte_for_byte_and_a_second_run_adds_nothing(tmp_path, pg_url):
    a, b = tmp_path / "quay1.sqlite3", tmp_path / "quay2.sqlite3"
    codes_a = pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An", "Lê Thị Bình"], tmp_path / "quet1")
    codes_b = pc_with_scans(b, "2026-11-03", ["Trần Văn Cường"], tmp_path / "quet2", pdf_pages=3)
    done = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "Đã chuyển 3 hồ sơ từ 2 tệp" in done.stdout and "; 7 tệp số hóa," in done.stdout
    moved = counts(pg_url)
    assert moved["attachments"] == 7
    # once per SHA-256: the PNG of two dossiers, and the PNG and JPEG both PCs scanned, are stored
    # once each; the two PDFs differ
    assert moved["attachment_blobs"] == 4

    with Register.open(pg_url, clock=Clock(START)) as server:
        for path, codes in ((a, codes_a), (b, codes_b)):
            with Register.open(path, clock=Clock(START)) as pc:
                for code in codes:
                    assert scans_of(server, code) == scans_of(pc, code)
                    assert server.document_status(code) == pc.document_status(code)
                    assert digitised(server, code) == digitised(pc, code)
        assert server.verify_files() == []
        assert len({r["id"] for r in server.store.attachment_rows()}) == 7  # new ids, none reused
        result = next(x for x in server.attachments(codes_a[0]) if x.is_result)

    out = tmp_path / "lay-lai.jpg"  # as a counter on the server reads it back
    got = run_cli("--db", pg_url, "attachment-get", codes_a[0], str(result.id), "--out", str(out))
    assert got.returncode == 0, got.stderr
    assert out.read_bytes() == (tmp_path / "quet1" / "ket-qua.jpg").read_bytes()

    first = counts(pg_url)  # (reading a scan back with the command line is itself audited)
    again = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert again.returncode == 0, again.stderr
    assert "Đã chuyển 0 hồ sơ" in again.stdout and "3 đã có trên máy chủ" in again.stdout
    assert "; 0 tệp số hóa," in again.stdout
    assert counts(pg_url) == first  # nothing added: no row, no file, no audit entry

    verified = run_cli("--db", pg_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "Nhật ký toàn vẹn" in verified.stdout


def test_audit_entries_keep_their_channel_and_account_and_the_server_verifies(tmp_path, pg_url):
    a = tmp_path / "quay1.sqlite3"
    codes = pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An", "Lê Thị Bình"], tmp_path / "quet")
    with Register.open(a, clock=Clock(START)) as pc:
        pc_entries = pc.store.audit_rows()
    done = run_cli("migrate", str(a), "--to", pg_url)
    assert done.returncode == 0, done.stderr
    with Register.open(pg_url, clock=Clock(START)) as server:
        entries = server.store.audit_rows()
        moved = entries[-len(pc_entries) :]
        what = ("at", "user_login", "action", "entity", "entity_key", "old", "new", "reason")
        assert [[e[k] for k in (*what, "channel", "os_user")] for e in moved] == [
            [e[k] for k in (*what, "channel", "os_user")] for e in pc_entries
        ]
        attach = [e for e in moved if e["action"] == "attach"]
        assert len(attach) == 4 and {(e["channel"], e["os_user"]) for e in attach} == {(WINDOW, PC_ACCOUNT)}
        marker = entries[-len(pc_entries) - 1]  # the move's own entry: by the command line
        assert marker["action"] == "migrate" and marker["channel"] == CLI
        for code in codes:  # each moved dossier sealed over its rows as they are on the server
            assert [e for e in moved if e["entity"] == "dossier" and e["entity_key"] == code][-1]["state"]
        assert audit.verify(server.store).ok
    verified = run_cli("--db", pg_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr

    with psycopg.connect(pg_url) as conn:  # a row changed on the server behind MotCua
        conn.execute("UPDATE dossiers SET applicant = 'Người Khác' WHERE code = %s", [codes[1]])
    verified = run_cli("--db", pg_url, "audit", "verify")
    assert verified.returncode == 2
    assert f"hồ sơ {codes[1]} đã bị sửa ngoài MotCua" in verified.stderr


def test_a_row_changed_outside_motcua_on_the_pc_is_still_found_on_the_server(tmp_path, pg_url):
    a = tmp_path / "quay1.sqlite3"
    codes = pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An", "Lê Thị Bình"], tmp_path / "quet")
    raw = sqlite3.connect(a)
    raw.execute("UPDATE dossiers SET phone = '0999999999' WHERE code = ?", [codes[0]])
    raw.execute("UPDATE users SET role = 'admin' WHERE login = 'canbo1'")
    raw.commit()
    raw.close()
    on_pc = run_cli("--db", str(a), "audit", "verify")
    assert on_pc.returncode == 2 and f"hồ sơ {codes[0]} đã bị sửa ngoài MotCua" in on_pc.stderr

    done = run_cli("migrate", str(a), "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "Cảnh báo: tệp" in done.stdout and f"hồ sơ {codes[0]} đã bị sửa ngoài MotCua" in done.stdout

    on_server = run_cli("--db", pg_url, "audit", "verify")
    assert on_server.returncode == 2  # the change was not sealed into a clean record by the move
    assert f"hồ sơ {codes[0]} đã bị sửa ngoài MotCua" in on_server.stderr
    assert "người dùng canbo1 đã bị sửa ngoài MotCua" in on_server.stderr
    assert codes[1] not in on_server.stderr  # the untouched dossier verifies


@pytest.mark.parametrize("damage", ["deleted", "altered"])
def test_a_lost_or_damaged_scan_refuses_the_move_with_nothing_written(tmp_path, pg_url, damage):
    a, b = tmp_path / "quay1.sqlite3", tmp_path / "quay2.sqlite3"
    pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An"], tmp_path / "quet1")
    codes_b = pc_with_scans(b, "2026-11-03", ["Trần Văn Cường"], tmp_path / "quet2")
    lost = FileBlobStore.beside(b).path(sha256_hex((tmp_path / "quet2" / "so-ho-khau.png").read_bytes()))
    if damage == "deleted":
        lost.unlink()
    else:
        lost.write_bytes(lost.read_bytes()[:-100] + b"\0" * 100)
    before = counts(pg_url)
    done = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert "chưa chuyển gì" in message and is_vietnamese(message)
    line = next(x for x in message.splitlines() if "so-ho-khau.png" in x)
    assert str(b) in line and codes_b[0] in line and "thành phần 2" in line
    assert ("bị mất" if damage == "deleted" else "đã bị sửa") in line
    assert "quay1.sqlite3" not in message  # the first file's scans are all there
    assert counts(pg_url) == before  # not the first file's dossiers, not a byte of any scan


def test_a_file_copied_without_its_scan_folder_names_the_folder(tmp_path, pg_url):
    a = tmp_path / "quay1.sqlite3"
    pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An"], tmp_path / "quet")
    alone = tmp_path / "chep" / "quay1.sqlite3"
    alone.parent.mkdir()
    alone.write_bytes(a.read_bytes())  # the register closed cleanly: one file, no WAL
    before = counts(pg_url)
    src, target = SqliteStore.open(alone, readonly=True), open_store(pg_url)
    try:
        with pytest.raises(ScansMissing) as refused:
            move([(str(alone), src)], target)
    finally:
        src.close()
        target.close()
    assert len(refused.value.problems) == 3
    assert "Không thấy thư mục quay1.tep cạnh tệp cơ sở dữ liệu" in refused.value.message
    assert counts(pg_url) == before


def test_dossiers_moved_without_their_scans_by_an_earlier_version_get_them(tmp_path, pg_url):
    a = tmp_path / "quay1.sqlite3"
    codes = pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An", "Lê Thị Bình"], tmp_path / "quet")
    assert run_cli("migrate", str(a), "--to", pg_url).returncode == 0
    with psycopg.connect(pg_url) as conn:  # what the move left before it carried scans
        conn.execute("DELETE FROM attachments")
        conn.execute("DELETE FROM attachment_blobs")
    done = run_cli("migrate", str(a), "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "Đã chuyển 0 hồ sơ" in done.stdout and "; 4 tệp số hóa," in done.stdout
    with Register.open(pg_url, clock=Clock(START)) as server, Register.open(a, clock=Clock(START)) as pc:
        for code in codes:
            assert scans_of(server, code) == scans_of(pc, code)
        named = server.store.audit_entries(entity="attachments")
        assert len(named) == 1 and codes[0] in named[0]["new"]
    first = counts(pg_url)
    assert run_cli("migrate", str(a), "--to", pg_url).returncode == 0
    assert counts(pg_url) == first
    assert run_cli("--db", pg_url, "audit", "verify").returncode == 0


def test_the_same_dossier_with_other_scans_in_two_files_is_a_conflict(tmp_path, pg_url):
    a, b = tmp_path / "quay1.sqlite3", tmp_path / "quay2.sqlite3"
    codes = pc_with_scans(a, "2026-11-02", ["Nguyễn Văn An"], tmp_path / "quet1")
    assert pc_with_scans(b, "2026-11-02", ["Nguyễn Văn An"], tmp_path / "quet2") == codes
    with Register.open(b, clock=Clock(START)) as reg:  # the same dossier, one scan more on PC 2
        clerk = reg.user("canbo1")
        reg.attach(codes[0], jpeg_bytes(7), clerk, document=1, name="them.jpg", at=at("2026-11-02 11:00"))
    before = counts(pg_url)
    done = run_cli("migrate", str(a), str(b), "--to", pg_url)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{codes[0]}: tệp số hóa" in done.stderr and "chưa chuyển gì" in done.stderr
    assert counts(pg_url) == before


def test_reports_of_two_pcs_are_named_by_their_own_entries_on_the_server(tmp_path, pg_url):
    """Report ids start at 1 on every PC: entries keyed by the old id named another report."""
    files = []
    for n, day in ((1, "2026-11-02"), (2, "2026-11-03")):
        path = tmp_path / f"quay{n}.sqlite3"
        reg = make_register(path, Clock(START))
        clerk = reg.user("canbo1")
        reg.add_difficulty(clerk, f"Khó khăn ở quầy {n}")
        reg.intake(make_form(applicant=f"Công dân {n}"), clerk, at=at(f"{day} 08:10"))
        rp.prepare(reg, clerk, Period(date(2026, 11, 2), date(2026, 11, 13), ""))
        reg.close()
        files.append(str(path))
    done = run_cli("migrate", *files, "--to", pg_url)
    assert done.returncode == 0, done.stderr
    verified = run_cli("--db", pg_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    with Register.open(pg_url, clock=Clock(START)) as server:
        ids = [r["id"] for r in server.store.table_rows("reports")]
        named = {e["entity_key"] for e in server.store.audit_rows() if e["entity"] == "report"}
        assert len(ids) == 2 and named == {str(i) for i in ids}
