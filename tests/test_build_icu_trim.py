"""The trimmed ICU data library (packaging/icu_trim.py) still serves what Qt asks of it.

Real parts: PySide6's own ICU libraries, loaded with ctypes next to the rebuilt ``libicudata``;
Vietnamese collation (Đ is a letter after D, so ``Dung`` < ``Đà``; root collation would put ``Đà``
first) and the dropped items really gone (a converter cannot be opened).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import icu_trim  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt ships ICU on Linux only"),
]


def test_binutils_are_there():
    """scripts/dev.py installs binutils with the Qt libraries; without them the trim cannot be tested."""
    assert all(shutil.which(t) for t in ("readelf", "as", "ld")), "binutils missing: run scripts/dev.py test"


def _qt_lib() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "lib"


def _icu_version(lib: Path) -> str:
    return next(lib.glob("libicudata.so.*")).name.rsplit(".", 1)[1]


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory) -> Path:
    lib = _qt_lib()
    out = tmp_path_factory.mktemp("icu")
    target = icu_trim.trim(next(lib.glob("libicudata.so.*")), out / "build")
    folder = out / "lib"
    folder.mkdir()
    shutil.copy(target, folder)
    for name in ("libicuuc", "libicui18n"):
        shutil.copy(next(lib.glob(f"{name}.so.*")), folder)
    return folder


def _sorted_vi(folder: Path, words: list[str]) -> tuple[list[str], int]:
    """Sorts with ICU's ucol_* in a child process (one ICU per process, loaded from ``folder``);
    also returns the status of opening the Shift_JIS converter (> 0: an error)."""
    version = _icu_version(folder)
    script = f"""
import ctypes, functools, sys
ctypes.CDLL({str(folder / f"libicudata.so.{version}")!r}, mode=ctypes.RTLD_GLOBAL)
uc = ctypes.CDLL({str(folder / f"libicuuc.so.{version}")!r}, mode=ctypes.RTLD_GLOBAL)
i18n = ctypes.CDLL({str(folder / f"libicui18n.so.{version}")!r})
status = ctypes.c_int(0)
open_ = getattr(i18n, "ucol_open_{version}"); open_.restype = ctypes.c_void_p
coll = open_(b"vi", ctypes.byref(status))
assert status.value <= 0 and coll, ("ucol_open", status.value)
strcoll = getattr(i18n, "ucol_strcoll_{version}")
strcoll.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int32]
def u16(s):
    return s.encode("utf-16-le")
def cmp(a, b):
    ba, bb = u16(a), u16(b)
    fa = (ctypes.c_uint16 * (len(ba) // 2)).from_buffer_copy(ba)
    fb = (ctypes.c_uint16 * (len(bb) // 2)).from_buffer_copy(bb)
    return strcoll(coll, fa, len(fa), fb, len(fb))
words = sys.stdin.read().split("\\n")
print("\\n".join(sorted(words, key=functools.cmp_to_key(cmp))))
cnv = getattr(uc, "ucnv_open_{version}"); cnv.restype = ctypes.c_void_p
status = ctypes.c_int(0)
cnv(b"Shift_JIS", ctypes.byref(status))
print("CNV", status.value)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        input="\n".join(words),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    *lines, cnv = proc.stdout.strip().split("\n")
    return lines, int(cnv.split()[1])


def test_trimmed_library_is_small_and_keeps_vietnamese_collation(trimmed: Path):
    original = next(_qt_lib().glob("libicudata.so.*"))
    rebuilt = next(trimmed.glob("libicudata.so.*"))
    assert rebuilt.stat().st_size < original.stat().st_size / 4
    words = ["Đà Nẵng", "Dung", "Em", "Anh", "Ăn", "Ân"]
    order, _ = _sorted_vi(trimmed, words)
    # Vietnamese alphabet: a ă â b c d đ e ...
    assert order == ["Anh", "Ăn", "Ân", "Dung", "Đà Nẵng", "Em"]
    original_order, cnv_status = _sorted_vi(_qt_lib(), words)
    assert original_order == order
    assert cnv_status <= 0, "the untrimmed data opens Shift_JIS"


def test_converters_are_gone(trimmed: Path):
    _, cnv_status = _sorted_vi(trimmed, ["a"])
    assert cnv_status > 0, "Shift_JIS converter should be missing from the trimmed data"


def test_package_round_trip_keeps_items_byte_for_byte():
    lib = next(_qt_lib().glob("libicudata.so.*"))
    name, offset, size = icu_trim._symbol(lib)
    blob = lib.read_bytes()[offset : offset + size]
    header, items = icu_trim.read_package(blob)
    again_header, again = icu_trim.read_package(icu_trim.write_package(header, items))
    assert again_header == header
    assert [n for n, _ in again] == [n for n, _ in items]
    # Items keep their bytes (up to the 16-byte padding the format adds after each).
    assert all(
        b[: len(a.rstrip(b"\0"))] == a.rstrip(b"\0") for (_, a), (_, b) in zip(items, again, strict=True)
    )


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("icudt73l/coll/vi.res", True),
        ("icudt73l/coll/ucadata.icu", True),
        ("icudt73l/coll/fr.res", False),
        ("icudt73l/en_GB.res", True),
        ("icudt73l/ja_JP_TRADITIONAL.res", False),
        ("icudt73l/res_index.res", True),
        ("icudt73l/pool.res", True),
        ("icudt73l/supplementalData.res", True),
        ("icudt73l/ibm-1258_P100-1997.cnv", False),
        ("icudt73l/brkitr/cjdict.dict", False),
        ("icudt73l/brkitr/line.brk", True),
        ("icudt73l/translit/root.res", False),
        ("icudt73l/zone/vi.res", True),
    ],
)
def test_keep_rules(item: str, kept: bool):
    assert icu_trim.keep_item(item) is kept
