"""The periodic report: pick a period, see the table as it will print, write the three notes, save
the draft, sign it (vice-chair, password again), then send it or save the .eml.

Every rule is in ``core.reporting`` (drafts, versions, sign-off, send log) and every file in
``reports/`` (workbook, message); this tab only shows them. Figures, exports and sends run through
``gui.tasks`` so a year on a big register never freezes the window.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import reporting as rp
from core.errors import MotCuaError
from core.model import Role
from core.periods import PRESET_LABELS, PRESETS, Period, default_preset, preset_period
from core.report_snapshot import differences
from core.stats import Table, compute
from gui import fmt
from gui.dialogs.error_details import show_failure
from gui.dialogs.sign import SignDialog
from gui.mailing import smtp_password
from gui.prompts import prompts
from gui.session import Session
from gui.tasks import Task
from gui.views.figures_table import FiguresTable

CUSTOM = "custom"
WARN_STYLE = "background: #fff4ce; border: 1px solid #e0b400; border-radius: 4px; padding: 6px;"
XLSX = "Bảng tính Excel (*.xlsx)"
EML = "Thư điện tử (*.eml)"


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class PeriodReportTab(QWidget):
    changed = Signal()  # a report was saved, signed, sent: the list of reports refreshes

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.register = session.register
        self.report: rp.Report | None = None
        self.live: Table | None = None
        self.suggested = ""  # the period's difficulties, the start of a new report's note
        self.ref = self.register.now().date()
        self.generation = 0  # loads run off the GUI thread: only the latest one may show

        self.preset = QComboBox()
        self.preset.setObjectName("preset")
        for name in PRESETS:
            self.preset.addItem(self.tr(PRESET_LABELS[name]), name)
        self.preset.addItem(self.tr("Khoảng ngày tùy chọn"), CUSTOM)
        start = default_preset(self.register.settings.default_period)
        self.preset.setCurrentIndex(PRESETS.index(start))
        self.from_date = self._date_edit("from")
        self.to_date = self._date_edit("to")
        self.prev_button = QPushButton(self.tr("◀ Kỳ trước"))
        self.next_button = QPushButton(self.tr("Kỳ sau ▶"))
        self.show_button = QPushButton(self.tr("Xem số liệu"))
        self.show_button.setObjectName("show")
        self.preset.currentIndexChanged.connect(lambda _i: self._preset_chosen())
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.show_button.clicked.connect(lambda: self.load())
        picker = QHBoxLayout()
        picker.addWidget(QLabel(self.tr("Kỳ báo cáo")))
        picker.addWidget(self.preset)
        picker.addWidget(self.prev_button)
        picker.addWidget(self.next_button)
        picker.addSpacing(12)
        picker.addWidget(QLabel(self.tr("Từ ngày")))
        picker.addWidget(self.from_date)
        picker.addWidget(QLabel(self.tr("đến ngày")))
        picker.addWidget(self.to_date)
        picker.addWidget(self.show_button)
        picker.addStretch(1)

        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.stale_box = QFrame()
        self.stale_box.setObjectName("stale")
        self.stale_box.setStyleSheet(WARN_STYLE)
        self.stale_label = QLabel()
        self.stale_label.setWordWrap(True)
        self.new_version_button = QPushButton(self.tr("Lập phiên bản mới"))
        self.new_version_button.setObjectName("new-version")
        self.new_version_button.clicked.connect(self.make_new_version)
        stale_row = QHBoxLayout(self.stale_box)
        stale_row.setContentsMargins(4, 2, 4, 2)
        stale_row.addWidget(self.stale_label, 1)
        stale_row.addWidget(self.new_version_button)
        self.stale_box.hide()

        self.table = FiguresTable(self.tr("Lĩnh vực, công việc giải quyết theo cấp"))
        self.notes: dict[str, QPlainTextEdit] = {}
        notes_row = QGridLayout()
        for i, key in enumerate(rp.NOTE_FIELDS):
            edit = QPlainTextEdit()
            edit.setObjectName(f"note-{key}")
            edit.setTabChangesFocus(True)
            edit.setStyleSheet('QPlainTextEdit[readOnly="true"] { background: #f3f4f6; color: #333; }')
            edit.setMinimumHeight(92)
            self.notes[key] = edit
            notes_row.addWidget(QLabel(f"<b>{i + 1}. {self.tr(rp.NOTE_LABELS[key])}</b>"), 0, i)
            notes_row.addWidget(edit, 1, i)

        self.save_button = self._button("save", self.tr("Lưu bản nháp  Ctrl+S"), self.save_draft)
        self.export_button = self._button("export", self.tr("Lưu bảng tính…"), self.export_workbook)
        self.sign_button = self._button("sign", self.tr("Ký duyệt…"), self.sign)
        self.send_button = self._button("send", self.tr("Gửi thư"), self.send)
        self.eml_button = self._button("eml", self.tr("Lưu thư .eml…"), self.save_eml)
        self.mark_button = self._button("mark-sent", self.tr("Đã gửi bằng chương trình thư"), self.mark_sent)
        actions = QHBoxLayout()
        for b in (self.save_button, self.export_button, self.sign_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.send_button, self.eml_button, self.mark_button):
            actions.addWidget(b)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_draft)
        keys = ((self.export_button, "Ctrl+Shift+S"), (self.sign_button, "F7"), (self.send_button, "Ctrl+G"))
        for button, key in (*keys, (self.eml_button, "Ctrl+Shift+E")):  # every action by keyboard
            button.setText(f"{button.text()}  {key}")  # before setShortcut: setText resets it
            button.setShortcut(QKeySequence(key))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(picker)
        layout.addWidget(self.status_label)
        layout.addWidget(self.stale_box)
        layout.addWidget(self.table)
        layout.addLayout(notes_row, 1)
        layout.addLayout(actions)
        session.user_changed.connect(self.render)
        self._preset_chosen(load=False)
        self.render()

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.dateChanged.connect(lambda _d: self._dates_edited())
        return edit

    def _button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # --- the period ----------------------------------------------------------------------------
    def period(self) -> Period:
        name = self.preset.currentData()
        if name == CUSTOM:
            return Period(_pydate(self.from_date.date()), _pydate(self.to_date.date()))
        return preset_period(name, self.ref)

    def set_preset(self, name: str, ref: date | None = None) -> None:
        if ref is not None:
            self.ref = ref
        self.preset.setCurrentIndex(self.preset.findData(name))
        self._preset_chosen()

    def set_dates(self, start: date, end: date) -> None:
        """A range of dates of one's own (the preset becomes "Khoảng ngày tùy chọn")."""
        self.from_date.setDate(_qdate(start))
        self.to_date.setDate(_qdate(end))
        self.load()

    def step(self, direction: int) -> None:
        """The period before or after, of the same kind (or of the same length, for a range)."""
        p = self.period()
        if self.preset.currentData() == CUSTOM:
            span = (p.end - p.start).days + 1
            shift = timedelta(days=span * direction)
            self._show_dates(p.start + shift, p.end + shift)
            self.load()
            return
        self.ref = p.start - timedelta(days=1) if direction < 0 else p.end + timedelta(days=1)
        self._preset_chosen()

    def _show_dates(self, start: date, end: date) -> None:
        for edit, value in ((self.from_date, start), (self.to_date, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(value))
            edit.blockSignals(False)

    def _preset_chosen(self, load: bool = True) -> None:
        if self.preset.currentData() != CUSTOM:
            p = self.period()
            self._show_dates(p.start, p.end)
        if load:
            self.load()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(CUSTOM))
        self.preset.blockSignals(False)

    # --- loading -------------------------------------------------------------------------------
    def load(self, report_id: int | None = None) -> None:
        """Figures of the period (live) and its latest report (or ``report_id``), off the GUI thread."""
        try:
            period = self.period()
        except MotCuaError as exc:
            prompts().error(self, exc.message)
            return
        session = self.session
        self.generation += 1
        generation = self.generation

        def work():
            register = session.worker_register()
            versions = rp.list_reports(register, period)
            suggested = "" if versions else rp.suggested_difficulties(register, period)
            return compute(register, period), versions, suggested

        def done(result) -> None:
            if generation != self.generation:
                return  # an older load finishing late: a newer one is on its way
            self.live, versions, self.suggested = result
            wanted = [r for r in versions if r.id == report_id] or versions[:1]
            self.report = wanted[0] if wanted else None
            self.render(notes=True)

        Task(self, work).success(done).failure(lambda e: show_failure(self, e)).with_progress(
            self.tr("Đang tính số liệu…")
        ).run_in_background()

    def open_report(self, report: rp.Report) -> None:
        """Show a report from the list: its period, its snapshot, its notes."""
        p = report.period
        if p.preset in PRESETS and preset_period(p.preset, p.start) == p:
            self.ref = p.start
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(self.preset.findData(p.preset))
            self.preset.blockSignals(False)
        else:
            self._dates_edited()
        self._show_dates(p.start, p.end)
        self.load(report.id)

    # --- showing -------------------------------------------------------------------------------
    def shown_table(self) -> Table | None:
        """What prints: a signed report's snapshot, else the live figures."""
        r = self.report
        return r.table if r is not None and r.is_signed else self.live

    def render(self, notes: bool = False) -> None:
        r, table = self.report, self.shown_table()
        if table is not None:
            self.table.show_rows([(row.field, row.figures) for row in table.rows], table.total)
        if notes:
            for key, edit in self.notes.items():
                edit.setPlainText(getattr(r, key) if r else (self.suggested if key == "difficulties" else ""))
        editable = r is None or (not r.is_signed and r.is_latest)
        for edit in self.notes.values():
            edit.setReadOnly(not editable)
            edit.style().unpolish(edit)  # the grey of the read-only style follows the property
            edit.style().polish(edit)
        self.status_label.setText(self._status_text())
        self._render_stale()
        vice = self.session.logged_in and self.session.user.role == Role.VICE_CHAIR
        sendable = r is not None and r.is_signed and r.is_latest
        self.save_button.setEnabled(table is not None and editable)
        self.export_button.setEnabled(table is not None)
        self.sign_button.setEnabled(table is not None and editable and vice)
        self.sign_button.setToolTip(
            ""
            if vice
            else self.tr("Chỉ Phó Chủ tịch UBND phường ký duyệt báo cáo; cán bộ lập và lưu bản nháp.")
        )
        self.send_button.setEnabled(sendable)
        self.eml_button.setEnabled(sendable)
        self.mark_button.setEnabled(sendable and r.status == rp.SIGNED)

    def _status_text(self) -> str:
        r = self.report
        if self.live is None:
            return self.tr("Chọn kỳ báo cáo rồi bấm “Xem số liệu”.")
        period = self.period().label if r is None else r.period.label
        if r is None:
            return self.tr("<b>{period}</b> — chưa lập báo cáo cho kỳ này; số liệu tính đến {cut}.").format(
                period=period, cut=fmt.moment(self.live.cutoff)
            )
        text = self.tr(
            "<b>{period}</b> — báo cáo số {id}, phiên bản {v}: <b>{status}</b>; lập bởi {who}"
        ).format(period=period, id=r.id, v=r.version, status=self.tr(r.status_label), who=r.created_by_name)
        if r.is_signed:
            text += self.tr("; ký duyệt: {name} lúc {at}; dấu vân tay {fp}").format(
                name=r.signed_by_name, at=fmt.moment(r.signed_at), fp=r.fingerprint_display[:17] + " …"
            )
        if r.sent_at:
            text += self.tr("; gửi lúc {at}").format(at=fmt.moment(r.sent_at))
        return text

    def _render_stale(self) -> None:
        r, live = self.report, self.live
        message, button = "", False
        if r is not None and live is not None:
            if not r.is_latest:
                message = self.tr("Đây là phiên bản cũ: đã có phiên bản mới hơn (báo cáo số {n}).").format(
                    n=r.superseded_by
                )
            elif r.is_signed and differences(r.table, live):
                changes = "; ".join(differences(r.table, live))
                message = self.tr(
                    "Số liệu hiện tại khác với báo cáo đã ký (có hồ sơ nhập muộn): {changes}. "
                    "Báo cáo đã ký không sửa được; hãy lập phiên bản mới để ký lại."
                ).format(changes=changes)
                button = True
            elif not r.is_signed and differences(r.table, live):
                message = self.tr(
                    "Số liệu đã thay đổi từ lần lưu trước; bảng trên là số liệu mới, lưu để cập nhật."
                )
        self.stale_label.setText(message)
        self.new_version_button.setVisible(button)
        self.stale_box.setVisible(bool(message))

    # --- actions -------------------------------------------------------------------------------
    def note_texts(self) -> dict[str, str]:
        return {key: edit.toPlainText() for key, edit in self.notes.items()}

    def save_draft(self, then=None) -> None:
        """Make or refresh the period's draft (core decides which) and store the notes."""
        if not self.save_button.isEnabled():
            return
        session, user, period, notes = self.session, self.session.user, self.period(), self.note_texts()

        def work():
            register = session.worker_register()
            report = rp.prepare(register, user, period)
            if not report.is_signed:
                report = rp.save_notes(register, user, report.id, **notes)
            return report, compute(register, period)

        def done(result) -> None:
            self.report, self.live = result
            self.render(notes=True)
            self.changed.emit()
            if then is not None:
                then(self.report)
            elif hasattr(self.window(), "show_message"):
                self.window().show_message(self.tr("Đã lưu bản nháp báo cáo."))

        Task(self, work).success(done).failure(lambda e: show_failure(self, e)).with_progress(
            self.tr("Đang lưu báo cáo…")
        ).run_in_background()

    def export_workbook(self) -> None:
        """Save the workbook as it will be sent (a draft is marked as such)."""
        if self.report is not None and self.report.is_signed:
            self._export(self.report)
        else:
            self.save_draft(then=self._export)

    def _export(self, report: rp.Report) -> None:
        from reports.workbook import report_filename, report_workbook

        settings = self.register.settings
        path = prompts().save_path(
            self, self.tr("Lưu bảng tính báo cáo"), report_filename(report, settings), XLSX
        )
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        from core.indicators import compute as compute_indicators

        ward_indicators = compute_indicators(self.register, report.period)  # on this thread's connection

        def work():
            target.write_bytes(report_workbook(report, settings, ward_indicators))
            return target

        Task(self, work).success(
            lambda p: prompts().info(self, self.tr("Đã lưu bảng tính: {path}").format(path=p))
        ).failure(lambda e: show_failure(self, e)).with_progress(
            self.tr("Đang ghi bảng tính…")
        ).run_in_background()

    def sign(self) -> None:
        """Save the notes, then the vice-chair enters the password again (SignDialog)."""
        if self.sign_button.isEnabled():
            self.save_draft(then=self._sign)

    def _sign(self, report: rp.Report) -> None:
        if report.is_signed:
            return
        dialog = SignDialog(self.session, report, self)
        if prompts().exec_dialog(dialog) and dialog.signed is not None:
            self.report = dialog.signed
            self.render()
            self.changed.emit()

    def send(self) -> None:
        """Send by the office's SMTP server; a failure is logged by core and said in Vietnamese."""
        from reports.dispatch import send_report

        r = self.report
        if r is None or not self.send_button.isEnabled():
            return
        go_on, password = smtp_password(self.register.settings, self)
        if not go_on:
            return
        session, user = self.session, self.session.user

        def done(outcome) -> None:
            prompts().info(self, self.tr("Đã gửi báo cáo tới {to}.").format(to=outcome.recipients))
            self.load(r.id)
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            show_failure(self, exc)
            self.load(r.id)  # the failed attempt is in the list; the report stays "signed, not sent"
            self.changed.emit()

        def work():
            return send_report(session.worker_register(), user, r.id, password=password)

        Task(self, work).success(done).failure(failed).with_progress(
            self.tr("Đang gửi thư…")
        ).run_in_background()

    def save_eml(self) -> None:
        """Save the message as an .eml draft the mail program opens ready to send."""
        from reports.dispatch import send_report
        from reports.workbook import report_filename

        r = self.report
        if r is None or not self.eml_button.isEnabled():
            return
        name = report_filename(r, self.register.settings)[: -len(".xlsx")] + ".eml"
        path = prompts().save_path(self, self.tr("Lưu thư nháp (.eml)"), name, EML)
        if not path:
            return
        session, user = self.session, self.session.user

        def done(outcome) -> None:
            prompts().info(
                self,
                self.tr(
                    "Đã lưu thư nháp {path}. Mở bằng Outlook hoặc Thunderbird để gửi, rồi bấm "
                    "“Đã gửi bằng chương trình thư”."
                ).format(path=outcome.path),
            )
            self.changed.emit()

        def work():
            return send_report(session.worker_register(), user, r.id, eml=Path(path))

        Task(self, work).success(done).failure(lambda e: show_failure(self, e)).run_in_background()

    def mark_sent(self) -> None:
        r = self.report
        if r is None or not self.mark_button.isEnabled():
            return
        if not prompts().confirm(self, self.tr("Đánh dấu báo cáo số {id} là đã gửi?").format(id=r.id)):
            return
        try:
            self.report = rp.mark_sent(self.register, self.session.user, r.id)
        except MotCuaError as exc:
            prompts().error(self, exc.message)
            return
        self.render()
        self.changed.emit()

    def make_new_version(self) -> None:
        r = self.report
        if r is None:
            return
        try:
            self.report = rp.new_version(self.register, self.session.user, r.id)
        except MotCuaError as exc:
            prompts().error(self, exc.message)
            return
        self.load(self.report.id)
        self.changed.emit()
