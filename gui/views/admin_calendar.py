"""Admin: the working-day calendar of a year — public holidays (from the ``holidays`` package) and
the office's overrides (extra day off, make-up working day), which re-date open dossiers."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError
from core.workcalendar import public_holiday_name
from gui import fmt
from gui.session import Session
from gui.widgets import heading


class CalendarView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        today = session.register.now().date()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.table = QTableWidget(0, 3)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels([self.tr("Ngày"), self.tr("Loại"), self.tr("Ghi chú")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setColumnWidth(0, 190)
        self.table.setColumnWidth(1, 230)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Ngày nghỉ bổ sung"), False)
        self.kind.addItem(self.tr("Ngày làm việc bù (ví dụ thứ Bảy)"), True)
        self.note = QLineEdit()
        self.message = QLabel()
        self.message.setWordWrap(True)
        add = QPushButton(self.tr("Lưu điều chỉnh"))
        add.clicked.connect(self.save)
        remove = QPushButton(self.tr("Xóa điều chỉnh đang chọn"))
        remove.clicked.connect(self.remove_selected)
        form = QFormLayout()
        form.addRow(self.tr("Ngày"), self.day)
        form.addRow(self.tr("Loại"), self.kind)
        form.addRow(self.tr("Ghi chú (ví dụ số công văn)"), self.note)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Năm")))
        top.addWidget(self.year)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Lịch làm việc: ngày lễ và điều chỉnh")))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.rows: list[tuple[date, bool]] = []  # (day, is an override)
        self.reload()

    def activated(self) -> None:
        self.reload()

    def reload(self) -> None:
        year = self.year.value()
        calendar = self.session.register.calendar
        overrides = {d: o for d, o in calendar.overrides.items() if d.year == year}
        entries: dict[date, tuple[str, str, bool]] = {}
        day = date(year, 1, 1)
        while day.year == year:
            name = public_holiday_name(day)
            if name:
                entries[day] = (self.tr("Nghỉ lễ, Tết"), name, False)
            day += timedelta(days=1)
        for d, o in overrides.items():
            kind = self.tr("Làm việc bù (điều chỉnh)") if o.working else self.tr("Nghỉ bổ sung (điều chỉnh)")
            entries[d] = (kind, o.note, True)
        self.rows = [(d, entries[d][2]) for d in sorted(entries)]
        self.table.setRowCount(len(self.rows))
        for row, (d, _is_override) in enumerate(self.rows):
            kind, note, _ = entries[d]
            for col, value in enumerate((fmt.day(d), kind, note)):
                self.table.setItem(row, col, QTableWidgetItem(value))

    def save(self) -> bool:
        day = self.day.date().toPython()
        try:
            moved = self.session.register.set_override(
                self.session.user, day, bool(self.kind.currentData()), self.note.text()
            )
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(
            self.tr("Đã lưu {d}; {n} hồ sơ được tính lại ngày hẹn.").format(d=fmt.day(day), n=moved)
        )
        self.session.notify()
        if day.year != self.year.value():
            self.year.setValue(day.year)
        self.reload()
        return True

    def remove_selected(self) -> bool:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows) or not self.rows[row][1]:
            self.message.setText(self.tr("Chọn một dòng điều chỉnh (ngày lễ theo luật không xóa được)."))
            return False
        day = self.rows[row][0]
        try:
            moved = self.session.register.remove_override(self.session.user, day)
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(
            self.tr("Đã xóa điều chỉnh {d}; {n} hồ sơ được tính lại ngày hẹn.").format(
                d=fmt.day(day), n=moved
            )
        )
        self.session.notify()
        self.reload()
        return True
