"""Email out on real parts: a signed report from a real database, R2's workbook, a real SMTP
server on loopback (plain, STARTTLS, SSL; AUTH), the .eml read back, and a memory keyring."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import io
import re
import shutil
import sys
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path

import openpyxl
import pytest

from cli.main import main as motcua
from core import reporting as rp
from core.credentials import (
    SERVICE,
    CredentialError,
    delete_smtp_password,
    get_smtp_password,
    set_smtp_password,
)
from core.errors import MotCuaError, ValidationError
from core.model import Role
from core.periods import Period
from core.register import Register
from core.reporting import Report
from core.settings import Settings
from core.stats import DaySummary, day_summary
from core.users import SYSTEM_USER
from reports.datasheet import read_workbook
from reports.email_out import (
    XLSX_TYPE,
    SendError,
    check_connection,
    day_summary_message,
    report_message,
    save_eml,
    send_message,
)
from reports.workbook import (
    day_summary_filename,
    day_summary_workbook,
    report_filename,
    report_workbook,
)
from tests.helpers import AGENCY, PASSWORD, Clock, at, make_form
from tests.smtp_helpers import (
    SMTP_USER,
    failing_keyring,
    free_port,
    memory_keyring,
    silent_server,
    smtp_server,
)

PERIOD = Period(date(2026, 10, 15), date(2026, 11, 14), "official-month")
SUBJECT = "[UBND phường Tây Hồ] Báo cáo tình hình giải quyết TTHC từ 15/10/2026 đến 14/11/2026"
TO = ["vanphong@hanoi.gov.vn", "thongke.tthc@hanoi.gov.vn"]
SMTP_PASSWORD = "Mk-thư@2026"
ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Ward:
    """What the tests share, made once: a real database with a signed report, and its parts."""

    db_path: Path
    settings: Settings
    report: Report
    book: bytes
    filename: str
    summary: DaySummary


@pytest.fixture(scope="module")
def ward(tmp_path_factory) -> Ward:
    """Four dossiers in the official month (one early, one late, one online, two open, one of
    them overdue), a difficulty, the ward's mail settings, and the report signed off."""
    db_path = tmp_path_factory.mktemp("email") / "motcua.sqlite3"
    clock = Clock(at("2026-10-20T08:00:00"))
    reg = Register.open(db_path, clock=clock)
    try:
        reg.initialise("UBND phường Tây Hồ", AGENCY, report_to="Văn phòng UBND thành phố Hà Nội")
        reg.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", Role.ADMIN, PASSWORD)
        clerk = reg.add_user(SYSTEM_USER, "canbo1", "Nguyễn Thị Thu Hà", Role.CLERK, PASSWORD)
        reg.add_user(SYSTEM_USER, "phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR, PASSWORD)
        d1 = reg.intake(make_form(), clerk, at=at("2026-10-20T08:30:00"))
        reg.apply(d1.code, "resolve", clerk, at=at("2026-10-20T14:00:00"))
        d2 = reg.intake(make_form(), clerk, at=at("2026-10-21T09:00:00"))
        reg.apply(d2.code, "resolve", clerk, at=at("2026-11-13T10:00:00"))
        reg.intake(make_form(channel="truc-tuyen"), clerk, at=at("2026-11-03T09:00:00"))
        reg.intake(make_form(), clerk, at=at("2026-11-10T09:00:00"))
        clock.set("2026-11-14T10:00:00")
        reg.add_difficulty(clerk, "Mạng chậm khi tra cứu cơ sở dữ liệu dân cư", procedure_code="1.004222")
        clock.set("2026-11-14T17:00:00")
        summary = day_summary(reg, date(2026, 11, 14))
        clock.set("2026-11-23T09:00:00")
        reg.update_settings(
            reg.user("quantri"),
            report_recipients="; ".join(TO),
            email="ubnd@phuongtayho.gov.vn",
            smtp_sender="motcua@phuongtayho.gov.vn",
            smtp_user=SMTP_USER,
            smtp_host="127.0.0.1",
            address="Số 1 Lạc Long Quân, phường Tây Hồ",
        )
        draft = rp.prepare(reg, clerk, PERIOD)
        rp.save_notes(reg, clerk, draft.id, highlights="Không có hồ sơ trả muộn do lỗi bộ phận một cửa")
        report = rp.sign(reg, draft.id, "phochutich", PASSWORD)
        settings = reg.settings
    finally:
        reg.close()
    book = report_workbook(report, settings)
    return Ward(db_path, settings, report, book, report_filename(report, settings), summary)


@pytest.fixture
def signed(ward) -> Report:
    return ward.report


def _message(ward: Ward, report: Report):
    return report_message(report, ward.settings, ward.book, ward.filename)


def _on(settings, server, **changes):
    """The ward's settings pointed at a test server."""
    where = {"smtp_host": server.host, "smtp_port": server.port, "smtp_security": server.tls or "none"}
    return dataclasses.replace(settings, **{**where, **changes})


def _parts(msg):
    alt = next(p for p in msg.walk() if p.get_content_type() == "multipart/alternative")
    plain, html = (p for p in alt.iter_parts())
    return plain.get_content().replace("\r\n", "\n"), html.get_content()


# --- the message -----------------------------------------------------------------------------
def test_report_message_headers_body_and_attachment(ward, signed):
    msg = _message(ward, signed)
    raw = msg.as_bytes()
    back = email.message_from_bytes(raw, policy=email.policy.default)
    assert back["Subject"] == SUBJECT
    assert [a.addr_spec for a in back["To"].addresses] == TO
    sender = back["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("UBND phường Tây Hồ", "motcua@phuongtayho.gov.vn")
    assert back["Reply-To"] == "ubnd@phuongtayho.gov.vn"
    assert parsedate_to_datetime(back["Date"]).utcoffset().total_seconds() == 7 * 3600
    assert re.fullmatch(r"<[0-9a-f]{32}\.motcua@phuongtayho\.gov\.vn>", back["Message-ID"])
    assert _message(ward, signed)["Message-ID"] != back["Message-ID"]
    assert back.get_content_type() == "multipart/mixed"
    # On the wire: 7-bit clean, no line over 998, the attachment's name per RFC 2231.
    assert raw.isascii()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert b"filename*=utf-8''B%C3%A1o%20c%C3%A1o%20TTHC_UBND%20ph%C6%B0%E1%BB%9Dng" in raw
    # The top headers keep to RFC 2047/5322: encoded words of at most 75 characters, folded
    # lines of at most 78 (Python's own folder would write one long word, or lose a space).
    head = raw.split(b"\r\n\r\n")[0]
    words = re.findall(rb"=\?utf-8\?[bq]\?[^?]*\?=", head)
    assert len(words) >= 4 and max(len(w) for w in words) <= 75
    assert max(len(line) for line in head.split(b"\r\n")) <= 78

    text, html = _parts(back)
    total = signed.table.total
    assert (total.received_total, total.resolved_total, total.pending_total) == (4, 2, 2)
    assert "Kính gửi: Văn phòng UBND thành phố Hà Nội," in text
    assert "Số hồ sơ nhận giải quyết: 4 (trực tuyến 1; trực tiếp, bưu chính 3; từ kỳ trước 0)" in text
    assert "Số hồ sơ đã giải quyết: 2 (trước hạn 1; đúng hạn 0; quá hạn 1)" in text
    assert "Tỷ lệ giải quyết trước và đúng hạn: 50,0%" in text
    assert "Số hồ sơ đang giải quyết: 2 (trong hạn 1; quá hạn 1)" in text
    assert "- Cư trú: nhận 4, đã giải quyết 2 (quá hạn 1), đang giải quyết 2 (quá hạn 1)" in text
    assert "Kết quả nổi bật:\nKhông có hồ sơ trả muộn do lỗi bộ phận một cửa" in text
    assert f"ký duyệt lúc 23/11/2026 09:00.\nMã kiểm tra số liệu (SHA-256): {signed.fingerprint}" in text
    assert "Báo cáo đã được Phó Chủ tịch UBND Phạm Quang Vinh ký duyệt" in text
    # The HTML table: one row per field, then the total, counts in the cells.
    field = signed.table.rows[0].field
    assert len(signed.table.rows) == 1
    assert f"<tr><td>{field}</td>" in html
    cells = html.split("Tổng cộng</b></td>")[1].split("</tr>")[0]
    assert [c.split(">")[-1] for c in cells.split("</b></td>")[:-1]] == ["4", "2", "1", "2", "1"]

    (att,) = back.iter_attachments()
    assert att.get_content_type() == XLSX_TYPE
    assert att.get_filename() == report_filename(signed, ward.settings)
    data = read_workbook(att.get_content())
    assert data.fingerprint == signed.fingerprint and data.total == total


def test_only_a_signed_report_is_mailed_unless_a_preview_is_asked(ward):
    draft = dataclasses.replace(
        ward.report, status=rp.DRAFT, signed_at=None, signed_by=None, signed_by_name=None, fingerprint=None
    )
    settings = ward.settings
    book = report_workbook(draft, settings)
    with pytest.raises(SendError, match="chưa được Phó Chủ tịch ký duyệt"):
        report_message(draft, settings, book, "x.xlsx")
    preview = report_message(draft, settings, book, "x.xlsx", allow_draft=True)
    assert "BẢN NHÁP: báo cáo chưa được ký duyệt." in _parts(preview)[0]


def test_settings_text_cannot_break_headers(ward, signed):
    settings = dataclasses.replace(ward.settings, ward_name="UBND phường\r\nBcc: x@evil.vn Tây Hồ")
    msg = report_message(signed, settings, b"PK..", "a.xlsx")
    back = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert back["Bcc"] is None
    assert back["Subject"].startswith("[UBND phường Bcc: x@evil.vn Tây Hồ] Báo cáo")


def test_bad_recipient_or_sender_in_settings_is_named(ward, signed):
    settings = dataclasses.replace(ward.settings, report_recipients="vanphong@hanoi.gov.vn, thong ke@hn")
    with pytest.raises(SendError, match="Địa chỉ nhận báo cáo không hợp lệ: “thong ke@hn”"):
        report_message(signed, settings, b"PK..", "a.xlsx")
    settings = dataclasses.replace(ward.settings, smtp_sender="motcua")
    with pytest.raises(SendError, match="Địa chỉ gửi thư không hợp lệ: “motcua”"):
        report_message(signed, settings, b"PK..", "a.xlsx")


# --- the .eml draft --------------------------------------------------------------------------
def test_eml_draft_reads_back_ready_to_send(ward, signed, tmp_path):
    msg = _message(ward, signed)
    path = save_eml(msg, tmp_path / "thư" / "Báo cáo tháng 11")
    assert path == tmp_path / "thư" / "Báo cáo tháng 11.eml"
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    back = email.message_from_bytes(raw, policy=email.policy.default)
    assert back["X-Unsent"] == "1"
    assert msg["X-Unsent"] is None  # the message given is left as it was
    assert back["Subject"] == SUBJECT
    (att,) = back.iter_attachments()
    assert att.get_content() == ward.book
    assert att.get_filename() == report_filename(signed, ward.settings)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_eml_into_an_unwritable_place_says_so(ward, signed, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    with pytest.raises(MotCuaError, match="Không ghi được tệp thư"):
        save_eml(_message(ward, signed), blocker / "report.eml")


# --- sending ---------------------------------------------------------------------------------
@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_send_over_tls_with_login_delivers_the_workbook(ward, signed, tls):
    msg = _message(ward, signed)
    with smtp_server(auth_password=SMTP_PASSWORD, tls=tls) as server:
        send_message(
            msg, _on(ward.settings, server), SMTP_PASSWORD, ssl_context=server.ssl_context, timeout=5
        )
    assert server.logins == [SMTP_USER]
    assert server.envelopes == [("motcua@phuongtayho.gov.vn", TO)]
    (got,) = server.messages
    assert got["Subject"] == SUBJECT and got["X-Unsent"] is None
    (att,) = got.iter_attachments()
    assert att.get_filename() == report_filename(signed, ward.settings)
    book = openpyxl.load_workbook(io.BytesIO(att.get_content()), read_only=True)
    assert book.sheetnames[-1] == "Dữ liệu"
    assert read_workbook(att.get_content()).fingerprint == signed.fingerprint


def test_send_through_a_local_relay_without_tls_or_login(ward, signed):
    with smtp_server() as server:
        send_message(_message(ward, signed), _on(ward.settings, server, smtp_user=""), None, timeout=5)
    assert server.logins == [] and len(server.messages) == 1


def test_refused_login_is_said_and_nothing_is_sent(ward, signed):
    with smtp_server(auth_password=SMTP_PASSWORD, tls="starttls") as server:
        settings = _on(ward.settings, server)
        with pytest.raises(SendError) as err:
            send_message(_message(ward, signed), settings, "sai-mat-khau", ssl_context=server.ssl_context)
    assert err.value.message.startswith(
        f"Máy chủ thư 127.0.0.1:{server.port} (STARTTLS) từ chối đăng nhập của tài khoản {SMTP_USER}: "
        "sai tên đăng nhập hoặc mật khẩu (535"
    )
    assert server.messages == []


def test_unreachable_server_is_named(ward, signed):
    port = free_port()
    settings = dataclasses.replace(ward.settings, smtp_port=port, smtp_security="starttls")
    with pytest.raises(SendError, match=f"Không kết nối được máy chủ thư 127.0.0.1:{port} .*từ chối kết nối"):
        send_message(_message(ward, signed), settings, SMTP_PASSWORD, timeout=5)


def test_unknown_host_is_named(ward, signed):
    settings = dataclasses.replace(ward.settings, smtp_host="khong-co-may-nay.invalid")
    with pytest.raises(SendError, match="Không tìm thấy máy chủ thư “khong-co-may-nay.invalid”"):
        send_message(_message(ward, signed), settings, SMTP_PASSWORD, timeout=5)


def test_a_rejected_recipient_is_named_even_when_the_other_got_it(ward, signed):
    with smtp_server(auth_password=SMTP_PASSWORD, tls="ssl", reject=(TO[1],)) as server:
        settings = _on(ward.settings, server)
        with pytest.raises(SendError) as err:
            send_message(_message(ward, signed), settings, SMTP_PASSWORD, ssl_context=server.ssl_context)
    assert err.value.message.startswith(
        f"Thư chỉ gửi được tới {TO[0]}; máy chủ thư 127.0.0.1:{server.port} (SSL) từ chối {TO[1]} (550 5.1.1"
    )
    assert err.value.accepted == (TO[0],) and list(err.value.refused) == [TO[1]]
    assert server.envelopes == [("motcua@phuongtayho.gov.vn", [TO[0]])]


def test_every_recipient_rejected(ward, signed):
    with (
        smtp_server(reject=tuple(TO)) as server,
        pytest.raises(SendError, match="từ chối mọi người nhận, thư chưa được gửi: vanphong@"),
    ):
        send_message(_message(ward, signed), _on(ward.settings, server, smtp_user=""), None)
    assert server.messages == []


def test_an_untrusted_certificate_is_a_tls_failure(ward, signed):
    with smtp_server(tls="ssl") as server:  # its CA is not in the system store
        settings = _on(ward.settings, server, smtp_user="")
        with pytest.raises(SendError, match="Không tin được chứng chỉ bảo mật của máy chủ thư 127.0.0.1"):
            send_message(_message(ward, signed), settings, None, timeout=5)
    assert server.messages == []


def test_ssl_against_a_plain_server_points_at_port_and_security(ward, signed):
    with smtp_server() as server:
        settings = _on(ward.settings, server, smtp_user="", smtp_security="ssl")
        with pytest.raises(SendError, match="kiểm tra kiểu bảo mật và cổng"):
            send_message(_message(ward, signed), settings, None, timeout=5)


def test_starttls_not_offered(ward, signed):
    with smtp_server() as server:
        settings = _on(ward.settings, server, smtp_user="", smtp_security="starttls")
        with pytest.raises(SendError, match="không hỗ trợ STARTTLS"):
            send_message(_message(ward, signed), settings, None, timeout=5)
    assert server.messages == []


def test_a_silent_server_times_out(ward, signed):
    with silent_server() as (host, port):
        settings = dataclasses.replace(ward.settings, smtp_host=host, smtp_port=port, smtp_security="none")
        with pytest.raises(SendError, match=f"Máy chủ thư {host}:{port} .*không trả lời"):
            send_message(_message(ward, signed), settings, SMTP_PASSWORD, timeout=0.3)


@pytest.mark.parametrize(
    ("changes", "password", "reason"),
    [
        ({"smtp_host": ""}, SMTP_PASSWORD, "Chưa thiết lập máy chủ thư"),
        ({"smtp_security": "tls"}, SMTP_PASSWORD, "Kiểu bảo mật máy chủ thư không hợp lệ"),
        ({}, None, f"Chưa lưu mật khẩu của tài khoản {SMTP_USER} trên máy chủ thư 127.0.0.1"),
        (
            {"smtp_host": "192.168.1.10", "smtp_port": 25, "smtp_security": "none"},
            SMTP_PASSWORD,
            r"Không gửi mật khẩu máy chủ thư 192.168.1.10:25 \(không mã hóa\) qua kết nối không mã hóa",
        ),
    ],
)
def test_missing_settings_stop_before_connecting(ward, signed, changes, password, reason):
    settings = dataclasses.replace(ward.settings, **changes)
    with pytest.raises(SendError, match=reason):
        send_message(_message(ward, signed), settings, password)


def test_no_recipient_configured(ward, signed):
    settings = dataclasses.replace(ward.settings, report_recipients="")
    msg = report_message(signed, settings, b"PK..", "a.xlsx")  # a draft can still be saved
    assert msg["To"] is None
    with pytest.raises(SendError, match="Chưa có địa chỉ người nhận báo cáo"):
        send_message(msg, settings, SMTP_PASSWORD)


def test_check_connection_logs_in_and_sends_nothing(ward):
    with smtp_server(auth_password=SMTP_PASSWORD, tls="starttls") as server:
        said = check_connection(_on(ward.settings, server), SMTP_PASSWORD, ssl_context=server.ssl_context)
    assert said == (
        f"Kết nối được máy chủ thư 127.0.0.1:{server.port} (STARTTLS) và đăng nhập được với tài khoản "
        f"{SMTP_USER}."
    )
    assert server.logins == [SMTP_USER] and server.messages == []


# --- the end-of-day summary ------------------------------------------------------------------
def test_day_summary_message_is_sent_with_its_workbook(ward):
    summary, settings = ward.summary, ward.settings
    book = day_summary_workbook(summary, settings)
    msg = day_summary_message(summary, settings, book, day_summary_filename(summary, settings))
    with smtp_server(tls="starttls", auth_password=SMTP_PASSWORD) as server:
        send_message(msg, _on(settings, server), SMTP_PASSWORD, ssl_context=server.ssl_context)
    (got,) = server.messages
    assert got["Subject"] == "[UBND phường Tây Hồ] Tổng hợp cuối ngày 14/11/2026: tiếp nhận, giải quyết TTHC"
    text, html = _parts(got)
    assert summary.overdue == 1
    assert "- Hồ sơ đang quá hạn (tính đến 14/11/2026 17:00): 1" in text
    assert f"- Hồ sơ đến hạn ngày làm việc tiếp theo (16/11/2026): {summary.due_next}" in text
    assert "Mạng chậm khi tra cứu cơ sở dữ liệu dân cư" in text
    assert "(Nguyễn Thị Thu Hà)" in text and "Mạng chậm" in html
    (att,) = got.iter_attachments()
    assert att.get_filename() == "Tổng hợp cuối ngày_UBND phường Tây Hồ_2026-11-14.xlsx"
    assert att.get_content() == book
    assert openpyxl.load_workbook(io.BytesIO(att.get_content())).sheetnames == ["Tổng hợp ngày"]


# --- the password in the credential store ---------------------------------------------------
def test_password_lives_in_the_keyring_under_user_at_host(ward):
    settings = ward.settings
    with memory_keyring() as ring:
        assert get_smtp_password(settings) is None
        set_smtp_password(settings, SMTP_PASSWORD)
        assert ring.passwords == {(SERVICE, f"{SMTP_USER}@127.0.0.1"): SMTP_PASSWORD}
        assert get_smtp_password(settings) == SMTP_PASSWORD
        # Another host is another account: the password does not follow the settings.
        assert get_smtp_password(dataclasses.replace(settings, smtp_host="mail.hanoi.gov.vn")) is None
        assert delete_smtp_password(settings) is True
        assert delete_smtp_password(settings) is False
        assert ring.passwords == {}
    assert SMTP_PASSWORD.encode("utf-8") not in ward.db_path.read_bytes()


def test_keyring_refusals_are_vietnamese(ward):
    settings = ward.settings
    with failing_keyring():
        with pytest.raises(CredentialError, match="máy này không có kho mật khẩu") as refused:
            get_smtp_password(settings)
        assert "NoKeyringError" not in refused.value.message and "backend" not in refused.value.message
        with pytest.raises(CredentialError, match="Không lưu được mật khẩu"):
            set_smtp_password(settings, "x")
    with memory_keyring():
        with pytest.raises(ValidationError, match="không được để trống"):
            set_smtp_password(settings, "")
        with pytest.raises(CredentialError, match="Chưa thiết lập máy chủ thư"):
            set_smtp_password(dataclasses.replace(settings, smtp_host=""), "x")
        assert get_smtp_password(dataclasses.replace(settings, smtp_user="")) is None


# --- the command line ------------------------------------------------------------------------
def _run(db_path, *args, stdin="", monkeypatch=None):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return motcua(["--db", str(db_path), "smtp-password", *args])


def test_cli_set_status_test_delete(ward, tmp_path, monkeypatch, capsys):
    db_path = tmp_path / "motcua.sqlite3"
    shutil.copyfile(ward.db_path, db_path)
    ca = tmp_path / "ca.pem"
    with memory_keyring() as ring, smtp_server(auth_password=SMTP_PASSWORD, tls="ssl") as server:
        ca.write_text(server.ca_pem)
        admin_reg = Register.open(db_path)
        admin_reg.update_settings(admin_reg.user("quantri"), smtp_port=server.port, smtp_security="ssl")
        admin_reg.close()
        assert _run(db_path, "status", monkeypatch=monkeypatch) == 1
        assert "Chưa lưu mật khẩu" in capsys.readouterr().out
        assert _run(db_path, "set", stdin=SMTP_PASSWORD + "\n", monkeypatch=monkeypatch) == 0
        out = capsys.readouterr().out
        assert f"Đã lưu mật khẩu của {SMTP_USER}@127.0.0.1" in out and SMTP_PASSWORD not in out
        assert ring.passwords[(SERVICE, f"{SMTP_USER}@127.0.0.1")] == SMTP_PASSWORD
        assert _run(db_path, "status", monkeypatch=monkeypatch) == 0
        capsys.readouterr()
        assert _run(db_path, "test", "--cafile", str(ca), "--timeout", "5", monkeypatch=monkeypatch) == 0
        assert "đăng nhập được với tài khoản" in capsys.readouterr().out
        assert server.logins == [SMTP_USER] and server.messages == []
        assert _run(db_path, "test", "--timeout", "5", monkeypatch=monkeypatch) == 2  # CA not trusted
        assert "Không tin được chứng chỉ" in capsys.readouterr().err
        assert _run(db_path, "delete", monkeypatch=monkeypatch) == 0
        assert ring.passwords == {}
        assert _run(db_path, "test", "--cafile", str(ca), monkeypatch=monkeypatch) == 2
        assert "Chưa lưu mật khẩu của tài khoản" in capsys.readouterr().err


def test_ascii_password_on_a_plain_relay_logs_in_too(ward, signed):
    with smtp_server(auth_password="matkhau2026") as server:
        send_message(_message(ward, signed), _on(ward.settings, server), "matkhau2026", timeout=5)
        with pytest.raises(SendError, match="từ chối đăng nhập"):
            send_message(_message(ward, signed), _on(ward.settings, server), "matkhau2027", timeout=5)
    assert server.logins == [SMTP_USER] and len(server.messages) == 1


def test_a_saved_draft_read_back_can_be_sent_and_loses_its_draft_mark(ward, signed, tmp_path):
    path = save_eml(_message(ward, signed), tmp_path / "nháp.eml")
    draft = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    with smtp_server() as server:
        send_message(draft, _on(ward.settings, server, smtp_user=""), None, timeout=5)
    (got,) = server.messages
    assert got["X-Unsent"] is None and draft["X-Unsent"] == "1"
    assert got["Subject"] == SUBJECT
    assert next(got.iter_attachments()).get_content() == ward.book


def test_email_modules_load_no_qt():
    import subprocess

    code = (
        "import sys, reports.email_out, reports.email_body, core.credentials, cli.cmd_email; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'gui'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_attachment_name_from_a_path_and_a_ward_without_a_name(ward, signed):
    settings = dataclasses.replace(ward.settings, ward_name="")
    msg = report_message(signed, settings, ward.book, 'C:\\Báo cáo\\tháng "11"')
    back = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert back["Subject"].startswith("[000.17.22.H56] Báo cáo tình hình giải quyết TTHC từ 15/10/2026")
    assert back["From"] == "motcua@phuongtayho.gov.vn"
    assert next(back.iter_attachments()).get_filename() == "tháng '11'.xlsx"
    with pytest.raises(SendError, match="Thiếu tên tệp Excel"):
        report_message(signed, settings, ward.book, "C:\\Báo cáo\\")
    with pytest.raises(SendError, match="Tệp Excel đính kèm rỗng"):
        report_message(signed, settings, b"", "a.xlsx")
