"""Admin: office settings — ward details, report recipients, receipt paper, cut-off and return
hours, Saturday reception, printer. Only changed values go to ``register.update_settings``."""

from __future__ import annotations

from dataclasses import asdict, fields

from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError, ValidationError, ValidationErrors
from core.settings import Settings
from core.text import fold
from gui.session import Session
from gui.widgets import ERROR_STYLE, heading

GROUPS = [
    (
        "Đơn vị",
        [
            ("ward_name", "Tên đơn vị"),
            ("centre_name", "Tên bộ phận / trung tâm"),
            ("place_name", "Địa danh (dòng ngày tháng)"),
            ("agency_code", "Mã cơ quan (đầu mã hồ sơ)"),
            ("address", "Địa chỉ"),
            ("phone", "Điện thoại"),
            ("email", "Email"),
            ("opening_hours", "Giờ làm việc"),
        ],
    ),
    (
        "Tiếp nhận và in",
        [
            ("cutoff_time", "Giờ cắt tiếp nhận trong ngày"),
            ("return_time", "Giờ hẹn trả kết quả"),
            ("saturday_reception", "Nhận hồ sơ sáng thứ Bảy"),
            ("receipt_paper", "Khổ giấy tiếp nhận"),
            ("receipt_copies", "Số liên giấy tiếp nhận"),
            ("register_book", "Quyển số"),
            ("printer", "Máy in"),
        ],
    ),
    (
        "Số hóa hồ sơ",
        [
            ("scan_watch_dir", "Thư mục máy quét lưu tệp (tệp mới được đề nghị đính kèm)"),
            ("attach_max_file_mb", "Dung lượng tối đa một tệp (MB)"),
            ("attach_max_dossier_mb", "Dung lượng tối đa một hồ sơ (MB)"),
        ],
    ),
    (
        "Báo cáo và thư",
        [
            ("report_to", "Nơi nhận báo cáo"),
            ("report_recipients", "Email nhận báo cáo (cách nhau dấu phẩy)"),
            ("default_period", "Kỳ báo cáo mặc định"),
            ("backup_dir", "Thư mục sao lưu"),
            ("smtp_host", "Máy chủ thư (SMTP)"),
            ("smtp_port", "Cổng SMTP"),
            ("smtp_security", "Bảo mật SMTP"),
            ("smtp_user", "Tài khoản thư"),
            ("smtp_sender", "Địa chỉ gửi"),
        ],
    ),
]
# (row, column, rows, columns) of each group: the ward's long texts over the full width; intake and
# scans one above the other on the left, reports and mail on the right. Three columns side by side
# left the mail column a strip at 1366 px, its fields showing only their last letters.
PLACES = [(0, 0, 1, 2), (1, 0, 1, 1), (2, 0, 1, 1), (1, 1, 2, 1)]
CHOICES = {
    "receipt_paper": [("A4", "A4"), ("A5", "A5")],
    "default_period": [
        ("official", "Kỳ chính thức (15 tháng trước - 14 tháng này)"),
        ("calendar", "Tháng dương lịch"),
    ],
    "smtp_security": [("ssl", "SSL"), ("starttls", "STARTTLS"), ("none", "Không")],
}


class SettingsView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}  # each setting's own message, under its field
        self.labels: dict[str, str] = {}
        self.error_forms: dict[str, QFormLayout] = {}
        types = {f.name: f.type for f in fields(Settings)}
        grid = QGridLayout()
        for i, (title, items) in enumerate(GROUPS):
            box = QGroupBox(self.tr(title))
            form = QFormLayout(box)
            for name, label in items:
                widget = self._widget(name, types[name])
                widget.setObjectName(name)
                self.widgets[name] = widget
                form.addRow(self.tr(label), widget)
                error = QLabel()
                error.setObjectName(f"error-{name}")
                error.setWordWrap(True)
                error.setStyleSheet(ERROR_STYLE)
                form.addRow(error)
                form.setRowVisible(error, False)  # shown with its message only (no empty gaps)
                self.errors[name] = error
                self.error_forms[name] = form
                self.labels[name] = self.tr(label)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # long labels above: fits 1366 px
            if title == "Báo cáo và thư":
                self._mail_password_rows(form)
            grid.addWidget(box, *PLACES[i])
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        save = QPushButton(self.tr("Lưu thiết lập"))
        save.setObjectName("save")
        save.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Thiết lập")))
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.load()

    # --- the mail password: in the OS credential store (core.credentials), never in the database --
    def _mail_password_rows(self, form: QFormLayout) -> None:
        self.smtp_password = QLineEdit()
        self.smtp_password.setObjectName("smtp_password")
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setToolTip(
            self.tr("Mật khẩu được lưu trong kho mật khẩu của hệ điều hành, không lưu trong tệp dữ liệu.")
        )
        store = QPushButton(self.tr("Lưu mật khẩu thư"))
        store.setObjectName("store_password")
        store.clicked.connect(self.store_password)
        check = QPushButton(self.tr("Kiểm tra kết nối thư"))
        check.setObjectName("check_mail")
        check.clicked.connect(self.check_mail)
        self.mail_message = QLabel()
        self.mail_message.setObjectName("mail_message")
        self.mail_message.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.smtp_password, 1)
        row.addWidget(store)
        row.addWidget(check)
        form.addRow(self.tr("Mật khẩu hộp thư"), row)
        form.addRow(self.mail_message)

    def store_password(self) -> bool:
        """Save the settings first (the password is filed under the account and server)."""
        from core.credentials import set_smtp_password

        if not self.save():
            return False
        try:
            set_smtp_password(self.session.register.settings, self.smtp_password.text())
        except MotCuaError as exc:
            self.mail_message.setText(exc.message)
            return False
        self.smtp_password.clear()
        self.mail_message.setText(self.tr("Đã lưu mật khẩu hộp thư vào kho mật khẩu của hệ điều hành."))
        return True

    def check_mail(self) -> None:
        """Connect, secure and log in without sending (off the GUI thread: a server may be slow)."""
        from core.credentials import get_smtp_password
        from gui.tasks import Task
        from reports.email_out import check_connection

        if not self.save():
            return
        settings = self.session.register.settings
        try:
            password = self.smtp_password.text() or get_smtp_password(settings)
        except MotCuaError as exc:
            self.mail_message.setText(exc.message)
            return
        self.mail_message.setText(self.tr("Đang kết nối máy chủ thư…"))

        def failed(exc: BaseException) -> None:
            self.mail_message.setText(getattr(exc, "message", str(exc)))

        Task(self, lambda: check_connection(settings, password, timeout=15)).success(
            self.mail_message.setText
        ).failure(failed).run_in_background()

    def _field_of(self, error: ValidationError) -> str:
        """The setting an error is about: its name, or the label core used for it."""
        if error.field in self.widgets:
            return error.field
        wanted = fold(error.field)
        for name, label in self.labels.items():
            if wanted and (wanted in fold(label) or fold(label) in wanted):
                return name
        return ""

    def _show_errors(self, errors: list[ValidationError], summary: str) -> None:
        """Each message under its field (the first one focused); the rest at the bottom."""
        loose, first = [], None
        for e in errors:
            name = self._field_of(e)
            if not name:
                loose.append(e.message)
                continue
            self.errors[name].setText(f"{self.labels[name]}: {e.problem}")
            self.error_forms[name].setRowVisible(self.errors[name], True)
            first = first or self.widgets[name]
        self.message.setText("\n".join(loose) or self.tr("Chưa lưu: sửa các ô báo đỏ."))
        if first is not None:
            first.setFocus()

    def _widget(self, name: str, kind: str) -> QWidget:
        if kind == "bool":
            return QCheckBox()
        if kind == "int":
            spin = QSpinBox()
            spin.setRange(0, 65535)
            return spin
        if name in CHOICES:
            combo = QComboBox()
            for value, label in CHOICES[name]:
                combo.addItem(self.tr(label), value)
            return combo
        if name == "printer":
            combo = QComboBox()
            combo.setMinimumWidth(260)
            combo.setEditable(True)
            combo.addItem("")
            combo.addItems(QPrinterInfo.availablePrinterNames())
            return combo
        edit = QLineEdit()
        if name == "scan_watch_dir":  # a folder's path needs room: its long caption goes above it
            edit.setMinimumWidth(240)
        return edit

    def activated(self) -> None:
        self.load()

    def load(self) -> None:
        for name, value in asdict(self.session.register.settings).items():
            w = self.widgets.get(name)
            if isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QSpinBox):
                w.setValue(int(value))
            elif isinstance(w, QComboBox) and w.isEditable():
                w.setCurrentText(str(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            elif isinstance(w, QLineEdit):
                w.setText(str(value))

    def values(self) -> dict:
        out: dict = {}
        for name, w in self.widgets.items():
            if isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QSpinBox):
                out[name] = w.value()
            elif isinstance(w, QComboBox):
                out[name] = w.currentText() if w.isEditable() else w.currentData()
            elif isinstance(w, QLineEdit):
                out[name] = w.text()
        return out

    def save(self) -> bool:
        current = asdict(self.session.register.settings)
        changes = {k: v for k, v in self.values().items() if current.get(k) != v}
        if not changes:
            self.message.setText(self.tr("Không có gì thay đổi."))
            return True
        for name, error in self.errors.items():
            self.error_forms[name].setRowVisible(error, False)
        try:
            self.session.register.update_settings(self.session.user, **changes)
        except ValidationErrors as exc:
            self._show_errors(exc.errors, exc.message)
            return False
        except ValidationError as exc:
            self._show_errors([exc], exc.message)
            return False
        except MotCuaError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText(self.tr("Đã lưu {n} thiết lập.").format(n=len(changes)))
        self.session.notify()
        self.load()
        return True
