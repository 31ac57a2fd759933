"""Today: the counter's figures at a glance, the last 30 days in a chart, and the day's difficulties
(the end-of-day summary). Figures come from core (``core.today``), computed off the GUI thread."""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError
from core.store import QuickFilter
from core.today import DayPoint, TodayFigures, last_days, today_figures
from gui import fmt
from gui.session import Session
from gui.tasks import Task
from gui.views.indicators import IndicatorsBox
from gui.widgets import heading

TILES = [
    ("received", "Nhận hôm nay", "#1f3b57", QuickFilter.RECEIVED_TODAY),
    ("ready", "Chờ trả kết quả", "#1b7f3b", QuickFilter.READY_TO_RETURN),
    ("returned", "Đã trả hôm nay", "#2f6690", QuickFilter.RETURNED_TODAY),
    ("due_today", "Đến hạn hôm nay", "#b26a00", QuickFilter.DUE_TODAY),
    ("overdue", "Quá hạn", "#b00020", QuickFilter.OVERDUE),
    ("awaiting_supplement", "Chờ bổ sung", "#6a4c93", QuickFilter.AWAITING_SUPPLEMENT),
]


class Tile(QPushButton):
    """A big number with its caption; clicking opens the matching quick filter."""

    def __init__(self, caption: str, colour: str):
        super().__init__()
        self.setMinimumHeight(96)
        self.setStyleSheet(
            f"QPushButton {{ border: 1px solid #d0d7de; border-left: 6px solid {colour}; border-radius: 4px;"
            f" background: white; text-align: left; padding: 8px 14px; }}"
            f"QPushButton:focus {{ border: 2px solid {colour}; }}"
        )
        self.number = QLabel("–")
        self.number.setStyleSheet(f"font-size: 34px; font-weight: 700; color: {colour}; border: none;")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("font-size: 14px; color: #333; border: none;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 6, 8, 6)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Enter opens the tile's list, as Space does (a clerk reaches for Enter)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def set_value(self, value: int) -> None:
        self.number.setText(f"{value:,}".replace(",", "."))


class TodayView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self.figures: TodayFigures | None = None
        self.points: list[DayPoint] = []
        self.tiles: dict[str, Tile] = {}
        tiles = QGridLayout()
        for i, (key, caption, colour, quick) in enumerate(TILES):
            tile = Tile(self.tr(caption), colour)
            tile.setObjectName(f"tile-{key}")
            if quick is not None:
                tile.clicked.connect(lambda _c=False, q=quick: self.open_filter(q))
            self.tiles[key] = tile
            tiles.addWidget(tile, 0, i)
        self.day_label = QLabel()
        self.day_label.setStyleSheet("color: #555;")
        self.chart = QChart()
        self.chart.setTitle(self.tr("30 ngày gần đây: hồ sơ nhận, hồ sơ có kết quả và tỷ lệ đúng hạn"))
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setLocalizeNumbers(True)  # "16,7%": the Vietnamese decimal comma
        self.chart.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(300)
        chart_policy = self.chart_view.sizePolicy()  # it too takes the room left and asks for none
        chart_policy.setVerticalPolicy(QSizePolicy.Policy.Ignored)
        self.chart_view.setSizePolicy(chart_policy)
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do there by keyboard
        self.difficulties = QListWidget()
        self.difficulties.setObjectName("difficulties")
        self.difficulties.setWordWrap(True)
        self.difficulties.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the list scrolls: it takes the room left and asks for none (the page is sized by what its
        # parts ask for, and the list's wish made Today scroll at 1366x768)
        self.difficulties.setMinimumHeight(60)
        policy = self.difficulties.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Ignored)
        self.difficulties.setSizePolicy(policy)
        notes = QGroupBox(self.tr("Vướng mắc trong ngày (F8 để ghi thêm)"))
        self.summary_button = QPushButton(self.tr("Tổng hợp cuối ngày, gửi thư…"))
        self.summary_button.setObjectName("day-summary")
        self.summary_button.clicked.connect(self.open_day_summary)
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.difficulties)
        notes_layout.addWidget(self.summary_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.chart_view, 3)
        right = QVBoxLayout()
        right.addWidget(notes, 1)
        self.indicators = IndicatorsBox(session)  # the ward's own indicators (gui/views/indicators.py)
        right.addWidget(self.indicators)
        bottom.addLayout(right, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Hôm nay")))
        top.addStretch(1)
        top.addWidget(self.day_label)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addLayout(bottom, 1)
        session.changed.connect(self.refresh)
        self.refresh()

    def activated(self) -> None:
        self.refresh()

    def focus_first(self) -> None:
        self.tiles["received"].setFocus()

    def open_day_summary(self) -> None:
        """The end-of-day summary (figures and difficulties) with its send button, on the reports screen."""
        window = self.window_
        if window is not None and "reports" in getattr(window, "screens", {}):
            reports = window.show_screen("reports")
            reports.tabs.setCurrentWidget(reports.day_tab)

    def open_filter(self, quick: QuickFilter) -> None:
        window = self.window_
        if window is not None and "dossiers" in getattr(window, "screens", {}):
            window.show_screen("dossiers").show_quick_filter(quick)  # the old search cleared

    def refresh(self) -> None:
        """Recompute off the GUI thread; the tiles update when the figures arrive."""
        session = self.session

        def work():
            register = session.worker_register()
            at = register.now()
            notes = register.difficulties(at.date(), at.date())
            names = {}
            for code in {n.procedure_code for n in notes if n.procedure_code}:
                try:
                    names[code] = register.procedure(code).name
                except MotCuaError:
                    names[code] = code  # a procedure since removed from the catalogue
            return today_figures(register, at), last_days(register, 30, at), notes, names

        Task(self, work).success(self.show_figures).run_in_background()

    def show_figures(self, result) -> None:
        figures, points, notes, names = result
        self.figures, self.points = figures, points
        self.day_label.setText(fmt.day(figures.day))
        for key, tile in self.tiles.items():
            tile.set_value(getattr(figures, key))
        self.difficulties.clear()
        for n in notes:
            where = " · ".join(x for x in (n.dossier_code, names.get(n.procedure_code, "")) if x)
            self.difficulties.addItem(
                f"{n.at:%H:%M} · {n.user_name}: {n.text}" + (f" ({where})" if where else "")
            )
        if not notes:
            self.difficulties.addItem(self.tr("Chưa có vướng mắc nào hôm nay."))
        self._draw_chart(points)

    def _draw_chart(self, points: list[DayPoint]) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        received = QBarSet(self.tr("Nhận"))
        received.setColor(QColor("#2f6690"))
        resolved = QBarSet(self.tr("Có kết quả"))
        resolved.setColor(QColor("#7fb069"))
        rate = QLineSeries()
        rate.setName(self.tr("Tỷ lệ đúng hạn (%)"))
        rate.setPen(QPen(QColor("#b00020"), 2))
        labels = []
        for i, p in enumerate(points):
            received.append(p.received)
            resolved.append(p.resolved)
            if p.on_time_rate is not None:
                rate.append(QPointF(i, 100 * p.on_time_rate))
            labels.append(f"{p.day:%d/%m}")
        bars = QBarSeries()
        bars.append(received)
        bars.append(resolved)
        chart.addSeries(bars)
        chart.addSeries(rate)
        x = QBarCategoryAxis()
        x.append(labels)
        x.setLabelsAngle(-90)
        font = x.labelsFont()
        font.setPointSize(7)
        x.setLabelsFont(font)
        y = QValueAxis()
        y.setLabelFormat("%.0f")  # "%d" prints nothing once the chart localises its numbers
        top, step = whole_number_scale(max([1] + [max(p.received, p.resolved) for p in points]))
        y.setRange(0, top)
        y.setTickType(QValueAxis.TickType.TicksDynamic)  # ticks on whole numbers: 0, 2, 4 ... not 1.5
        y.setTickAnchor(0)
        y.setTickInterval(step)
        y.setTitleText(self.tr("Hồ sơ"))
        y2 = QValueAxis()
        y2.setRange(0, 100)
        y2.setTickCount(top // step + 1)  # the same grid lines as the count axis
        y2.setLabelFormat("%.1f%%")  # 16,7% (a tick at a sixth), not 16%
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(y2, Qt.AlignmentFlag.AlignRight)
        bars.attachAxis(x)
        bars.attachAxis(y)
        rate.attachAxis(x)
        rate.attachAxis(y2)


def whole_number_scale(highest: int, most_ticks: int = 6) -> tuple[int, int]:
    """(top, step) for a count axis: a 1-2-5 step so every tick is a whole number, with headroom."""
    wanted = highest * 1.15
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if wanted / step <= most_ticks:
                return step * math.ceil(wanted / step), step
        magnitude *= 10
