"""The end-of-day summary on screen (received by field, results ready, returned, due next working
day, overdue now, the day's difficulties), with a button to send it to the report recipients.

Figures from ``core.stats.day_summary``; the workbook, message and send log from ``reports/``.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.stats import DaySummary, day_summary
from gui import fmt
from gui.dialogs.error_details import show_failure
from gui.mailing import smtp_password
from gui.prompts import prompts
from gui.session import Session
from gui.tasks import Task

XLSX = "Bảng tính Excel (*.xlsx)"
EML = "Thư điện tử (*.eml)"


class DaySummaryTab(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.register = session.register
        self.summary: DaySummary | None = None
        self.generation = 0
        today = self.register.now().date()
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.day_edit.setObjectName("day")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.day_edit.dateChanged.connect(lambda _d: self.refresh())
        self.view = QTextBrowser()
        self.view.setObjectName("summary")
        self.send_button = QPushButton(self.tr("Gửi thư tổng hợp cuối ngày"))
        self.send_button.setObjectName("send-day")
        self.eml_button = QPushButton(self.tr("Lưu thư .eml…"))
        self.eml_button.setObjectName("eml-day")
        self.export_button = QPushButton(self.tr("Lưu bảng tính…"))
        self.export_button.setObjectName("export-day")
        self.send_button.clicked.connect(lambda: self.send())
        self.eml_button.clicked.connect(lambda: self.save_eml())
        self.export_button.clicked.connect(lambda: self.export_workbook())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Ngày")))
        top.addWidget(self.day_edit)
        top.addStretch(1)
        top.addWidget(self.export_button)
        top.addWidget(self.eml_button)
        top.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def day(self) -> date:
        q = self.day_edit.date()
        return date(q.year(), q.month(), q.day())

    def refresh(self) -> None:
        session, day = self.session, self.day()
        self.generation += 1
        generation = self.generation

        def done(summary: DaySummary) -> None:
            if generation == self.generation:  # not an older day finishing late
                self.show_summary(summary)

        Task(self, lambda: day_summary(session.worker_register(), day)).success(done).failure(
            lambda e: show_failure(self, e)
        ).run_in_background()

    def show_summary(self, summary: DaySummary) -> None:
        self.summary = summary
        self.view.setHtml(self.html(summary))

    def html(self, s: DaySummary) -> str:
        tr = self.tr
        rows = [
            (tr("Hồ sơ tiếp nhận trong ngày"), s.received),
            (tr("Hồ sơ có kết quả trong ngày"), s.resolved),
            (tr("Kết quả đã trả cho công dân"), s.returned),
            (tr("Đến hạn ngày làm việc tiếp theo ({d})").format(d=fmt.day(s.next_working_day)), s.due_next),
            (tr("Quá hạn (tính đến {t})").format(t=fmt.moment(s.at)), s.overdue),
        ]
        out = [f"<h3>{tr('Tổng hợp cuối ngày {d}').format(d=fmt.day(s.day))}</h3>", "<table cellpadding='4'>"]
        out += [f"<tr><td>{escape(label)}</td><td align='right'><b>{n}</b></td></tr>" for label, n in rows]
        out.append("</table>")
        if s.received_by_field:
            out.append(f"<p><b>{tr('Tiếp nhận theo lĩnh vực')}</b></p><table cellpadding='3'>")
            out += [
                f"<tr><td>{escape(f)}</td><td align='right'>{n}</td></tr>" for f, n in s.received_by_field
            ]
            out.append("</table>")
        out.append(f"<p><b>{tr('Khó khăn, vướng mắc trong ngày')}</b></p>")
        if s.difficulties:
            out.append("<ul>")
            for d in s.difficulties:
                about = d.dossier_code or d.procedure_name or d.procedure_code
                suffix = f" <i>({escape(about)})</i>" if about else ""
                out.append(f"<li>{d.at:%H:%M} — {escape(d.text)}{suffix} — {escape(d.user_name)}</li>")
            out.append("</ul>")
        else:
            out.append(f"<p style='color:#777'>{tr('Không có vướng mắc nào được ghi.')}</p>")
        return "".join(out)

    # --- out -----------------------------------------------------------------------------------
    def export_workbook(self) -> None:
        from reports.workbook import day_summary_filename, day_summary_workbook

        s, settings = self.summary, self.register.settings
        if s is None:
            return
        path = prompts().save_path(
            self, self.tr("Lưu bảng tính tổng hợp cuối ngày"), day_summary_filename(s, settings), XLSX
        )
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")

        def work():
            target.write_bytes(day_summary_workbook(s, settings))
            return target

        saved = self.tr("Đã lưu bảng tính: {path}")
        Task(self, work).success(lambda p: prompts().info(self, saved.format(path=p))).failure(
            lambda e: show_failure(self, e)
        ).run_in_background()

    def send(self) -> None:
        from reports.dispatch import send_day_summary

        s = self.summary
        if s is None:
            return
        go_on, password = smtp_password(self.register.settings, self)
        if not go_on:
            return
        session, user = self.session, self.session.user
        sent = self.tr("Đã gửi tổng hợp cuối ngày tới {to}.")
        Task(self, lambda: send_day_summary(session.worker_register(), user, s, password=password)).success(
            lambda outcome: prompts().info(self, sent.format(to=outcome.recipients))
        ).failure(lambda e: show_failure(self, e)).with_progress(self.tr("Đang gửi thư…")).run_in_background()

    def save_eml(self) -> None:
        from reports.dispatch import send_day_summary
        from reports.workbook import day_summary_filename

        s = self.summary
        if s is None:
            return
        name = day_summary_filename(s, self.register.settings)[: -len(".xlsx")] + ".eml"
        path = prompts().save_path(self, self.tr("Lưu thư nháp (.eml)"), name, EML)
        if not path:
            return
        session, user = self.session, self.session.user
        saved = self.tr("Đã lưu thư nháp {path}.")
        Task(self, lambda: send_day_summary(session.worker_register(), user, s, eml=Path(path))).success(
            lambda outcome: prompts().info(self, saved.format(path=outcome.path))
        ).failure(lambda e: show_failure(self, e)).run_in_background()
