"""The signed report from the command line, end to end, in child processes as a clerk types it.

``report pdf``, ``report sign`` with a .p12 and with the SoftHSM2 token (secrets on stdin: the
account password, then the passphrase or PIN), ``verify-report`` (exit 0 only for a valid
signature), the city's ``consolidate`` with the wards' workbooks and PDFs (good wards roll up,
each bad one named), and the .eml draft carrying the signed PDF beside the workbook.
The programs run at a fixed moment (``MOTCUA_NOW``), never the wall clock's.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core import reporting as rp
from core.register import Register
from core.report_snapshot import fingerprint_of
from reports.consolidate import ACCEPTED_SHEET, REJECTED_SHEET
from reports.datasheet import SHEET_NAME, read_workbook
from reports.signing.keys import Pkcs12Source
from reports.signing.signoff import sign_digitally
from reports.signing.verify import load_trust_roots, verify_pdf
from reports.workbook import DRAFT_MARK, report_workbook
from tests.helpers import PASSWORD, make_register
from tests.signing_ca import P12_PASSPHRASE, november_draft, throwaway_ca, write_p12
from tests.softhsm import softhsm_token_fixture  # noqa: F401 - the "softhsm_token" fixture

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-12-01T10:00:00"


def run(db: Path | None, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen", "MOTCUA_NOW": NOW}
    env.pop("MOTCUA_USER", None)
    env.pop("MOTCUA_DB", None)
    head = ["--db", str(db)] if db else []
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *head, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=180,
    )


@pytest.fixture
def ward(register, clerk, clock, db_path):
    draft = november_draft(register, clerk, clock)
    return db_path, draft


@pytest.fixture
def trust_dir(tmp_path) -> Path:
    return throwaway_ca().trust_dir(tmp_path / "goc")


def test_pdf_sign_with_p12_and_verify(ward, tmp_path, trust_dir):
    db, draft = ward
    done = run(db, "report", "pdf", str(draft.id), "--out", str(tmp_path / "nhap.pdf"))
    assert done.returncode == 0, done.stderr
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "nhap.pdf").pages)
    assert DRAFT_MARK in text
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    out = tmp_path / "da-ky.pdf"
    done = run(
        db,
        "report", "sign", str(draft.id), "--user", "phochutich", "--pkcs12", str(p12), "--out", str(out),
        stdin=f"{PASSWORD}\n{P12_PASSPHRASE}\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Chứng thư số của: Phạm Quang Vinh" in done.stdout
    assert "Hiệu lực: từ 01/01/2026 đến 31/12/2028" in done.stdout
    assert "PAdES B-B" in done.stdout and out.is_file()
    good = run(None, "verify-report", str(out), "--trust", str(trust_dir))
    assert good.returncode == 0, good.stderr
    assert "chữ ký số hợp lệ (PAdES B-B), người ký Phạm Quang Vinh, lúc 10:00:00 01/12/2026" in good.stdout
    as_json = run(None, "verify-report", str(out), "--trust", str(trust_dir), "--json")
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and data["valid"] is True and data["agency_code"] == "000.17.22.H56"
    no_roots = run(None, "verify-report", str(out))
    assert no_roots.returncode == 2 and "chưa có thư mục chứng thư gốc tin cậy" in no_roots.stderr
    data = bytearray(out.read_bytes())
    data[data.find(b"stream", 2000) + 20] ^= 0x01
    (tmp_path / "sua.pdf").write_bytes(bytes(data))
    tampered = run(None, "verify-report", str(tmp_path / "sua.pdf"), "--trust", str(trust_dir), "--json")
    verdict = json.loads(tampered.stdout)
    assert tampered.returncode == 2 and verdict["valid"] is False
    assert (
        any("không còn nguyên vẹn" in p for p in verdict["problems"])
        and "không còn nguyên vẹn" in tampered.stderr
    )
    # `report pdf` of the signed report gives the signed file, not a new unsigned one
    again = run(db, "report", "pdf", str(draft.id), "--out", str(tmp_path / "lai.pdf"))
    assert again.returncode == 0 and (tmp_path / "lai.pdf").read_bytes() == out.read_bytes()


def test_sign_with_the_softhsm_token_from_the_command_line(ward, tmp_path, trust_dir, softhsm_token):
    db, draft = ward
    t = softhsm_token
    wrong = run(
        db, "report", "sign", str(draft.id), "--user", "phochutich", "--pkcs11-lib", t.library,
        "--token-label", t.label, stdin=f"{PASSWORD}\n999999\n",
    )  # fmt: skip
    assert wrong.returncode == 2 and "Sai mã PIN của USB token" in wrong.stderr
    with Register.open(db) as reg:
        assert not rp.get(reg, draft.id).is_signed
    done = run(
        db, "report", "sign", str(draft.id), "--user", "phochutich", "--pkcs11-lib", t.library,
        "--token-label", t.label, "--key-label", t.key_label, "--out", str(tmp_path / "token.pdf"),
        stdin=f"{PASSWORD}\n{t.pin}\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    check = run(None, "verify-report", str(tmp_path / "token.pdf"), "--trust", str(trust_dir))
    assert check.returncode == 0, check.stderr


def test_refusals_exit_2_in_vietnamese_and_sign_nothing(ward, tmp_path):
    db, draft = ward
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    clerk = run(
        db, "report", "sign", str(draft.id), "--user", "canbo1", "--pkcs12", str(p12),
        stdin=f"{PASSWORD}\n{P12_PASSPHRASE}\n",
    )  # fmt: skip
    assert clerk.returncode == 2 and "Phó Chủ tịch" in clerk.stderr and "Traceback" not in clerk.stderr
    expired = write_p12(throwaway_ca().expired, tmp_path / "het.p12")
    old = run(
        db, "report", "sign", str(draft.id), "--user", "phochutich", "--pkcs12", str(expired),
        stdin=f"{PASSWORD}\n{P12_PASSPHRASE}\n",
    )  # fmt: skip
    assert old.returncode == 2 and "đã hết hạn ngày 31/12/2025" in old.stderr
    bad_out = run(
        db, "report", "sign", str(draft.id), "--user", "phochutich", "--pkcs12", str(p12), "--out", "x.xlsx",
        stdin=f"{PASSWORD}\n{P12_PASSPHRASE}\n",
    )  # fmt: skip
    assert bad_out.returncode == 2 and "phải có đuôi .pdf" in bad_out.stderr
    with Register.open(db) as reg:
        assert not rp.get(reg, draft.id).is_signed
    not_pdf = tmp_path / "x.pdf"
    not_pdf.write_text("không phải PDF", encoding="utf-8")
    refused = run(None, "verify-report", str(not_pdf), "--trust", str(tmp_path))
    assert refused.returncode == 2 and "không có chứng thư gốc nào" in refused.stderr


# --- the city roll-up ---------------------------------------------------------------------------
WARDS = {
    "000.17.22.H56": "UBND phường Tây Hồ",
    "000.17.22.H57": "UBND phường Quảng An",
    "000.17.22.H58": "UBND phường Nhật Tân",
    "000.17.22.H59": "UBND phường Bưởi",
    "000.17.22.H60": "UBND phường Yên Phụ",
}


def make_ward(folder: Path, clock, code: str, issued=None) -> tuple[Path, Path | None]:
    """A ward's register with its November report signed (digitally with ``issued``, else by
    password); returns the workbook and the signed PDF it would email."""
    folder.mkdir()
    reg = make_register(folder / "motcua.sqlite3", clock)
    try:
        reg.update_settings(reg.user("quantri"), ward_name=WARDS[code], agency_code=code)
        draft = november_draft(reg, reg.user("canbo1"), clock)
        pdf = None
        if issued is None:
            signed = rp.sign(reg, draft.id, "phochutich", PASSWORD)
        else:
            p12 = write_p12(issued, folder / "k.p12")
            done = sign_digitally(reg, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
            signed = done.report
            pdf = folder / f"{code}.pdf"
            pdf.write_bytes(done.pdf)
        book = folder / f"{code}.xlsx"
        book.write_bytes(report_workbook(signed, reg.settings))
        return book, pdf
    finally:
        reg.close()


def edit_figures_and_refingerprint(book: Path) -> None:
    """What a careful forger does to the workbook: one more dossier received, the sheet's own
    fingerprint recomputed so the workbook alone still looks signed."""
    wb = load_workbook(book)
    ws = wb[SHEET_NAME]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(head, row, strict=False))
        if cells["field"].value in ("Hộ tịch", "Tổng cộng"):
            for key in ("received_total", "received_direct", "pending_total", "pending_in_time"):
                cells[key].value += 1
    wb.save(book)
    data = read_workbook(book)
    new = fingerprint_of(data.table_json(), data.agency_code)
    wb = load_workbook(book)
    for row in wb[SHEET_NAME].iter_rows(min_row=2):
        row[head.index("fingerprint")].value = new
    wb.save(book)


def test_city_roll_up_verifies_each_wards_pdf(tmp_path, clock, trust_dir):
    ca = throwaway_ca()
    good_book, good_pdf = make_ward(tmp_path / "a", clock, "000.17.22.H56", ca.vice_chair)
    stranger_book, stranger_pdf = make_ward(tmp_path / "b", clock, "000.17.22.H57", ca.stranger)
    forged_book, forged_pdf = make_ward(tmp_path / "c", clock, "000.17.22.H58", ca.vice_chair)
    edit_figures_and_refingerprint(forged_book)
    password_book, _ = make_ward(tmp_path / "d", clock, "000.17.22.H59")
    broken_book, broken_pdf = make_ward(tmp_path / "e", clock, "000.17.22.H60", ca.vice_chair)
    data = bytearray(broken_pdf.read_bytes())
    data[data.find(b"stream", 2000) + 20] ^= 0x01
    broken_pdf.write_bytes(bytes(data))
    files = [good_book, good_pdf, stranger_book, stranger_pdf, forged_book, forged_pdf]
    files += [password_book, broken_book, broken_pdf]
    out = tmp_path / "thanhpho.xlsx"
    args = ["consolidate", *map(str, files), "--trust", str(trust_dir), "--out", str(out)]
    done = run(None, *args, "--issuer", "UBND thành phố Hà Nội", "--place", "Hà Nội")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Đã tổng hợp 2 báo cáo")
    named = {line.split(":")[0].lstrip("- "): line for line in lines[2:] if line.startswith("- ")}
    assert "CA lạ không được tin cậy" in named["000.17.22.H57.xlsx"]
    assert "khác tệp Excel: Hộ tịch: tổng số nhận PDF" in named["000.17.22.H58.xlsx"]
    assert "không còn nguyên vẹn" in named["000.17.22.H60.xlsx"]
    wb = load_workbook(out)
    kept = {r[1]: r for r in wb[ACCEPTED_SHEET].iter_rows(min_row=2, values_only=True)}
    assert set(kept) == {good_book.name, password_book.name}
    assert kept[good_book.name][7].startswith(
        "PAdES B-B, Phạm Quang Vinh (chứng thư do CA thử nghiệm MotCua cấp)"
    )
    assert kept[password_book.name][7] == "chỉ ký duyệt bằng mật khẩu (không có chữ ký số)"
    refused = [r[1] for r in wb[REJECTED_SHEET].iter_rows(min_row=2, values_only=True)]
    assert sorted(refused) == sorted([stranger_book.name, forged_book.name, broken_book.name])
    assert wb["Tổng hợp"]["A1"].value == "UBND THÀNH PHỐ HÀ NỘI"
    # the city can insist on digital signatures
    strict = run(None, *args[:-2], "--out", str(tmp_path / "chat.xlsx"), "--require-signature")
    assert strict.returncode == 0
    assert "không có tệp PDF ký số đi kèm" in strict.stdout and "Đã tổng hợp 1 báo cáo" in strict.stdout
    # PDFs given with no trust folder: refused before anything is read or written
    blind = run(None, "consolidate", str(good_book), str(good_pdf), "--out", str(tmp_path / "mu.xlsx"))
    assert blind.returncode == 2 and "--trust" in blind.stderr and not (tmp_path / "mu.xlsx").exists()


def test_the_eml_draft_carries_the_signed_pdf_and_the_workbook(register, clerk, clock, tmp_path, trust_dir):
    from reports.dispatch import send_report

    draft = november_draft(register, clerk, clock)
    p12 = write_p12(throwaway_ca().vice_chair, tmp_path / "vinh.p12")
    done = sign_digitally(register, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    outcome = send_report(register, clerk, draft.id, eml=tmp_path / "bao-cao.eml")
    msg = email.message_from_bytes(outcome.path.read_bytes(), policy=email.policy.default)
    parts = list(msg.iter_attachments())
    assert [p.get_content_type() for p in parts] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    assert parts[0].get_filename().endswith("_v1.pdf") and parts[1].get_filename().endswith("_v1.xlsx")
    pdf = parts[0].get_content()
    assert pdf == done.pdf
    assert verify_pdf(pdf, load_trust_roots(trust_dir), "thu.pdf").ok
    assert read_workbook(io.BytesIO(parts[1].get_content()).getvalue()).fingerprint == done.report.fingerprint
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "(tệp PDF đã ký số và tệp Excel đính kèm)" in body  # says what is attached


def test_a_password_signed_report_mail_names_only_the_workbook(register, clerk, clock, tmp_path):
    from reports.dispatch import send_report

    draft = november_draft(register, clerk, clock)
    rp.sign(register, draft.id, "phochutich", PASSWORD)
    outcome = send_report(register, clerk, draft.id, eml=tmp_path / "bao-cao.eml")
    msg = email.message_from_bytes(outcome.path.read_bytes(), policy=email.policy.default)
    assert [p.get_content_type() for p in msg.iter_attachments()] == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "(tệp Excel đính kèm)" in body and "PDF" not in body
