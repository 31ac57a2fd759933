"""Admin: users of the counter (clerks, vice-chairs, administrators), passwords and deactivation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError
from core.model import Role, User
from gui.session import Session
from gui.widgets import heading


class UsersView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.table = QTableWidget(0, 5)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Tên đăng nhập"),
                self.tr("Họ tên"),
                self.tr("Vai trò"),
                self.tr("Chức danh"),
                self.tr("Hoạt động"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for col, width in enumerate((140, 220, 160, 260, 90)):
            self.table.setColumnWidth(col, width)
        self.table.currentCellChanged.connect(lambda row, *_: self.load_row(row))
        self.login = QLineEdit()
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for r in Role:
            self.role.addItem(r.label, r.value)
        self.title = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("để trống nếu không đổi"))
        self.active = QCheckBox(self.tr("Được đăng nhập"))
        self.active.setChecked(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        add = QPushButton(self.tr("Thêm người dùng"))
        add.clicked.connect(self.add)
        update = QPushButton(self.tr("Lưu thay đổi"))
        update.clicked.connect(self.update_selected)
        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập"), self.login)
        form.addRow(self.tr("Họ tên"), self.full_name)
        form.addRow(self.tr("Vai trò"), self.role)
        form.addRow(self.tr("Chức danh"), self.title)
        form.addRow(self.tr("Mật khẩu"), self.password)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(update)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Người dùng")))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.users: list[User] = []
        self.reload()

    def activated(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.users = self.session.register.users()
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            values = (
                u.login,
                u.full_name,
                u.role.label,
                u.title,
                self.tr("Có") if u.active else self.tr("Không"),
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))

    def load_row(self, row: int) -> None:
        if not 0 <= row < len(self.users):
            return
        u = self.users[row]
        self.login.setText(u.login)
        self.full_name.setText(u.full_name)
        self.role.setCurrentIndex(self.role.findData(u.role.value))
        self.title.setText(u.title)
        self.active.setChecked(u.active)
        self.password.clear()

    def add(self) -> bool:
        try:
            user = self.session.register.add_user(
                self.session.user,
                self.login.text(),
                self.full_name.text(),
                self.role.currentData(),
                self.password.text(),
                self.title.text(),
            )
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(self.tr("Đã thêm người dùng {u}.").format(u=user.login))
        self.reload()
        return True

    def update_selected(self) -> bool:
        changes = {
            "full_name": self.full_name.text(),
            "role": self.role.currentData(),
            "title": self.title.text(),
            "active": self.active.isChecked(),
        }
        if self.password.text():
            changes["password"] = self.password.text()
        try:
            user = self.session.register.update_user(self.session.user, self.login.text(), **changes)
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(self.tr("Đã lưu người dùng {u}.").format(u=user.login))
        self.reload()
        return True
