"""The signed report: drawing, signing and verifying, each beside a bare baseline in the same run.

    .venv/bin/python bench/bench_signing.py [repeat]

- draw: ``reports.signing.pdf.render_report`` (platypus table, Liberation Serif) beside a bare
  ReportLab canvas writing the same number of text lines in the built-in Times (no table, no
  embedded font);
- sign: ``reports.signing.pades.sign_pdf`` (snapshot embedded, visible stamp drawn, PAdES B-B
  with a .p12 key) beside bare pyHanko ``sign_pdf`` of the same PDF, invisible, nothing embedded;
- verify: ``reports.signing.verify.verify_pdf`` (trust path, coverage, snapshot) beside a bare
  ``validate_pdf_signature`` on the same file.

A register on a temporary SQLite file and the tests' throw-away CA; medians of ``repeat`` runs.
The machine is shared, so read the ratios more than the times.
"""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import median_ms  # noqa: E402


def main(repeat: int = 7) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from core import timeutil
    from core.timeutil import VN_TZ
    from reports.signing.keys import Pkcs12Source, open_key
    from reports.signing.pades import sign_pdf
    from reports.signing.pdf import render_report
    from reports.signing.signoff import sign_digitally
    from reports.signing.verify import load_trust_roots, verify_pdf
    from tests.helpers import PASSWORD, Clock, make_register
    from tests.signing_ca import P12_PASSPHRASE, november_draft, throwaway_ca, write_p12

    clock = Clock(datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ))
    timeutil.set_clock(clock)
    folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    reg = make_register(folder / "motcua.sqlite3", clock)
    draft = november_draft(reg, reg.user("canbo1"), clock)
    p12 = write_p12(throwaway_ca().vice_chair, folder / "k.p12")
    done = sign_digitally(reg, draft.id, "phochutich", PASSWORD, Pkcs12Source(p12), P12_PASSPHRASE)
    report, settings = done.report, reg.settings
    rendered = render_report(report, settings)
    roots = load_trust_roots(throwaway_ca().trust_dir(folder / "goc"))

    def bare_draw() -> bytes:
        out = io.BytesIO()
        c = Canvas(out, pagesize=landscape(A4))
        c.setFont("Times-Roman", 10)
        for i in range(60):
            c.drawString(40, 560 - i * 9, f"Dong {i}: 1 0 1 0 1 0 1 0 0 0 0")
        c.showPage()
        c.save()
        return out.getvalue()

    with open_key(Pkcs12Source(p12), P12_PASSPHRASE) as signer:

        def ours_sign() -> bytes:
            return sign_pdf(
                rendered, signer, at=report.signed_at, name="Phạm Quang Vinh", title="", issuer="CA"
            )

        def bare_sign() -> bytes:
            w = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf))
            meta = signers.PdfSignatureMetadata(field_name="Sig")
            return signers.sign_pdf(w, meta, signer=signer).getvalue()

        figures = [
            (
                "draw the report PDF",
                median_ms(lambda: render_report(report, settings), repeat),
                median_ms(bare_draw, repeat),
            ),
            ("sign (PAdES B-B, .p12)", median_ms(ours_sign, repeat), median_ms(bare_sign, repeat)),
        ]
    signed = done.pdf

    def bare_verify():
        sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
        return validate_pdf_signature(sig, signer_validation_context=ValidationContext(trust_roots=roots))

    figures.append(
        (
            "verify",
            median_ms(lambda: verify_pdf(signed, roots, "x.pdf"), repeat),
            median_ms(bare_verify, repeat),
        )
    )
    reg.close()
    print(f"signed PDF: {len(signed) / 1024:.1f} KB ({len(rendered.pdf) / 1024:.1f} KB before signing)")
    print(f"{'operation':<26}{'MotCua':>12}{'bare':>12}{'ratio':>8}")
    for name, ours, bare in figures:
        print(f"{name:<26}{ours:>10.1f}ms{bare:>10.1f}ms{ours / bare:>7.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
