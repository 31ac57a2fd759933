"""Intake: a complete dossier is typed in, saved and its receipt printed without touching the mouse.

Tab order follows the form; Enter in the procedure field takes the highlighted match; Ctrl+Enter
(or F9) saves and prints the receipt. Validation messages come from core.validation, per field,
as the clerk types; the due moment comes from the register's calendar.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError, ValidationError, ValidationErrors
from core.model import ApplicantKind, Channel, Dossier, IdKind, IntakeForm, Payment, Procedure
from core.validation import normalise_phone, validate_email, validate_id, validate_name
from gui import fmt
from gui.models.procedures import ProcedureFilter, ProcedureListModel
from gui.prompts import prompts
from gui.session import Session
from gui.views.attachments import IntakeScans
from gui.widgets import CheckedField, heading


class IntakeView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self.procedure: Procedure | None = None
        self.last_dossier: Dossier | None = None
        reg = session.register

        # --- procedure picker -----------------------------------------------------------
        self.procedure_edit = QLineEdit()
        self.procedure_edit.setObjectName("procedure")
        self.procedure_edit.setPlaceholderText(
            self.tr("Gõ mã hoặc tên thủ tục, không cần dấu (ví dụ: khai sinh)")
        )
        self.procedures = ProcedureListModel(reg.procedures(), self)
        self.matches = ProcedureFilter(self)
        self.matches.setSourceModel(self.procedures)
        self.match_list = QListView()
        self.match_list.setModel(self.matches)
        self.match_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows in the edit drive it
        self.match_list.setFixedHeight(118)
        self.match_list.clicked.connect(lambda index: self.choose_row(index.row()))
        self.procedure_info = QLabel(self.tr("Chưa chọn thủ tục"))
        self.procedure_info.setWordWrap(True)
        self.procedure_info.setStyleSheet("color: #444;")
        self.procedure_edit.textEdited.connect(self._procedure_typed)
        self.procedure_edit.editingFinished.connect(self._procedure_left)
        self.procedure_edit.returnPressed.connect(lambda: self.choose_row(self._current_match_row()))
        self.procedure_edit.installEventFilter(self)

        # --- applicant -------------------------------------------------------------------
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Cá nhân"), ApplicantKind.PERSON)
        self.kind.addItem(self.tr("Tổ chức"), ApplicantKind.ORGANISATION)
        self.applicant = CheckedField(lambda v: validate_name(v, self._applicant_label()))
        self.applicant.setObjectName("applicant")
        self.id_kind = QComboBox()
        for k in (IdKind.CCCD, IdKind.PASSPORT, IdKind.TAX_CODE, IdKind.NONE):
            self.id_kind.addItem(k.label, k)
        self.id_number = CheckedField(self._check_id, self.tr("12 chữ số"))
        self.id_number.setObjectName("id_number")
        self.birth_year = QLineEdit()
        self.birth_year.setPlaceholderText(self.tr("không bắt buộc"))
        self.birth_year.setMaximumWidth(110)
        self.birth_year.textChanged.connect(lambda _t: self.id_number.validate(self.id_number.touched))
        self.id_kind.currentIndexChanged.connect(lambda _i: self.id_number.validate(self.id_number.touched))
        self.phone = CheckedField(normalise_phone, self.tr("ví dụ 0912 345 678"))
        self.phone.setObjectName("phone")
        self.email = CheckedField(validate_email)
        self.email.setObjectName("email")
        self.address = CheckedField(None)
        self.address.setObjectName("address")

        # --- dossier ---------------------------------------------------------------------
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(c.label, c)
        self.copies = QSpinBox()
        self.copies.setRange(1, 99)
        self.copies.setSuffix(self.tr(" bộ"))
        self.fee = QSpinBox()
        self.fee.setRange(0, 100_000_000)
        self.fee.setSingleStep(1000)
        self.fee.setGroupSeparatorShown(True)
        self.fee.setSuffix(" đ")
        self.payment = QComboBox()  # how the fee was paid (the online-payment indicator)
        self.payment.setObjectName("payment")
        for method in Payment:
            self.payment.addItem(method.label, method.value)
        self.by_post = QCheckBox(self.tr("Trả kết quả qua bưu chính"))
        self.note = QLineEdit()
        self.documents = QListWidget()
        self.documents.setObjectName("documents")
        self.documents.setWordWrap(True)  # a long document name wraps instead of running off the right
        self.documents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.due_label = QLabel()
        self.due_label.setObjectName("due")
        self.due_label.setWordWrap(True)
        self.due_label.setStyleSheet("font-size: 17px; font-weight: 600; color: #1f3b57;")
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setStyleSheet("color: #b00020;")
        self.save_print = QPushButton(self.tr("Lưu và in giấy tiếp nhận  (Ctrl+Enter)"))
        self.save_print.setObjectName("save_print")
        self.save_print.setMinimumHeight(40)
        self.save_print.setStyleSheet("font-weight: 600;")
        self.save_print.clicked.connect(lambda: self.save(print_receipt=True))
        self.save_only = QPushButton(self.tr("Chỉ lưu  (Ctrl+S)"))
        self.save_only.clicked.connect(lambda: self.save(print_receipt=False))
        self.reset_button = QPushButton(self.tr("Nhập hồ sơ mới  (Ctrl+R)"))
        self.reset_button.clicked.connect(self.new_dossier)
        self.reprint_button = QPushButton(self.tr("In lại giấy tiếp nhận vừa lưu"))
        self.reprint_button.setEnabled(False)
        self.reprint_button.clicked.connect(self.reprint_last)
        self.last_label = QLabel()
        self.last_label.setObjectName("last")
        self.last_label.setWordWrap(True)
        self.last_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._layout()
        for keys in ("Ctrl+Return", "Ctrl+Enter", "F9"):
            QShortcut(QKeySequence(keys), self, lambda: self.save(print_receipt=True))
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save(print_receipt=False))
        QShortcut(QKeySequence("Ctrl+R"), self, self.new_dossier)
        # the checklist from anywhere in the form: it was eight Tabs after the phone number
        QShortcut(QKeySequence("Alt+T"), self, self._go_to_documents)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.update_due)
        self.timer.start(30_000)  # the appointment moves at the cut-off hour: keep it live
        session.changed.connect(self._catalogue_maybe_changed)
        self._filter_procedures("")
        self.update_due()

    # --- layout ----------------------------------------------------------------------------
    def _layout(self) -> None:
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(self.tr("Thủ tục (F4)"), self.procedure_edit)
        left.addRow("", self.match_list)
        left.addRow("", self.procedure_info)
        left.addRow(self.tr("Người nộp là"), self.kind)
        left.addRow(self.tr("Họ tên / tên tổ chức"), self.applicant)
        id_row = QHBoxLayout()
        id_row.addWidget(self.id_kind, 1)
        id_row.addWidget(QLabel(self.tr("Năm sinh")))
        id_row.addWidget(self.birth_year)
        left.addRow(self.tr("Loại giấy tờ"), id_row)
        left.addRow(self.tr("Số giấy tờ"), self.id_number)
        left.addRow(self.tr("Điện thoại"), self.phone)
        left.addRow(self.tr("Email"), self.email)
        left.addRow(self.tr("Địa chỉ"), self.address)
        row = QHBoxLayout()
        row.addWidget(self.channel)
        row.addWidget(QLabel(self.tr("Số lượng")))
        row.addWidget(self.copies)
        row.addWidget(QLabel(self.tr("Lệ phí đã thu")))
        row.addWidget(self.fee)
        row.addWidget(self.payment)
        row.addStretch(1)
        left.addRow(self.tr("Kênh nộp"), row)
        left.addRow("", self.by_post)
        left.addRow(self.tr("Ghi chú"), self.note)

        docs = QGroupBox(self.tr("Thành phần hồ sơ đã nhận (Alt+T để đến, Space để đánh dấu)"))
        self.documents_box = docs
        QVBoxLayout(docs).addWidget(self.documents)
        self.scans = IntakeScans(self)  # scans dropped before saving (gui/views/attachments.py)
        docs.layout().addWidget(self.scans.label)
        due = QGroupBox(self.tr("Hẹn trả kết quả"))
        QVBoxLayout(due).addWidget(self.due_label)
        right = QVBoxLayout()
        right.addWidget(docs, 1)
        right.addWidget(due)
        right.addWidget(self.form_message)
        right.addWidget(self.save_print)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_only)
        buttons.addWidget(self.reset_button)
        right.addLayout(buttons)
        right.addWidget(self.reprint_button)
        right.addWidget(self.last_label)

        grid = QGridLayout(self)
        grid.setContentsMargins(16, 10, 16, 10)
        grid.addWidget(heading(self.tr("Tiếp nhận hồ sơ")), 0, 0, 1, 2)
        left_box = QWidget()
        left_outer = QVBoxLayout(left_box)
        left_outer.setContentsMargins(0, 0, 0, 0)
        left_outer.addLayout(left)
        left_outer.addStretch(1)
        right_box = QWidget()
        right_box.setLayout(right)
        grid.addWidget(left_box, 1, 0)
        grid.addWidget(right_box, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        order = [
            self.procedure_edit,
            self.kind,
            self.applicant.edit,
            self.id_kind,
            self.birth_year,
            self.id_number.edit,
            self.phone.edit,
            self.email.edit,
            self.address.edit,
            self.channel,
            self.copies,
            self.fee,
            self.payment,
            self.by_post,
            self.note,
            self.documents,
            self.save_print,
            self.save_only,
            self.reset_button,
        ]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _go_to_documents(self) -> None:
        self.documents.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.documents.currentRow() < 0 and self.documents.count():
            self.documents.setCurrentRow(0)

    def focus_first(self) -> None:
        self.procedure_edit.setFocus()
        self.procedure_edit.selectAll()

    def activated(self) -> None:
        self.update_due()

    # --- procedure picker ------------------------------------------------------------------
    def _procedure_typed(self, text: str) -> None:
        """Typing in the field drops the chosen procedure: what is saved is what the field shows."""
        if self.procedure is not None and text != self._shown(self.procedure):
            self.procedure = None
            self.documents.clear()
            self.update_due()
        if self.procedure is None:
            self._procedure_hint(self.tr("Chưa chọn thủ tục: nhấn Enter để chọn dòng đang sáng"))
        self._filter_procedures(text)

    def _procedure_left(self) -> None:
        """Leaving the field with words typed but no procedure chosen says so at the field."""
        if self.procedure is None and self.procedure_edit.text().strip():
            self._procedure_hint(self._unresolved_message(), error=True)

    def _unresolved_message(self) -> str:
        return self.tr("“{t}” chưa phải là thủ tục: quay lại ô Thủ tục, chọn một dòng bằng Enter").format(
            t=self.procedure_edit.text().strip()
        )

    def _procedure_hint(self, text: str, error: bool = False) -> None:
        self.procedure_info.setText(text)
        self.procedure_info.setStyleSheet("color: #b00020; font-weight: 600;" if error else "color: #444;")
        self.procedure_edit.setStyleSheet("border: 1px solid #b00020;" if error else "")

    @staticmethod
    def _shown(p: Procedure) -> str:
        return f"{p.code} — {p.name}"

    def _filter_procedures(self, text: str) -> None:
        self.matches.set_query(text)
        if self.matches.rowCount():
            self.match_list.setCurrentIndex(self.matches.index(0, 0))

    def _current_match_row(self) -> int:
        index = self.match_list.currentIndex()
        return index.row() if index.isValid() else 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Up/Down in the procedure field move through the matches."""
        if obj is self.procedure_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.rowCount():
                row = self._current_match_row() + (1 if key == Qt.Key.Key_Down else -1)
                row = max(0, min(self.matches.rowCount() - 1, row))
                self.match_list.setCurrentIndex(self.matches.index(row, 0))
                return True
        return super().eventFilter(obj, event)

    def choose_row(self, row: int) -> None:
        p = self.matches.procedure_at(row)
        if p is None:
            return
        self.set_procedure(p)
        self.applicant.edit.setFocus()  # the name comes next; "Người nộp là" is reached by Shift+Tab

    def set_procedure(self, p: Procedure) -> None:
        self.procedure = p
        self.procedure_edit.setText(self._shown(p))
        self.procedure_edit.setStyleSheet("")
        self.procedure_info.setStyleSheet("color: #444;")
        days = (
            self.tr("trong ngày")
            if p.working_days == 0
            else self.tr("{n} ngày làm việc").format(n=p.working_days)
        )
        fee = p.fee or self.tr("không thu")
        self.procedure_info.setText(
            self.tr("Lĩnh vực: {field} · Thời hạn: {days} · Lệ phí: {fee}").format(
                field=p.field, days=days, fee=fee
            )
        )
        self.documents.clear()
        for doc in p.documents:
            item = QListWidgetItem(doc)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.documents.addItem(item)
        if self.documents.count():
            self.documents.setCurrentRow(0)
        self.update_due()

    def _catalogue_maybe_changed(self) -> None:
        procedures = self.session.register.procedures()
        if procedures != self.procedures.procedures:
            self.procedures.set_procedures(procedures)
            self._filter_procedures(self.procedure_edit.text() if self.procedure is None else "")

    # --- checks ----------------------------------------------------------------------------
    def _applicant_label(self) -> str:
        return (
            self.tr("Tổ chức nộp")
            if self.kind.currentData() == ApplicantKind.ORGANISATION
            else self.tr("Người nộp")
        )

    def _birth_year(self) -> int | None:
        text = self.birth_year.text().strip()
        if not text:
            return None
        if not (text.isdigit() and len(text) == 4):
            raise ValidationError(
                self.tr("Năm sinh"), self.tr("“{t}” phải là năm gồm 4 chữ số").format(t=text)
            )
        return int(text)

    def _check_id(self, value: str) -> None:
        if value.strip():
            validate_id(self.id_kind.currentData(), value, self._birth_year())

    def update_due(self) -> None:
        if self.procedure is None:
            self.due_label.setText(self.tr("Chọn thủ tục để xem ngày hẹn trả"))
            return
        reg = self.session.register
        try:
            due = reg.due_for(self.procedure.code, reg.now())
        except MotCuaError as exc:
            self.due_label.setText(exc.message)
            return
        self.due_label.setText(fmt.appointment(due))

    # --- saving ----------------------------------------------------------------------------
    def form(self) -> IntakeForm:
        documents = tuple(
            self.documents.item(i).text()
            for i in range(self.documents.count())
            if self.documents.item(i).checkState() == Qt.CheckState.Checked
        )
        return IntakeForm(
            procedure_code=self.procedure.code if self.procedure else "",
            applicant=self.applicant.text(),
            applicant_kind=self.kind.currentData(),
            id_kind=self.id_kind.currentData(),
            id_number=self.id_number.text(),
            birth_year=self._birth_year(),
            phone=self.phone.text(),
            address=self.address.text(),
            email=self.email.text(),
            channel=self.channel.currentData(),
            copies=self.copies.value(),
            documents=documents,
            fee_collected=self.fee.value(),
            payment=self.payment.currentData() if self.fee.value() else None,
            return_by_post=self.by_post.isChecked(),
            note=self.note.text(),
        )

    def _field_widget(self, field: str) -> QWidget | None:
        return {
            "Thủ tục": self.procedure_edit,
            "Người nộp": self.applicant,
            "Tổ chức nộp": self.applicant,
            "Số định danh cá nhân": self.id_number,
            "Số hộ chiếu": self.id_number,
            "Mã số thuế": self.id_number,
            "Năm sinh": self.id_number,
            "Số điện thoại": self.phone,
            "Email": self.email,
            "Địa chỉ": self.address,
        }.get(field)

    def save(self, print_receipt: bool = True) -> Dossier | None:
        """Validate in core, take the dossier in, print its receipt; on error, point at the field."""
        self.form_message.clear()
        reg, user = self.session.register, self.session.user
        try:
            if self.procedure is None:
                raise ValidationError(self.tr("Thủ tục"), self.tr("chưa chọn"))
            form = self.form()
            if not self._duplicates_accepted(form):
                return None
            dossier = reg.intake(form, user)
        except ValidationErrors as exc:
            self._show_errors(exc.errors)
            return None
        except ValidationError as exc:
            self._show_errors([exc])
            return None
        except MotCuaError as exc:
            self.form_message.setText(exc.message)
            return None
        self.last_dossier = dossier
        self.session.current_code = dossier.code
        self.scans.attach_to(dossier)  # before the receipt prints, so it says "đã số hóa"
        self.last_label.setText(
            self.tr("Đã tiếp nhận hồ sơ <b>{code}</b> của {name}; hẹn trả {due}.").format(
                code=dossier.code, name=dossier.applicant, due=fmt.appointment(dossier.due_at)
            )
        )
        self.reprint_button.setEnabled(True)
        if print_receipt and not self.print_receipt(dossier.code) and self.session.printing.last_failed:
            not_printed = self.tr("<b>Chưa in giấy tiếp nhận</b> (máy in không in được).")
            if self.session.printing.last_pdf is not None:
                not_printed += " " + self.tr("Giấy tiếp nhận đã lưu thành tệp PDF: {path}").format(
                    path=html.escape(str(self.session.printing.last_pdf))
                )
            self.last_label.setText(f"{self.last_label.text()} {not_printed}")
        self.session.notify()
        self.reset()
        return dossier

    def _duplicates_accepted(self, form: IntakeForm) -> bool:
        """A dossier still open for the same ID number and procedure is named; the clerk decides."""
        same = self.session.register.possible_duplicates(form.id_number, form.procedure_code)
        if not same:
            return True
        lines = "\n".join(
            self.tr("• {code}: {name}, nhận {at}, {status}").format(
                code=d.code, name=d.applicant, at=fmt.moment(d.received_at), status=d.status.label
            )
            for d in same
        )
        question = self.tr(
            "Có thể trùng hồ sơ: số giấy tờ {id} đã có hồ sơ “{proc}” đang giải quyết:\n{lines}\n\n"
            "Vẫn tiếp nhận thêm một hồ sơ mới?"
        ).format(id=form.id_number.strip(), proc=self.procedure.name if self.procedure else "", lines=lines)
        if prompts().confirm(self, question):
            return True
        self.form_message.setText(self.tr("Chưa lưu: hồ sơ này có thể đã được tiếp nhận trước đó."))
        return False

    def _show_errors(self, errors: list[ValidationError]) -> None:
        first: QWidget | None = None
        loose = []
        for e in errors:
            widget = self._field_widget(e.field)
            if widget is self.procedure_edit:
                typed = self.procedure_edit.text().strip()
                self._procedure_hint(self._unresolved_message() if typed else e.message, error=True)
            elif isinstance(widget, CheckedField):
                widget.touched = True
                widget.show_error(e.message)
            elif widget is None:
                loose.append(e.message)
            first = first or widget
        self.form_message.setText("\n".join(loose) if loose else self.tr("Hồ sơ chưa lưu: sửa các ô báo đỏ."))
        if first is not None:
            first.setFocus()

    def print_receipt(self, code: str) -> bool:
        from reports.forms import print_receipt

        reg, user = self.session.register, self.session.user
        try:
            return self.session.printing.print_form(
                self,
                lambda path: print_receipt(reg, code, user, path),
                self.tr("Giấy tiếp nhận {c}").format(c=code),
            )
        except MotCuaError as exc:
            prompts().error(self, exc.message)
            return False

    def reprint_last(self) -> None:
        if self.last_dossier is not None:
            self.print_receipt(self.last_dossier.code)
            self.session.notify()

    def has_typed_data(self) -> bool:
        """Something the clerk typed would be lost by clearing the form."""
        texts = (self.procedure_edit, self.birth_year, self.note)
        fields = (self.applicant, self.id_number, self.phone, self.email, self.address)
        return (
            any(w.text().strip() for w in texts)
            or any(f.text().strip() for f in fields)
            or self.fee.value() != 0
            or self.copies.value() != 1
        )

    def may_discard(self) -> bool:
        """Ask before dropping a half-typed intake (Ctrl+R, closing the window, log-out)."""
        if not self.has_typed_data():
            return True
        return prompts().confirm(
            self,
            self.tr("Hồ sơ đang nhập dở chưa được lưu. Bỏ những gì đã nhập?"),
        )

    def new_dossier(self) -> None:
        """Ctrl+R: a new form, after asking if the current one has typed data."""
        if self.may_discard():
            self.reset()

    def reset(self) -> None:
        """Clear the form for the next citizen; the cursor goes back to the procedure."""
        self.procedure = None
        self.procedure_edit.clear()
        self._filter_procedures("")
        self._procedure_hint(self.tr("Chưa chọn thủ tục"))
        for field in (self.applicant, self.id_number, self.phone, self.email, self.address):
            field.clear()
        self.birth_year.clear()
        self.note.clear()
        self.kind.setCurrentIndex(0)
        self.id_kind.setCurrentIndex(0)
        self.channel.setCurrentIndex(0)
        self.copies.setValue(1)
        self.fee.setValue(0)
        self.payment.setCurrentIndex(0)
        self.by_post.setChecked(False)
        self.scans.clear()
        self.documents.clear()
        self.form_message.clear()
        self.update_due()
        self.focus_first()
