"""What the two import tabs share: choose a file, preview it (nothing written), then import.

Both tabs (the old register, the procedure list) show the same things: the file row with
"Chọn tệp…" and the import button, a read-only preview table, the rows that will be skipped
and a one-line outcome. The error list sits under the table at full width: beside it, at
1366x768 it took the register preview's last columns and cut its own lines.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.prompts import prompts
from gui.session import Session
from gui.widgets import ERROR_STYLE, OK_STYLE, read_only_table


class FilePreviewTab(QWidget):
    """Subclasses call :meth:`build` with their words, and define ``preview(path)`` and ``run_import()``."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.path: Path | None = None

    def build(
        self,
        *,
        placeholder: str,
        import_text: str,
        import_name: str,
        headers: list[str],
        stretch: tuple[int, ...],
        problems_name: str,
        above: tuple[QWidget, ...] = (),
        below: tuple[QWidget, ...] = (),
    ) -> None:
        """The file row, ``above`` (e.g. the recognised columns), the table over the error list,
        ``below`` (e.g. a progress bar), then the outcome line. ``stretch``: the columns that share
        what the others (sized to their contents) leave."""
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(placeholder)
        choose = QPushButton(self.tr("Chọn tệp…"))
        choose.clicked.connect(self.choose_file)
        self.import_button = QPushButton(import_text)
        self.import_button.setObjectName(import_name)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Tệp")))
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        row.addWidget(self.import_button)
        self.table = read_only_table(headers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.problems = QListWidget()
        self.problems.setObjectName(problems_name)
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.message = QLabel()
        self.message.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        box = QWidget()
        side = QVBoxLayout(box)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel(self.tr("Dòng lỗi (sẽ bỏ qua)")))
        side.addWidget(self.problems, 1)
        split.addWidget(box)
        split.setSizes([380, 120])
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        for widget in above:
            layout.addWidget(widget)
        layout.addWidget(split, 1)
        for widget in below:
            layout.addWidget(widget)
        layout.addWidget(self.message)

    def choose_file(self) -> None:
        title, pattern = self.file_prompt()
        name = prompts().open_path(self, title, pattern)
        if name:
            self.preview(Path(name))

    def file_prompt(self) -> tuple[str, str]:
        """The file dialog's title and pattern (each tab's words)."""
        raise NotImplementedError

    def preview(self, path: Path):
        raise NotImplementedError

    def run_import(self):
        raise NotImplementedError

    def started(self, path: Path) -> None:
        """A new file chosen: show its name; nothing to import until its preview is in."""
        self.path = path
        self.file_edit.setText(str(path))
        self.import_button.setEnabled(False)

    def set_cell(self, row: int, column: int, text: str) -> QTableWidgetItem:
        """A preview cell; its whole text in the tooltip (long names are cut in narrow columns)."""
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        self.table.setItem(row, column, item)
        return item

    def show_problems(self, problems: list[str]) -> None:
        self.problems.clear()
        self.problems.addItems(problems)

    def say(self, text: str, ok: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet((OK_STYLE if ok else ERROR_STYLE).replace("12px", "14px"))
