"""The "Nhập dữ liệu" screen: an old register (Sổ theo dõi hồ sơ) and the procedure list.

The register tab previews first: ``core.register_import.preview`` reads and checks the whole file
and writes nothing, so the admin sees the columns it recognised, the first rows as they will be
stored (legacy TCVN3/VNI text already converted) and every row that will be skipped, before
``import_register`` writes the good rows in one transaction. Both run off the GUI thread; the
progress bar is fed from the worker through a queued signal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QProgressBar, QTabWidget, QVBoxLayout, QWidget

from core import register_import
from core.register_file import LABELS
from gui.dialogs.error_details import show_failure
from gui.session import Session
from gui.tasks import Task
from gui.views.file_preview import FilePreviewTab
from gui.views.import_catalogue import CatalogueImportTab
from gui.widgets import heading

PATTERN = "Sổ theo dõi hồ sơ (*.xlsx *.xlsm *.csv);;Mọi tệp (*)"
COLUMNS = (
    ("row", "Dòng"),
    ("code", "Mã hồ sơ"),
    ("procedure", "Thủ tục"),
    ("applicant", "Người nộp"),
    ("channel", "Kênh nộp"),
    ("received", "Ngày nhận"),
    ("due", "Hẹn trả"),
    ("outcome", "Có kết quả"),
    ("returned", "Ngày trả"),
    ("status", "Trạng thái"),
    ("problem", "Lỗi (bỏ qua dòng)"),
)


class _Relay(QObject):
    """Carries (done, total) from the worker thread to the progress bar (queued across threads)."""

    moved = Signal(int, int)


class RegisterImportTab(FilePreviewTab):
    def __init__(self, session: Session, parent=None):
        super().__init__(session, parent)
        self.previewed: register_import.ImportPreview | None = None
        self.result: register_import.ImportResult | None = None
        self.relay = _Relay(self)
        self.mapping = QLabel()
        self.mapping.setObjectName("register_mapping")
        self.mapping.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.relay.moved.connect(self._moved)
        self.build(
            placeholder=self.tr("Sổ theo dõi hồ sơ cũ (.xlsx, .csv; nhận cả TCVN3, VNI)"),
            import_text=self.tr("Nhập vào sổ"),
            import_name="import_register",
            headers=[self.tr(title) for _, title in COLUMNS],
            # The procedure and the reason share what the short columns leave (at 1366 px the
            # last column was cut off); their whole text is in the cell's tooltip.
            stretch=(2, len(COLUMNS) - 1),
            problems_name="register_problems",
            above=(self.mapping,),
            below=(self.progress,),
        )

    def file_prompt(self) -> tuple[str, str]:
        return self.tr("Chọn sổ theo dõi hồ sơ cũ"), self.tr(PATTERN)

    def _moved(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _report(self, done: int, total: int) -> None:
        """Called on the worker thread: only emits."""
        self.relay.moved.emit(done, total)

    def preview(self, path: Path) -> Task:
        """Read and check the file (nothing written); show mapping, first rows and problems."""
        self.started(path)
        self.previewed = self.result = None
        session, report = self.session, self._report

        def shown(p: register_import.ImportPreview) -> None:
            self.previewed = p
            found = "; ".join(f"{LABELS[k]} ← “{v}”" for k, v in p.mapping.items())
            text = self.tr("Cột nhận ra: {found}.").format(found=found)
            if p.ignored_headers:
                text += " " + self.tr("Cột bỏ qua: {cols}.").format(cols=", ".join(p.ignored_headers))
            self.mapping.setText(text)
            self.table.clearSpans()
            self.table.setRowCount(len(p.rows))
            for r, values in enumerate(p.rows):
                for c, (key, _title) in enumerate(COLUMNS):
                    self.set_cell(r, c, values.get(key, ""))
                if values.get("problem"):  # a skipped row: its reason across the row, in red
                    item = self.set_cell(r, 1, self.tr("Bỏ qua: {why}").format(why=values["problem"]))
                    item.setForeground(QColor("#b00020"))
                    self.table.setSpan(r, 1, 1, len(COLUMNS) - 2)
            self.show_problems(p.problems)
            self.say(p.summary())
            self.import_button.setEnabled(p.good_rows > p.already_there and self.session.is_admin)

        def failed(exc: BaseException) -> None:
            self.table.setRowCount(0)
            self.problems.clear()
            self.mapping.clear()
            self.say(getattr(exc, "message", str(exc)), ok=False)
            show_failure(self, exc)

        return (
            Task(
                self,
                # Inside the task: the pool thread's own connection (session.worker_register).
                lambda: register_import.preview(session.worker_register(), path, rows=50, progress=report),
            )
            .success(shown)
            .failure(failed)
            .run_in_background()
        )

    def run_import(self) -> Task | None:
        if self.path is None:
            return None
        path, user, session, report = self.path, self.session.user, self.session, self._report
        self.import_button.setEnabled(False)

        def work() -> register_import.ImportResult:
            return register_import.import_register(session.worker_register(), user, path, progress=report)

        def done(result: register_import.ImportResult) -> None:
            self.result = result
            self.show_problems(result.problems)
            self.say(result.summary())
            self.session.notify()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            self.say(getattr(exc, "message", str(exc)), ok=False)
            show_failure(self, exc)

        return Task(self, work).success(done).failure(failed).run_in_background()


class ImportView(QWidget):
    """Nhập dữ liệu: the old register first (what a ward brings on day one), then the procedure list."""

    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.tabs = QTabWidget()
        self.register_tab = RegisterImportTab(session)
        self.catalogue_tab = CatalogueImportTab(session)
        self.tabs.addTab(self.register_tab, self.tr("Sổ theo dõi hồ sơ"))
        self.tabs.addTab(self.catalogue_tab, self.tr("Danh mục thủ tục"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)  # as every other screen
        layout.addWidget(heading(self.tr("Nhập dữ liệu")))
        layout.addWidget(self.tabs, 1)
