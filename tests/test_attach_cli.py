"""The scans through ``motcua`` as a clerk types it (child processes on a real SQLite file):
attach, list, read back byte for byte, refuse hostile files with nothing written, ``audit verify``
naming a tampered and a missing file, a backup restored with its files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.attachments.blobs import FileBlobStore
from core.attachments.content import sha256_hex
from core.register import Register
from tests.helpers import PASSWORD, make_form
from tests.hostile_helpers import is_vietnamese
from tests.test_attach_samples import jpeg_bytes, pdf_bytes, pdf_image_bomb, png_bomb, tiff_bytes

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T10:15:00"  # the programs' clock (MOTCUA_NOW), never the wall clock's


def run(db: Path, *args: str, stdin: str = "", now: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    env["MOTCUA_NOW"] = now or NOW
    env.pop("MOTCUA_USER", None)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", str(db), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


@pytest.fixture
def dossier(register, clerk, db_path):
    code = register.intake(make_form(), clerk).code
    online = register.intake(make_form(channel="truc-tuyen"), clerk).code
    register.close()
    return code, online


@pytest.fixture
def scans(tmp_path):
    files = {
        "to-khai.pdf": pdf_bytes(3),
        "cho-o.tif": tiff_bytes(4),
        "ket-qua.jpg": jpeg_bytes(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in files}


def _attach_all(db, code, scans) -> dict[str, int]:
    ids = {}
    for name, target in (("to-khai.pdf", ["--document", "1"]), ("cho-o.tif", ["--document", "2"])):
        done = run(db, "attach", code, str(scans[name]), *target)
        assert done.returncode == 0, done.stderr
        ids[name] = int(done.stdout.strip())
    done = run(db, "attach", code, str(scans["ket-qua.jpg"]), "--result")
    assert done.returncode == 0, done.stderr
    ids["ket-qua.jpg"] = int(done.stdout.strip())
    return ids


def test_attach_list_and_get_back_byte_for_byte(db_path, dossier, scans, tmp_path):
    code, _ = dossier
    ids = _attach_all(db_path, code, scans)
    done = run(db_path, "attachments", code, "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [(a["id"], a["document"], a["result"], a["file_name"]) for a in listed] == [
        (ids["to-khai.pdf"], 1, False, "to-khai.pdf"),
        (ids["cho-o.tif"], 2, False, "cho-o.tif"),
        (ids["ket-qua.jpg"], None, True, "ket-qua.jpg"),
    ]
    for a in listed:
        source = scans[a["file_name"]].read_bytes()
        assert (a["size"], a["sha256"], a["user"]) == (len(source), sha256_hex(source), "he-thong")
        assert a["at"] == "2026-11-23T10:15:00+07:00"
        out = tmp_path / f"ra-{a['id']}"
        got = run(db_path, "attachment-get", code, str(a["id"]), "--out", str(out))
        assert got.returncode == 0, got.stderr
        assert out.read_bytes() == source
    text = run(db_path, "attachments", code).stdout
    assert "Thành phần 2\tcho-o.tif" in text and "Kết quả giải quyết\tket-qua.jpg" in text
    docs = run(db_path, "documents", code).stdout
    assert "1\tĐã số hóa" in docs and "2\tĐã số hóa" in docs and "Kết quả\tĐã số hóa" in docs
    assert run(db_path, "audit", "verify").returncode == 0


def _written(db: Path) -> tuple:
    reg = Register.open(db, readonly=True)
    try:
        rows = reg.store._rows("SELECT id, sha256 FROM attachments ORDER BY id")
        return rows, len(reg.store.audit_rows()), sorted(FileBlobStore.beside(db).hashes())
    finally:
        reg.close()


def test_hostile_files_exit_2_in_vietnamese_and_write_nothing(db_path, dossier, scans, tmp_path):
    code, _ = dossier
    run(db_path, "attach", code, str(scans["to-khai.pdf"]), "--document", "1")
    before = _written(db_path)
    hostile = {
        "bom.png": png_bomb(100_000, 100_000),
        "bom.pdf": pdf_image_bomb(),
        "cut.pdf": pdf_bytes(2)[:-700],
        "setup.pdf": b"MZ\x90\x00" + os.urandom(2000),
        "rong.jpg": b"",
    }
    for name, data in hostile.items():
        (tmp_path / name).write_bytes(data)
        done = run(db_path, "attach", code, str(tmp_path / name), "--document", "2")
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        assert is_vietnamese(done.stderr, name) and "Traceback" not in done.stderr, done.stderr
        assert done.stdout == ""
        assert _written(db_path) == before, name
    for args in (
        [str(scans["cho-o.tif"]), "--document", "9"],
        [str(tmp_path / "khong-co.pdf"), "--document", "1"],
        [str(scans["cho-o.tif"])],  # neither --document nor --result
    ):
        done = run(db_path, "attach", code, *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert _written(db_path) == before
    done = run(db_path, "attachment-get", code, "99", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "không có tệp đính kèm số 99" in done.stderr
    assert not (tmp_path / "x").exists()


def test_audit_verify_names_a_tampered_and_a_missing_file(db_path, dossier, scans, tmp_path):
    code, _ = dossier
    ids = _attach_all(db_path, code, scans)
    files = FileBlobStore.beside(db_path)
    tampered = files.path(sha256_hex(scans["to-khai.pdf"].read_bytes()))
    tampered.write_bytes(tampered.read_bytes().replace(b"/Page", b"/Pagf", 1))
    files.path(sha256_hex(scans["ket-qua.jpg"].read_bytes())).unlink()
    done = run(db_path, "audit", "verify")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert any(f"số {ids['to-khai.pdf']} “to-khai.pdf”" in line and "đã bị sửa" in line for line in lines)
    assert any(f"số {ids['ket-qua.jpg']} “ket-qua.jpg”" in line and "bị mất" in line for line in lines)
    assert not any("cho-o.tif" in line for line in lines)
    got = run(db_path, "attachment-get", code, str(ids["to-khai.pdf"]), "--out", str(tmp_path / "x.pdf"))
    assert got.returncode == 2 and "đã bị sửa" in got.stderr and not (tmp_path / "x.pdf").exists()


def test_a_backup_restored_brings_its_files_back(db_path, dossier, scans, tmp_path):
    code, _ = dossier
    ids = _attach_all(db_path, code, scans)
    folder = tmp_path / "sao-luu"
    done = run(db_path, "backup", "--to", str(folder))
    assert done.returncode == 0, done.stderr
    backup_file = Path(done.stdout.strip().rsplit(": ", 1)[-1])
    kept = FileBlobStore(folder / "tep")
    assert sorted(kept.hashes()) == sorted(sha256_hex(p.read_bytes()) for p in scans.values())
    second = run(db_path, "backup", "--to", str(folder), now="2026-11-24T10:15:00")  # adds no file
    assert second.returncode == 0 and len(list(kept.hashes())) == 3
    # the PC loses its scans folder; the backup brings the files back with the register
    live = FileBlobStore.beside(db_path)
    for digest in list(live.hashes()):
        live.path(digest).unlink()
    assert run(db_path, "audit", "verify").returncode == 2
    done = run(db_path, "--user", "quantri", "restore", str(backup_file), stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert run(db_path, "audit", "verify").returncode == 0
    for name, attachment_id in ids.items():
        out = tmp_path / f"sau-khoi-phuc-{name}"
        got = run(db_path, "attachment-get", code, str(attachment_id), "--out", str(out))
        assert got.returncode == 0, got.stderr
        assert out.read_bytes() == scans[name].read_bytes()


def test_intake_records_payment_and_reused_documents(db_path, dossier):
    done = run(
        db_path, "intake", "--procedure", "1.004222", "--applicant", "Trần Văn Bình",
        "--id-number", "001190012345", "--fee", "20000", "--payment", "chuyen-khoan", "--reused", "1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    docs = run(db_path, "documents", code, "--json")
    states = [d["state"] for d in json.loads(docs.stdout)["documents"]]
    assert states == ["tai-su-dung", "chua-so-hoa"]
    reg = Register.open(db_path, readonly=True)
    try:
        d = reg.dossier(code)
        assert (d.payment, d.reused_documents, d.fee_collected) == ("chuyen-khoan", (1,), 20000)
    finally:
        reg.close()
    bad = run(db_path, "intake", "--procedure", "1.004222", "--applicant", "A", "--payment", "the")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    bad = run(db_path, "intake", "--procedure", "1.004222", "--applicant", "Trần Bình", "--reused", "7")
    assert bad.returncode == 2 and "thành phần số 7" in bad.stderr
