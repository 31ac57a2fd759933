"""Receipt generation time beside a bare ReportLab canvas writing the same text, same font, same run.

The baseline replays exactly the strings the receipt draws (recorded once, outside the timing) with
``setFont`` + ``drawString`` on a plain canvas: what a hand-positioned receipt would cost. The
receipt adds measuring, wrapping, fitting to one page, rules and the QR code.

    .venv/bin/python bench/bench_receipt.py [--runs 200]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from core.model import ApplicantKind, IdKind, IntakeForm, Role  # noqa: E402
from core.register import Register  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402
from core.users import SYSTEM_USER  # noqa: E402
from reports.common import new_sheet, paper  # noqa: E402
from reports.fonts import font_name, register_fonts  # noqa: E402
from reports.receipt import draw_receipt, fitting_paper, render_receipt  # noqa: E402


class Recorder:
    """A surface that keeps the text calls, page by page."""

    def __init__(self) -> None:
        self.pages: list[list[tuple[float, float, str, float, str]]] = [[]]

    def text(self, x, y, style, size, s) -> None:
        self.pages[-1].append((x, y, style, size, s))

    def line(self, *a, **k) -> None:
        pass

    def rect(self, *a, **k) -> None:
        pass

    def qr(self, *a) -> None:
        pass

    def new_page(self) -> None:
        self.pages.append([])


def bare_canvas(pages) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    for page in pages:
        for x, y, style, size, s in page:
            c.setFont(font_name(style), size)
            c.drawString(x, y, s)
        c.showPage()
    c.save()
    return buf.getvalue()


def sample(folder: Path):
    clock = lambda: datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)  # noqa: E731
    reg = Register.open(folder / "bench.sqlite3", clock=clock)
    reg.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    clerk = reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, "matkhau123")
    docs = tuple(f"Tờ khai thay đổi thông tin cư trú (mẫu CT01) số {i}" for i in range(1, 13))
    form = IntakeForm(
        procedure_code="1.004222",
        applicant="Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Ưởng Đức Hạnh",
        applicant_kind=ApplicantKind.ORGANISATION,
        id_kind=IdKind.NONE,
        phone="0912345678",
        address="Số 12, ngõ 34 ngách 56, đường Âu Cơ, tổ dân phố 19, phường Tây Hồ, thành phố Hà Nội",
        documents=docs,
        fee_collected=20000,
    )
    short = IntakeForm(procedure_code="1.001193", applicant="Lê Văn An", phone="0987654321")
    return reg, reg.intake(form, clerk), reg.intake(short, clerk)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    t0 = time.perf_counter()
    register_fonts()
    print(f"font registration (once per process): {(time.perf_counter() - t0) * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        reg, long_d, short_d = sample(Path(tmp))
        settings = reg.settings
        for label, d in (("12 documents, 60-char name", long_d), ("1 document, short name", short_d)):
            rec = Recorder()
            p = fitting_paper(paper(settings.receipt_paper), d, settings)
            sheet = new_sheet(rec, p, mark="Liên 1")
            draw_receipt(sheet, p, d, settings)
            sheet.new_page()
            draw_receipt(sheet, p, d, settings)
            render_receipt(d, settings)  # warm
            bare_canvas(rec.pages)
            ours, bare = [], []
            for _ in range(5):  # interleaved, so both see the same machine load
                ours += timed(lambda d=d: render_receipt(d, settings), runs // 5)
                bare += timed(lambda rec=rec: bare_canvas(rec.pages), runs // 5)
            m_ours, m_bare = statistics.median(ours), statistics.median(bare)
            size = len(render_receipt(d, settings))
            p95 = sorted(ours)[int(len(ours) * 0.95)]
            print(
                f"{label}: receipt (2 copies) median {m_ours:.2f} ms (p95 {p95:.2f})"
                f" | bare canvas, same text & font {m_bare:.2f} ms | ratio {m_ours / m_bare:.2f}x"
                f" | {size / 1024:.0f} KB"
            )
        reg.close()


if __name__ == "__main__":
    main()
