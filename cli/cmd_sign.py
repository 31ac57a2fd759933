"""Digital signatures on the command line: the report PDF, signing it, verifying a ward's PDF.

``motcua report pdf ID --out F.pdf``          the report as a PDF (a draft too), not signed
``motcua report sign ID --user LOGIN --pkcs12 F.p12``  or ``--pkcs11-lib LIB [--token-label L]
[--key-label K]``: the account password, then the passphrase or PIN, one per line on stdin
(no echo on a terminal). Without a key option the password-only sign-off runs as before.
``motcua verify-report F.pdf [--trust DIR] [--json]``  exit 0 only for a valid signature.

The report sub-commands are hung on ``motcua report`` by cli/cmd_reports.py; verify-report is a
command of its own (a city office runs it without a ward database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from cli.context import CliContext
from core import reporting as rp
from core.errors import MotCuaError, ValidationError
from core.filesafety import write_whole


def add_commands(sub) -> None:
    p = sub.add_parser(
        "verify-report",
        help="kiểm tra chữ ký số của tệp PDF báo cáo (mã thoát 0 chỉ khi chữ ký hợp lệ)",
        description="Kiểm tra chữ ký số PAdES của báo cáo: nguyên vẹn, chứng thư số được tin cậy và còn "
        "hiệu lực lúc ký, số liệu khớp mã xác thực.",
    )
    p.add_argument("file", metavar="TỆP.pdf")
    p.add_argument("--trust", metavar="THƯ_MỤC", help="thư mục chứng thư gốc tin cậy (PEM/DER)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_verify_report)


def add_report_actions(rsub) -> None:
    """``report pdf``: hung on ``motcua report`` next to sign/send."""
    a = rsub.add_parser("pdf", help="ghi báo cáo ra tệp PDF (chưa ký số)")
    a.add_argument("id", type=int)
    a.add_argument("--out", required=True, metavar="TỆP.pdf")
    a.set_defaults(handler=cmd_report_pdf)


def add_key_options(a) -> None:
    """The key options of ``report sign`` (none of them: the password-only sign-off)."""
    key = a.add_mutually_exclusive_group()
    key.add_argument("--pkcs12", metavar="TỆP.p12", help="ký số bằng tệp chứng thư số .p12/.pfx")
    key.add_argument(
        "--pkcs11-lib",
        metavar="THƯ_VIỆN",
        nargs="?",
        const="",
        help="ký số bằng USB token qua thư viện PKCS#11 (bỏ trống: theo thiết lập pkcs11_library)",
    )
    a.add_argument("--token-label", default="", metavar="NHÃN", help="nhãn USB token (khi cắm nhiều token)")
    a.add_argument("--key-label", default="", metavar="NHÃN", help="nhãn khóa ký trên token")
    a.add_argument("--out", metavar="TỆP.pdf", help="chép tệp PDF đã ký số ra đây")
    a.set_defaults(handler=cmd_report_sign)


def _pdf_path(raw: str) -> Path:
    path = Path(raw)
    if path.suffix.lower() != ".pdf":
        raise ValidationError("--out", f"tệp “{path.name}” phải có đuôi .pdf")
    return path


def _write(path: Path, data: bytes) -> Path:
    return write_whole(path, data)


def cmd_report_pdf(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.signing.pdf import report_pdf, ward_indicators
    from reports.signing.stored import load_signed

    register = ctx.require_initialised()
    out = _pdf_path(args.out)
    report = rp.get(register, args.id)
    signed = load_signed(register, report)
    _write(out, signed or report_pdf(report, register.settings, ward_indicators(register, report)))
    what = "bản PDF đã ký số" if signed else ("bản nháp" if not report.is_signed else "bản PDF (chưa ký số)")
    print(f"Đã ghi {what} của báo cáo số {report.id}: {out}")
    return 0


def cmd_report_sign(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.pkcs12 is None and args.pkcs11_lib is None:
        from cli.cmd_reports import cmd_report_sign as password_only

        return password_only(ctx, args)
    from reports.signing.keys import Pkcs11Source, Pkcs12Source
    from reports.signing.signoff import check_signer, read_certificate, sign_digitally

    register = ctx.require_initialised()
    login = args.signer or ctx.args.user or os.environ.get("MOTCUA_USER")
    if not login:
        raise ValidationError("--user", "cần tên đăng nhập của Phó Chủ tịch ký duyệt")
    out = _pdf_path(args.out) if args.out else None
    if args.pkcs12 is not None:
        source = Pkcs12Source(Path(args.pkcs12))
        ask = "Mật khẩu tệp chứng thư số: "
    else:
        library = args.pkcs11_lib or getattr(register.settings, "pkcs11_library", "")
        source = Pkcs11Source(library, args.token_label, args.key_label)
        ask = "Mã PIN của USB token: "
    password = ctx.read_secret(f"Mật khẩu của {login}: ")
    check_signer(register, args.id, login, password)  # before asking for the PIN
    secret = ctx.read_secret(ask)
    for line in read_certificate(source, secret).lines():  # whose key signs, shown before it does
        print(line, flush=True)
    done = sign_digitally(register, args.id, login, password, source, secret)
    user = register.user(login)
    if _folded(done.certificate.common_name) != _folded(user.full_name):
        print(
            f"Lưu ý: tên trên chứng thư số ({done.certificate.common_name}) khác tên tài khoản "
            f"({user.full_name}).",
            file=sys.stderr,
        )
    print(f"Đã ký số báo cáo kỳ {done.report.period.short} ({done.level}).")
    from cli.cmd_reports import describe

    print(describe(done.report))
    print(f"Tệp PDF đã ký: {done.path}")
    if out:
        shutil.copyfile(done.path, out)
        print(f"Đã chép ra {out}")
    return 0


def _folded(name: str) -> str:
    from core.text import fold

    return " ".join(fold(name or "").split())


def cmd_verify_report(ctx: CliContext, args: argparse.Namespace) -> int:
    from reports.signing.verify import load_trust_roots, read_pdf, verify_pdf

    path = Path(args.file)
    trust = args.trust or _setting_trust_dir(ctx)
    roots = load_trust_roots(trust) if trust else None
    verdict = verify_pdf(read_pdf(path), roots, path.name)
    if args.json:
        ctx.print_json(verdict.to_json())
    else:
        if verdict.signer:
            for line in verdict.signer.lines():
                print(line)
        if verdict.signed_at:
            print(f"Thời điểm ký (máy người ký ghi): {verdict.signed_at:%H:%M:%S %d/%m/%Y}")
        if verdict.timestamp_at:
            print(f"Dấu thời gian (máy chủ cấp): {verdict.timestamp_at:%H:%M:%S %d/%m/%Y}")
        if verdict.ok:
            print(verdict.message())
    if not verdict.ok:
        raise MotCuaError(verdict.message())
    return 0


def _has_register(ctx: CliContext) -> bool:
    """A register to read settings from (never created just for that: a city PC may have none)."""
    return ctx.on_server or ctx.db_path.exists()


def _setting_trust_dir(ctx: CliContext) -> str:
    """The trust folder of the settings, when this PC has a MotCua database (a city PC may not)."""
    if not _has_register(ctx):
        return ""
    try:
        return getattr(ctx.register.settings, "trust_dir", "") or ""
    except MotCuaError:
        return ""


def consolidate_options(ctx: CliContext, args: argparse.Namespace) -> tuple[list | None, str, str]:
    """The roll-up's trust roots (``--trust`` or the setting), issuing body and place.

    PDFs given without any trust folder are refused up front: nothing could say whether their
    signatures are trusted, and a roll-up that silently skipped the check would mislead.
    """
    from reports.signing.verify import load_trust_roots

    trust = args.trust or _setting_trust_dir(ctx)
    has_pdf = any(str(f).lower().endswith(".pdf") for f in args.files)
    if has_pdf and not trust:
        raise ValidationError(
            "--trust",
            "cần thư mục chứng thư gốc tin cậy để kiểm tra các tệp PDF ký số (hoặc thiết lập trust_dir)",
        )
    if args.require_signature and not trust:
        raise ValidationError("--trust", "--require-signature cần thư mục chứng thư gốc tin cậy")
    roots = load_trust_roots(trust) if trust else None
    settings = None
    if _has_register(ctx):
        try:
            settings = ctx.register.settings
        except MotCuaError:
            settings = None
    issuer = args.issuer or (settings.ward_name if settings else "")
    place = args.place or (settings.place_name if settings else "")
    return roots, issuer, place
