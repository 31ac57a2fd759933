"""The procedure picker's model: the catalogue, filtered accent-insensitively on code and name.

Typing "khai sinh", "khái sinh" or "1.0011" narrows the list; every typed word must appear in the
folded "code name" (core.text.fold), in any order.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from core.model import Procedure
from core.text import fold

ROOT = QModelIndex()

ProcedureRole = Qt.ItemDataRole.UserRole + 1


class ProcedureListModel(QAbstractListModel):
    def __init__(self, procedures: list[Procedure] | None = None, parent=None):
        super().__init__(parent)
        self.procedures: list[Procedure] = []
        self.keys: list[str] = []
        self.set_procedures(procedures or [])

    def set_procedures(self, procedures: list[Procedure]) -> None:
        self.beginResetModel()
        self.procedures = list(procedures)
        self.keys = [fold(f"{p.code} {p.name} {p.field}") for p in self.procedures]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.procedures)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.procedures[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return f"{p.code} — {p.name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{p.field} · {p.name}"
        if role == ProcedureRole:
            return p
        return None


class ProcedureFilter(QSortFilterProxyModel):
    """Keeps the rows whose folded text holds every folded word of the query."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []

    def set_query(self, text: str) -> None:
        words = fold(text).replace("—", " ").split()
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self.words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = words
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        assert isinstance(source, ProcedureListModel)
        key = source.keys[row]
        return all(w in key for w in self.words)

    def procedure_at(self, row: int) -> Procedure | None:
        if not 0 <= row < self.rowCount():
            return None
        return self.index(row, 0).data(ProcedureRole)
