"""Reports (issue 6): the periodic report, the list of reports made, the end-of-day summary, and
the city roll-up, as tabs of one screen. Every user sees it; only a vice-chair can sign.

The tabs are built the first time the screen is shown (or a tab is asked for): they pull in the
workbook and e-mail code (openpyxl among it), which the window does not need to open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from gui.session import Session
from gui.widgets import heading

if TYPE_CHECKING:
    from gui.views.report_day import DaySummaryTab
    from gui.views.report_history import ReportHistoryTab
    from gui.views.report_period import PeriodReportTab
    from gui.views.rollup_view import RollupTab


class ReportsView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self._tabs: tuple | None = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report-tabs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Báo cáo")))
        layout.addWidget(self.tabs, 1)

    def _built(self) -> tuple:
        if self._tabs is None:
            from gui.views.report_day import DaySummaryTab
            from gui.views.report_history import ReportHistoryTab
            from gui.views.report_period import PeriodReportTab
            from gui.views.rollup_view import RollupTab

            session = self.session
            self._tabs = (
                PeriodReportTab(session),
                ReportHistoryTab(session),
                DaySummaryTab(session),
                RollupTab(session),
            )
            period, history, day, rollup = self._tabs
            self.tabs.addTab(period, self.tr("Báo cáo theo kỳ"))
            self.tabs.addTab(history, self.tr("Các báo cáo đã lập"))
            self.tabs.addTab(day, self.tr("Tổng hợp cuối ngày"))
            self.tabs.addTab(rollup, self.tr("Tổng hợp báo cáo các phường"))
            self.tabs.currentChanged.connect(lambda _i: self.activated())
            period.changed.connect(history.refresh)
            history.open_report.connect(self.open_report)
        return self._tabs

    @property
    def period_tab(self) -> PeriodReportTab:
        return self._built()[0]

    @property
    def history_tab(self) -> ReportHistoryTab:
        return self._built()[1]

    @property
    def day_tab(self) -> DaySummaryTab:
        return self._built()[2]

    @property
    def rollup_tab(self) -> RollupTab:
        return self._built()[3]

    def activated(self) -> None:
        """Refresh what the current tab shows (figures change as dossiers are written)."""
        self._built()
        tab = self.tabs.currentWidget()
        if tab is self.period_tab:
            self.period_tab.load(self.period_tab.report.id if self.period_tab.report else None)
        elif tab is self.history_tab:
            self.history_tab.refresh()
        elif tab is self.day_tab:
            self.day_tab.refresh()

    def focus_first(self) -> None:
        """The keyboard lands on the period picker (or the current tab)."""
        self._built()
        tab = self.tabs.currentWidget()
        (tab.preset if tab is self.period_tab else tab).setFocus()

    def open_report(self, report) -> None:
        self.tabs.blockSignals(True)
        self.tabs.setCurrentWidget(self.period_tab)
        self.tabs.blockSignals(False)
        self.period_tab.open_report(report)
