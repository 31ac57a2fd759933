"""The procedure-list tab of the import screen: the province's list, previewed, then imported.

``core.catalogue.parse_procedures`` reads the file without writing anything, so the admin sees
which procedures are new, which already exist and which rows are wrong before
``import_procedures`` adds or updates them in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import catalogue
from core.model import Procedure
from gui.dialogs.error_details import show_failure
from gui.prompts import prompts
from gui.session import Session
from gui.tasks import Task
from gui.widgets import ERROR_STYLE, OK_STYLE

PATTERN = "Bảng tính (*.xlsx *.xlsm *.csv);;Mọi tệp (*)"


class CatalogueImportTab(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.path: Path | None = None
        self.parsed: list[Procedure] = []
        self.result: catalogue.CatalogueImport | None = None
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("Danh mục thủ tục do tỉnh/thành phố công bố (.xlsx, .csv)"))
        choose = QPushButton(self.tr("Chọn tệp…"))
        choose.clicked.connect(self.choose_file)
        self.import_button = QPushButton(self.tr("Nhập danh mục"))
        self.import_button.setObjectName("import_catalogue")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Tệp")))
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        row.addWidget(self.import_button)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã"),
                self.tr("Tên thủ tục"),
                self.tr("Lĩnh vực"),
                self.tr("Số ngày"),
                self.tr("Trong sổ"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.problems = QListWidget()
        self.problems.setObjectName("catalogue_problems")
        self.message = QLabel()
        self.message.setWordWrap(True)
        split = QSplitter()
        split.addWidget(self.table)
        box = QWidget()
        side = QVBoxLayout(box)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel(self.tr("Dòng lỗi (sẽ bỏ qua)")))
        side.addWidget(self.problems, 1)
        split.addWidget(box)
        split.setSizes([800, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    def say(self, text: str, ok: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet((OK_STYLE if ok else ERROR_STYLE).replace("12px", "14px"))

    def choose_file(self) -> None:
        name = prompts().open_path(self, self.tr("Chọn danh mục thủ tục"), self.tr(PATTERN))
        if name:
            self.preview(Path(name))

    def preview(self, path: Path) -> Task:
        """Read the list (nothing written) and show what the import would do."""
        self.path = path
        self.file_edit.setText(str(path))
        self.import_button.setEnabled(False)
        self.result = None

        def shown(parsed: tuple[list[Procedure], list[str]]) -> None:
            procedures, errors = parsed
            self.parsed = procedures
            known = {p.code for p in self.session.register.procedures(active_only=False)}
            self.table.setRowCount(len(procedures))
            for r, p in enumerate(procedures):
                there = self.tr("đã có (cập nhật)") if p.code in known else self.tr("mới")
                for c, v in enumerate((p.code, p.name, p.field, str(p.working_days), there)):
                    self.table.setItem(r, c, QTableWidgetItem(v))
            self.problems.clear()
            self.problems.addItems(errors)
            new = sum(p.code not in known for p in procedures)
            self.say(
                self.tr("Đọc được {n} thủ tục ({new} mới), {e} dòng lỗi. Chưa ghi gì vào sổ.").format(
                    n=len(procedures), new=new, e=len(errors)
                )
            )
            self.import_button.setEnabled(bool(procedures) and self.session.is_admin)

        def failed(exc: BaseException) -> None:
            self.table.setRowCount(0)
            self.problems.clear()
            self.say(getattr(exc, "message", str(exc)), ok=False)
            show_failure(self, exc)

        return (
            Task(self, lambda: catalogue.parse_procedures(path))
            .success(shown)
            .failure(failed)
            .with_progress(self.tr("Đang đọc danh mục…"))
            .run_in_background()
        )

    def run_import(self) -> Task | None:
        if self.path is None:
            return None
        path, user = self.path, self.session.user
        self.import_button.setEnabled(False)

        def done(result: catalogue.CatalogueImport) -> None:
            self.result = result
            self.say(result.summary())
            self.session.notify()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            show_failure(self, exc)

        return (
            Task(self, lambda: catalogue.import_procedures(self.session.worker_register(), user, path))
            .success(done)
            .failure(failed)
            .with_progress(self.tr("Đang nhập danh mục thủ tục…"))
            .run_in_background()
        )
