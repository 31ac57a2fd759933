"""One command for a fresh machine: ``python3 scripts/dev.py app`` or ``python3 scripts/dev.py test``.

``test`` takes pytest's arguments; with no test path it runs the whole suite on every core
(pytest-xdist, one worker per test file: files keep their order and module fixtures).
``test --today 2027-06-15`` runs it as if the wall clock said that day (MOTCUA_NOW, which the
suite and every program it starts read; see CONTRIBUTING.md).

Creates ``.venv`` beside the project, installs MotCua with its test extras whenever
``pyproject.toml`` changed, installs the few system libraries Qt needs on a bare Linux
(when run as root with apt), then runs the app or the test suite.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".motcua-installed"
QT_DEBS = [
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libglib2.0-0",
    "binutils",  # readelf/as/ld: the bundle's ICU trim and its test (tests/test_build_icu_trim.py)
]
# What the test suite runs for real besides Qt: a throw-away PostgreSQL cluster, a SoftHSM2
# PKCS#11 token, and poppler's pdfsig/pdftoppm as a second opinion on signed and printed PDFs.
TEST_DEBS = ["postgresql", "softhsm2", "poppler-utils"]


def run(*cmd: str | Path, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        print("Tạo môi trường ảo .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print(f"Cài MotCua và thư viện ({extras}) ...", flush=True)
        run(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[{extras}]")
        STAMP.write_text(wanted)


def ensure_qt_system_libraries(extra: list[str] | None = None) -> None:
    """A bare Debian/Ubuntu lacks the EGL/xkb/fontconfig libraries Qt loads; install them once
    (with ``extra``, also the programs the tests drive)."""
    if not sys.platform.startswith("linux") or not shutil.which("apt-get"):
        return
    if os.geteuid() != 0:
        return
    missing = []
    for deb in [*QT_DEBS, *(extra or [])]:
        probe = subprocess.run(["dpkg-query", "-W", "-f=${Status}", deb], capture_output=True, text=True)
        if "install ok installed" not in probe.stdout:
            missing.append(deb)
    if missing:
        print("Cài gói hệ thống: " + " ".join(missing), flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        run("apt-get", "install", "-y", "-qq", *missing, env=env)


def parallel(args: list[str]) -> list[str]:
    """``-n auto --dist loadfile`` for a whole-suite run, unless the caller chose (``-n``, ``-p no:xdist``)
    or named what to run (one file is quicker in one process)."""
    named = [a for a in args if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()]
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist" for a in args)
    return [] if named or chosen else ["-n", "auto", "--dist", "loadfile"]


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "app"
    rest = argv[1:]
    if what == "test":
        ensure_venv("test")
        ensure_qt_system_libraries(TEST_DEBS)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        return subprocess.run([str(PY), "-m", "pytest", *parallel(rest), *rest], cwd=ROOT, env=env).returncode
    if what == "app":
        ensure_venv("test")
        ensure_qt_system_libraries()
        return subprocess.run([str(BIN / "motcua"), *rest], cwd=ROOT).returncode
    if what == "cli":
        ensure_venv("test")
        return subprocess.run([str(BIN / "motcua"), *rest], cwd=ROOT).returncode
    print("Dùng: python3 scripts/dev.py app | test [pytest args] | cli [motcua args]")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
