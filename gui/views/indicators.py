"""The ward's service indicators on the Today screen: this month's figures, each definition a tooltip.

The figures and their definitions come from ``core.indicators`` (the same as the workbook and
``motcua indicators``); computed off the GUI thread on the worker's register, redrawn when
anything is written. The period is the report's default month (the office's setting).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
)

from core import indicators as indicators_mod
from core.periods import default_preset, preset_period
from gui.tasks import Task


class IndicatorsBox(QGroupBox):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.result: indicators_mod.Indicators | None = None
        self.setObjectName("indicators")
        self.setTitle(self.tr("Chỉ số phục vụ (tự đánh giá)"))
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("indicator-table")
        self.table.horizontalHeader().setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next control, not cell to cell
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(22)
        # a name too long for its column takes two lines rather than end in "…" (at 1366 px two did)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.horizontalHeader().sectionResized.connect(lambda *_a: self._fit_rows())
        self.table.currentCellChanged.connect(lambda row, _c, _r, _pc: self._explain(row))
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        self.period_label.setStyleSheet("color:#555")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.period_label)
        session.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        session = self.session

        def work():
            register = session.worker_register()
            period = preset_period(default_preset(register.settings.default_period), register.now().date())
            return indicators_mod.compute(register, period)

        Task(self, work).success(self.show_result).run_in_background()

    def _explain(self, row: int) -> None:
        """The arrow keys show a figure's definition, as the mouse does (its tooltip)."""
        item = self.table.item(row, 0)
        if item is None or not self.table.hasFocus():
            return
        rect = self.table.visualItemRect(item)
        where = self.table.viewport().mapToGlobal(rect.bottomLeft())
        QToolTip.showText(where, item.toolTip(), self.table, rect)

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped name, and the table as tall as its rows (no scrolling)."""
        table = self.table
        table.resizeRowsToContents()
        for row in range(table.rowCount()):
            table.setRowHeight(row, max(22, table.rowHeight(row)))
        table.setFixedHeight(sum(table.rowHeight(r) for r in range(table.rowCount())) + 4)

    def show_result(self, result: indicators_mod.Indicators) -> None:
        self.result = result
        self.table.setRowCount(len(result.items))
        for row, item in enumerate(result.items):
            label = QTableWidgetItem(item.label)
            value = QTableWidgetItem(item.value_text)
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            tip = f"{item.group}\n{item.definition}" + (f"\n{item.detail_text}" if item.detail_text else "")
            for cell in (label, value):
                cell.setToolTip(tip)
            self.table.setItem(row, 0, label)
            self.table.setItem(row, 1, value)
        self._fit_rows()
        self.period_label.setText(
            self.tr("{period}. Cách tính: di chuột lên chỉ số hoặc dùng phím mũi tên.").format(
                period=result.period.label
            )
        )
