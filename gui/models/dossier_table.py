"""The dossier table's model: a window onto SQL, never the whole register in memory.

Filtering, searching and sorting are a ``DossierQuery`` run by the register. A reset (new query,
new sort, or a change written) drops the cache and reads the first 200-row page at once; the
rows beyond it come as the view scrolls (``fetchMore``), kept a few pages at a time. Counting
every match is what made a keystroke slow on a big register (a million dossiers: a count of
every "nguyen" costs more than the first page), so the count is not part of a reset: a full
first page says "more than 200" until :meth:`set_counted` gives the number, counted off the GUI
thread by the screen once the typing pauses.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.model import Dossier
from core.register import Register
from core.storage.query import DossierQuery, page_after
from gui import fmt

PAGE = 200
KEEP_PAGES = 12
ROOT = QModelIndex()
DossierRole = Qt.ItemDataRole.UserRole + 1
OVERDUE_TEXT = QBrush(QColor("#b00020"))
OVERDUE_BACK = QBrush(QColor("#fde8ea"))

# (header, sort key in core.store.DOSSIER_SORT_COLUMNS, value)
COLUMNS = [
    ("Mã hồ sơ", "code", lambda d: d.code),
    ("Người nộp", "applicant", lambda d: d.applicant),
    ("Thủ tục", "procedure", lambda d: d.procedure_name),
    ("Nhận lúc", "received_at", lambda d: fmt.moment(d.received_at)),
    ("Hẹn trả", "due_at", lambda d: fmt.moment(d.due_at)),
    ("Trạng thái", "status", lambda d: d.status.label),
    ("Điện thoại", "phone", lambda d: d.phone),
]


class DossierTableModel(QAbstractTableModel):
    def __init__(self, register: Register, parent=None):
        super().__init__(parent)
        self.register = register
        self.query = DossierQuery(limit=PAGE)
        self.total = 0
        self.now: datetime = register.now()
        self.pages: OrderedDict[int, list[Dossier]] = OrderedDict()
        self.fetches = 0  # pages read from SQL (the benchmark and tests look at it)
        self.exact = True  # ``total`` is every match (not only the rows read so far)
        self.generation = 0  # which reset a count belongs to (a late count of an old query is dropped)

    # --- query -------------------------------------------------------------------------------
    def set_query(self, query: DossierQuery) -> None:
        self.query = replace(query, limit=PAGE, offset=0)
        self.refresh()

    def refresh(self) -> None:
        """Drop cached pages and read the first one (after a change or a new query)."""
        self.beginResetModel()
        self.generation += 1
        self.now = self.register.now()
        self.pages.clear()
        first = self._read_page(0)
        self.total = len(first)
        self.exact = len(first) < PAGE
        self.endResetModel()

    def count_query(self) -> DossierQuery:
        """The query a background count runs (with this reset's moment)."""
        return replace(self.query, now=self.now)

    def set_counted(self, total: int, generation: int) -> bool:
        """The full count arrived: the scroll bar gets every row. False if the query moved on."""
        if generation != self.generation or self.exact:
            return False
        if total > self.total:
            self.beginInsertRows(ROOT, self.total, total - 1)
            self.total = total
            self.endInsertRows()
        self.exact = True
        return True

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> bool:  # noqa: N802
        return not parent.isValid() and not self.exact

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> None:  # noqa: N802
        """Scrolled to the end of the rows read so far (the count has not come yet): one page more."""
        if parent.isValid() or self.exact:
            return
        page = self._read_page(self.total // PAGE)
        if len(page) < PAGE:
            self.exact = True
        if page:
            self.beginInsertRows(ROOT, self.total, self.total + len(page) - 1)
            self.total += len(page)
            self.endInsertRows()

    def _read_page(self, number: int) -> list[Dossier]:
        """Page ``number``: after the last row of the page before when that one is cached (keyset:
        scrolling down stays as fast at row 900,000 as at row 200), else by offset (a jump of
        the scroll bar, or a column whose sort is not keyset-able)."""
        q = replace(self.query, offset=number * PAGE, limit=PAGE, now=self.now, after=None)
        before = self.pages.get(number - 1)
        if before and len(before) == PAGE:
            q = page_after(q, before[-1], number * PAGE)
        page = self.register.query(q)
        self.fetches += 1
        self.pages[number] = page
        while len(self.pages) > KEEP_PAGES:
            self.pages.popitem(last=False)
        return page

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.query = replace(
            self.query, sort=COLUMNS[column][1], descending=order == Qt.SortOrder.DescendingOrder
        )
        self.refresh()

    # --- rows --------------------------------------------------------------------------------
    def dossier_at(self, row: int) -> Dossier | None:
        if not 0 <= row < self.total:
            return None
        number = row // PAGE
        page = self.pages.get(number)
        if page is None:
            page = self._read_page(number)
        else:
            self.pages.move_to_end(number)
        i = row - number * PAGE
        return page[i] if i < len(page) else None

    def row_of(self, code: str) -> int:
        """Row of a code among the cached pages, or -1."""
        for number, page in self.pages.items():
            for i, d in enumerate(page):
                if d.code == code:
                    return number * PAGE + i
        return -1

    # --- Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section][0])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        d = self.dossier_at(index.row())
        if d is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][2](d)
        if role == DossierRole:
            return d
        overdue = d.is_overdue(self.now)
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return OVERDUE_TEXT
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return OVERDUE_BACK
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of a cut cell
            text = COLUMNS[index.column()][2](d)
            if overdue:
                text += "\n" + self.tr("Quá hạn từ {t}").format(t=fmt.moment(d.due_at))
            return text
        return None
