"""On a server register the signed report PDF is in the database, so any counter PC sends it.

The vice-chair signs on "PC A" (its own data folder); the report is then sent from "PC B", whose
data folder is empty: the .eml carries the signed PDF byte for byte, read from
``attachment_blobs`` by the SHA-256 of the audit's ``sign_digital`` entry. A ``pg_dump`` taken
by ``motcua backup`` and restored into another database keeps it. Bytes altered in the database
are not attached, and a sign-off that fails leaves none behind.
"""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from core import reporting as rp
from core.errors import MotCuaError
from core.register import Register
from core.storage.postgres import backup as pg_backup
from reports.dispatch import send_report
from reports.signing.keys import Pkcs12Source
from reports.signing.signoff import DigitalSignOff, sign_digitally
from reports.signing.stored import sha256_hex
from tests.helpers import PASSWORD
from tests.signing_ca import P12_PASSPHRASE, november_draft, throwaway_ca, write_p12

ROOT = Path(__file__).resolve().parent.parent


def _pc(monkeypatch, folder: Path) -> Path:
    """Work as the counter PC whose data folder is ``folder``."""
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(folder))
    return folder


def _sign(register, clock, tmp_path) -> DigitalSignOff:
    draft = november_draft(register, register.user("canbo1"), clock)
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    return sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)


def _sent_pdfs(url: str, clock, report_id: int, eml: Path) -> list[bytes]:
    """Open the register at ``url`` as a PC does, send the report to an .eml: its PDF parts."""
    reg = Register.open(url, clock=clock)
    try:
        outcome = send_report(reg, reg.user("canbo1"), report_id, eml=eml)
    finally:
        reg.close()
    msg = email.message_from_bytes(outcome.path.read_bytes(), policy=email.policy.default)
    return [p.get_content() for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]


def _blobs(url: str) -> dict[str, bytes]:
    with psycopg.connect(url) as conn:
        return {h: bytes(c) for h, c in conn.execute("SELECT sha256, content FROM attachment_blobs")}


def test_a_report_signed_on_one_pc_is_sent_with_its_pdf_from_another(
    pg_register, clock, tmp_path, monkeypatch
):
    url = pg_register.store.url
    pc_a = _pc(monkeypatch, tmp_path / "may-a")
    done = _sign(pg_register, clock, tmp_path)
    assert done.path == pc_a / "ky-so" / f"bao-cao-{done.report.id}-v{done.report.version}.pdf"
    assert done.path.read_bytes() == done.pdf  # PC A keeps its copy, as before
    [entry] = [e for e in pg_register.store.audit_entries(entity="report") if e["action"] == "sign_digital"]
    assert _blobs(url)[sha256_hex(done.pdf)] == done.pdf  # in the database, under the audit's hash
    assert f'"pdf_sha256": "{sha256_hex(done.pdf)}"' in entry["new"]

    pc_b = _pc(monkeypatch, tmp_path / "may-b")
    clock.set("2026-12-01T10:00")
    assert _sent_pdfs(url, clock, done.report.id, tmp_path / "tu-may-b.eml") == [done.pdf]
    assert not (pc_b / "ky-so").exists()  # read from the server, not copied to PC B

    # bytes altered in the database are not the signed PDF: the report goes without one
    with psycopg.connect(url) as conn:
        conn.execute(
            "UPDATE attachment_blobs SET content = %s WHERE sha256 = %s",
            [done.pdf.replace(b"%%EOF", b"%%EOX"), sha256_hex(done.pdf)],
        )
    assert _sent_pdfs(url, clock, done.report.id, tmp_path / "sua.eml") == []


def test_the_signed_pdf_survives_a_dump_and_its_restore_on_another_database(
    pg_register, pg_url, clock, tmp_path, monkeypatch
):
    url = pg_register.store.url
    _pc(monkeypatch, tmp_path / "may-a")
    done = _sign(pg_register, clock, tmp_path)
    pg_register.close()
    folder = tmp_path / "sao-luu"
    server_pc = {**os.environ, "MOTCUA_DATA_DIR": str(tmp_path / "may-chu")}  # backups run there
    made = subprocess.run(
        [sys.executable, "-m", "cli", "--db", url, "backup", "--to", str(folder)], capture_output=True,
        text=True, encoding="utf-8", cwd=ROOT, env=server_pc,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    [dump] = pg_backup.list_dumps(folder)

    pg_backup.restore(dump.path, pg_url)  # the server replaced: a new database from the dump
    assert _blobs(pg_url)[sha256_hex(done.pdf)] == done.pdf
    _pc(monkeypatch, tmp_path / "may-b")
    clock.set("2026-12-02T08:00")
    assert _sent_pdfs(pg_url, clock, done.report.id, tmp_path / "sau-khoi-phuc.eml") == [done.pdf]


def test_a_failed_sign_off_leaves_no_pdf_in_the_database_and_a_good_one_leaves_it(
    pg_register, clock, tmp_path, monkeypatch
):
    url = pg_register.store.url
    pc_a = _pc(monkeypatch, tmp_path / "may-a")
    pc_a.mkdir()
    (pc_a / "ky-so").write_bytes(b"not a folder")  # the copy on the PC cannot be written
    draft = november_draft(pg_register, pg_register.user("canbo1"), clock)
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    with pytest.raises(MotCuaError):
        sign_digitally(pg_register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    assert not rp.get(pg_register, draft.id).is_signed
    assert _blobs(url) == {}  # the same transaction as the sign-off: rolled back with it

    (pc_a / "ky-so").unlink()
    done = sign_digitally(pg_register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    assert _blobs(url) == {sha256_hex(done.pdf): done.pdf}
