"""A digitally signed report's PDF travels with the SQLite backups and comes back on restore.

You cannot sign the PDF again without the vice-chair's token, so losing the file loses the
document of record. These tests use a real register with a report signed with a .p12 from the
throwaway CA. The backup checks the PDF against the SHA-256 recorded in its ``sign_digital``
audit entry and carries it into ``<backup folder>/tep/``. The restore puts it back under
``<db stem>.ky-so/``, and the report sent again as an .eml carries it. A tampered PDF is named and
not carried, and retention keeps a PDF while a remaining backup names it.
"""

from __future__ import annotations

import email
import email.policy
import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from core.attachments.backup_files import FilesNotBackedUp, prune_backup_files
from core.attachments.blobs import FileBlobStore
from core.attachments.signed_pdfs import signed_dir_for, signed_pdf_path
from core.backup import backup_now, list_backups, restore
from core.logsetup import scrub
from core.register import Register
from reports.dispatch import send_report
from reports.signing.keys import Pkcs12Source
from reports.signing.signoff import DigitalSignOff, sign_digitally
from reports.signing.stored import sha256_hex, signed_path
from tests.helpers import PASSWORD
from tests.signing_ca import P12_PASSPHRASE, november_draft, throwaway_ca, write_p12


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))


def _sign(register, clerk, clock, tmp_path) -> DigitalSignOff:
    draft = november_draft(register, clerk, clock)  # leaves the clock at 2026-12-01 09:00
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    return sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)


def _eml_attachments(register_path: Path, report_id: int, eml: Path) -> tuple[list, str]:
    """Send the report again as an .eml from the register at ``register_path``: its parts, its body."""
    reg = Register.open(register_path)
    try:
        outcome = send_report(reg, reg.user("canbo1"), report_id, eml=eml)
    finally:
        reg.close()
    msg = email.message_from_bytes(outcome.path.read_bytes(), policy=email.policy.default)
    return list(msg.iter_attachments()), msg.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("lost", ["ky-so", "whole-register"])
def test_the_signed_pdf_comes_back_with_the_restore_and_goes_with_the_report_again(
    register, clerk, clock, db_path, tmp_path, lost
):
    done = _sign(register, clerk, clock, tmp_path)
    report = done.report
    # one name for reports/ and core/: the file the signing wrote is the one the backup looks for
    assert done.path == signed_path(register, report) == signed_pdf_path(db_path, report.id, report.version)
    assert done.path.parent == signed_dir_for(db_path) == db_path.with_name("motcua.ky-so")
    clock.set("2026-12-01T17:00")
    made = backup_now(db_path, tmp_path / "sao-luu")
    kept = FileBlobStore(tmp_path / "sao-luu" / "tep")
    assert list(kept.hashes()) == [sha256_hex(done.pdf)] and kept.read(sha256_hex(done.pdf)) == done.pdf
    register.close()

    shutil.rmtree(signed_dir_for(db_path))  # the PC loses the folder of signed PDFs ...
    if lost == "whole-register":  # ... or the whole register with it
        for path in db_path.parent.glob("motcua.*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    clock.set("2026-12-02T08:00")
    restore(made, db_path)

    assert done.path.read_bytes() == done.pdf  # back under its name, byte for byte
    parts, body = _eml_attachments(db_path, report.id, tmp_path / "gui-lai.eml")
    assert [p.get_content_type() for p in parts][0] == "application/pdf"
    assert parts[0].get_content() == done.pdf
    assert "(tệp PDF đã ký số và tệp Excel đính kèm)" in body


def test_an_identical_file_is_left_and_a_different_one_is_kept_aside(
    register, clerk, clock, db_path, tmp_path
):
    done = _sign(register, clerk, clock, tmp_path)
    made = backup_now(db_path, tmp_path / "sao-luu")
    register.close()
    before = done.path.stat().st_mtime_ns
    restore(made, db_path)
    assert done.path.stat().st_mtime_ns == before  # already there, byte for byte: not rewritten
    assert [p.name for p in done.path.parent.iterdir()] == [done.path.name]

    other = b"%PDF-1.7 another register's signed report"
    done.path.write_bytes(other)
    restore(made, db_path)
    assert done.path.read_bytes() == done.pdf
    [aside] = [p for p in done.path.parent.iterdir() if p != done.path]
    assert aside.name.startswith("bao-cao-") and ".truoc-khoi-phuc-" in aside.name
    assert aside.read_bytes() == other  # another document: never overwritten


def test_a_tampered_signed_pdf_is_named_and_not_carried(register, clerk, clock, db_path, tmp_path):
    done = _sign(register, clerk, clock, tmp_path)
    tampered = bytearray(done.pdf)
    tampered[len(tampered) // 2] ^= 0x01
    done.path.write_bytes(bytes(tampered))
    folder = tmp_path / "sao-luu"
    with pytest.raises(FilesNotBackedUp) as caught:
        backup_now(db_path, folder)
    [made] = list_backups(folder)
    message = caught.value.message
    assert message.startswith(f"Đã sao lưu cơ sở dữ liệu vào {made.path.name}, nhưng 1 tệp PDF báo cáo")
    assert f"báo cáo số {done.report.id} (phiên bản {done.report.version}) đã bị sửa" in message
    assert str(done.path) in message and "token của Phó Chủ tịch" in message
    assert "motcua audit verify" not in message  # that is for scans; it does not read signed PDFs
    kept = FileBlobStore(folder / "tep")
    assert list(kept.hashes()) == []  # neither the tampered bytes nor anything under the right hash

    done.path.unlink()  # gone altogether: named as missing
    clock.set("2026-12-01T17:00")
    with pytest.raises(FilesNotBackedUp, match=f"Mất tệp PDF đã ký số của báo cáo số {done.report.id}"):
        backup_now(db_path, folder)


def test_a_restore_names_a_signed_pdf_the_backup_folder_lacks(
    register, clerk, clock, db_path, tmp_path, caplog
):
    done = _sign(register, clerk, clock, tmp_path)
    made = backup_now(db_path, tmp_path / "sao-luu")
    register.close()
    shutil.rmtree(tmp_path / "sao-luu" / "tep", ignore_errors=True)  # a backup copied without tep/
    shutil.rmtree(signed_dir_for(db_path))
    with caplog.at_level(logging.WARNING):
        restore(made, db_path)
    # as the log file writes it: its filter of personal data reads "số 3" as an address
    said = [scrub(r.getMessage()) for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        f"không có {done.path.name}, tệp PDF đã ký số của báo cáo" in s
        and "gửi lại báo cáo này sẽ không kèm tệp PDF đã ký" in s
        for s in said
    ), said
    parts, body = _eml_attachments(db_path, done.report.id, tmp_path / "gui-lai.eml")
    assert [p.get_content_type() for p in parts] == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]  # what the message above warned of


def _age(store: FileBlobStore) -> None:
    old = time.time() - 7200  # past the sweep's grace hour (file times, not the register's clock)
    for digest in store.hashes():
        os.utime(store.path(digest), (old, old))


def test_retention_keeps_a_signed_pdf_while_a_remaining_backup_names_it(
    register, clerk, clock, db_path, tmp_path
):
    folder = tmp_path / "sao-luu"
    draft = november_draft(register, clerk, clock)
    clock.set("2026-12-01T09:30")
    before = backup_now(db_path, folder)  # the draft: names no signed PDF
    clock.set("2026-12-01T10:00")
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    clock.set("2026-12-02T17:00")
    after = backup_now(db_path, folder)
    kept = FileBlobStore(folder / "tep")
    digest = sha256_hex(done.pdf)
    assert list(kept.hashes()) == [digest]
    _age(kept)

    assert prune_backup_files(folder, [before, after]) == 0  # the later backup names it
    assert prune_backup_files(folder, [after]) == 0
    garbage = folder / "motcua-2026-11-30_170000.sqlite3"
    garbage.write_bytes(b"not a database at all")  # a backup that cannot be read: what it names is
    assert prune_backup_files(folder, [before, garbage]) == 0  # unknown, so nothing is swept
    assert list(kept.hashes()) == [digest]
    assert prune_backup_files(folder, [before]) == 1  # no remaining backup names it any more
    assert list(kept.hashes()) == []
