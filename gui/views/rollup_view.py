"""The city office's roll-up ("Tổng hợp báo cáo các phường"): choose the wards' workbooks, see which
rolled up and which were refused with their reasons, save the city workbook.

Every check (safe file, "Dữ liệu" sheet, same period, signed, fingerprint, one per agency code)
is in ``reports.consolidate``; the files are read off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.dialogs.error_details import show_failure
from gui.prompts import prompts
from gui.session import Session
from gui.tasks import Task
from gui.views.figures_table import FiguresTable
from gui.widgets import read_only_table

XLSX = "Bảng tính Excel (*.xlsx)"


class RollupTab(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.paths: list[Path] = []
        self.result = None  # reports.consolidate.ConsolidationResult
        self.generation = 0
        self.choose_button = QPushButton(self.tr("Chọn tệp báo cáo của các phường…"))
        self.choose_button.setObjectName("choose")
        self.clear_button = QPushButton(self.tr("Bỏ chọn tất cả"))
        self.clear_button.setObjectName("clear")
        self.save_button = QPushButton(self.tr("Lưu bảng tổng hợp…"))
        self.save_button.setObjectName("save-city")
        self.choose_button.clicked.connect(lambda: self.choose())
        self.clear_button.clicked.connect(lambda: self.set_paths([]))
        self.save_button.clicked.connect(lambda: self.save())
        self.summary = QLabel()
        self.summary.setObjectName("rollup-summary")
        self.summary.setWordWrap(True)
        self.table = FiguresTable(self.tr("Đơn vị báo cáo"))
        headers = [self.tr("Tệp bị loại"), self.tr("Đơn vị"), self.tr("Lý do")]
        self.rejected = read_only_table(headers, "rejected")
        self.rejected.setWordWrap(True)
        header = self.rejected.horizontalHeader()
        header.resizeSection(0, 260)
        header.resizeSection(1, 200)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.clear_button)
        top.addStretch(1)
        top.addWidget(self.save_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.rejected)
        splitter.setSizes([330, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.set_paths([])

    def choose(self) -> None:
        chosen = prompts().open_paths(self, self.tr("Chọn báo cáo của các phường"), XLSX)
        if chosen:
            known = {p.resolve() for p in self.paths}
            self.set_paths(self.paths + [Path(p) for p in chosen if Path(p).resolve() not in known])

    def set_paths(self, paths: list[Path]) -> None:
        """Roll up ``paths`` (read and checked off the GUI thread) and show the outcome."""
        from reports.consolidate import consolidate

        self.paths = list(paths)
        self.generation += 1
        generation = self.generation
        if not self.paths:
            self.result = None
            self.show_result(None)
            return
        chosen = list(self.paths)
        trust = self.session.register.settings.trust_dir
        if not trust and any(p.suffix.lower() == ".pdf" for p in chosen):
            # As the command line does: without the city's trust roots a signature can't be
            # called trusted or not, and a roll-up that skipped the check would mislead.
            self.paths = [p for p in chosen if p.suffix.lower() != ".pdf"]
            prompts().error(
                self,
                self.tr(
                    "Chưa thiết lập thư mục chứng thư gốc tin cậy (Cài đặt → “Thư mục chứng thư gốc tin "
                    "cậy”): chưa kiểm tra được chữ ký số trong các tệp PDF, nên các tệp PDF chưa được "
                    "đưa vào. Các tệp Excel vẫn được tổng hợp."
                ),
            )
            return self.set_paths(self.paths)

        def work():
            from reports.signing.verify import load_trust_roots

            return consolidate(chosen, trust_roots=load_trust_roots(trust) if trust else None)

        def done(result) -> None:
            if generation == self.generation:  # not an older choice finishing late
                self.show_result(result)

        Task(self, work).success(done).failure(lambda e: show_failure(self, e)).with_progress(
            self.tr("Đang đọc các tệp báo cáo…")
        ).run_in_background()

    def show_result(self, result) -> None:
        from core.stats import Figures

        self.result = result
        if result is None:
            self.summary.setText(
                self.tr(
                    "Chọn các tệp báo cáo (.xlsx) do MotCua của các phường gửi lên. Tệp chưa ký duyệt, "
                    "bị sửa sau khi ký, khác kỳ hoặc trùng đơn vị sẽ bị loại và nêu rõ lý do."
                )
            )
            self.table.show_rows([], Figures())
            self.rejected.setRowCount(0)
            self.save_button.setEnabled(False)
            return
        period = result.period_label or self.tr("(không xác định)")
        self.summary.setText(
            self.tr("<b>{period}</b>: đã tổng hợp {good} phường; {bad} tệp bị loại.").format(
                period=period, good=len(result.accepted), bad=len(result.rejected)
            )
        )
        self.table.show_rows([(w.ward_name, w.total) for w in result.wards], result.total)
        self.rejected.setRowCount(len(result.rejected))
        for i, r in enumerate(result.rejected):
            ward = f"{r.ward_name} ({r.agency_code})" if r.agency_code else r.ward_name
            for col, text in enumerate((r.path.name, ward, r.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(str(r.path) if col == 0 else text)
                if col == 2:
                    item.setForeground(QColor("#b00020"))
                self.rejected.setItem(i, col, item)
        self.rejected.resizeRowsToContents()
        self.save_button.setEnabled(bool(result.accepted))

    def save(self) -> None:
        from reports.consolidate import write_city_workbook

        result = self.result
        if result is None or not result.accepted:
            return
        stem = "Tổng hợp báo cáo các phường"
        if result.period:
            stem += f"_{result.period[0].isoformat()}_{result.period[1].isoformat()}"
        path = prompts().save_path(self, self.tr("Lưu bảng tổng hợp"), stem + ".xlsx", XLSX)
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        saved = self.tr("Đã lưu bảng tổng hợp: {path}")
        Task(self, lambda: write_city_workbook(result, target)).success(
            lambda p: prompts().info(self, saved.format(path=p))
        ).failure(lambda e: show_failure(self, e)).with_progress(
            self.tr("Đang ghi bảng tổng hợp…")
        ).run_in_background()
