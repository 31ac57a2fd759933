"""Every report made, newest period first: version, status, who signed, and how many sends went out.

Enter or a double click opens the report in the "Báo cáo theo kỳ" tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import reporting as rp
from gui import fmt
from gui.session import Session

HEADERS = ("Số", "Kỳ báo cáo", "Phiên bản", "Trạng thái", "Người lập", "Ký duyệt", "Gửi đi")
STATUS_COLOURS = {rp.DRAFT: "#6b6b6b", rp.SIGNED: "#b26a00", rp.SENT: "#1b7f3b"}


class ReportHistoryTab(QWidget):
    open_report = Signal(object)  # rp.Report

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.reports: list[rp.Report] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("reports")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for col, width in enumerate((52, 190, 80, 170, 170, 250, 200)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.open_button = QPushButton(self.tr("Mở báo cáo  Enter"))
        self.open_button.setObjectName("open")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        self.count_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.count_label)
        row.addStretch(1)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_row(self.table.currentRow())
            return
        super().keyPressEvent(event)

    def refresh(self) -> None:
        register = self.session.register
        self.reports = rp.list_reports(register)
        counts = rp.send_counts(register)
        self.table.setRowCount(len(self.reports))
        for i, r in enumerate(self.reports):
            tries, good = counts.get(r.id, (0, 0))
            signed = (
                self.tr("{name}, {at}").format(name=r.signed_by_name, at=fmt.moment(r.signed_at))
                if r.is_signed
                else ""
            )
            sends = self._sends_text(r.id) if tries else ""
            version = str(r.version) + ("" if r.is_latest else self.tr(" (cũ)"))
            values = (
                str(r.id),
                r.period.short,
                version,
                self.tr(r.status_label),
                r.created_by_name,
                signed,
                sends,
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS.get(r.status, "#000"))))
                self.table.setItem(i, col, item)
        self.count_label.setText(self.tr("{n} báo cáo (kể cả các phiên bản)").format(n=len(self.reports)))

    def _sends_text(self, report_id: int) -> str:
        """Mail sent and .eml files saved, told apart: a saved .eml is not a report sent (a
        signed report with only its .eml saved is still "chưa gửi", and the column must agree)."""
        attempts = rp.sends(self.session.register, report_id)
        mails = [s for s in attempts if s.method == "smtp"]
        files = [s for s in attempts if s.method != "smtp" and s.ok]
        parts = []
        if mails:
            good = sum(1 for s in mails if s.ok)
            parts.append(self.tr("thư: {good}/{tries} lần gửi được").format(good=good, tries=len(mails)))
        if files:
            parts.append(self.tr("đã lưu {n} tệp .eml (chưa gửi)").format(n=len(files)))
        return "; ".join(parts)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.reports):
            self.open_report.emit(self.reports[row])
