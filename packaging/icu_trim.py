"""Rebuilds Qt's ICU data library (``libicudata.so.NN``, 32 MB on Linux) with only what MotCua can use.

Why: on Linux, Qt Core links ICU, and ICU's data library is a fifth of the bundle.  Almost all of it
is data a Vietnamese counter program never touches: 230 character-set converters (Python does the
app's text decoding), dictionaries that split Chinese, Japanese, Thai, Lao, Khmer and Burmese text
into words, transliteration rules, and the names of currencies, units, zones and languages in 700
locales.  Kept: every non-locale item (Unicode properties and normalisation, the root collation
table, break rules, time-zone rules, plural rules, supplemental data) and the locale data of
``root``, Vietnamese and English, so Qt's Vietnamese collation (``QCollator``: Đ sorts after D) and
its locale-aware case mapping behave as before.  A locale whose data is gone falls back to root,
as ICU does for any locale it does not know.

How: the library's only export, ``icudtNN_dat``, is an ICU "common data" package (``CmnD``): a
header, a sorted table of contents (name offset, data offset), the names, then the items, each
16-byte aligned.  The package is read from the library, filtered, written back in the same format
and wrapped into a new shared object of the same soname with the GNU assembler and linker (binutils,
which PyInstaller already needs on Linux).  Nothing here runs on Windows (Qt uses the system's ICU).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

KEEP_LANGUAGES = {"root", "en", "vi"}
# Item names that look like locales but are package indexes.
ALWAYS_KEEP = {"res_index.res", "pool.res"}
_LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]*)*\.res$")
ALIGN = 16


class TrimError(RuntimeError):
    """The library is not what this module expects; the caller keeps the original."""


def _symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the ``icudtNN_dat`` export, read with ``readelf``."""
    dyn = subprocess.run(["readelf", "--dyn-syms", "-W", str(library)], capture_output=True, text=True)
    match = re.search(
        r":\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt\d+_dat)", dyn.stdout
    )
    if not match:
        raise TrimError(f"{library.name}: no icudtNN_dat symbol")
    address, size, section, name = int(match[1], 16), int(match[2], 0), int(match[3]), match[4]
    sections = subprocess.run(["readelf", "-S", "-W", str(library)], capture_output=True, text=True).stdout
    for line in sections.splitlines():
        cols = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if cols and int(cols[1]) == section:
            section_address, section_offset = int(cols[3], 16), int(cols[4], 16)
            return name, section_offset + address - section_address, size
    raise TrimError(f"{library.name}: section {section} of {name} not found")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Splits an ICU common-data package into its header and its (name, item) list, in TOC order."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise TrimError("not an ICU common data package (little-endian CmnD)")
    count = struct.unpack_from("<I", blob, header_size)[0]
    toc = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(toc):
        start = header_size + name_offset
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        end = header_size + toc[i + 1][1] if i + 1 < count else len(blob)
        items.append((name, blob[header_size + data_offset : end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package format ``read_package`` reads (names sorted as before: ICU binary-searches them)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    data_start = -(-(toc_size + len(names)) // ALIGN) * ALIGN
    toc, name_offset, data_offset, body = [], toc_size, data_start, bytearray()
    for name, data in items:
        toc.append(struct.pack("<II", name_offset, data_offset))
        name_offset += len(name) + 1
        padded = data + b"\0" * (-len(data) % ALIGN)
        body += padded
        data_offset += len(padded)
    head = struct.pack("<I", len(items)) + b"".join(toc) + names
    return header + head + b"\0" * (data_start - len(head)) + bytes(body)


def keep_item(name: str) -> bool:
    """Whether one package item (``icudt73l/coll/vi.res``) stays in the trimmed data."""
    path = name.split("/", 1)[1] if "/" in name else name
    tree, _, leaf = path.rpartition("/")
    if leaf.endswith(".cnv"):
        return False  # character-set converters: MotCua decodes text in Python
    if tree == "translit":
        return False  # transliteration rules: unused by Qt
    if tree == "brkitr" and leaf.endswith(".dict"):
        return False  # word dictionaries for CJK, Thai, Lao, Khmer, Burmese
    if leaf in ALWAYS_KEEP:
        return True
    locale = _LOCALE.match(leaf)
    return locale is None or locale[1] in KEEP_LANGUAGES


def trim(library: Path, out_dir: Path) -> Path:
    """Writes the trimmed library (same file name and soname) into ``out_dir`` and returns its path."""
    for tool in ("readelf", "as", "ld"):
        if shutil.which(tool) is None:
            raise TrimError(f"{tool} (binutils) is missing")
    name, offset, size = _symbol(library)
    blob = library.read_bytes()[offset : offset + size]
    header, items = read_package(blob)
    kept = [(n, d) for n, d in items if keep_item(n)]
    out_dir.mkdir(parents=True, exist_ok=True)
    data = out_dir / f"{name}.dat"
    data.write_bytes(write_package(header, kept))
    asm = out_dir / f"{name}.s"
    asm.write_text(
        "\t.section .rodata\n"
        f"\t.globl {name}\n\t.type {name}, @object\n\t.balign {ALIGN}\n"
        f'{name}:\n\t.incbin "{data.name}"\n\t.size {name}, . - {name}\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    obj = out_dir / f"{name}.o"
    target = out_dir / library.name
    soname = library.name  # libicudata.so.73: the soname is the file name PySide6 ships
    subprocess.run(["as", "-o", obj.name, asm.name], cwd=out_dir, check=True)
    subprocess.run(["ld", "-shared", "-soname", soname, "-o", str(target), obj.name], cwd=out_dir, check=True)
    print(
        f"MotCua: ICU data {len(items)} -> {len(kept)} items, "
        f"{library.stat().st_size / 1e6:.1f} MB -> {target.stat().st_size / 1e6:.1f} MB"
    )
    return target
