"""Reports (issue 6): the periodic report, the list of reports made, the end-of-day summary, and
the city roll-up, as tabs of one screen. Every user sees it; only a vice-chair can sign."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from gui.session import Session
from gui.views.report_day import DaySummaryTab
from gui.views.report_history import ReportHistoryTab
from gui.views.report_period import PeriodReportTab
from gui.views.rollup_view import RollupTab
from gui.widgets import heading


class ReportsView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self.period_tab = PeriodReportTab(session)
        self.history_tab = ReportHistoryTab(session)
        self.day_tab = DaySummaryTab(session)
        self.rollup_tab = RollupTab(session)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report-tabs")
        self.tabs.addTab(self.period_tab, self.tr("Báo cáo theo kỳ"))
        self.tabs.addTab(self.history_tab, self.tr("Các báo cáo đã lập"))
        self.tabs.addTab(self.day_tab, self.tr("Tổng hợp cuối ngày"))
        self.tabs.addTab(self.rollup_tab, self.tr("Tổng hợp báo cáo các phường"))
        self.tabs.currentChanged.connect(lambda _i: self.activated())
        self.period_tab.changed.connect(self.history_tab.refresh)
        self.history_tab.open_report.connect(self.open_report)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Báo cáo")))
        layout.addWidget(self.tabs, 1)

    def activated(self) -> None:
        """Refresh what the current tab shows (figures change as dossiers are written)."""
        tab = self.tabs.currentWidget()
        if tab is self.period_tab:
            self.period_tab.load(self.period_tab.report.id if self.period_tab.report else None)
        elif tab is self.history_tab:
            self.history_tab.refresh()
        elif tab is self.day_tab:
            self.day_tab.refresh()

    def focus_first(self) -> None:
        self.tabs.currentWidget().setFocus()

    def open_report(self, report) -> None:
        self.tabs.blockSignals(True)
        self.tabs.setCurrentWidget(self.period_tab)
        self.tabs.blockSignals(False)
        self.period_tab.open_report(report)
