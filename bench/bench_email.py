"""The report e-mail: build and send times beside bare ``email``/``smtplib`` doing the same, same run.

- build: ``report_message`` (bodies from the figures, hand-encoded headers, RFC 2231 name)
  against a bare ``EmailMessage`` with the same subject, the same two bodies and attachment.
- send: ``send_message`` (checks, STARTTLS, UTF-8 login, refused-recipient handling) against a
  bare ``smtplib`` session doing STARTTLS + login + ``sendmail`` of the same bytes, both to
  the same aiosmtpd server on loopback.

    .venv/bin/python bench/bench_email.py [--runs 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import smtplib
import statistics
import sys
import time
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import openpyxl  # noqa: E402
from smtp_helpers import SMTP_USER, smtp_server  # noqa: E402

from core.periods import Period  # noqa: E402
from core.reporting import SIGNED, Report  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.stats import FieldRow, Figures, Table  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402
from reports.email_out import WIRE_POLICY, XLSX_TYPE, report_message, send_message  # noqa: E402

PASSWORD = "Mk-thư@2026"


def _workbook() -> bytes:
    import io

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 20):
        ws.append([f"Lĩnh vực {r}", *range(11)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _report() -> Report:
    rows = tuple(
        FieldRow(name, Figures(120, 40, 75, 5, 110, 30, 75, 5, 10, 9, 1))
        for name in ("Hộ tịch", "Chứng thực", "Cư trú", "Đất đai", "Xây dựng", "Kinh doanh")
    )
    total = sum((r.figures for r in rows), Figures())
    table = Table(
        Period(date(2026, 10, 15), date(2026, 11, 14)), datetime(2026, 11, 15, tzinfo=VN_TZ), rows, total
    )
    return Report(
        1,
        table,
        status=SIGNED,
        signed_by_name="Phạm Quang Vinh",
        signed_by_title="Phó Chủ tịch UBND phường",
        signed_at=datetime(2026, 11, 14, 16, 5, tzinfo=VN_TZ),
        fingerprint="ab" * 32,
    )


def _bare(headers: dict[str, str], plain: str, html: str, book: bytes, name: str) -> EmailMessage:
    """The same message with the email package's defaults (its own header folding)."""
    bare = EmailMessage()
    for header, value in headers.items():
        bare[header] = value
    bare.set_content(plain)
    bare.add_alternative(html, subtype="html")
    main, sub = XLSX_TYPE.split("/")
    bare.add_attachment(book, maintype=main, subtype=sub, filename=name)
    return bare


def _pair(fn, bare, runs: int) -> tuple[float, float]:
    """Median ms of ``fn`` and ``bare``, timed in alternation so the shared machine's load
    falls on both alike."""
    fn(), bare()  # warm-up
    laps: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for f, out in ((fn, laps[0]), (bare, laps[1])):
            t = time.perf_counter()
            f()
            out.append(time.perf_counter() - t)
    return statistics.median(laps[0]) * 1000, statistics.median(laps[1]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    book, report = _workbook(), _report()
    name = "Báo cáo TTHC_UBND phường Tây Hồ_2026-10-15_2026-11-14_v1.xlsx"
    settings = Settings(
        ward_name="UBND phường Tây Hồ",
        report_recipients="vanphong@hanoi.gov.vn, thongke@hanoi.gov.vn",
        smtp_sender="motcua@phuongtayho.gov.vn",
        smtp_user=SMTP_USER,
        smtp_host="127.0.0.1",
        smtp_security="starttls",
    )
    msg = report_message(report, settings, book, name)
    headers = {h: str(msg[h]) for h in ("From", "To", "Subject", "Date", "Message-ID")}
    plain, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
    build, bare_build = _pair(
        lambda: report_message(report, settings, book, name),
        lambda: _bare(headers, plain, html, book, name),
        runs,
    )
    size = len(msg.as_bytes(policy=WIRE_POLICY))

    with smtp_server(auth_password=PASSWORD, tls="starttls") as server:
        s = dataclasses.replace(settings, smtp_port=server.port)

        def bare_send() -> None:
            with smtplib.SMTP(server.host, server.port, timeout=10) as smtp:
                smtp.starttls(context=server.ssl_context)
                smtp.ehlo()
                # smtplib cannot log in with a non-ASCII password: same AUTH PLAIN by hand.
                import base64

                token = base64.b64encode(b"\0" + SMTP_USER.encode() + b"\0" + PASSWORD.encode()).decode()
                smtp.docmd("AUTH", "PLAIN " + token)
                data = msg.as_bytes(policy=WIRE_POLICY)  # as send_message does, every time
                smtp.sendmail("motcua@phuongtayho.gov.vn", settings.recipients, data)

        send, bare = _pair(
            lambda: send_message(msg, s, PASSWORD, ssl_context=server.ssl_context), bare_send, runs
        )
        received = len(server.messages)

    print(f"runs: {runs} (median per run); message {size:,} bytes, workbook {len(book):,} bytes")
    print(
        f"build  report_message      {build:7.2f} ms   bare EmailMessage   {bare_build:7.2f} ms   "
        f"x{build / bare_build:.2f}"
    )
    print(
        f"send   send_message        {send:7.2f} ms   bare smtplib       {bare:7.2f} ms   x{send / bare:.2f}"
    )
    print(f"messages received by the loopback server: {received}")


if __name__ == "__main__":
    main()
