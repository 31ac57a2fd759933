"""Attaching scans: time and storage per scanned page, beside a bare file copy in the same run.

    .venv/bin/python bench/bench_attach.py [pages]

Three files a counter scanner makes of the same A4 pages at 300 dpi: a colour JPEG of one
page, a bilevel Group 4 multi-page TIFF and a PDF of JPEG pages. For each:

- bare: ``shutil.copyfile`` of the file into a folder (what a clerk does by hand), plus fsync;
- check: ``core.attachments.check_file`` alone (content type, every frame decoded, PDF parsed
  and page one drawn by PDFium);
- attach: the whole ``Register.attach`` (check, SHA-256, atomic blob write with fsync, the row
  and the audit entry in one transaction) on a real SQLite register.

Storage: bytes on disk per page for the blob (content-addressed, stored once) and the growth of
the database file per attachment. Medians of several runs; the machine is shared, so the
bare copy is timed in the same loop as a yardstick.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import median_ms  # noqa: E402
from core.attachments import check_file  # noqa: E402
from tests.test_attach_samples import jpeg_bytes, pdf_bytes, tiff_bytes  # noqa: E402

A4_300DPI = (2480, 3508)
_RUNS = itertools.count(1)


def bare_copy(src: Path, folder: Path) -> None:
    target = folder / src.name
    shutil.copyfile(src, target)
    with target.open("rb") as fh:
        os.fsync(fh.fileno())
    target.unlink()


def make_register(folder: Path):
    """A real register with one dossier, or ``None`` while ``Register.attach`` does not exist."""
    from core.model import IntakeForm, Role
    from core.register import Register
    from core.users import SYSTEM_USER

    if not hasattr(Register, "attach"):
        return None, None, None
    reg = Register.open(folder / "motcua.sqlite3")
    reg.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, "matkhau123")
    clerk = reg.user("canbo1")
    form = IntakeForm(procedure_code=reg.procedures()[0].code, applicant="Nguyễn Văn An")
    return reg, clerk, reg.intake(form, clerk).code


def main(pages: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        samples = {
            "JPEG 1 trang": (jpeg_bytes(1, A4_300DPI, quality=75), 1),
            f"TIFF G4 {pages} trang": (tiff_bytes(pages, A4_300DPI, bilevel=True), pages),
            f"PDF {pages} trang": (pdf_bytes(pages, A4_300DPI), pages),
        }
        copies = root / "copies"
        copies.mkdir()
        reg, clerk, code = make_register(root)
        if reg is not None:
            reg.store._exec("PRAGMA wal_checkpoint(TRUNCATE)")
            before_db = (root / "motcua.sqlite3").stat().st_size
        print(f"{'file':<16}{'size/page':>12}{'bare ms/page':>14}{'check ms/page':>15}{'attach ms/page':>16}")
        for label, (data, n) in samples.items():
            src = root / f"scan-{len(data)}.bin"
            src.write_bytes(data)
            bare = median_ms(lambda s=src: bare_copy(s, copies), 7) / n
            check = median_ms(lambda s=src: check_file(s), 5) / n
            attach_txt = "-"
            if reg is not None:

                def attach_one(d=data, s=src):
                    # new bytes at the end each run: a new hash, so every run really writes
                    s.write_bytes(d + b"\n" * next(_RUNS))
                    reg.attach(code, s, clerk, document=1)

                attach_txt = f"{median_ms(attach_one, 5) / n:.1f}"
            print(f"{label:<16}{len(data) / n / 1024:>9.0f} KB{bare:>14.2f}{check:>15.1f}{attach_txt:>16}")
        if reg is not None:
            from core.attachments.blobs import FileBlobStore

            db = root / "motcua.sqlite3"
            files = len(reg.store._rows("SELECT id FROM attachments"))
            reg.close()  # checkpoints the WAL into the file: its size is then the database's
            blobs = FileBlobStore.beside(db)
            print(
                f"stored: {blobs.size() / 1024:.0f} KB of files for {files} attachments "
                f"({len(list(blobs.hashes()))} distinct); the scans' bytes as they are, no overhead. "
                f"Database file {db.stat().st_size / 1024:.0f} KB with {before_db / 1024:.0f} KB before "
                f"the attachments: {(db.stat().st_size - before_db) / max(files, 1) / 1024:.1f} KB a row."
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
