"""Content-addressed files beside a SQLite register: ``<db stem>.tep/ab/cdef…``.

Why beside the database and not in it: see ``core.attachments``. Here is how it stays safe:

- A file's name is the SHA-256 of its bytes, so the same scan attached twice is stored once,
  and a name that no longer matches its content proves the file was altered.
- Written atomically: a temporary file in the same folder, ``fsync``, ``os.replace``, then an
  ``fsync`` of the folder. A power cut leaves either no file or the whole file, never half a
  scan; a leftover ``*.dang-ghi`` is only a temporary file, swept later.
- Never deleted while referenced: the store never removes a file on its own. ``sweep`` removes
  only what the caller proves unreferenced (the set of hashes the database still names) and
  only files older than a grace period, so a file written by an attach whose database
  transaction has not committed yet is never taken.
- Written *before* the database row: if the row's transaction fails, an orphan file is left
  (harmless, swept later); the other order could leave a row naming a file that never was.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.attachments.content import sha256_hex
from core.errors import MotCuaError
from core.filesafety import os_reason

_HEX = re.compile(r"^[0-9a-f]{64}$")
PARTIAL = ".dang-ghi"


def blob_dir_for(db_path: str | Path) -> Path:
    """``…/motcua.sqlite3`` keeps its files in ``…/motcua.tep`` (tệp: files)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".tep")


@dataclass(frozen=True)
class BlobState:
    """What ``check`` found for one hash: ``ok``, ``missing`` or ``altered``."""

    sha256: str
    state: str
    path: Path


class FileBlobStore:
    """Immutable files named by their SHA-256 in a two-level folder (256 sub-folders)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @classmethod
    def beside(cls, db_path: str | Path) -> FileBlobStore:
        return cls(blob_dir_for(db_path))

    def path(self, sha256: str) -> Path:
        if not _HEX.match(sha256):
            raise MotCuaError(f"Mã SHA-256 “{sha256}” không hợp lệ.")
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data``; returns its hash. A file already there with the right bytes is kept."""
        digest = sha256 or sha256_hex(data)
        target = self.path(digest)
        if target.is_file() and target.stat().st_size == len(data) and self._matches(target, digest):
            return digest
        partial = target.with_name(f"{target.name}.{os.getpid()}{PARTIAL}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise MotCuaError(f"Không ghi được tệp đính kèm vào {self.root}: {os_reason(exc)}.") from exc
        return digest

    def read(self, sha256: str) -> bytes:
        """The bytes, checked against their hash: a changed file is never handed out as the scan."""
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise MotCuaError(f"Mất tệp đính kèm {sha256[:12]}… (không còn trong {self.root}).") from exc
        except OSError as exc:
            raise MotCuaError(f"Không đọc được tệp đính kèm {sha256[:12]}…: {os_reason(exc)}.") from exc
        if sha256_hex(data) != sha256:
            raise MotCuaError(f"Tệp đính kèm {sha256[:12]}… đã bị sửa (nội dung không khớp mã SHA-256).")
        return data

    def check(self, sha256: str) -> BlobState:
        path = self.path(sha256)
        if not path.is_file():
            return BlobState(sha256, "missing", path)
        return BlobState(sha256, "ok" if self._matches(path, sha256) else "altered", path)

    def hashes(self) -> Iterator[str]:
        """Every complete file in the store (temporary files left by a crash are not blobs)."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if not (sub.is_dir() and len(sub.name) == 2):
                continue
            for f in sorted(sub.iterdir()):
                digest = sub.name + f.name
                if _HEX.match(digest) and f.is_file():
                    yield digest

    def size(self) -> int:
        return sum(self.path(h).stat().st_size for h in self.hashes())

    def sweep(self, referenced: Iterable[str], grace_seconds: float = 24 * 3600) -> list[str]:
        """Remove files no row names any more and temporary leftovers, older than the grace period."""
        keep = set(referenced)
        limit = time.time() - grace_seconds
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        for sub in self.root.iterdir():
            if not sub.is_dir():
                continue
            for f in sub.iterdir():
                digest = sub.name + f.name
                stale = f.name.endswith(PARTIAL) or (_HEX.match(digest) and digest not in keep)
                with contextlib.suppress(OSError):
                    if stale and f.stat().st_mtime < limit:
                        f.unlink()
                        removed.append(digest)
        return removed

    def copy_to(self, other: FileBlobStore, hashes: Iterable[str]) -> int:
        """Copy the named files into ``other`` (a backup's folder), skipping those it has; returns
        how many were copied. Each copy is checked against its hash first: a damaged file is not
        carried into a backup as if it were good (``MotCuaError`` names it)."""
        copied = 0
        for digest in hashes:
            if other.has(digest) and other.check(digest).state == "ok":
                continue
            other.put(self.read(digest), digest)
            copied += 1
        return copied

    @staticmethod
    def _matches(path: Path, sha256: str) -> bool:
        import hashlib

        h = hashlib.sha256()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError:
            return False
        return h.hexdigest() == sha256


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder and needs no call."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
