"""The vice-chair's sign-off: the password again, and for a ward with a certificate the digital
signature too, from a .p12 file (passphrase) or a USB token (PIN).

The dialog holds no rule. ``core.reporting.sign`` (password only) and
``reports.signing.signoff.sign_digitally`` refuse anyone but a vice-chair, a wrong password (counted
towards the lock-out), a stale or old draft, an expired certificate, a wrong PIN ... and say why in
Vietnamese; the refusal stays in the dialog. For a digital signature the certificate (whose, issued
by whom, valid from/to) is read and shown first, and "Ký số" is enabled only once it has been shown
and is valid today: the vice-chair sees whose key is about to sign. PIN and passphrase are kept in
the fields only, never stored.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from core import reporting as rp
from core.errors import MotCuaError
from gui.dialogs.base import OK, ok_cancel, password_field, refusal_label, show_refusal, stack
from gui.prompts import prompts
from gui.session import Session

PASSWORD_ONLY, PKCS12, TOKEN = "password", "pkcs12", "token"


class SignDialog(QDialog):
    def __init__(self, session: Session, report: rp.Report, parent=None):
        super().__init__(parent)
        self.session = session
        self.report = report
        self.signed: rp.Report | None = None
        self.digital = None  # reports.signing.signoff.DigitalSignOff after a digital signature
        self.certificate = None  # reports.signing.keys.CertificateInfo, once shown
        self.setWindowTitle(self.tr("Ký duyệt báo cáo"))
        self.setMinimumWidth(560)
        total = report.table.total
        intro = QLabel(
            self.tr(
                "<b>Báo cáo số {id}, phiên bản {v}</b><br>{period}<br>"
                "Tổng số hồ sơ nhận giải quyết: <b>{received}</b>; đã giải quyết: <b>{resolved}</b> "
                "(quá hạn {late}); đang giải quyết: <b>{pending}</b> (quá hạn {overdue}).<br><br>"
                "Sau khi ký, báo cáo không sửa được nữa. Nhập lại mật khẩu để ký duyệt."
            ).format(
                id=report.id,
                v=report.version,
                period=report.period.label,
                received=total.received_total,
                resolved=total.resolved_total,
                late=total.resolved_late,
                pending=total.pending_total,
                overdue=total.pending_overdue,
            )
        )
        intro.setWordWrap(True)
        user = session.user
        self.login_edit = QLineEdit(user.login)
        self.login_edit.setObjectName("login")
        self.login_edit.setReadOnly(True)
        self.password_edit = password_field()
        self.message = refusal_label()
        form = QFormLayout()
        form.addRow(self.tr("Người ký"), QLabel(f"{user.full_name} ({user.title or user.role.label})"))
        form.addRow(self.tr("Tên đăng nhập"), self.login_edit)
        form.addRow(self.tr("Mật khẩu"), self.password_edit)
        form.addRow(self.tr("Cách ký"), self._methods())
        self.form = form
        self.p12_row = self._p12_row(form)
        self.token_row = self._token_row(form)
        self.cert_label = QLabel()
        self.cert_label.setObjectName("certificate")
        self.cert_label.setWordWrap(True)
        self.cert_label.setTextFormat(Qt.TextFormat.PlainText)
        self.cert_button = QPushButton(self.tr("Xem chứng thư số"))
        self.cert_button.setObjectName("show_certificate")
        self.cert_button.setAutoDefault(False)
        self.cert_button.clicked.connect(self.show_certificate)
        self.buttons = ok_cancel(
            self, self.tr("Ký duyệt"), self.tr("Hủy"), self.try_sign, enter_presses=False
        )
        self.password_edit.returnPressed.connect(self.try_sign)
        stack(self, intro, form, self.cert_button, self.cert_label, self.message, self.buttons)
        self._mode_changed()
        self.password_edit.setFocus()

    # --- building -----------------------------------------------------------------------------
    def _methods(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for key, text in (
            (PASSWORD_ONLY, self.tr("Chỉ mật khẩu")),
            (PKCS12, self.tr("Tệp chứng thư số (.p12)")),
            (TOKEN, self.tr("USB token")),
        ):
            button = QRadioButton(text)
            button.setObjectName(f"mode_{key}")
            button.setProperty("mode", key)
            self.mode_group.addButton(button)
            self.mode_buttons[key] = button
            row.addWidget(button)
        settings = self.session.register.settings
        start = TOKEN if getattr(settings, "pkcs11_library", "") else PASSWORD_ONLY
        self.mode_buttons[start].setChecked(True)
        self.mode_group.buttonToggled.connect(lambda *_: self._mode_changed())
        return box

    def _p12_row(self, form: QFormLayout) -> list[QWidget]:
        """The .p12 rows, in the dialog's own form (one label column for every row)."""
        self.p12_edit = QLineEdit()
        self.p12_edit.setObjectName("p12_path")
        self.pick_button = pick = QPushButton(self.tr("Chọn tệp…"))
        pick.setAutoDefault(False)
        pick.clicked.connect(self._pick_p12)
        line = QHBoxLayout()
        line.addWidget(self.p12_edit)
        line.addWidget(pick)
        self.passphrase_edit = password_field("passphrase")
        file_box = QWidget()
        file_box.setLayout(line)
        line.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Tệp .p12/.pfx"), file_box)
        form.addRow(self.tr("Mật khẩu tệp"), self.passphrase_edit)
        for edit in (self.p12_edit, self.passphrase_edit):
            edit.textChanged.connect(self._forget_certificate)
        return [file_box, self.passphrase_edit]

    def _token_row(self, form: QFormLayout) -> list[QWidget]:
        from reports.signing.middleware import suggestions

        self.library_combo = QComboBox()
        self.library_combo.setObjectName("pkcs11_library")
        self.library_combo.setEditable(True)
        configured = getattr(self.session.register.settings, "pkcs11_library", "")
        if configured:
            self.library_combo.addItem(configured, configured)
        for label, path, present in suggestions():
            mark = "" if present else self.tr(" (không có trên máy này)")
            self.library_combo.addItem(f"{label}{mark}", path)
        self.library_combo.setCurrentIndex(0)
        self.library_combo.setEditText(self.library_combo.itemData(0) or "")
        self.library_combo.activated.connect(
            lambda i: self.library_combo.setEditText(self.library_combo.itemData(i) or "")
        )
        self.token_label_edit = QLineEdit()
        self.token_label_edit.setObjectName("token_label")
        self.token_label_edit.setPlaceholderText(self.tr("để trống nếu chỉ cắm một token"))
        self.pin_edit = password_field("pin")
        self.library_combo.setToolTip(
            self.tr("Thư viện PKCS#11 (tệp .dll) mà phần mềm USB token của tổ chức cấp chứng thư cài vào máy")
        )
        form.addRow(self.tr("Thư viện token"), self.library_combo)
        form.addRow(self.tr("Nhãn token"), self.token_label_edit)
        form.addRow(self.tr("Mã PIN"), self.pin_edit)
        self.library_combo.editTextChanged.connect(self._forget_certificate)
        for edit in (self.token_label_edit, self.pin_edit):
            edit.textChanged.connect(self._forget_certificate)
        return [self.library_combo, self.token_label_edit, self.pin_edit]

    # --- state --------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        button = self.mode_group.checkedButton()
        return button.property("mode") if button else PASSWORD_ONLY

    def _mode_changed(self) -> None:
        digital = self.mode != PASSWORD_ONLY
        for widget in self.p12_row:
            self.form.setRowVisible(widget, self.mode == PKCS12)
        for widget in self.token_row:
            self.form.setRowVisible(widget, self.mode == TOKEN)
        self.cert_button.setVisible(digital)
        self.cert_label.setVisible(digital)
        self.buttons.button(OK).setText(self.tr("Ký số") if digital else self.tr("Ký duyệt"))
        self._forget_certificate()

    def _forget_certificate(self, *_: object) -> None:
        """Another file, token or secret: the certificate must be looked at again before signing."""
        self.certificate = None
        self.cert_label.setText(self.tr("Bấm “Xem chứng thư số” để xem chứng thư sẽ dùng để ký."))
        self.buttons.button(OK).setEnabled(self.mode == PASSWORD_ONLY)

    def _pick_p12(self) -> None:
        path = prompts().open_path(self, self.tr("Chọn tệp chứng thư số"), "Chứng thư số (*.p12 *.pfx)")
        if path:
            self.p12_edit.setText(path)

    def _source_and_secret(self):
        from reports.signing.keys import Pkcs11Source, Pkcs12Source

        if self.mode == PKCS12:
            return Pkcs12Source(Path(self.p12_edit.text().strip())), self.passphrase_edit.text()
        library = self.library_combo.currentText().strip()
        return Pkcs11Source(library, self.token_label_edit.text().strip()), self.pin_edit.text()

    # --- actions ------------------------------------------------------------------------------
    def show_certificate(self) -> bool:
        """Open the key once to read its certificate; show it, or the refusal (expired ...)."""
        from reports.signing.signoff import read_certificate

        if self.mode == PKCS12 and not self.p12_edit.text().strip():
            show_refusal(self.message, self.tr("Chọn tệp chứng thư số (.p12/.pfx) trước."))
            return False
        source, secret = self._source_and_secret()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            info = read_certificate(source, secret)
            self.cert_label.setText("\n".join(info.lines()))
            info.check_valid_at(self.session.register.now())
        except MotCuaError as exc:
            show_refusal(self.message, exc.message)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.certificate = info
        self.message.clear()
        self.buttons.button(OK).setEnabled(True)
        return True

    def try_sign(self) -> bool:
        """Sign through core (or reports.signing); a refusal stays in the dialog, in Vietnamese."""
        if self.mode != PASSWORD_ONLY and self.certificate is None:
            return self.show_certificate() and False  # shown first; a second press signs
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.mode == PASSWORD_ONLY:
                self.signed = rp.sign(
                    self.session.register, self.report.id, self.login_edit.text(), self.password_edit.text()
                )
            else:
                from reports.signing.signoff import sign_digitally

                source, secret = self._source_and_secret()
                self.digital = sign_digitally(
                    self.session.register,
                    self.report.id,
                    self.login_edit.text(),
                    self.password_edit.text(),
                    source,
                    secret,
                )
                self.signed = self.digital.report
        except MotCuaError as exc:
            show_refusal(self.message, exc.message, self.password_edit)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()
        return True
