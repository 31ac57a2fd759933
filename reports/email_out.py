"""The report by e-mail: the message, the ``.eml`` draft, and the send through the office SMTP.

Two ways out, as the ward works: save an ``.eml`` draft that Outlook or Thunderbird opens ready
to send (``X-Unsent: 1``), or send it from MotCua through the office mail server (SSL or
STARTTLS, login with the password from the OS credential store). A send either reaches every
recipient or raises ``SendError`` saying why in Vietnamese - a refused recipient is named even
when the others got it, so the report is never marked "sent" on a half success.

Headers are encoded by hand on purpose: Python's header folder drops the space between two
encoded words ("tình hình" came back as "tìnhhình") and mangles a long Content-Type when it
refolds it. Subject and names are encoded with ``email.header.Header`` (encoded words of at
most 75 characters), stored raw, and the message is written with a 998-character line limit
so nothing is refolded. The attachment's name is RFC 2231 (``filename*=utf-8''...``) with the
RFC 2047 ``name=`` on Content-Type as the fallback older Outlook reads.
"""

from __future__ import annotations

import base64
import copy
import email.policy
import ipaddress
import logging
import os
import re
import smtplib
import socket
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses
from pathlib import Path
from urllib.parse import quote

from core.errors import MotCuaError
from core.filesafety import write_whole
from core.reporting import Report
from core.settings import Settings
from core.stats import DaySummary
from core.text import nfc
from core.timeutil import now as local_now
from core.timeutil import to_local
from reports.email_body import day_summary_bodies, report_bodies

log = logging.getLogger("motcua.email")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
DEFAULT_TIMEOUT = 30.0
SECURITY_LABELS = {"ssl": "SSL", "starttls": "STARTTLS", "none": "không mã hóa"}
# Built with the usual 78-column policy (bodies are wrapped at 76), written with 998 so the
# hand-folded headers go out as they are (RFC 5322: lines MUST be <= 998, SHOULD be <= 78).
BUILD_POLICY = email.policy.SMTP
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class SendError(MotCuaError):
    """The message did not reach every recipient; ``message`` says why, in Vietnamese.

    ``refused`` maps each refused recipient to the server's answer; ``accepted`` lists those
    the server did take when only some were refused (the caller logs both).
    """

    def __init__(
        self,
        message: str,
        *,
        refused: dict[str, str] | None = None,
        accepted: tuple[str, ...] = (),
    ):
        super().__init__(message)
        self.refused = refused or {}
        self.accepted = accepted


# --- building the message ----------------------------------------------------------------------
def _ward(settings: Settings) -> str:
    return _one_line(settings.ward_name or settings.agency_code or "MotCua")


def report_subject(settings: Settings, report: Report) -> str:
    p = report.table.period
    return f"[{_ward(settings)}] Báo cáo tình hình giải quyết TTHC từ {p.start:%d/%m/%Y} đến {p.end:%d/%m/%Y}"


def day_summary_subject(settings: Settings, summary: DaySummary) -> str:
    return f"[{_ward(settings)}] Tổng hợp cuối ngày {summary.day:%d/%m/%Y}: tiếp nhận, giải quyết TTHC"


def report_message(
    report: Report,
    settings: Settings,
    workbook: bytes,
    filename: str,
    *,
    now: datetime | None = None,
    allow_draft: bool = False,
    pdf: bytes | None = None,
    pdf_name: str = "",
    indicators=None,
) -> EmailMessage:
    """The report as an e-mail to ``settings.recipients``, the workbook attached.

    Only a signed report goes to the city office; ``allow_draft`` builds a preview of a draft,
    marked as such in the body. ``pdf`` is the report PDF the vice-chair signed digitally
    (reports.signing), attached first: it is the document of record, the workbook its data.
    """
    if not report.is_signed and not allow_draft:
        raise SendError("Báo cáo chưa được Phó Chủ tịch ký duyệt nên chưa gửi được.")
    text, html = report_bodies(report, settings, indicators, signed_pdf=pdf is not None)
    extra = [(pdf, PDF_TYPE, _attachment_name(pdf_name or filename, ".pdf"))] if pdf else []
    return _message(settings, report_subject(settings, report), text, html, workbook, filename, now, extra)


def day_summary_message(
    summary: DaySummary,
    settings: Settings,
    workbook: bytes,
    filename: str,
    *,
    now: datetime | None = None,
) -> EmailMessage:
    """The end-of-day summary as an e-mail to the same recipients, its workbook attached."""
    text, html = day_summary_bodies(summary, settings)
    subject = day_summary_subject(settings, summary)
    return _message(settings, subject, text, html, workbook, filename, now)


def _message(
    settings: Settings,
    subject: str,
    text: str,
    html: str,
    workbook: bytes,
    filename: str,
    now: datetime | None,
    extra: list[tuple[bytes, str, str]] | None = None,
) -> EmailMessage:
    if not workbook:
        raise SendError("Tệp Excel đính kèm rỗng: chưa tạo được báo cáo để gửi.")
    name = _attachment_name(filename)
    recipients = settings.recipients
    for address in recipients:
        _check_address(address, "Địa chỉ nhận báo cáo")
    sender = sender_address(settings)
    msg = EmailMessage(policy=BUILD_POLICY)
    if sender:
        msg.set_raw("From", _address_header(_one_line(settings.ward_name), sender))
        reply = settings.email.strip()
        if reply and reply.lower() != sender.lower() and _ADDRESS.match(reply):
            msg["Reply-To"] = reply
    if recipients:
        msg["To"] = ", ".join(recipients)
    msg.set_raw("Subject", _encode(subject, "Subject"))
    msg["Date"] = format_datetime(to_local(now or local_now()))
    # A uuid rather than make_msgid's time.pid.random: as unique, and a header line of a
    # steady length (<= 78 for a domain of up to 24 characters).
    msg["Message-ID"] = f"<{uuid.uuid4().hex}.motcua@{_domain(sender)}>"
    msg["X-Mailer"] = "MotCua"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    for data, mime, part_name in [*(extra or []), (workbook, XLSX_TYPE, name)]:
        _attach(msg, data, mime, part_name)
    msg.policy = WIRE_POLICY
    return msg


def _attach(msg: EmailMessage, data: bytes, mime: str, name: str) -> None:
    """One attachment with the hand-encoded file name (RFC 2231, RFC 2047 fallback)."""
    maintype, subtype = mime.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename="attachment")
    part = list(msg.iter_attachments())[-1]
    del part["Content-Type"]
    del part["Content-Disposition"]
    part.set_raw("Content-Type", f'{mime};\r\n name="{_encode(name, "", folded=False)}"')
    part.set_raw("Content-Disposition", f"attachment;\r\n filename*=utf-8''{quote(name, safe='')}")


def sender_address(settings: Settings) -> str:
    """The From address: the SMTP sender if set, else the office e-mail; checked."""
    sender = (settings.smtp_sender or settings.email).strip()
    if sender:
        _check_address(sender, "Địa chỉ gửi thư")
    return sender


def _check_address(address: str, what: str) -> None:
    if not _ADDRESS.match(address):
        raise SendError(f"{what} không hợp lệ: “{address}”. Sửa trong Thiết lập.")


def _one_line(text: str) -> str:
    """Settings text for a header: NFC, no line breaks (a header must not be split by data)."""
    return " ".join(nfc(text or "").split())


def _encode(text: str, header_name: str, *, folded: bool = True) -> str:
    text = _one_line(text)
    if text.isascii():
        return text
    if not folded:  # one encoded word, for the quoted name= parameter
        return Header(text, "utf-8").encode(maxlinelen=10_000)
    # maxlinelen 75: Python counts the folding space outside it, and RFC 2047 allows 75.
    return Header(text, "utf-8", header_name=header_name).encode(linesep="\r\n", maxlinelen=75)


def _address_header(display: str, address: str) -> str:
    if not display:
        return address
    if display.isascii():
        return formataddr((display, address))
    return f"{_encode(display, 'From')}\r\n <{address}>"


def _domain(address: str) -> str:
    return address.rpartition("@")[2] if "@" in address else "motcua.local"


def _attachment_name(filename: str, suffix: str = ".xlsx") -> str:
    name = _one_line(os.path.basename(str(filename).replace("\\", "/"))).replace('"', "'")
    if not name:
        raise SendError(f"Thiếu tên tệp {'PDF' if suffix == '.pdf' else 'Excel'} đính kèm.")
    if suffix == ".pdf" and name.lower().endswith(".xlsx"):
        name = name[: -len(".xlsx")]
    if not name.lower().endswith(suffix):
        name += suffix
    return name


# --- the draft ---------------------------------------------------------------------------------
def save_eml(msg: EmailMessage, path: str | os.PathLike[str]) -> Path:
    """Write ``msg`` as an ``.eml`` draft that Outlook/Thunderbird open ready to send.

    ``X-Unsent: 1`` tells Outlook to open it as a new message (To, Subject and attachment
    filled in, a Send button); Thunderbird opens it and offers "Edit as new". The message
    given is not changed. The file is written whole or not at all.
    """
    target = Path(path)
    if target.suffix.lower() != ".eml":
        target = target.with_name(target.name + ".eml")
    draft = copy.deepcopy(msg)
    del draft["X-Unsent"]
    draft["X-Unsent"] = "1"
    data = draft.as_bytes(policy=WIRE_POLICY)
    write_whole(target, data, "tệp thư", make_folder=True)
    log.info("Đã lưu thư nháp %s (%d byte)", target.name, len(data))
    return target


# --- sending -----------------------------------------------------------------------------------
def send_message(
    msg: EmailMessage,
    settings: Settings,
    password: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Send ``msg`` through the configured server; returns only if every recipient took it."""
    sender = _envelope_sender(msg, settings)
    recipients = _envelope_recipients(msg)
    wire = msg
    if msg["Bcc"] is not None or msg["X-Unsent"] is not None:  # a draft read back, or Bcc
        wire = copy.deepcopy(msg)
        for name in ("Bcc", "X-Unsent"):
            del wire[name]
    data = wire.as_bytes(policy=WIRE_POLICY)
    where = _where(settings)
    with _session(settings, password, ssl_context, timeout) as smtp:
        try:
            refused = smtp.sendmail(sender, recipients, data)
        except smtplib.SMTPRecipientsRefused as exc:
            answers = {r: _answer(c, m) for r, (c, m) in exc.recipients.items()}
            raise SendError(
                f"Máy chủ thư {where} từ chối mọi người nhận, thư chưa được gửi: {_list(answers)}.",
                refused=answers,
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise SendError(
                f"Máy chủ thư {where} từ chối địa chỉ gửi {sender}: {_answer(exc.smtp_code, exc.smtp_error)}."
                " Kiểm tra địa chỉ gửi (smtp_sender) có đúng tài khoản đăng nhập không."
            ) from None
        except smtplib.SMTPDataError as exc:
            raise SendError(
                f"Máy chủ thư {where} không nhận nội dung thư: {_answer(exc.smtp_code, exc.smtp_error)}."
            ) from None
    if refused:
        answers = {r: _answer(c, m) for r, (c, m) in refused.items()}
        accepted = tuple(r for r in recipients if r not in refused)
        log.warning("Thư gửi thiếu: nhận %s, từ chối %s", accepted, answers)
        raise SendError(
            f"Thư chỉ gửi được tới {', '.join(accepted)}; máy chủ thư {where} từ chối "
            f"{_list(answers)}. Sửa địa chỉ rồi gửi lại.",
            refused=answers,
            accepted=accepted,
        )
    log.info("Đã gửi thư %s tới %s qua %s (%d byte)", msg["Message-ID"], recipients, where, len(data))


def check_connection(
    settings: Settings,
    password: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Connect, secure and log in, send nothing; a Vietnamese line saying what worked."""
    with _session(settings, password, ssl_context, timeout):
        pass
    done = f"Kết nối được máy chủ thư {_where(settings)}"
    if settings.smtp_user.strip():
        done += f" và đăng nhập được với tài khoản {settings.smtp_user.strip()}"
    return done + "."


def _where(settings: Settings) -> str:
    security = SECURITY_LABELS.get(settings.smtp_security, settings.smtp_security)
    return f"{settings.smtp_host.strip()}:{settings.smtp_port} ({security})"


def _envelope_sender(msg: EmailMessage, settings: Settings) -> str:
    found = [a for _, a in getaddresses([str(v) for v in msg.get_all("From", [])]) if a]
    sender = found[0] if found else sender_address(settings)
    if not sender:
        raise SendError("Chưa thiết lập địa chỉ gửi thư (smtp_sender hoặc email của cơ quan).")
    return sender


def _envelope_recipients(msg: EmailMessage) -> list[str]:
    values = [str(v) for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
    found = list(dict.fromkeys(a for _, a in getaddresses(values) if a))
    if not found:
        raise SendError("Chưa có địa chỉ người nhận báo cáo: nhập trong Thiết lập (report_recipients).")
    for address in found:
        _check_address(address, "Địa chỉ người nhận")
    return found


@contextmanager
def _session(
    settings: Settings, password: str | None, context: ssl.SSLContext | None, timeout: float
) -> Iterator[smtplib.SMTP]:
    """A connected, secured, logged-in SMTP session; every failure becomes a ``SendError``."""
    host, port, security = settings.smtp_host.strip(), settings.smtp_port, settings.smtp_security
    user = settings.smtp_user.strip()
    if not host:
        raise SendError("Chưa thiết lập máy chủ thư (smtp_host) trong Thiết lập.")
    if not 0 < int(port) < 65536:
        raise SendError(f"Cổng máy chủ thư không hợp lệ: {port}.")
    if security not in SECURITY_LABELS:
        raise SendError(f"Kiểu bảo mật máy chủ thư không hợp lệ: “{security}” (ssl, starttls, none).")
    if user and not password:
        raise SendError(
            f"Chưa lưu mật khẩu của tài khoản {user} trên máy chủ thư {host}: "
            "chạy “motcua smtp-password set” hoặc nhập trong màn hình Thiết lập."
        )
    where = _where(settings)
    if user and security == "none" and not _is_loopback(host):
        raise SendError(
            f"Không gửi mật khẩu máy chủ thư {where} qua kết nối không mã hóa: chọn kiểu bảo mật SSL "
            "hoặc STARTTLS (hoặc bỏ tài khoản đăng nhập nếu máy chủ chuyển tiếp không cần)."
        )
    smtp: smtplib.SMTP | None = None
    try:
        if security == "ssl":
            ctx = context or ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ctx)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        smtp.ehlo()
        if security == "starttls":
            if not smtp.has_extn("starttls"):
                raise SendError(
                    f"Máy chủ thư {where} không hỗ trợ STARTTLS: chọn kiểu bảo mật SSL (thường là "
                    "cổng 465) hoặc hỏi bộ phận quản trị thư."
                )
            smtp.starttls(context=context or ssl.create_default_context())
            smtp.ehlo()
        if user:
            if not smtp.has_extn("auth"):
                raise SendError(
                    f"Máy chủ thư {where} không cho đăng nhập (không có AUTH) trên kết nối này; "
                    "kiểm tra kiểu bảo mật và cổng."
                )
            _login(smtp, user, password or "")
        yield smtp
    except BaseException as exc:
        if smtp is not None:  # no polite QUIT: a silent server would make us wait twice
            smtp.close()
        if isinstance(exc, SendError | KeyboardInterrupt | GeneratorExit):
            raise
        if isinstance(exc, Exception):
            raise _translate(exc, where, user) from exc
        raise
    with suppress(Exception):
        smtp.quit()


def _is_loopback(host: str) -> bool:
    """A relay on this machine: the only place a password may travel unencrypted."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a password with Vietnamese letters goes as UTF-8 (RFC 4616), which
    ``smtplib.login`` cannot do (it encodes the credentials as ASCII and raises)."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered:
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
        code, answer = smtp.docmd("AUTH", "PLAIN " + token)
    elif "LOGIN" in offered:
        code, answer = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user.encode()).decode())
        if code == 334:
            code, answer = smtp.docmd(base64.b64encode(password.encode()).decode())
    else:
        raise SendError(
            "Mật khẩu máy chủ thư có chữ có dấu nhưng máy chủ không nhận cách đăng nhập PLAIN/LOGIN: "
            "đặt mật khẩu không dấu."
        )
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _translate(exc: Exception, where: str, user: str) -> SendError:
    """The Vietnamese reason for a failure while connecting, securing or logging in."""
    host = where.partition(":")[0]
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendError(
            f"Máy chủ thư {where} từ chối đăng nhập của tài khoản {user}: sai tên đăng nhập hoặc "
            f"mật khẩu ({_answer(exc.smtp_code, exc.smtp_error)}). Lưu lại mật khẩu rồi thử lại."
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendError(f"Máy chủ thư {where} không hỗ trợ yêu cầu này: {exc}.")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SendError(
            f"Không tin được chứng chỉ bảo mật của máy chủ thư {where}: {exc.verify_message}. "
            "Kiểm tra tên máy chủ đúng như trong chứng chỉ."
        )
    if isinstance(exc, ssl.SSLError):
        return SendError(
            f"Lỗi kết nối bảo mật với máy chủ thư {where} ({exc.reason or exc}): kiểm tra kiểu bảo mật "
            "và cổng (SSL thường là cổng 465, STARTTLS cổng 587)."
        )
    if isinstance(exc, socket.gaierror):
        return SendError(f"Không tìm thấy máy chủ thư “{host}”: sai tên máy chủ hoặc máy tính chưa có mạng.")
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError):
        exc = exc.__context__  # smtplib reports a read timeout as a disconnection
    if isinstance(exc, TimeoutError | socket.timeout):
        return SendError(
            f"Máy chủ thư {where} không trả lời (hết thời gian chờ): kiểm tra mạng, tường lửa và cổng."
        )
    if isinstance(exc, ConnectionRefusedError):
        return SendError(
            f"Không kết nối được máy chủ thư {where}: máy chủ từ chối kết nối (sai cổng hoặc máy chủ "
            "không chạy)."
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SendError(
            f"Máy chủ thư {where} ngắt kết nối giữa chừng ({exc}): kiểm tra kiểu bảo mật và cổng."
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendError(f"Máy chủ thư {where} trả lời lỗi: {_answer(exc.smtp_code, exc.smtp_error)}.")
    if isinstance(exc, OSError):
        return SendError(f"Không kết nối được máy chủ thư {where}: {exc.strerror or exc}.")
    return SendError(f"Không gửi được thư qua máy chủ {where}: {type(exc).__name__}: {exc}.")


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def _list(answers: dict[str, str]) -> str:
    return "; ".join(f"{r} ({a})" for r, a in answers.items())
