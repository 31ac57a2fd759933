"""Checking a scan by its content: real files pass with their facts, hostile ones are refused in
Vietnamese (no raw exception), and the blob store keeps bytes whole and named by their hash."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image

from core.attachments import AttachmentLimits, AttachmentRefused, check_bytes, check_dossier_total, check_file
from core.attachments.blobs import FileBlobStore, blob_dir_for
from core.attachments.content import clean_name
from core.attachments.thumbs import page_count, page_png, thumbnail_png
from core.errors import MotCuaError
from core.settings import Settings, with_updates
from tests.hostile_helpers import is_vietnamese, mutate
from tests.test_attach_samples import (
    blank_pdf,
    jpeg_bytes,
    jpeg_with_size,
    minimal_pdf,
    pdf_bytes,
    pdf_image_bomb,
    pdf_without_pages,
    png_bomb,
    png_bytes,
    tiff_bytes,
    tiff_many_pages,
    tiff_with_size,
)


@pytest.mark.parametrize(
    ("data", "name", "mime", "pages"),
    [
        (pdf_bytes(3), "giay-to.pdf", "application/pdf", 3),
        (jpeg_bytes(), "cccd.jpg", "image/jpeg", 1),
        (png_bytes(), "anh.png", "image/png", 1),
        (tiff_bytes(4), "so-ho-khau.tif", "image/tiff", 4),
        (tiff_bytes(2, bilevel=False), "xam.tiff", "image/tiff", 2),
    ],
)
def test_real_scans_pass_with_their_facts(data, name, mime, pages):
    facts = check_bytes(data, name)
    assert (facts.mime, facts.pages, facts.size, facts.name) == (mime, pages, len(data), name)
    assert facts.sha256 == hashlib.sha256(data).hexdigest()
    assert facts.width > 0 and facts.height > 0


def test_type_comes_from_the_content_not_the_name():
    facts = check_bytes(jpeg_bytes(), "hop-dong.pdf")
    assert facts.mime == "image/jpeg"
    with pytest.raises(AttachmentRefused) as err:
        check_bytes(b"MZ\x90\x00" + b"\x00" * 200, "scan.pdf")
    assert "theo nội dung" in err.value.message


def _refusal(data: bytes, name: str = "tep.bin", limits: AttachmentLimits | None = None) -> str:
    with pytest.raises(AttachmentRefused) as err:
        check_bytes(data, name, limits)
    assert is_vietnamese(err.value.message, name), err.value.message
    return err.value.message


def test_decompression_bombs_are_refused_before_decoding():
    assert "quá lớn" in _refusal(png_bomb(100_000, 100_000), "bom.png")  # Pillow's own error
    assert "9000 × 9000" in _refusal(png_bomb(9000, 9000), "bom2.png")  # our budget, below Pillow's
    assert "quá lớn" in _refusal(jpeg_with_size(60_000, 60_000), "bom.jpg")
    assert "9100 × 8900" in _refusal(jpeg_with_size(9100, 8900), "bom2.jpg")
    assert "8100 × 10000" in _refusal(tiff_with_size(8100, 10000), "bom.tif")
    assert "trang" in _refusal(tiff_many_pages(301), "nhieu-trang.tif")
    assert "ảnh quá lớn" in _refusal(pdf_image_bomb(), "bom.pdf")
    assert "301 trang" in _refusal(blank_pdf(301), "nhieu-trang.pdf")


def test_limits_on_pages_and_pixels_are_settable():
    small = AttachmentLimits(max_pages=3)
    assert "4 trang" in _refusal(pdf_bytes(4), "bon-trang.pdf", small)
    assert "trang" in _refusal(tiff_bytes(4), "bon-trang.tif", small)
    assert check_bytes(tiff_bytes(3), "ba-trang.tif", small).pages == 3


def test_malformed_pdfs_are_refused():
    good = pdf_bytes(2)
    assert "cắt cụt" in _refusal(good[: len(good) // 2], "cut.pdf")
    assert "cấu trúc" in _refusal(b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n", "rac.pdf")
    assert "không có trang" in _refusal(pdf_without_pages(), "rong.pdf")
    assert "mật khẩu" in _refusal(pdf_bytes(1, encrypt_with="bimat"), "khoa.pdf")
    assert "cấu trúc" in _refusal(minimal_pdf([b"<< /Type /Catalog /Pages 9 0 R >>"]), "hong.pdf")


def test_damaged_images_are_refused():
    jpeg = jpeg_bytes()
    assert "hỏng" in _refusal(jpeg[: len(jpeg) // 3], "cut.jpg")
    tiff = tiff_bytes(3)
    assert "hỏng" in _refusal(tiff[: len(tiff) * 2 // 3], "cut.tif")
    assert "rỗng" in _refusal(b"", "rong.jpg")


@pytest.mark.parametrize("seed", range(40))
def test_mutated_scans_are_kept_whole_or_refused_in_vietnamese(seed):
    """Flipped bytes and cut files: either a clean refusal or facts that match the bytes."""
    source = [pdf_bytes(2), jpeg_bytes(), tiff_bytes(2), png_bytes()][seed % 4]
    data = mutate(source, seed, "truncate" if seed % 3 == 0 else "flip")
    try:
        facts = check_bytes(data, "dot-bien.bin")
    except MotCuaError as exc:
        assert type(exc) is AttachmentRefused
        assert is_vietnamese(exc.message, "dot-bien.bin"), exc.message
    else:
        assert facts.sha256 == hashlib.sha256(data).hexdigest()
        assert facts.pages >= 1
        thumbnail_png(data, facts.mime)  # what passed must also draw


def test_size_limits_per_file_and_per_dossier(tmp_path):
    settings = with_updates(Settings(), attach_max_file_mb="1", attach_max_dossier_mb="3")
    limits = AttachmentLimits.from_settings(settings)
    big = tmp_path / "qua-lon.pdf"
    with big.open("wb") as fh:  # sparse: the check must refuse on the size alone, never read it
        fh.truncate(1024 * 1024 + 1)
    with pytest.raises(AttachmentRefused) as err:
        check_file(big, limits)
    assert "1,0 MB" in err.value.message and "qua-lon.pdf" in err.value.message
    check_dossier_total(2 * 1024 * 1024, 1024 * 1024, limits)
    with pytest.raises(AttachmentRefused) as err:
        check_dossier_total(2 * 1024 * 1024, 1024 * 1024 + 1, limits, "H56-261123-0001")
    assert "H56-261123-0001" in err.value.message and "3,0 MB" in err.value.message
    with pytest.raises(MotCuaError):
        with_updates(Settings(), attach_max_file_mb="0")


def test_check_file_reads_real_files_and_refuses_folders(tmp_path):
    path = tmp_path / "Giấy khai sinh.tif"
    path.write_bytes(tiff_bytes(2))
    data, facts = check_file(path)
    assert data == path.read_bytes() and facts.name == "Giấy khai sinh.tif" and facts.pages == 2
    with pytest.raises(AttachmentRefused):
        check_file(tmp_path)
    with pytest.raises(AttachmentRefused) as err:
        check_file(tmp_path / "khong-co.pdf")
    assert "Không tìm thấy" in err.value.message


def test_clean_name_drops_folders_and_control_characters():
    assert clean_name("C:\\Scan\\Gia\u0302\u0301y to\u031b\u0300.pdf") == "Giấy tờ.pdf"
    assert clean_name("../../etc/passwd\x00") == "passwd"
    assert clean_name("") == "tep-dinh-kem"
    long = clean_name("a" * 400 + ".pdf")
    assert len(long) == 180 and long.endswith(".pdf")


def test_thumbnails_and_pages_draw_every_type():
    for data, mime, pages in [
        (pdf_bytes(2), "application/pdf", 2),
        (tiff_bytes(3), "image/tiff", 3),
        (jpeg_bytes(size=(1240, 1754)), "image/jpeg", 1),
    ]:
        thumb = Image.open(io.BytesIO(thumbnail_png(data, mime)))
        assert max(thumb.size) == 200 and thumb.format == "PNG"
        assert page_count(data, mime) == pages
        last = Image.open(io.BytesIO(page_png(data, mime, pages - 1, 800)))
        assert max(last.size) <= 800
        # a scan's page is not blank: the lines drawn on it survive the shrink
        assert last.convert("L").getextrema()[0] < 128
    with pytest.raises(MotCuaError):
        page_png(pdf_bytes(1), "application/pdf", 5)


def test_blob_store_writes_once_by_hash_and_names_damage(tmp_path):
    store = FileBlobStore.beside(tmp_path / "motcua.sqlite3")
    assert store.root == blob_dir_for(tmp_path / "motcua.sqlite3") == tmp_path / "motcua.tep"
    data = pdf_bytes(1)
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    path = store.path(digest)
    assert path == tmp_path / "motcua.tep" / digest[:2] / digest[2:]
    assert path.read_bytes() == data and store.read(digest) == data
    inode = path.stat().st_ino
    assert store.put(data) == digest and path.stat().st_ino == inode  # stored once, not rewritten
    assert [p.name for p in path.parent.iterdir()] == [digest[2:]]  # no temporary file left
    assert list(store.hashes()) == [digest]

    path.write_bytes(data[:-10] + b"0123456789")
    assert store.check(digest).state == "altered"
    with pytest.raises(MotCuaError) as err:
        store.read(digest)
    assert "đã bị sửa" in err.value.message
    store.put(data)  # a damaged file is replaced by the right bytes
    assert store.check(digest).state == "ok"
    path.unlink()
    assert store.check(digest).state == "missing"
    with pytest.raises(MotCuaError) as err:
        store.read(digest)
    assert "Mất tệp" in err.value.message


def test_sweep_keeps_referenced_and_recent_files(tmp_path):
    store = FileBlobStore(tmp_path / "tep")
    kept, orphan, recent = store.put(b"kept"), store.put(b"orphan"), store.put(b"recent")
    leftover = store.path(kept).with_name("x.123.dang-ghi")
    leftover.write_bytes(b"half")
    old = 1_000_000_000
    for digest in (kept, orphan):
        os.utime(store.path(digest), (old, old))
    os.utime(leftover, (old, old))
    store.sweep({kept})
    assert store.has(kept) and not store.has(orphan) and store.has(recent)
    assert not leftover.exists()


def test_copy_to_another_store_refuses_to_carry_a_damaged_file(tmp_path):
    src, dst = FileBlobStore(tmp_path / "a"), FileBlobStore(tmp_path / "b")
    good, bad = src.put(b"good scan"), src.put(b"bad scan")
    assert src.copy_to(dst, [good]) == 1 and dst.read(good) == b"good scan"
    assert src.copy_to(dst, [good]) == 0
    src.path(bad).write_bytes(b"tampered")
    with pytest.raises(MotCuaError):
        src.copy_to(dst, [bad])
    assert not dst.has(bad)
