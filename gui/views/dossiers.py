"""Dossiers: the whole register in one table (SQL-paged), quick filters, search as you type,
a detail pane with the timeline, and a button for every life-cycle step allowed now.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError, QueryInterrupted
from core.lifecycle import STEPS, allowed_actions
from core.model import OPEN_STATUSES, STATUS_LABELS, Dossier
from core.register import Register
from core.store import QuickFilter
from gui.dialogs.apology import ApologyDialog
from gui.dialogs.step import StepDialog
from gui.forms_print import FORM_BUTTONS, FORM_TITLES, print_dossier_form, printable_forms
from gui.models.dossier_table import DossierTableModel
from gui.prompts import prompts
from gui.session import Session
from gui.views.attachments import AttachmentsPanel
from gui.views.detail import detail_html
from gui.widgets import heading

# The typing pause before the table is asked again. The aim is a keystroke answered within
# 100 ms; on a million dossiers the first page costs 15-65 ms whatever was typed (bench/bench_gui.py:
# the count comes later, off the GUI thread), so the pause gets the rest. Shorter would re-query
# on every key of a fast typist (about 120 ms between keys) for nothing.
SEARCH_DELAY_MS = 25
# The full count of a search waits for this pause in the typing, then runs off the GUI thread.
COUNT_DELAY_MS = 300
QUICK = [
    QuickFilter.ALL,
    QuickFilter.RECEIVED_TODAY,
    QuickFilter.DUE_TODAY,
    QuickFilter.DUE_SOON,
    QuickFilter.OVERDUE,
    QuickFilter.AWAITING_SUPPLEMENT,
    QuickFilter.READY_TO_RETURN,
    QuickFilter.RETURNED_TODAY,
]


@dataclass
class _CountInFlight:
    """The worker register counting now and for which reset, under a lock: the GUI thread stops
    only that statement, never another task's read on the same worker connection."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    register: Register | None = None
    generation: int = -1


class DossiersView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self.current: Dossier | None = None
        self.model = DossierTableModel(session.register, self)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            self.tr("Tìm theo mã hồ sơ, tên người nộp, số CCCD, điện thoại (không cần dấu)  — F3")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setProperty("accepts_scan", True)  # a scanned receipt finds its dossier here
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.count_timer = QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self._count_now)
        self._counting = _CountInFlight()

        self.quick_group = QButtonGroup(self)
        self.quick_group.setExclusive(True)
        quick_row = QHBoxLayout()
        for i, q in enumerate(QUICK):
            button = QPushButton(self.tr(q.label))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setProperty("quick", q.value)
            self.quick_group.addButton(button, i)
            quick_row.addWidget(button)
        quick_row.addStretch(1)
        self.quick_group.button(0).setChecked(True)
        self.quick_group.idClicked.connect(lambda _i: self.apply_query())
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        quick_row.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setObjectName("table")
        self.table.setModel(self.model)
        # Scrolling can reach the last row before the count comes: the label says so at once.
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between rows
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)  # the tooltip has the full text
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # resizable, remembered
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        for col, width in enumerate((195, 150, 185, 120, 120, 110, 95)):  # until fitted when first shown
            header.resizeSection(col, width)
        self.table.setColumnHidden(6, True)  # the phone is searchable; the column costs width at 1366 px
        # Widths follow the table's width (the window opens, then is maximised) until the clerk
        # drags a column or the widths left last time are restored.
        self._auto_columns = True
        self._fitting = False
        header.sectionResized.connect(self._column_resized)
        self.table.viewport().installEventFilter(self)
        self.restore_layout(window.ui_settings() if window is not None else None)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_row(cur.row()))

        self.detail = QTextBrowser()
        self.detail.setObjectName("detail")
        self.actions_box = QWidget()
        self.actions_layout = QGridLayout(self.actions_box)
        self.actions_layout.setContentsMargins(0, 0, 0, 0)
        self.forms_box = QWidget()
        self.forms_layout = QGridLayout(self.forms_box)
        self.forms_layout.setContentsMargins(0, 0, 0, 0)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self.detail, 1)
        self.attachments = AttachmentsPanel(session, side)  # scans: thumbnails, drop, picker
        side_layout.addWidget(self.attachments)
        side_layout.addWidget(QLabel(self.tr("<b>Thao tác</b>")))
        side_layout.addWidget(self.actions_box)
        side_layout.addWidget(QLabel(self.tr("<b>In phiếu</b>")))
        side_layout.addWidget(self.forms_box)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([880, 300])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Hồ sơ")))
        layout.addWidget(self.search)
        layout.addLayout(quick_row)
        layout.addWidget(splitter, 1)
        session.changed.connect(self.reload)
        self.apply_query()

    # --- screen protocol ---------------------------------------------------------------------
    def focus_first(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def activated(self) -> None:
        self.reload()

    # --- query -------------------------------------------------------------------------------
    LAYOUT_KEY = "dossiers/table-header"

    def restore_layout(self, settings) -> None:
        """The column widths the clerk left last time (saved by the main window on close)."""
        saved = settings.value(self.LAYOUT_KEY) if settings is not None else None
        if saved is not None:
            self._auto_columns = not self.table.horizontalHeader().restoreState(saved)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.table.viewport() and event.type() == QEvent.Type.Resize and self._auto_columns:
            QTimer.singleShot(0, self._fit_columns)  # after the resize, outside Qt's layout pass
        return super().eventFilter(obj, event)

    def _column_resized(self, col: int, _old: int, _new: int) -> None:
        # the last column stretches with the table by itself and the phone's is hidden; any other
        # one moved is the clerk's
        if not self._fitting and col != 5 and not self.table.horizontalHeader().isSectionHidden(col):
            self._auto_columns = False

    def _fit_columns(self) -> None:
        """Widths from the font: the code, the two moments and the status whole (a clerk reads the
        code; it was cut to "000.17.22.H56-261203-00…" and the status ran off behind a scroll bar),
        the name and the procedure sharing what is left (their tooltips have the whole text)."""
        if not self._auto_columns or not self.table.isVisible():
            return
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        pad = 16  # the cell's margins and a little air
        code = metrics.horizontalAdvance("000.00.00.H00-000000-0000") + pad  # the codes' one shape
        moment = metrics.horizontalAdvance("00/00/0000 00:00") + pad
        status = max(metrics.horizontalAdvance(label) for label in STATUS_LABELS.values()) + pad
        fixed = {0: code, 3: moment, 4: moment}
        # room left once a vertical scroll bar shows too, so a longer list does not push a column off
        scroll = self.table.verticalScrollBar()
        width = self.table.viewport().width() + (scroll.width() if scroll.isVisible() else 0)
        room = width - self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        room -= sum(fixed.values()) + status
        name = max(100, int(room * 0.42))
        self._fitting = True
        try:
            for col, size in fixed.items():
                header.resizeSection(col, size)
            header.resizeSection(1, name)
            header.resizeSection(2, max(100, room - name))
            header.resizeSection(5, status)  # then stretched to the edge by the header
        finally:
            self._fitting = False

    def save_layout(self, settings) -> None:
        settings.setValue(self.LAYOUT_KEY, self.table.horizontalHeader().saveState())

    def show_quick_filter(self, q: QuickFilter) -> None:
        """A Today tile: its list, with the old search cleared (a leftover search showed "0 hồ sơ")."""
        self.search_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.set_quick_filter(q)

    def quick_filter(self) -> QuickFilter:
        return QUICK[max(0, self.quick_group.checkedId())]

    def set_quick_filter(self, q: QuickFilter) -> None:
        self.quick_group.button(QUICK.index(q)).setChecked(True)
        self.apply_query()

    def _search_now(self) -> None:
        self.search_timer.stop()
        self.apply_query()
        if self.model.total:
            self.table.setFocus()
            self.select_row(0)

    def apply_query(self) -> None:
        q = replace(self.model.query, text=self.search.text(), quick=self.quick_filter())
        self.model.set_query(q)
        self._stop_stale_count()
        self._after_reset()

    def reload(self) -> None:
        code = self.current.code if self.current else ""
        self.model.refresh()
        self._stop_stale_count()
        self._after_reset(code)

    def _show_count(self) -> None:
        n = f"{self.model.total:,}".replace(",", ".")
        if self.model.exact:
            self.count_label.setText(self.tr("{n} hồ sơ").format(n=n))
        else:
            self.count_label.setText(self.tr("hơn {n} hồ sơ (đang đếm…)").format(n=n))

    def _count_now(self) -> None:
        """Count every match off the GUI thread; a count for a query since replaced is dropped,
        and stopped if it is still running (``_stop_stale_count``): on a million dossiers a
        count of a short token reads every row, and would slow the next keystrokes."""
        from gui.tasks import Task

        model, session = self.model, self.session
        q, generation = model.count_query(), model.generation
        counting = self._counting

        def work() -> int | None:
            register = session.worker_register()
            with counting.lock:
                if generation != model.generation:
                    return None  # a newer query came before the count began
                counting.register, counting.generation = register, generation
            try:
                return register.count(q)
            except QueryInterrupted:
                return None
            finally:
                with counting.lock:
                    counting.register = None

        def counted(total: int | None) -> None:
            import shiboken6

            if total is not None and shiboken6.isValid(self) and model.set_counted(total, generation):
                self._show_count()

        Task(self, work).success(counted).run_in_background()

    def _stop_stale_count(self) -> None:
        """The query moved on: stop a count still running for an older one."""
        with self._counting.lock:
            running = self._counting.register
            if running is not None and self._counting.generation != self.model.generation:
                running.interrupt()

    def _after_reset(self, keep_code: str = "") -> None:
        self._show_count()
        if not self.model.exact:
            from gui.tasks import is_synchronous

            if is_synchronous():  # tests: no event loop to wait for the pause
                self._count_now()
            else:
                self.count_timer.start()
        row = self.model.row_of(keep_code) if keep_code else -1
        if row < 0 and keep_code:
            self.model.dossier_at(0)
            row = self.model.row_of(keep_code)
        if row >= 0:
            self.select_row(row)
        else:
            self.show_dossier(None)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        self.show_row(row)

    # --- detail ------------------------------------------------------------------------------
    def show_row(self, row: int) -> None:
        d = self.model.dossier_at(row)
        self.show_dossier(self.session.register.dossier(d.code) if d else None)

    def open_code(self, code: str) -> None:
        """Show one dossier (from the return screen or a search) with its actions."""
        self.search.blockSignals(True)
        self.search.setText(code)
        self.search.blockSignals(False)
        self.quick_group.button(0).setChecked(True)
        self.apply_query()
        if self.model.total:
            self.select_row(0)

    def show_dossier(self, d: Dossier | None) -> None:
        self.current = d
        for layout in (self.actions_layout, self.forms_layout):
            while layout.count():
                layout.takeAt(0).widget().deleteLater()
        if d is None:
            self.detail.setHtml(self.tr("<p style='color:#777'>Chọn một hồ sơ để xem chi tiết.</p>"))
            self.attachments.set_dossier(None)
            return
        self.session.current_code = d.code
        self.detail.setHtml(detail_html(d, self.session.register.now()))
        self.attachments.set_dossier(d)
        buttons = [(step.label, step.action) for step in allowed_actions(d.status)]
        if d.status in OPEN_STATUSES and d.is_overdue(self.session.register.now()):
            buttons.append((self.tr("Xin lỗi, hẹn lại"), "apology"))
        for i, (label, action) in enumerate(buttons):
            keys = f"Alt+{i + 1}"
            button = QPushButton(f"{label}  ({keys})")
            button.setShortcut(keys)
            button.setToolTip(f"{label} ({keys})")
            button.setObjectName(f"action-{action}")
            button.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            self.actions_layout.addWidget(button, i // 2, i % 2)
        for i, form in enumerate(printable_forms(d)):
            keys = f"Ctrl+Shift+{i + 1}"
            button = QPushButton(self.tr(FORM_BUTTONS[form]))
            button.setShortcut(keys)
            button.setToolTip(f"{self.tr(FORM_TITLES[form])} ({keys})")
            button.setObjectName(f"form-{form}")
            button.clicked.connect(lambda _c=False, f=form: self.print_form(f))
            self.forms_layout.addWidget(button, i // 2, i % 2)

    # --- actions -----------------------------------------------------------------------------
    def run_action(self, action: str) -> Dossier | None:
        d = self.current
        if d is None:
            return None
        if action == "apology":
            dialog = ApologyDialog(self.session, d, self)
            if prompts().exec_dialog(dialog):
                self.session.notify()
            return self.current
        dialog = StepDialog(self.session, d, STEPS[action], self)
        if not prompts().exec_dialog(dialog) or dialog.result_dossier is None:
            return None
        form = dialog.print_form
        self.session.notify()
        if form:
            self.print_form(form)
        return dialog.result_dossier

    def print_form(self, form: str) -> bool:
        if self.current is None:
            return False
        try:
            return print_dossier_form(self.session, self, self.current.code, form)
        except MotCuaError as exc:  # pragma: no cover - print_dossier_form reports its own errors
            prompts().error(self, exc.message)
            return False
