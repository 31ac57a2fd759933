"""Runs the frozen bundle (``dist/MotCua``) the way a ward's IT officer would, from outside the checkout.

Why: a PyInstaller build can succeed and still ship a program that cannot find its catalogue,
fonts or holiday names.  Every step here runs the *frozen* ``motcua-cli`` in a temporary folder
with a temporary data folder, so nothing can resolve from the source tree by accident, and reads
the written files back (PDF text with pypdf, workbook with openpyxl).

Steps for commands another engineer has not landed yet (``receipt``, ``report``, the window) are
reported as SKIPPED with the reason, never as passes; they run as soon as the source has them.
Usage: ``.venv/bin/python scripts/smoke_frozen.py [--dist dist/MotCua | --zip dist/MotCua-*.zip]``;
exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if os.name == "nt" else ""
WARD = "Phường Bến Thành"
AGENCY = "000.00.01.H29"
APPLICANT = "Nguyễn Thị Hồng Nhung"
SMTP_USER = "motcua@phuongbenthanh.gov.vn"
WINDOW_GRACE_S = 20  # the window must still be up after this long; a start-up crash exits sooner


class StepFailed(Exception):
    pass


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def source_has_command(module: str, command: str) -> bool:
    """True when the checkout the bundle was built from defines ``command`` in ``cli/<module>.py``."""
    path = ROOT / "cli" / f"{module}.py"
    pattern = rf"add_parser\(\s*[\"']{command}[\"']"
    return path.exists() and re.search(pattern, path.read_text("utf-8")) is not None


class Smoke:
    def __init__(self, dist: Path, work: Path):
        self.cli = dist / f"motcua-cli{EXE}"
        self.gui = dist / f"MotCua{EXE}"
        self.dist = dist
        self.work = work
        self.data = work / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "PYTHON"))}
        self.env.update(MOTCUA_DATA_DIR=str(self.data), QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
        self.results: list[tuple[str, str, str]] = []
        self.code = ""
        self.report_id = ""

    def run(
        self,
        *args: str,
        user: str | None = None,
        stdin: str | None = None,
        expect: tuple[int, ...] = (0,),
        env: dict[str, str] | None = None,
    ) -> str:
        """Runs the frozen ``motcua-cli``; stdout (plus stderr when a refusal is allowed) as NFC text."""
        env = dict(self.env, **(env or {}), **({"MOTCUA_USER": user} if user else {}))
        if user:  # acting as a person takes their password (the demo's), first line on stdin
            stdin = "motcua123\n" + (stdin or "")
        proc = subprocess.run(
            [str(self.cli), *args],
            cwd=self.work,
            env=env,
            capture_output=True,
            timeout=600,
            input=stdin.encode("utf-8") if stdin is not None else b"",
        )
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode not in expect or "Traceback" in err:
            raise StepFailed(f"motcua-cli {' '.join(args)} -> exit {proc.returncode}\n{out}{err}")
        return nfc(out if expect == (0,) else out + err)

    def step(self, name: str, check: Callable[[], str], skip_reason: str | None = None) -> None:
        if skip_reason:
            self.results.append((name, "SKIPPED", skip_reason))
            print(f"SKIPPED  {name}: {skip_reason}", flush=True)
            return
        started = time.perf_counter()
        try:
            detail = check()
            status = "PASS"
        except Exception as exc:  # any failure of a step is reported, and the other steps still run
            detail, status = f"{type(exc).__name__}: {exc}", "FAIL"
        took = time.perf_counter() - started
        self.results.append((name, status, detail))
        print(f"{status:8} {name} ({took:.1f} s): {detail}", flush=True)

    # --- the steps --------------------------------------------------------------------------------

    def bundle_layout(self) -> str:
        internal = self.dist / "_internal"
        for rel in ("resources/catalogue/procedures.csv", "resources/icons/motcua.png", "resources/fonts"):
            assert (internal / rel).exists(), f"{rel} is missing from the bundle"
        assert self.gui.exists() and self.cli.exists(), "both programs must sit in the same folder"
        fonts = sorted(p.name for p in (internal / "resources" / "fonts").glob("*.ttf"))
        return f"resources present; fonts: {', '.join(fonts) or 'none yet'}"

    def links(self) -> str:
        """Every bundled shared library finds what it links to (the spec prunes libraries by link closure)."""
        internal = self.dist / "_internal"
        search = [internal, internal / "PySide6" / "Qt" / "lib", internal / "pillow.libs"]
        env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(str(p) for p in search))
        objects = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
        missing = []
        for path in objects:
            out = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True).stdout
            missing += [
                f"{path.relative_to(internal)}: {line.strip()}"
                for line in out.splitlines()
                if "not found" in line
            ]
        assert not missing, "unresolved libraries:\n" + "\n".join(missing)
        return f"{len(objects)} shared objects, every dependency resolves"

    def version(self) -> str:
        expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
        out = self.run("--version").strip()
        assert out == f"MotCua {expected}", f"--version printed {out!r}, pyproject says {expected}"
        return out

    def init(self) -> str:
        out = self.run("init", "--ward-name", WARD, "--agency-code", AGENCY)
        match = re.search(r"danh mục có (\d+) thủ tục", out)
        assert match and int(match.group(1)) > 0, f"catalogue not loaded from the bundle: {out!r}"
        db = self.data / "motcua.sqlite3"
        assert db.exists(), f"the database is not in the data folder {self.data}"
        return f"{out.strip()} [{db.stat().st_size} bytes in the data folder]"

    def demo(self) -> str:
        out = self.run("demo", "--dossiers", "120", "--days", "45")
        assert "hồ sơ mẫu" in out, out
        return out.splitlines()[0]

    def holidays(self) -> str:
        out = self.run("calendar", "list", "--year", "2026")
        assert "Tết Nguyên Đán" in out and "Giỗ Tổ Hùng Vương" in out, f"holiday names missing: {out[:300]!r}"
        return f"{len(out.splitlines())} days, Vietnamese names resolve"

    def intake(self) -> str:
        code = self.run("procedures").splitlines()[0].split("\t")[0]
        self.code = self.run(
            "intake",
            "--procedure",
            code,
            "--applicant",
            APPLICANT,
            "--id-number",
            "079190001234",
            "--phone",
            "0903123456",
            "--address",
            "12 Lê Lợi, Phường Bến Thành",
            user="canbo1",
        ).strip()
        assert self.code.startswith(AGENCY), self.code
        return self.code

    def receipt(self) -> str:
        from pypdf import PdfReader

        out_pdf = self.work / "giay-tiep-nhan.pdf"
        self.run("receipt", self.code, "--out", str(out_pdf), user="canbo1")
        reader = PdfReader(out_pdf)
        text = nfc("".join(page.extract_text() or "" for page in reader.pages))
        assert APPLICANT in text, f"applicant name not in the PDF text: {text[:300]!r}"
        assert self.code in text, "dossier code not in the PDF text"
        fonts = set()
        for page in reader.pages:
            for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
                fonts.add(str(font.get_object().get("/BaseFont", "")))
        bundled = {p.stem for p in (self.dist / "_internal" / "resources" / "fonts").glob("*.ttf")}
        assert any(stem in name for name in fonts for stem in bundled), f"no bundled font embedded: {fonts}"
        return f"{len(reader.pages)} page(s), {out_pdf.stat().st_size} bytes, fonts {sorted(fonts)}"

    @staticmethod
    def _workbook_cells(path: Path) -> tuple[int, list[str]]:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
        assert cells, f"{path.name} is empty"
        vietnamese = any(any(ch in c for ch in "ăâđêôơưạảấầẩẫậ") for c in cells)
        assert vietnamese, f"no Vietnamese text in {path.name}"
        return len(book.sheetnames), cells

    def report(self) -> str:
        """The month's report: figures saved as a draft and written as a workbook, read back."""
        out_xlsx = self.work / "bao-cao-thang.xlsx"
        out = self.run("report", "--preset", "month", "--out", str(out_xlsx), user="canbo1")
        match = re.search(r"report sign (\d+)", out)
        assert match, f"no draft id in the output: {out[-300:]!r}"
        self.report_id = match.group(1)
        sheets, cells = self._workbook_cells(out_xlsx)
        assert any("Tổng" in c or "TỔNG" in c for c in cells), "no total row in the report workbook"
        size = out_xlsx.stat().st_size
        return f"draft {self.report_id}: {sheets} sheet(s), {len(cells)} filled cells, {size} bytes"

    def report_sign_eml(self) -> str:
        """Vice-chair signs (argon2 password check, frozen), then the report goes out as an .eml draft."""
        import email
        from email import policy

        assert self.report_id, "the report step must run first"
        self.run("report", "sign", self.report_id, "--user", "phochutich", stdin="motcua123\n")
        eml = self.work / "bao-cao.eml"
        self.run("report", "send", self.report_id, "--eml", str(eml), user="canbo1")
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        subject = nfc(str(message["Subject"]))
        assert "áo cáo" in subject, f"subject not Vietnamese: {subject!r}"
        attachments = [(part.get_filename() or "") for part in message.iter_attachments()]
        xlsx = [a for a in attachments if a.endswith(".xlsx")]
        assert xlsx, f"no workbook attached: {attachments}"
        data = next(p for p in message.iter_attachments() if (p.get_filename() or "").endswith(".xlsx"))
        (self.work / "attached.xlsx").write_bytes(data.get_content())
        self._workbook_cells(self.work / "attached.xlsx")
        return f"signed; .eml {eml.stat().st_size} bytes, subject “{subject}”, attachment {nfc(xlsx[0])}"

    def day_summary(self) -> str:
        out_xlsx = self.work / "tong-hop-ngay.xlsx"
        self.run("day-summary", "--out", str(out_xlsx), user="canbo1")
        sheets, cells = self._workbook_cells(out_xlsx)
        return f"{sheets} sheet(s), {len(cells)} filled cells"

    def _set_mail_settings(self, port: int) -> None:
        """The mail settings, through ``motcua settings set`` as the demo's administrator."""
        values = {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "ssl",
            "smtp_user": SMTP_USER,
            "smtp_sender": SMTP_USER,
            "report_recipients": "vanphong@ubnd.test",
        }
        self.run("settings", "set", *(f"{k}={v}" for k, v in values.items()), user="quantri")

    def keyring_status(self) -> str:
        """keyring loads its backends frozen (entry points): an answer, or a clear Vietnamese refusal
        when the machine has no credential store (this Linux box has no Secret Service), never a crash."""
        self._set_mail_settings(465)
        out = self.run("smtp-password", "status", expect=(0, 1, 2))
        assert "mật khẩu" in out, f"no Vietnamese answer: {out!r}"
        if os.name == "nt":  # the runner's Credential Manager: store, read back, forget
            self.run("smtp-password", "set", stdin="mat-khau-thu\n")
            stored = self.run("smtp-password", "status")
            assert "Đã lưu" in stored, stored
            self.run("smtp-password", "delete")
            return f"Windows Credential Manager: set, status, delete; {stored.strip()}"
        return out.strip().splitlines()[-1]

    def smtp_ssl_send(self) -> str:
        """day-summary --send over implicit TLS with AUTH to a loopback server: ssl/smtplib/email frozen.

        keyring is pointed at its null backend (nothing stored), so the password comes from stdin
        as it does on a machine whose credential store holds none; the frozen OpenSSL trusts the
        test CA through SSL_CERT_FILE."""
        sys.path.insert(0, str(ROOT / "tests"))
        from smtp_helpers import smtp_server

        with smtp_server(auth_password="mat-khau-thu", auth_user=SMTP_USER, tls="ssl") as server:
            self._set_mail_settings(server.port)
            ca = self.work / "ca.pem"
            ca.write_text(server.ca_pem, encoding="ascii")
            extra = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "SSL_CERT_FILE": str(ca)}
            self.run("day-summary", "--send", user="canbo1", stdin="mat-khau-thu\n", env=extra)
            assert server.messages, "the server received nothing"
            message = server.messages[-1]
        names = [p.get_filename() or "" for p in message.iter_attachments()]
        assert any(n.endswith(".xlsx") for n in names), f"no workbook attached: {names}"
        return f"sent over SSL with AUTH; subject “{nfc(str(message['Subject']))}”, attachments {names}"

    def codecs(self) -> str:
        """Python's codecs for Vietnamese text ship (cp1258, UTF-8); the CJK codec extensions do not."""
        internal = self.dist / "_internal"
        with zipfile.ZipFile(internal / "base_library.zip") as zf:
            names = set(zf.namelist())
        for codec in ("cp1258", "utf_8", "utf_8_sig", "utf_16", "cp1252"):
            assert f"encodings/{codec}.pyc" in names, f"encodings.{codec} is missing from base_library.zip"
        cjk = sorted(p.name for p in internal.rglob("_codecs_*") if p.suffix in {".so", ".pyd"})
        assert not cjk, f"CJK codecs should be excluded: {cjk}"
        return "encodings.cp1258/utf_8/utf_16/cp1252 present; no _codecs_* extensions"

    def print_path(self) -> str:
        """The windowed program's self-test: the receipt through the real print path, Vietnamese sort."""
        from pypdf import PdfReader

        folder = self.work / "selftest"
        folder.mkdir(exist_ok=True)
        receipt = self.work / "giay-tiep-nhan.pdf"
        assert receipt.exists(), "the receipt step must run first"
        (folder / "in.pdf").write_bytes(receipt.read_bytes())
        proc = subprocess.run(
            [str(self.gui), "--selftest", str(folder)],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            timeout=300,
        )
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0:
            raise StepFailed(f"MotCua --selftest -> exit {proc.returncode}\n{err}")
        printed = PdfReader(folder / "printed.pdf")
        source = PdfReader(receipt)
        assert len(printed.pages) == len(source.pages), (
            f"{len(printed.pages)} pages printed of {len(source.pages)}"
        )
        size = [round(float(v)) for v in printed.pages[0].mediabox[2:]]
        want = [round(float(v)) for v in source.pages[0].mediabox[2:]]
        assert all(abs(a - b) <= 2 for a, b in zip(size, want, strict=True)), (
            f"page {size} pt, receipt {want} pt"
        )
        order = (folder / "collation.txt").read_text("utf-8").split("\n")
        # Vietnamese alphabet a ă â ... d đ e: needs the Vietnamese collation data (trimmed ICU on Linux).
        expected = ["Anh", "Ăn", "Ân", "Dung", "Đà Nẵng", "Em"]
        assert [nfc(w) for w in order] == expected, f"Vietnamese sort order wrong: {order}"
        shot = folder / "today.png"
        assert shot.exists() and shot.stat().st_size > 20_000, (
            "no Today screenshot (Qt Charts) from the window"
        )
        keep = ROOT / "build" / "smoke-today.png"  # kept for a look after the run
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_bytes(shot.read_bytes())
        return (
            f"{len(printed.pages)} page(s) printed via pypdfium2 + QPrinter; sort {' < '.join(order)}; "
            f"Today screen {shot.stat().st_size} bytes (copy: build/smoke-today.png)"
        )

    def import_register(self) -> str:
        """An old register in cp1258 (Vietnamese Windows) and one typed in TCVN3, imported frozen.

        Exercises Python's cp1258 codec in the bundle (the CJK codecs are gone) and core/legacy_text's
        TCVN3 conversion; the names must come back as NFC Unicode from ``show``."""
        import csv
        import io
        import json

        sys.path.insert(0, str(ROOT))
        from core.legacy_text import encode_cp1258, encode_tcvn3

        code = self.run("procedures").splitlines()[0].split("\t")[0]
        header = ["Mã hồ sơ", "Mã thủ tục", "Người nộp", "Ngày nhận", "Trạng thái", "Ngày có kết quả"]
        files = {
            "so-cu-cp1258.csv": (
                [["CU-1", code, "Nguyễn Thị Ưởng", "02/11/2026 08:30", "Đã có kết quả", "04/11/2026 10:00"],
                 ["CU-2", code, "Đặng Đức Thắng", "03/11/2026 09:00", "Đang giải quyết", ""]],
                encode_cp1258,
            ),
            "so-cu-tcvn3.csv": (
                [["CU-3", code, "Trần Thị Hương Giang", "05/11/2026 14:00", "Đang giải quyết", ""]],
                lambda text: encode_tcvn3(text).encode("cp1252"),
            ),
        }  # fmt: skip
        summaries = []
        for name, (rows, encode) in files.items():
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
            path = self.work / name
            path.write_bytes(encode(buffer.getvalue()))
            dry = json.loads(self.run("import-register", str(path), "--dry-run", "--json", user="quantri"))
            want = "cp1258" if "cp1258" in name else "cp1252"  # TCVN3 bytes read as cp1252, then converted
            assert dry["encoding"] == want and dry["would_import"] == len(rows), dry
            out = self.run("import-register", str(path), user="quantri")
            assert f"Đã nhập {len(rows)} hồ sơ" in out, out
            summaries.append(out.splitlines()[0])
            for row in rows:
                shown = self.run("show", row[0])
                assert row[2] in shown, f"{row[2]!r} not shown for {row[0]}: {shown[:300]!r}"
        return " | ".join(summaries)

    def consolidate(self) -> str:
        """The city office's roll-up of signed ward workbooks; an unsigned draft is refused with a reason."""
        signed, draft = self.work / "attached.xlsx", self.work / "bao-cao-thang.xlsx"
        assert signed.exists() and draft.exists(), "the report steps must run first"
        out_xlsx = self.work / "thanh-pho.xlsx"
        out = self.run("consolidate", str(signed), str(draft), "--out", str(out_xlsx), expect=(0, 1))
        assert out_xlsx.exists(), out
        sheets, cells = self._workbook_cells(out_xlsx)
        return f"{sheets} sheet(s), {len(cells)} cells; {' '.join(out.split())[:160]}"

    def window(self) -> str:
        """The windowed program must start on the offscreen platform and stay up (no start-up crash)."""
        proc = subprocess.Popen(
            [str(self.gui)], cwd=self.work, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            proc.wait(timeout=WINDOW_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            err = proc.stderr.read().decode("utf-8", "replace")
            if "Traceback" in err:
                raise StepFailed(f"the window is up but raised:\n{err}") from None
            return f"window still running after {WINDOW_GRACE_S} s on the offscreen platform; closed"
        err = proc.stderr.read().decode("utf-8", "replace")
        raise StepFailed(f"the window exited with {proc.returncode} at start-up:\n{err}")


def unzip(archive: Path, into: Path) -> Path:
    """Unpacks the release zip as ``unzip`` would (file modes and symlinks kept); returns ``MotCua/``."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = into / info.filename
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(zf.read(info).decode("utf-8"))
                continue
            zf.extract(info, into)
            if mode and os.name != "nt":
                target.chmod(stat.S_IMODE(mode))
    return into / "MotCua"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dist", type=Path, default=ROOT / "dist" / "MotCua", help="the bundle folder")
    source.add_argument("--zip", type=Path, help="the release zip: unpacked to a temporary folder first")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="motcua-smoke-") as tmp:
        dist = unzip(args.zip, Path(tmp) / "unzipped") if args.zip else args.dist.resolve()
        if not (dist / f"motcua-cli{EXE}").exists():
            print(f"No bundle at {dist}: run scripts/build_bundle.py first.", file=sys.stderr)
            return 1
        print(f"Frozen smoke on {args.zip or dist}", flush=True)
        work = Path(tmp) / "work"
        work.mkdir()
        s = Smoke(dist, work)
        s.step("bundle layout", s.bundle_layout)
        linux = sys.platform.startswith("linux")
        s.step("link check", s.links, None if linux else "ldd check runs on Linux only")
        s.step("codecs (cp1258, UTF-8 kept; CJK dropped)", s.codecs)
        s.step("--version", s.version)
        s.step("init (catalogue from the bundle)", s.init)
        s.step("demo", s.demo)
        s.step("calendar list (holiday names)", s.holidays)
        s.step("intake", s.intake)
        pending = "not in the source tree yet"
        has_receipt = source_has_command("cmd_forms", "receipt")
        s.step("receipt PDF (bundled fonts)", s.receipt, None if has_receipt else f"receipt: {pending}")
        s.step(
            "print path + Vietnamese collation (MotCua --selftest)",
            s.print_path,
            None if has_receipt else f"receipt: {pending}",
        )
        has_report = source_has_command("cmd_reports", "report")
        s.step("monthly report xlsx", s.report, None if has_report else f"report: {pending}")
        s.step("report sign + .eml", s.report_sign_eml, None if has_report else f"report: {pending}")
        has_day = source_has_command("cmd_reports", "day-summary")
        s.step("day-summary xlsx", s.day_summary, None if has_day else f"day-summary: {pending}")
        has_mail = source_has_command("cmd_email", "smtp-password")
        s.step(
            "keyring (smtp-password status)",
            s.keyring_status,
            None if has_mail else f"smtp-password: {pending}",
        )
        s.step("day-summary --send (SSL, AUTH)", s.smtp_ssl_send, None if has_day and has_mail else pending)
        has_window = (ROOT / "gui" / "app.py").exists()
        has_consolidate = source_has_command("cmd_reports", "consolidate")
        s.step(
            "consolidate (city roll-up)",
            s.consolidate,
            None if has_consolidate else f"consolidate: {pending}",
        )
        has_import = source_has_command("cmd_import", "import-register")
        s.step(
            "import-register (cp1258 CSV, TCVN3 CSV)",
            s.import_register,
            None if has_import else f"import-register: {pending}",
        )
        s.step("window starts (offscreen)", s.window, None if has_window else f"gui/app.py: {pending}")
    failed = [r for r in s.results if r[1] == "FAIL"]
    skipped = [r for r in s.results if r[1] == "SKIPPED"]
    passed = len(s.results) - len(failed) - len(skipped)
    print(f"\nFrozen smoke: {passed} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
