"""Return: scan the receipt's QR code (the scanner types the code and Enter) and hand the result over.

F2 from anywhere lands in the scan field. A resolved dossier shows the receiver (the applicant by
default) and the three satisfaction levels on keys 1-3; Enter in the receiver field returns it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.errors import MotCuaError
from core.model import Dossier, Satisfaction, Status
from gui import fmt
from gui.session import Session
from gui.views.detail import detail_html
from gui.widgets import heading


class ReturnView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self.dossier: Dossier | None = None
        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        self.scan.setProperty("accepts_scan", True)  # gui/scanner.py leaves its scans here
        self.scan.setPlaceholderText(self.tr("Quét mã QR trên giấy tiếp nhận, hoặc gõ mã hồ sơ rồi Enter"))
        self.scan.setStyleSheet("font-size: 20px; padding: 6px;")
        self.scan.returnPressed.connect(self.lookup)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 15px;")
        self.detail = QTextBrowser()
        self.receiver = QLineEdit()
        self.receiver.setObjectName("receiver")
        self.receiver.returnPressed.connect(self.give_back)
        self.satisfaction = QButtonGroup(self)
        sat_row = QHBoxLayout()
        for i, s in enumerate(Satisfaction, start=1):
            radio = QRadioButton(f"{i}. {s.label}")
            radio.setProperty("value", s.value)
            self.satisfaction.addButton(radio, i)
            sat_row.addWidget(radio)
        sat_row.addStretch(1)
        self.return_button = QPushButton(self.tr("Trả kết quả  (Enter)"))
        self.return_button.setObjectName("return")
        self.return_button.setMinimumHeight(38)
        self.return_button.clicked.connect(self.give_back)
        self.return_box = QGroupBox(self.tr("Trả kết quả cho công dân"))
        form = QFormLayout(self.return_box)
        form.addRow(self.tr("Người nhận"), self.receiver)
        form.addRow(self.tr("Mức độ hài lòng (phím 1-3)"), sat_row)
        form.addRow("", self.return_button)
        self.return_box.setEnabled(False)
        for i in (1, 2, 3):
            QShortcut(
                QKeySequence(f"Alt+{i}"), self, lambda n=i: self.satisfaction.button(n).setChecked(True)
            )
        self.receiver.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Trả kết quả")))
        layout.addWidget(self.scan)
        layout.addWidget(self.message)
        body = QHBoxLayout()
        body.addWidget(self.detail, 3)
        body.addWidget(self.return_box, 2, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(body, 1)

    def focus_first(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def eventFilter(self, obj, event) -> bool:
        """Keys 1-3 in the receiver field pick the satisfaction level (names have no digits)."""
        from PySide6.QtCore import QEvent

        if obj is self.receiver and event.type() == QEvent.Type.KeyPress:
            text = event.text()
            if text in ("1", "2", "3"):
                self.satisfaction.button(int(text)).setChecked(True)
                return True
        return super().eventFilter(obj, event)

    def lookup(self) -> Dossier | None:
        """Find the scanned/typed code (or a search naming one dossier) and show it."""
        text = self.scan.text().strip()
        self.dossier = None
        self.return_box.setEnabled(False)
        self._show_receiver("", None)  # never the previous citizen's name and rating
        if not text:
            return None
        d = self.session.register.find(text)
        if d is None:
            self.message.setText(
                self.tr("Không tìm thấy hồ sơ “{t}” (hoặc có nhiều hồ sơ khớp).").format(t=text)
            )
            self.message.setStyleSheet("font-size: 15px; color: #b00020;")
            self.detail.clear()
            self.scan.selectAll()
            return None
        self.dossier = d
        self.session.current_code = d.code
        self.detail.setHtml(detail_html(d, self.session.register.now()))
        if d.status == Status.RESOLVED:
            self.message.setText(self.tr("Hồ sơ đã có kết quả: trả cho công dân."))
            self.message.setStyleSheet("font-size: 15px; color: #1b7f3b;")
            self.return_box.setEnabled(True)
            self._show_receiver(d.applicant, None)
            self.receiver.setFocus()
            self.receiver.selectAll()
        elif d.status == Status.RETURNED:
            self.message.setText(
                self.tr("Hồ sơ {c} đã trả kết quả cho {n} lúc {t}: không cần trả lại.").format(
                    c=d.code, n=d.receiver_name or d.applicant, t=fmt.moment(d.returned_at)
                )
            )
            self.message.setStyleSheet("font-size: 15px; color: #2f6690;")
            self._show_receiver(d.receiver_name or d.applicant, d.satisfaction)  # what was recorded
            self.scan.selectAll()
        else:
            self.message.setText(
                self.tr("Hồ sơ đang ở trạng thái “{s}”: chưa trả kết quả được.").format(s=d.status.label)
            )
            self.message.setStyleSheet("font-size: 15px; color: #b00020;")
            self.scan.selectAll()
        return d

    def _show_receiver(self, name: str, satisfaction: Satisfaction | None) -> None:
        self.receiver.setText(name)
        self.satisfaction.setExclusive(False)  # an exclusive group cannot be left with none checked
        for b in self.satisfaction.buttons():
            b.setChecked(satisfaction is not None and b.property("value") == satisfaction.value)
        self.satisfaction.setExclusive(True)

    def give_back(self) -> Dossier | None:
        if self.dossier is None or not self.return_box.isEnabled():
            return None
        button = self.satisfaction.checkedButton()
        details = {"receiver_name": self.receiver.text()}
        if button is not None:
            details["satisfaction"] = button.property("value")
        try:
            d = self.session.register.apply(self.dossier.code, "return", self.session.user, **details)
        except MotCuaError as exc:
            self.message.setText(exc.message)
            self.message.setStyleSheet("font-size: 15px; color: #b00020;")
            return None
        self.message.setText(self.tr("Đã trả kết quả hồ sơ {c} cho {n}.").format(c=d.code, n=d.receiver_name))
        self.message.setStyleSheet("font-size: 15px; color: #1b7f3b;")
        self.detail.setHtml(detail_html(d, self.session.register.now()))
        self.return_box.setEnabled(False)
        self.dossier = None
        self.session.notify()
        self.scan.clear()
        self.scan.setFocus()
        return d
