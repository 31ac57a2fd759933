"""The report's 13-column table as it will print: form II.06a's grouped headers, then the rows.

The header is built from ``reports.xlsxkit.GROUPS``, the very description the workbook is written
from, so the screen and the printed sheet cannot drift apart. Used by the reports screen (one
row per field) and the city roll-up (one row per ward).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.stats import KEYS, TOTAL_LABEL, Figures
from reports.xlsxkit import GROUPS

HEADER_ROWS = 4  # three header rows and the column-number row, as on paper
COLUMNS = 2 + len(KEYS)
HEADER_BACK = QBrush(QColor("#eef2f6"))
TOTAL_BACK = QBrush(QColor("#f7f7f2"))
HEADER_HEIGHTS = (34, 30, 50, 20)


class FiguresTable(QTableWidget):
    def __init__(self, label_title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("figures")
        self.setTabKeyNavigation(False)  # Tab leaves the table
        self.label_title = label_title
        self.setColumnCount(COLUMNS)
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 38)
        for c in range(2, COLUMNS):
            self.setColumnWidth(c, 74)
        self.show_rows([], Figures())

    # --- building ------------------------------------------------------------------------------
    def _cell(self, row: int, col: int, text: str, *, bold=False, italic=False, back=None, span=(1, 1)):
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.font())
        font.setBold(bold)
        font.setItalic(italic)
        if row < HEADER_ROWS:
            font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        item.setFont(font)
        if back is not None:
            item.setBackground(back)
        self.setItem(row, col, item)
        if span != (1, 1):
            self.setSpan(row, col, *span)

    def _header(self) -> None:
        h = dict(bold=True, back=HEADER_BACK)
        self._cell(0, 0, self.tr("STT"), span=(3, 1), **h)
        self._cell(0, 1, self.label_title, span=(3, 1), **h)
        col = 2
        for g in GROUPS:
            width = 1 + len(g.parts) + (1 if g.lone_last else 0)
            self._cell(0, col, self.tr(g.title), span=(1, width), **h)
            self._cell(1, col, self.tr("Tổng số"), span=(2, 1), **h)
            self._cell(1, col + 1, self.tr(g.subtitle), italic=True, back=HEADER_BACK, span=(1, len(g.parts)))
            for i, part in enumerate(g.parts):
                self._cell(2, col + 1 + i, self.tr(part), back=HEADER_BACK)
            if g.lone_last:
                self._cell(1, col + width - 1, self.tr(g.lone_last), back=HEADER_BACK, span=(2, 1))
            col += width
        for c in range(COLUMNS):
            self._cell(3, c, f"({c + 1})", italic=True, back=HEADER_BACK)
        for r, height in enumerate(HEADER_HEIGHTS):
            self.setRowHeight(r, height)

    def show_rows(self, rows: Sequence[tuple[str, Figures]], total: Figures) -> None:
        """One numbered row per (label, figures), then the total row ("Tổng cộng")."""
        self.clearSpans()
        self.clearContents()
        self.setRowCount(HEADER_ROWS + len(rows) + 1)
        self._header()
        for i, (label, figures) in enumerate(rows):
            r = HEADER_ROWS + i
            self._cell(r, 0, str(i + 1))
            self._cell(r, 1, label)
            self.item(r, 1).setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self._numbers(r, figures)
        r = HEADER_ROWS + len(rows)
        self._cell(r, 0, self.tr(TOTAL_LABEL), bold=True, back=TOTAL_BACK, span=(1, 2))
        self._numbers(r, total, bold=True, back=TOTAL_BACK)
        for r in range(HEADER_ROWS, self.rowCount()):
            self.setRowHeight(r, 24)
        # As tall as its rows (up to 14 of them), so the space below goes to what follows.
        shown = sum(HEADER_HEIGHTS) + 24 * min(len(rows) + 1, 15)
        self.setFixedHeight(shown + 2 * self.frameWidth() + 2)

    def _numbers(self, row: int, figures: Figures, **style) -> None:
        for i, key in enumerate(KEYS):
            value = getattr(figures, key)
            self._cell(row, 2 + i, f"{value:,}".replace(",", "."), **style)
            self.item(row, 2 + i).setData(Qt.ItemDataRole.UserRole, value)

    # --- reading (tests, copy) -------------------------------------------------------------
    def body(self) -> list[list[str]]:
        """The rows under the header as text, the total row last."""
        return [
            [self.item(r, c).text() if self.item(r, c) else "" for c in range(COLUMNS)]
            for r in range(HEADER_ROWS, self.rowCount())
        ]

    def header_texts(self) -> list[str]:
        return [
            self.item(r, c).text() for r in range(HEADER_ROWS - 1) for c in range(COLUMNS) if self.item(r, c)
        ]

    def total_values(self) -> dict[str, int]:
        r = self.rowCount() - 1
        return {k: int(self.item(r, 2 + i).data(Qt.ItemDataRole.UserRole)) for i, k in enumerate(KEYS)}
