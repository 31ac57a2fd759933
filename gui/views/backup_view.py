"""Admin: back the register up now, see the backups, restore one (issue 7 item 2).

All the work is ``core.backup``: an online, verified copy; a restore that checks the file and keeps
the current database aside. This screen only chooses the folder and the file, asks before a
restore, and runs the copies off the GUI thread.

After a restore every open screen still holds the old connection (the dossier table keeps its own
reference to the register), so the window does not try to swap databases under them: it closes the
old connection before the file is replaced, says in plain words that MotCua must be opened again,
and closes the main window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import backup as backup_mod
from core.backup import BackupInfo
from core.dbcheck import inspect_file
from core.errors import DatabaseError, MotCuaError
from gui.dialogs.error_details import show_failure
from gui.prompts import prompts
from gui.session import Session
from gui.tasks import Task, wait_for_idle
from gui.widgets import ERROR_STYLE, OK_STYLE, heading


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1000))} KB"


class BackupView(QWidget):
    def __init__(self, session: Session, window=None):
        super().__init__()
        self.session = session
        self.window_ = window
        self.backups: list[BackupInfo] = []
        self.restored_from: Path | None = None
        self.kept_aside: Path | None = None

        self.db_label = QLabel()
        self.db_label.setWordWrap(True)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder = QLineEdit()
        self.folder.setObjectName("folder")
        self.folder.setPlaceholderText(self.tr("Thư mục chứa các bản sao lưu (nên ở ổ đĩa khác hoặc USB)"))
        self.folder.editingFinished.connect(self.reload)
        choose = QPushButton(self.tr("Chọn thư mục…"))
        choose.clicked.connect(self.choose_folder)
        self.make_default = QPushButton(self.tr("Dùng làm thư mục mặc định"))
        self.make_default.setObjectName("make_default")
        self.make_default.setToolTip(self.tr("Lưu vào thiết lập: các lần sao lưu sau đều ghi vào đây"))
        self.make_default.clicked.connect(self.save_default_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(self.make_default)

        self.backup_button = QPushButton(self.tr("Sao lưu ngay"))
        self.backup_button.setObjectName("backup")
        self.backup_button.setMinimumHeight(36)
        self.backup_button.setStyleSheet("font-weight: 600;")
        self.backup_button.clicked.connect(self.backup_now)
        self.last_label = QLabel()
        backup_box = QGroupBox(self.tr("Sao lưu"))
        box = QVBoxLayout(backup_box)
        box.addWidget(self.db_label)
        box.addLayout(folder_row)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.last_label, 1)
        box.addLayout(row)
        note = QLabel(
            self.tr(
                "Mỗi bản sao lưu được kiểm tra toàn vẹn ngay sau khi ghi. “Sao lưu ngay” tạo bản thủ "
                "công, giữ bên cạnh bản hằng ngày (tự sao lưu khi đóng MotCua hoặc theo lịch), không "
                "thay bản đó. Thư mục giữ bản mới nhất của mỗi loại trong mỗi ngày (30 ngày gần nhất "
                "có sao lưu) và bản mới nhất của mỗi tháng (12 tháng gần nhất); các bản cũ hơn tự "
                "được xóa."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        box.addWidget(note)

        self.table = QTableWidget(0, 4)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Thời điểm sao lưu"), self.tr("Loại"), self.tr("Dung lượng"), self.tr("Tệp")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        self.restore_button = QPushButton(self.tr("Khôi phục bản đã chọn…"))
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(self.restore_selected)
        other = QPushButton(self.tr("Khôi phục từ tệp khác…"))
        other.clicked.connect(self.restore_other)
        restore_box = QGroupBox(self.tr("Các bản sao lưu trong thư mục"))
        rbox = QVBoxLayout(restore_box)
        rbox.addWidget(self.table, 1)
        rrow = QHBoxLayout()
        rrow.addWidget(self.restore_button)
        rrow.addWidget(other)
        rrow.addStretch(1)
        warn = QLabel(
            self.tr(
                "Khôi phục thay cơ sở dữ liệu đang dùng bằng bản sao lưu; bản đang dùng được giữ lại "
                "bên cạnh (không xóa). Sau khi khôi phục, MotCua đóng lại và cần mở lại."
            )
        )
        warn.setWordWrap(True)
        warn.setStyleSheet("color: #555;")
        rbox.addLayout(rrow)
        rbox.addWidget(warn)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(heading(self.tr("Sao lưu và khôi phục dữ liệu")))
        layout.addWidget(backup_box)
        layout.addWidget(restore_box, 1)
        layout.addWidget(self.message)
        self.folder.setText(str(backup_mod.backup_dir_for(session.register.settings.backup_dir)))
        self.reload()

    # --- showing -------------------------------------------------------------------------
    def activated(self) -> None:
        self.reload()

    def focus_first(self) -> None:
        self.backup_button.setFocus()

    def folder_path(self) -> Path:
        text = self.folder.text().strip()
        return Path(text) if text else backup_mod.default_backup_dir()

    def reload(self) -> None:
        """List the backups of the chosen folder (newest first) and describe the current file."""
        db = self.session.db_path
        # the -wal file holds recent commits until a checkpoint: count it, as the backup will
        wal = Path(str(db) + "-wal")
        total = sum(f.stat().st_size for f in (db, wal) if f.exists())
        size = _size(total) if db.exists() else "?"
        self.db_label.setText(self.tr("Cơ sở dữ liệu đang dùng: {p} ({s})").format(p=db, s=size))
        self.make_default.setEnabled(self.session.is_admin)
        self.backups = backup_mod.list_backups(self.folder_path())
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            values = (f"{info.taken_at:%d/%m/%Y %H:%M:%S}", info.kind.label, _size(info.size), info.path.name)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if self.backups:
            self.table.selectRow(0)
            self.last_label.setText(
                self.tr("Lần sao lưu gần nhất: {t}").format(t=f"{self.backups[0].taken_at:%d/%m/%Y %H:%M}")
            )
        elif not self.folder_path().is_dir() and backup_mod.on_absent_disk(self.folder_path()):
            self.last_label.setText(  # the USB disk is not plugged in: backing up here is refused
                self.tr("Không thấy thư mục sao lưu này (ổ USB hoặc ổ mạng chưa cắm, chưa kết nối?).")
            )
        else:
            self.last_label.setText(self.tr("Chưa có bản sao lưu nào trong thư mục này."))
        self.restore_button.setEnabled(bool(self.backups))

    def say(self, text: str, ok: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(
            OK_STYLE.replace("12px", "14px") if ok else ERROR_STYLE.replace("12px", "14px")
        )

    # --- the folder ----------------------------------------------------------------------
    def ask_folder(self) -> str:
        """The folder picker (prompts has no folder question; tests replace this method)."""
        return QFileDialog.getExistingDirectory(self, self.tr("Chọn thư mục sao lưu"), self.folder.text())

    def choose_folder(self) -> None:
        chosen = self.ask_folder()
        if chosen:
            self.folder.setText(chosen)
            self.reload()

    def save_default_folder(self) -> bool:
        try:
            self.session.register.update_settings(self.session.user, backup_dir=str(self.folder_path()))
        except MotCuaError as exc:
            self.say(exc.message, ok=False)
            return False
        self.session.notify()
        self.say(self.tr("Đã đặt thư mục sao lưu mặc định: {p}").format(p=self.folder_path()))
        return True

    # --- backing up ----------------------------------------------------------------------
    def backup_now(self) -> Task:
        db, folder = self.session.db_path, self.folder_path()
        self.backup_button.setEnabled(False)
        self.say(self.tr("Đang sao lưu…"))

        def done(path: Path) -> None:
            self.backup_button.setEnabled(True)
            self.reload()
            self.say(self.tr("Đã sao lưu và kiểm tra toàn vẹn: {p}").format(p=path))

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            self.say(
                exc.message if isinstance(exc, MotCuaError) else self.tr("Sao lưu không thành công."), False
            )
            show_failure(self, exc)

        # a manual one: kept beside the day's close-time backup, never in its place (core.backup)
        def copy() -> Path:
            return backup_mod.backup_now(db, folder, kind=backup_mod.BackupKind.MANUAL)

        task = Task(self, copy).success(done).failure(failed)
        return task.with_progress(self.tr("Đang sao lưu cơ sở dữ liệu…")).run_in_background()

    # --- restoring -----------------------------------------------------------------------
    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def restore_selected(self) -> None:
        info = self.selected_backup()
        if info is None:
            self.say(self.tr("Hãy chọn một bản sao lưu trong danh sách."), ok=False)
            return
        self.restore_file(info.path)

    def restore_other(self) -> None:
        name = prompts().open_path(
            self, self.tr("Chọn tệp sao lưu"), self.tr("Cơ sở dữ liệu MotCua (*.sqlite3 *.db);;Mọi tệp (*)")
        )
        if name:
            self.restore_file(Path(name))

    def restore_file(self, path: Path) -> Task:
        """Check the file (the register stays open), then ask, then close, replace and say so."""
        self.say(self.tr("Đang kiểm tra bản sao lưu…"))

        def checked(verdict) -> None:
            if not verdict.ok:
                self.say(
                    self.tr("Không khôi phục từ {n}: {p}.").format(n=path.name, p=verdict.problem), False
                )
                return
            question = self.tr(
                "Khôi phục dữ liệu từ bản sao lưu {n} ({d} hồ sơ)?\n\n"
                "Cơ sở dữ liệu đang dùng sẽ được giữ lại bên cạnh, không bị xóa. "
                "Mọi thay đổi sau thời điểm sao lưu sẽ không có trong dữ liệu khôi phục.\n\n"
                "Sau khi khôi phục, MotCua sẽ đóng lại; hãy mở lại để làm việc tiếp."
            ).format(n=path.name, d=verdict.dossiers)
            if not prompts().confirm(self, question):
                self.say(self.tr("Đã hủy khôi phục."))
                return
            self._replace(path)

        return (
            Task(self, lambda: inspect_file(path, full=True))
            .success(checked)
            .failure(lambda exc: show_failure(self, exc))
            .with_progress(self.tr("Đang kiểm tra bản sao lưu…"))
            .run_in_background()
        )

    def _replace(self, path: Path) -> Task:
        db = self.session.db_path
        wait_for_idle()  # no worker may still be reading the register
        self.session.close_workers()  # their connections too: Windows cannot replace an open file
        self.session.restoring = True  # the window must not back up the file being replaced on close
        self.session.register.close()
        self.setEnabled(False)

        def done(aside: Path | None) -> None:
            self.restored_from, self.kept_aside = path, aside
            text = self.tr("Đã khôi phục dữ liệu từ {n}.").format(n=path.name)
            if aside is not None:
                text += "\n" + self.tr("Cơ sở dữ liệu trước khi khôi phục được giữ lại tại:\n{a}").format(
                    a=aside
                )
            text += "\n\n" + self.tr(
                "MotCua sẽ đóng lại bây giờ. Hãy mở lại MotCua để làm việc với dữ liệu đã khôi phục."
            )
            self.say(text)
            prompts().info(self, text)
            self._close_window()

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, MotCuaError) else str(exc)
            text = self.tr(
                "{m}\n\nMotCua sẽ đóng lại bây giờ; hãy mở lại MotCua (dữ liệu đang dùng vẫn ở chỗ cũ)."
            ).format(m=message)
            self.say(text, ok=False)
            if isinstance(exc, DatabaseError):
                prompts().error(self, text)
            else:
                show_failure(self, exc)
            self._close_window()

        task = Task(self, lambda: backup_mod.restore(path, db)).success(done).failure(failed)
        return task.with_progress(self.tr("Đang khôi phục dữ liệu…")).run_in_background()

    def _close_window(self) -> None:
        window = self.window_ if self.window_ is not None else self.window()
        if window is not None and window is not self:
            window.close()
