"""First start on a new database: the ward's details and the first administrator, or demo data."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from core.demo import DEMO_PASSWORD, DEMO_USERS, make_demo
from core.errors import MotCuaError
from core.model import Role
from core.users import SYSTEM_USER
from gui.session import Session
from gui.tasks import Task


class SetupDialog(QDialog):
    """Either fills in the ward and the first admin, or builds a demo database; then accepts."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.demo_message = ""
        self.setWindowTitle(self.tr("Thiết lập MotCua lần đầu"))
        self.setMinimumWidth(520)
        intro = QLabel(
            self.tr(
                "Cơ sở dữ liệu mới. Nhập thông tin đơn vị và tài khoản quản trị đầu tiên, "
                "hoặc dùng dữ liệu mẫu để tập sử dụng."
            )
        )
        intro.setWordWrap(True)
        # Where the register lives: this PC (a file), or the centre's server shared by all counters.
        self.where_local = QRadioButton(self.tr("Chỉ máy này (một quầy)"))
        self.where_server = QRadioButton(self.tr("Máy chủ của trung tâm (nhiều quầy dùng chung)"))
        self.where_local.setChecked(True)
        where = QButtonGroup(self)
        where.addButton(self.where_local)
        where.addButton(self.where_server)
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("postgresql://motcua_quay@192.168.1.10/motcua")
        self.server_password = QLineEdit()
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_password.setPlaceholderText(self.tr("giữ trong kho mật khẩu của Windows"))
        for widget in (self.server_url, self.server_password):
            widget.setEnabled(False)
            self.where_server.toggled.connect(widget.setEnabled)
        for name in ("where_local", "where_server", "server_url", "server_password"):
            getattr(self, name).setObjectName(name)
        self.ward = QLineEdit()
        self.ward.setPlaceholderText(self.tr("Ví dụ: UBND phường Tây Hồ"))
        self.agency = QLineEdit()
        self.agency.setPlaceholderText(self.tr("Ví dụ: 000.17.22.H56 (tối đa 13 ký tự)"))
        self.address = QLineEdit()
        self.admin_login = QLineEdit("quantri")
        self.admin_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        for name in ("ward", "agency", "address", "admin_login", "admin_name", "password", "password2"):
            getattr(self, name).setObjectName(name)
        form = QFormLayout()
        form.addRow(self.tr("Địa chỉ máy chủ"), self.server_url)
        form.addRow(self.tr("Mật khẩu máy chủ"), self.server_password)
        form.addRow(self.tr("Tên đơn vị"), self.ward)
        form.addRow(self.tr("Mã cơ quan"), self.agency)
        form.addRow(self.tr("Địa chỉ"), self.address)
        form.addRow(self.tr("Tên đăng nhập quản trị"), self.admin_login)
        form.addRow(self.tr("Họ tên quản trị"), self.admin_name)
        form.addRow(self.tr("Mật khẩu"), self.password)
        form.addRow(self.tr("Nhập lại mật khẩu"), self.password2)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.save_button = QPushButton(self.tr("Lưu và bắt đầu"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.demo_button = QPushButton(self.tr("Dùng dữ liệu mẫu"))
        self.demo_button.clicked.connect(self.use_demo)
        cancel = QPushButton(self.tr("Thoát"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.where_local)
        layout.addWidget(self.where_server)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def save(self) -> bool:
        if self.where_server.isChecked():
            if not self._use_server():
                return False
            if self.session.register.is_initialised:  # another counter set the centre up already
                self.accept()
                return True
        if self.password.text() != self.password2.text():
            self.message.setText(self.tr("Hai lần nhập mật khẩu không khớp."))
            return False
        if len(self.password.text()) < 6:
            self.message.setText(self.tr("Mật khẩu phải có ít nhất 6 ký tự."))
            return False
        reg = self.session.register
        try:
            reg.initialise(self.ward.text(), self.agency.text(), address=self.address.text())
            admin = reg.add_user(
                SYSTEM_USER, self.admin_login.text(), self.admin_name.text(), Role.ADMIN, self.password.text()
            )
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.session.set_user(admin)
        self.accept()
        return True

    def _use_server(self) -> bool:
        """Open the centre's server instead of this PC's file; remember it for the next start.

        A typed password goes to the OS credential store (keyring), never into a file."""
        from core.register import Register
        from core.storage import is_server_url
        from core.storage.postgres import connection

        url = self.server_url.text().strip()
        if not is_server_url(url):
            self.message.setText(self.tr("Địa chỉ máy chủ có dạng postgresql://tên@máy/tên_csdl."))
            return False
        try:
            if self.server_password.text():
                connection.save_password(url, self.server_password.text())
        except Exception:  # noqa: BLE001 - no usable credential store on this PC
            self.message.setText(
                self.tr("Máy này không có kho mật khẩu: ghi mật khẩu máy chủ vào tệp pgpass.")
            )
            return False
        try:
            server = Register.open(url, clock=self.session.register.clock)
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        old, self.session.register, self.session.db_path = self.session.register, server, url
        old.close()
        connection.remember_server(url)
        return True

    def use_demo(self) -> None:
        self.demo_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Đang tạo dữ liệu mẫu..."))
        session = self.session
        Task(self, lambda: make_demo(session.worker_register())).success(self._demo_done).failure(
            self._demo_failed
        ).with_progress(self.tr("Đang tạo dữ liệu mẫu...")).run_in_background()

    def _demo_done(self, _result) -> None:
        users = ", ".join(login for login, _name, _role in DEMO_USERS)
        self.demo_message = self.tr("Dữ liệu mẫu đã sẵn sàng. Tài khoản: {users}; mật khẩu: {pw}").format(
            users=users, pw=DEMO_PASSWORD
        )
        self.accept()

    def _demo_failed(self, exc: BaseException) -> None:
        self.demo_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.message.setStyleSheet("color: #b00020")
        self.message.setText(getattr(exc, "message", str(exc)))
