"""Builds the release bundle from ``build.spec`` and zips it: ``dist/MotCua/`` and
``dist/MotCua-<version>-<platform>.zip``, then prints both sizes and what dominates the folder.

Why a script rather than a bare ``pyinstaller`` call: the same steps run here, in CI and on the
Windows runner (a fresh machine), so it also makes sure the tools are there: ``.venv`` through
``scripts/dev.py``, PyInstaller through the ``build`` extra, binutils (objdump/strip) on Linux.
Usage: ``python3 scripts/build_bundle.py [--smoke]`` (``--smoke``: scripts/smoke_frozen.py on the zip).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dev  # noqa: E402  (scripts/dev.py: the one place that knows how the venv is made)

ROOT = dev.ROOT
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP = "MotCua"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    machine = {"amd64": "x64", "x86_64": "x64", "aarch64": "arm64"}.get(machine, machine)
    return f"{system}-{machine}"


def ensure_build_tools() -> None:
    """The venv with the app and its test extras, plus PyInstaller from the ``build`` extra."""
    dev.ensure_venv("test")
    probe = subprocess.run([str(dev.PY), "-c", "import PyInstaller"], capture_output=True)
    if probe.returncode != 0:
        print("Cài PyInstaller (nhóm build) ...", flush=True)
        dev.run(dev.PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[test,build]")
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        if shutil.which("apt-get") and os.geteuid() == 0:
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
            dev.run("apt-get", "install", "-y", "-qq", "binutils", env=env)
        else:
            raise SystemExit("PyInstaller cần objdump/strip trên Linux: cài gói binutils.")


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def zip_bundle(folder: Path, target: Path) -> None:
    """Zips ``folder`` as ``MotCua/...``; symlinks (Linux) are stored as links, not copied twice."""
    target.unlink(missing_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(folder.rglob("*")):
            arcname = Path(folder.name, path.relative_to(folder)).as_posix()
            if path.is_symlink():
                info = zipfile.ZipInfo(arcname)
                info.create_system = 3  # Unix, so unzip restores the link
                info.external_attr = 0o120777 << 16
                zf.writestr(info, os.readlink(path))
            elif path.is_file():
                zf.write(path, arcname)


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def report_sizes(folder: Path, archive: Path) -> None:
    internal = folder / "_internal"
    parts = [(folder_size(p) if p.is_dir() else p.lstat().st_size, p) for p in internal.iterdir()]
    print("\nLớn nhất trong _internal:")
    for size, path in sorted(parts, reverse=True)[:10]:
        print(f"  {mb(size):>9}  {path.name}")
    print(f"\nThư mục: {folder}  {mb(folder_size(folder))}")
    print(f"Tệp zip: {archive}  {mb(archive.stat().st_size)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Đóng gói MotCua (PyInstaller, build.spec) và nén zip.")
    parser.add_argument("--smoke", action="store_true", help="chạy scripts/smoke_frozen.py sau khi đóng gói")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    ensure_build_tools()
    tools_done = time.perf_counter()
    dev.run(
        dev.PY, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", DIST, "--workpath", WORK, ROOT / "build.spec",
        cwd=ROOT,
    )  # fmt: skip
    built = time.perf_counter()
    folder = DIST / APP
    archive = DIST / f"{APP}-{version()}-{platform_tag()}.zip"
    zip_bundle(folder, archive)
    zipped = time.perf_counter()
    report_sizes(folder, archive)
    print(
        f"Thời gian: công cụ {tools_done - started:.0f} s, PyInstaller {built - tools_done:.0f} s, "
        f"nén {zipped - built:.0f} s",
        flush=True,
    )
    if args.smoke:
        dev.ensure_qt_system_libraries()  # the window step needs the system's EGL/fontconfig on Linux
        # The smoke test runs what ships: the zip, unpacked to a temporary folder.
        smoke = [str(dev.PY), str(ROOT / "scripts" / "smoke_frozen.py"), "--zip", str(archive)]
        return subprocess.run(smoke).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
