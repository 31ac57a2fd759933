"""Admin: the catalogue of procedures (time limit, cut-off rule, fee, required documents)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError
from core.model import Procedure
from gui.session import Session
from gui.widgets import heading


class CatalogueView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.table = QTableWidget(0, 5)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Mã"),
                self.tr("Tên thủ tục"),
                self.tr("Lĩnh vực"),
                self.tr("Số ngày"),
                self.tr("Áp dụng"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        for col, width in enumerate((80, 300, 130, 90, 75)):  # "Trong ngày" on one line
            self.table.setColumnWidth(col, width)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self.load_row(row))
        self.code = QLineEdit()
        self.name = QLineEdit()
        self.field = QLineEdit()
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setSuffix(self.tr(" ngày làm việc"))
        self.days.setSpecialValueText(self.tr("Trong ngày"))  # as the intake screen and the receipt say
        self.cutoff = QCheckBox(self.tr("Nhận sau giờ cắt thì hẹn sang ngày làm việc sau"))
        self.fee = QLineEdit()
        self.documents = QPlainTextEdit()
        self.documents.setTabChangesFocus(True)
        self.documents.setPlaceholderText(self.tr("Mỗi dòng một thành phần hồ sơ"))
        self.note = QLineEdit()
        self.active = QCheckBox(self.tr("Đang áp dụng"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        save = QPushButton(self.tr("Lưu thủ tục"))
        save.clicked.connect(self.save)
        new = QPushButton(self.tr("Thêm thủ tục mới"))
        new.clicked.connect(self.new)
        form = QFormLayout()
        form.addRow(self.tr("Mã thủ tục"), self.code)
        form.addRow(self.tr("Tên thủ tục"), self.name)
        form.addRow(self.tr("Lĩnh vực"), self.field)
        form.addRow(self.tr("Thời hạn"), self.days)
        form.addRow("", self.cutoff)
        form.addRow(self.tr("Lệ phí"), self.fee)
        form.addRow(self.tr("Thành phần hồ sơ"), self.documents)
        form.addRow(self.tr("Ghi chú"), self.note)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addStretch(1)
        buttons.addWidget(save)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.message)
        editor_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(editor)
        splitter.setSizes([720, 450])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Danh mục thủ tục hành chính")))
        layout.addWidget(splitter, 1)
        self.procedures: list[Procedure] = []
        self.reload()

    def activated(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.procedures = self.session.register.procedures(active_only=False)
        self.table.setRowCount(len(self.procedures))
        for row, p in enumerate(self.procedures):
            values = (
                p.code,
                p.name,
                p.field,
                str(p.working_days) if p.working_days else self.tr("Trong ngày"),
                self.tr("Có") if p.active else self.tr("Không"),
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        if self.procedures and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    def load_row(self, row: int) -> None:
        if not 0 <= row < len(self.procedures):
            return
        p = self.procedures[row]
        self.code.setText(p.code)
        self.code.setReadOnly(True)
        self.name.setText(p.name)
        self.field.setText(p.field)
        self.days.setValue(p.working_days)
        self.cutoff.setChecked(p.cutoff_applies)
        self.fee.setText(p.fee)
        self.documents.setPlainText("\n".join(p.documents))
        self.note.setText(p.note)
        self.active.setChecked(p.active)
        self.position = p.position

    def new(self) -> None:
        self.table.clearSelection()
        for edit in (self.code, self.name, self.field, self.fee, self.note):
            edit.clear()
        self.code.setReadOnly(False)
        self.documents.clear()
        self.days.setValue(0)
        self.cutoff.setChecked(False)
        self.active.setChecked(True)
        self.position = max((p.position for p in self.procedures), default=0) + 1
        self.code.setFocus()

    def save(self) -> bool:
        if not (self.code.text().strip() and self.name.text().strip() and self.field.text().strip()):
            self.message.setText(self.tr("Cần nhập mã, tên và lĩnh vực của thủ tục."))
            return False
        p = Procedure(
            code=self.code.text().strip(),
            name=self.name.text().strip(),
            field=self.field.text().strip(),
            working_days=self.days.value(),
            cutoff_applies=self.cutoff.isChecked(),
            fee=self.fee.text().strip(),
            documents=tuple(x.strip() for x in self.documents.toPlainText().splitlines() if x.strip()),
            note=self.note.text().strip(),
            active=self.active.isChecked(),
            position=getattr(self, "position", 0),
        )
        try:
            self.session.register.save_procedure(self.session.user, p)
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(self.tr("Đã lưu thủ tục {c}.").format(c=p.code))
        self.session.notify()
        self.reload()
        return True
