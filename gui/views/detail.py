"""A dossier's details and its event timeline, as HTML for a text browser (shared by screens)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QCoreApplication

from core.model import Dossier
from gui import fmt


def _tr(text: str) -> str:
    return QCoreApplication.translate("DossierDetail", text)


def detail_html(d: Dossier, now: datetime) -> str:
    overdue = d.is_overdue(now)
    status = escape(d.status.label)
    if overdue:
        status += f' <span style="color:#b00020"><b>{escape(_tr("(quá hạn)"))}</b></span>'
    rows = [
        (_tr("Người nộp"), d.applicant),
        (_tr("Giấy tờ"), f"{d.id_kind.label}: {d.id_number}" if d.id_number else ""),
        (_tr("Điện thoại"), d.phone),
        (_tr("Địa chỉ"), d.address),
        (_tr("Thủ tục"), f"{d.procedure_code} — {d.procedure_name}"),
        (_tr("Kênh nộp"), d.channel.label),
        (_tr("Tiếp nhận"), f"{fmt.moment(d.received_at)} ({d.clerk_name})"),
        (_tr("Hẹn trả"), fmt.appointment(d.due_at)),
    ]
    if d.new_appointment_at:
        rows.append((_tr("Hẹn lại"), fmt.appointment(d.new_appointment_at)))
    if d.resolved_at:
        rows.append((_tr("Có kết quả"), fmt.moment(d.resolved_at)))
    if d.returned_at:
        who = d.receiver_name + (f", {d.satisfaction.label}" if d.satisfaction else "")
        rows.append((_tr("Đã trả"), f"{fmt.moment(d.returned_at)} ({who})"))
    table = "".join(
        f"<tr><td style='color:#555;padding-right:8px'>{escape(k)}</td><td>{escape(v)}</td></tr>"
        for k, v in rows
        if v
    )
    documents = "".join(f"<li>{escape(doc)}</li>" for doc in d.documents) or (
        f"<li style='color:#777'>{escape(_tr('không ghi thành phần nào'))}</li>"
    )
    copies = _tr("{n} bộ").format(n=d.copies) if d.copies > 1 else ""
    events = "".join(
        f"<li><b>{fmt.moment(e.at)}</b> · {escape(e.kind.label)} · {escape(e.user_name)}"
        + (f"<br><i>{escape(e.note)}</i>" if e.note else "")
        + "</li>"
        for e in d.events
    )
    return (
        f"<h3 style='margin:0'>{escape(d.code)}</h3>"
        f"<p style='margin:2px 0 6px 0'>{escape(_tr('Trạng thái'))}: <b>{status}</b></p>"
        f"<table>{table}</table>"
        f"<h4 style='margin:8px 0 2px 0'>{escape(_tr('Thành phần hồ sơ đã nhận'))}"
        f"{escape(' (' + copies + ')') if copies else ''}</h4>"
        f"<ul style='margin-left:-20px'>{documents}</ul>"
        f"<h4 style='margin:8px 0 2px 0'>{escape(_tr('Diễn biến'))}</h4>"
        f"<ul style='margin-left:-20px'>{events}</ul>"
    )
