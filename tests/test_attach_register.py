"""Scans kept with a dossier, through the Register, on SQLite and on PostgreSQL (tests/backends.py):
real files attached and read back byte for byte, each step in the audit chain, hostile files
refused with nothing written, an altered or missing file named, the digitised moments kept."""

from __future__ import annotations

import pytest

from core import audit
from core.attachments import AttachmentRefused
from core.attachments.status import DocState
from core.errors import MotCuaError, NotFoundError, ValidationError
from core.model import Channel, Payment
from core.timeutil import from_db
from tests.helpers import at, make_form
from tests.hostile_helpers import is_vietnamese
from tests.test_attach_samples import (
    blank_pdf,
    jpeg_bytes,
    jpeg_with_size,
    pdf_bytes,
    pdf_image_bomb,
    png_bomb,
    tiff_bytes,
    tiff_with_size,
)

# 1.004222 Đăng ký thường trú: two documents, both handed in (to scan)
# 1.001193 Đăng ký khai sinh: documents 3 and 4 are only shown ("xuất trình")


def _state(register):
    """Everything an attach could write: rows, audit entries, stored bytes."""
    store = register.store
    rows = store._rows("SELECT * FROM attachments ORDER BY id")
    files = store.blob_store()
    blobs = (
        sorted(files.hashes())
        if files
        else [r[0] for r in store._tuples("SELECT sha256 FROM attachment_blobs")]
    )
    dossiers = store._rows("SELECT id, digitised_at, result_digitised_at FROM dossiers ORDER BY id")
    return rows, len(store.audit_rows()), blobs, dossiers


def test_real_scans_attach_and_come_back_byte_for_byte(register, clerk, tmp_path):
    d = register.intake(make_form(), clerk)
    pdf, tif, jpg = pdf_bytes(3), tiff_bytes(4), jpeg_bytes()
    (tmp_path / "to-khai.pdf").write_bytes(pdf)
    (tmp_path / "ket-qua.jpg").write_bytes(jpg)
    a1 = register.attach(d.code, tmp_path / "to-khai.pdf", clerk, document=1)
    a2 = register.attach(d.code, tif, clerk, document=2, name="Giấy tờ chỗ ở.tif")
    a3 = register.attach(d.code, tmp_path / "ket-qua.jpg", clerk, result=True)
    assert (a1.mime, a1.pages, a2.mime, a2.pages, a3.mime, a3.pages) == (
        "application/pdf", 3, "image/tiff", 4, "image/jpeg", 1,
    )  # fmt: skip
    assert register.attachment_bytes(d.code, a1.id) == pdf
    assert register.attachment_bytes(d.code, a2.id, clerk) == tif
    assert register.attachment_bytes(d.code, a3.id) == jpg
    listed = register.attachments(d.code, clerk)
    assert [(a.id, a.document, a.is_result, a.file_name) for a in listed] == [
        (a1.id, 1, False, "to-khai.pdf"),
        (a2.id, 2, False, "Giấy tờ chỗ ở.tif"),
        (a3.id, None, True, "ket-qua.jpg"),
    ]
    assert listed[1].user_login == "canbo1" and listed[1].size == len(tif)
    actions = [r["action"] for r in register.store.audit_rows() if r["entity_key"] == d.code]
    assert actions == ["intake", "attach", "attach", "attach", "open-attachment", "list-attachments"]
    assert audit.verify(register.store).ok
    assert register.verify_files() == []


def test_digitised_moments_follow_the_files(register, clerk, clock):
    d = register.intake(make_form(), clerk, at=at("2026-11-23T08:30:00"))
    states = register.document_status(d.code)
    assert [s.state for s in states] == [DocState.NOT_DIGITISED, DocState.NOT_DIGITISED]
    clock.set("2026-11-23T09:10:00")
    register.attach(d.code, jpeg_bytes(1), clerk, document=1, name="1.jpg")
    row = register.store._rows("SELECT * FROM dossiers WHERE code = ?", [d.code])[0]
    assert row["docs_to_digitise"] == 2 and row["digitised_at"] is None
    clock.set("2026-11-23T09:20:00")
    register.attach(d.code, jpeg_bytes(2), clerk, document=2, name="2.jpg")
    register.attach(d.code, jpeg_bytes(3), clerk, document=2, name="2b.jpg")  # a second page later
    row = register.store._rows("SELECT * FROM dossiers WHERE code = ?", [d.code])[0]
    assert from_db(row["digitised_at"]) == at("2026-11-23T09:20:00") and row["result_digitised_at"] is None
    assert [s.state for s in register.document_status(d.code)] == [DocState.DIGITISED] * 2
    assert [s.files for s in register.document_status(d.code)] == [1, 2]
    assert not register.result_digitised(d.code)
    clock.set("2026-11-30T10:00:00")
    register.attach(d.code, pdf_bytes(1), clerk, result=True, name="kq.pdf")
    row = register.store._rows("SELECT * FROM dossiers WHERE code = ?", [d.code])[0]
    assert from_db(row["result_digitised_at"]) == at("2026-11-30T10:00:00")
    assert register.result_digitised(d.code)


def test_not_required_reused_and_payment_at_intake(register, clerk):
    birth = register.intake(
        make_form("1.001193", reused_documents=(2,), fee_collected=0, payment="tien-mat"), clerk
    )
    assert birth.reused_documents == (2,) and birth.payment == "tien-mat"
    states = {s.number: s.state for s in register.document_status(birth.code)}
    assert states == {
        1: DocState.NOT_DIGITISED,
        2: DocState.REUSED,
        3: DocState.NOT_REQUIRED,  # "(xuất trình)": shown, handed back
        4: DocState.NOT_REQUIRED,
    }
    online = register.intake(make_form(channel=Channel.ONLINE, fee_collected=10_000), clerk)
    assert online.payment == Payment.ONLINE.value  # a fee on the portal is paid online
    assert {s.state for s in register.document_status(online.code)} == {DocState.NOT_REQUIRED}
    all_reused = register.intake(make_form(reused_documents=(1, 2)), clerk)
    row = register.store._rows("SELECT * FROM dossiers WHERE code = ?", [all_reused.code])[0]
    assert row["docs_to_digitise"] == 2 and from_db(row["digitised_at"]) == all_reused.received_at
    entry = [r for r in register.store.audit_rows() if r["entity_key"] == birth.code][0]
    assert '"payment": "tien-mat"' in entry["new"] and '"reused_documents": [2]' in entry["new"]
    for bad in ({"reused_documents": (3,)}, {"reused_documents": (0,)}, {"payment": "vi-dien-tu"}):
        before = register.store.dossier_count()
        with pytest.raises(ValidationError) as err:
            register.intake(make_form(**bad), clerk)
        assert is_vietnamese(err.value.message) and register.store.dossier_count() == before


HOSTILE = [
    ("bom.png", png_bomb(100_000, 100_000)),
    ("bom2.png", png_bomb(9000, 9000)),
    ("bom.jpg", jpeg_with_size(60_000, 60_000)),
    ("bom.tif", tiff_with_size(8100, 10_000)),
    ("bom.pdf", pdf_image_bomb()),
    ("nhieu-trang.pdf", blank_pdf(301)),
    ("cut.pdf", pdf_bytes(2)[:-600]),
    ("cut.tif", tiff_bytes(3)[:-9000]),
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 500),
    ("rong.pdf", b""),
]


def test_hostile_files_are_refused_with_nothing_written(register, clerk, admin):
    d = register.intake(make_form(), clerk)
    register.attach(d.code, jpeg_bytes(), clerk, document=1, name="dau.jpg")
    before = _state(register)
    for name, data in HOSTILE:
        with pytest.raises(AttachmentRefused) as err:
            register.attach(d.code, data, clerk, document=2, name=name)
        assert is_vietnamese(err.value.message, name), err.value.message
        assert _state(register) == before, name
    # wrong targets, an unknown dossier, a duplicate, the per-dossier budget
    good = jpeg_bytes(5)
    for kwargs, error in [
        ({"document": 3}, ValidationError),
        ({"document": 0}, ValidationError),
        ({}, ValidationError),
        ({"document": 1, "result": True}, ValidationError),
        ({"document": 1, "name": "dau.jpg", "source": jpeg_bytes()}, AttachmentRefused),
    ]:
        source = kwargs.pop("source", good)
        with pytest.raises(error) as err:
            register.attach(d.code, source, clerk, name=kwargs.pop("name", "x.jpg"), **kwargs)
        assert is_vietnamese(err.value.message)
        assert _state(register) == before
    with pytest.raises(NotFoundError):
        register.attach("H56-000000-0000", good, clerk, document=1, name="x.jpg")
    register.update_settings(admin, attach_max_dossier_mb="1")
    big = pdf_bytes(3, size=(1240, 1754))
    assert 1024 * 1024 // 2 < len(big) < 1024 * 1024
    register.attach(d.code, big, clerk, document=2, name="lon.pdf")
    after_first = _state(register)
    with pytest.raises(AttachmentRefused) as err:
        register.attach(d.code, pdf_bytes(2, size=(1240, 1754)), clerk, document=2, name="lon2.pdf")
    assert "1,0 MB cho một hồ sơ" in err.value.message and d.code in err.value.message
    assert _state(register) == after_first


def test_an_altered_or_missing_file_is_named_and_never_handed_out(register, clerk):
    d = register.intake(make_form(), clerk)
    a1 = register.attach(d.code, pdf_bytes(1), clerk, document=1, name="to-khai.pdf")
    a2 = register.attach(d.code, tiff_bytes(2), clerk, document=2, name="cho-o.tif")
    store = register.store
    files = store.blob_store()
    if files is not None:  # SQLite: the files beside the database
        path = files.path(a1.sha256)
        path.write_bytes(path.read_bytes()[:-20] + b"x" * 20)
        files.path(a2.sha256).unlink()
    else:  # PostgreSQL: the bytea rows
        store._exec("UPDATE attachment_blobs SET content = ? WHERE sha256 = ?", [b"%PDF-sua", a1.sha256])
        store._exec("DELETE FROM attachment_blobs WHERE sha256 = ?", [a2.sha256])
    problems = {p.attachment_id: p for p in register.verify_files()}
    assert set(problems) == {a1.id, a2.id}
    assert problems[a1.id].state == "altered" and "to-khai.pdf" in problems[a1.id].message
    assert problems[a2.id].state == "missing" and d.code in problems[a2.id].message
    with pytest.raises(MotCuaError) as err:
        register.attachment_bytes(d.code, a1.id)
    assert "đã bị sửa" in err.value.message
    with pytest.raises(MotCuaError) as err:
        register.attachment_bytes(d.code, a2.id)
    assert "Mất tệp" in err.value.message
    # attaching the same scan again repairs the stored bytes (content addressing)
    register.attach(d.code, pdf_bytes(1), clerk, result=True, name="to-khai.pdf")
    assert register.attachment_bytes(d.code, a1.id) == pdf_bytes(1)


def test_the_same_scan_is_stored_once(register, clerk):
    d1, d2 = register.intake(make_form(), clerk), register.intake(make_form(), clerk)
    scan = tiff_bytes(2)
    a = register.attach(d1.code, scan, clerk, document=1, name="a.tif")
    b = register.attach(d2.code, scan, clerk, document=1, name="b.tif")
    assert a.sha256 == b.sha256 and a.id != b.id
    assert _state(register)[2] == [a.sha256]
    assert register.attachment_bytes(d2.code, b.id) == scan
    with pytest.raises(NotFoundError):
        register.attachment_bytes(d1.code, b.id)  # an id of another dossier
