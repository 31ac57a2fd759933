"""The procedure-list tab of the import screen: the province's list, previewed, then imported.

``core.catalogue.parse_procedures`` reads the file without writing anything, so the admin sees
which procedures are new, which already exist and which rows are wrong before
``import_procedures`` adds or updates them in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from core import catalogue
from core.model import Procedure
from gui.dialogs.error_details import show_failure
from gui.session import Session
from gui.tasks import Task
from gui.views.file_preview import FilePreviewTab

PATTERN = "Bảng tính (*.xlsx *.xlsm *.csv);;Mọi tệp (*)"


class CatalogueImportTab(FilePreviewTab):
    def __init__(self, session: Session, parent=None):
        super().__init__(session, parent)
        self.parsed: list[Procedure] = []
        self.result: catalogue.CatalogueImport | None = None
        headers = [
            self.tr("Mã"),
            self.tr("Tên thủ tục"),
            self.tr("Lĩnh vực"),
            self.tr("Số ngày"),
            self.tr("Trong sổ"),
        ]
        self.build(
            placeholder=self.tr("Danh mục thủ tục do tỉnh/thành phố công bố (.xlsx, .csv)"),
            import_text=self.tr("Nhập danh mục"),
            import_name="import_catalogue",
            headers=headers,
            stretch=(1,),
            problems_name="catalogue_problems",
        )

    def file_prompt(self) -> tuple[str, str]:
        return self.tr("Chọn danh mục thủ tục"), self.tr(PATTERN)

    def preview(self, path: Path) -> Task:
        """Read the list (nothing written) and show what the import would do."""
        self.started(path)
        self.result = None

        def shown(parsed: tuple[list[Procedure], list[str]]) -> None:
            procedures, errors = parsed
            self.parsed = procedures
            known = {p.code for p in self.session.register.procedures(active_only=False)}
            self.table.setRowCount(len(procedures))
            for r, p in enumerate(procedures):
                there = self.tr("đã có (cập nhật)") if p.code in known else self.tr("mới")
                for c, v in enumerate((p.code, p.name, p.field, str(p.working_days), there)):
                    self.set_cell(r, c, v)
            self.show_problems(errors)
            new = sum(p.code not in known for p in procedures)
            self.say(
                self.tr("Đọc được {n} thủ tục ({new} mới), {e} dòng lỗi. Chưa ghi gì vào sổ.").format(
                    n=len(procedures), new=new, e=len(errors)
                )
            )
            self.import_button.setEnabled(bool(procedures) and self.session.is_admin)

        def failed(exc: BaseException) -> None:
            self.table.setRowCount(0)
            self.problems.clear()
            self.say(getattr(exc, "message", str(exc)), ok=False)
            show_failure(self, exc)

        return (
            Task(self, lambda: catalogue.parse_procedures(path))
            .success(shown)
            .failure(failed)
            .with_progress(self.tr("Đang đọc danh mục…"))
            .run_in_background()
        )

    def run_import(self) -> Task | None:
        if self.path is None:
            return None
        path, user = self.path, self.session.user
        self.import_button.setEnabled(False)

        def done(result: catalogue.CatalogueImport) -> None:
            self.result = result
            self.say(result.summary())
            self.session.notify()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            show_failure(self, exc)

        return (
            Task(self, lambda: catalogue.import_procedures(self.session.worker_register(), user, path))
            .success(done)
            .failure(failed)
            .with_progress(self.tr("Đang nhập danh mục thủ tục…"))
            .run_in_background()
        )
