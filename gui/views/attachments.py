"""The scans of the dossier on screen: thumbnails, the state of each document, three ways in.

Thin on purpose: every rule (type by content, bombs, limits, which documents need a scan) is in
``core.attachments``; this panel only shows what the register says and hands it files.
- a file picker ("Đính kèm tệp…"), drag and drop onto the panel, and the scanner's watched
  folder (setting ``scan_watch_dir``, ``ScanFolderWatcher``): a new file there is offered for
  the dossier on screen, once, after its size stopped changing (the scanner writes it in parts);
- a thumbnail per file; double-click opens it full size (``AttachmentViewer``, PDFium for PDFs),
  page by page. Thumbnails are cached by SHA-256: the bytes behind a hash never change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.attachments.content import human_size
from core.attachments.register_part import Attachment
from core.attachments.status import DocState
from core.attachments.thumbs import page_count, page_png, thumbnail_png
from core.errors import MotCuaError
from core.model import Dossier
from gui.prompts import prompts

PATTERN = "Tệp quét (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)"
COLOURS = {
    DocState.DIGITISED: "#1b7f3b",
    DocState.REUSED: "#1b5e9f",
    DocState.NOT_DIGITISED: "#b00020",
    DocState.NOT_REQUIRED: "#777777",
}


def pixmap_from_png(data: bytes) -> QPixmap:
    return QPixmap.fromImage(QImage.fromData(data, "PNG"))


class AttachmentsPanel(QWidget):
    """Shown under the dossier's details; ``set_dossier`` fills it."""

    attached = Signal(int)  # the id of a new attachment

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.dossier: Dossier | None = None
        self.items: list[Attachment] = []
        self._thumbs: dict[str, QIcon] = {}
        self.setAcceptDrops(True)
        self.status = QLabel()
        self.status.setObjectName("doc-states")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.target = QComboBox()
        self.target.setObjectName("attach-target")
        self.pick = QPushButton(self.tr("Đính kèm tệp…"))
        self.pick.setObjectName("attach-pick")
        self.pick.clicked.connect(self.pick_files)
        self.thumbs = QListWidget()
        self.thumbs.setObjectName("thumbnails")
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(96, 120))
        self.thumbs.setGridSize(QSize(118, 160))
        self.thumbs.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setWordWrap(True)
        self.thumbs.setMinimumHeight(170)
        self.thumbs.setMaximumHeight(175)  # one row: the dossier's details keep their room
        self.thumbs.itemDoubleClicked.connect(lambda item: self.open_item(self.thumbs.row(item)))
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(self.pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Số hóa</b> (kéo thả tệp quét vào đây)")))
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(self.thumbs)
        self.watcher = ScanFolderWatcher(self)
        self.watcher.new_file.connect(self.offer_file)
        self.watch_folder(session.register.settings.scan_watch_dir)

    # --- showing -------------------------------------------------------------------------------
    def set_dossier(self, d: Dossier | None) -> None:
        self.dossier = d
        self.thumbs.clear()
        self.thumbs.hide()  # shown with the first scan: empty, it took the dossier's details' room
        self.target.clear()
        self.items = []
        enabled = d is not None
        self.pick.setEnabled(enabled)
        self.target.setEnabled(enabled)
        if d is None:
            self.status.setText("")
            return
        register = self.session.register
        # browsing the table shows thumbnails unaudited; opening a file full size is audited
        self.items = register.attachments(d.code)
        states = register.document_status(d.code)
        lines = [
            f"{s.number}. {s.name} — <span style='color:{COLOURS[s.state]}'><b>{s.state.label}</b></span>"
            for s in states
        ]
        result = register.result_digitised(d.code)
        if result:
            state, colour = self.tr("Đã số hóa"), COLOURS[DocState.DIGITISED]
        elif d.resolved_at is None:
            state, colour = self.tr("chưa có kết quả"), COLOURS[DocState.NOT_REQUIRED]
        else:
            state, colour = self.tr("Chưa số hóa"), COLOURS[DocState.NOT_DIGITISED]
        lines.append(f"{self.tr('Kết quả giải quyết')} — <span style='color:{colour}'><b>{state}</b></span>")
        self.status.setText("<br>".join(lines))
        first_missing = 0
        for i, s in enumerate(states):
            self.target.addItem(self.tr("Thành phần {n}: {name}").format(n=s.number, name=s.name), s.number)
            if not first_missing and s.state == DocState.NOT_DIGITISED:
                first_missing = i + 1
        self.target.addItem(self.tr("Kết quả giải quyết"), 0)
        # the first document still to scan; once all are, the result (scanned when it is ready)
        self.target.setCurrentIndex(first_missing - 1 if first_missing else self.target.count() - 1)
        for a in self.items:
            item = QListWidgetItem(self._icon(a), f"{a.target_label}\n{a.file_name}\n{human_size(a.size)}")
            item.setToolTip(f"{a.file_name} · {a.pages} trang · SHA-256 {a.sha256[:16]}…")
            self.thumbs.addItem(item)
        self.thumbs.setVisible(bool(self.items))

    def _icon(self, a: Attachment) -> QIcon:
        if a.sha256 not in self._thumbs:
            try:
                data = self.session.register.attachment_bytes(a.dossier_code, a.id)
                self._thumbs[a.sha256] = QIcon(pixmap_from_png(thumbnail_png(data, a.mime, 120)))
            except MotCuaError:  # altered or missing: named by the tooltip and audit verify
                return QIcon()
        return self._thumbs[a.sha256]

    # --- three ways in ---------------------------------------------------------------------------
    def target_args(self) -> dict:
        number = self.target.currentData()
        return {"result": True} if not number else {"document": int(number)}

    def pick_files(self) -> None:
        for path in prompts().open_paths(self, self.tr("Chọn tệp quét để đính kèm"), self.tr(PATTERN)):
            self.attach_path(Path(path))

    def attach_path(self, path: Path) -> Attachment | None:
        """Attach one file to the chosen document; a refusal is shown and nothing is written."""
        if self.dossier is None:
            return None
        try:
            item = self.session.register.attach(
                self.dossier.code, path, self.session.user, **self.target_args()
            )
        except MotCuaError as exc:
            prompts().error(self, exc.message)
            return None
        self.set_dossier(self.session.register.dossier(self.dossier.code))
        self.attached.emit(item.id)
        return item

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.dossier is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.attach_path(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def watch_folder(self, folder: str) -> None:
        self.watcher.watch(folder)

    def offer_file(self, path: str) -> None:
        """A new scan in the watched folder: offered for the dossier on screen, never attached unasked."""
        if self.dossier is None:
            return
        question = self.tr("Có tệp quét mới: {name}\nĐính kèm vào hồ sơ {code}, {target}?").format(
            name=Path(path).name, code=self.dossier.code, target=self.target.currentText()
        )
        if prompts().confirm(self, question):
            self.attach_path(Path(path))

    # --- full size -------------------------------------------------------------------------------
    def open_item(self, row: int) -> AttachmentViewer | None:
        if not 0 <= row < len(self.items):
            return None
        a = self.items[row]
        try:
            data = self.session.register.attachment_bytes(a.dossier_code, a.id, self.session.user)
        except MotCuaError as exc:
            prompts().error(self, exc.message)
            return None
        viewer = AttachmentViewer(a, data, self)
        viewer.show()
        return viewer


class AttachmentViewer(QDialog):
    """One file full size, a page at a time (drawn to fit 1400 px: readable, never a 600 dpi bitmap)."""

    def __init__(self, attachment: Attachment, data: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.attachment, self.data = attachment, data
        self.setWindowTitle(f"{attachment.dossier_code} — {attachment.file_name}")
        self.pages = page_count(data, attachment.mime)
        self.page = 0
        self.image = QLabel()
        self.image.setObjectName("page-image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(True)
        self.prev_button = QPushButton(self.tr("◀ Trang trước"))
        self.next_button = QPushButton(self.tr("Trang sau ▶"))
        self.page_label = QLabel()
        self.prev_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(nav)
        self.resize(900, 700)
        self.show_page(0)

    def show_page(self, page: int) -> None:
        if not 0 <= page < self.pages:
            return
        self.page = page
        self.image.setPixmap(pixmap_from_png(page_png(self.data, self.attachment.mime, page, 1400)))
        self.page_label.setText(self.tr("Trang {n}/{total}").format(n=page + 1, total=self.pages))
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.pages - 1)


class ScanFolderWatcher(QObject):
    """New files in the scanner's folder, each reported once when its size has settled."""

    new_file = Signal(str)
    SETTLE_MS = 700

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.folder: Path | None = None
        self._fs = QFileSystemWatcher(self)
        self._fs.directoryChanged.connect(lambda _p: self._timer.start())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SETTLE_MS)
        self._timer.timeout.connect(self.scan)
        self._known: set[str] = set()
        self._sizes: dict[str, int] = {}

    def watch(self, folder: str) -> None:
        if self._fs.directories():
            self._fs.removePaths(self._fs.directories())
        self.folder = Path(folder) if folder and Path(folder).is_dir() else None
        if self.folder is None:
            return
        self._known = {str(p) for p in self.folder.iterdir()}  # what was there before is not new
        self._fs.addPath(str(self.folder))

    def scan(self) -> None:
        """Report files that appeared and kept their size since the last look."""
        if self.folder is None:
            return
        waiting = False
        for path in sorted(self.folder.iterdir()):
            key = str(path)
            if key in self._known or not path.is_file() or path.name.startswith("."):
                continue
            size = path.stat().st_size
            if size and self._sizes.get(key) == size:
                self._known.add(key)
                self._sizes.pop(key, None)
                self.new_file.emit(key)
            else:
                self._sizes[key] = size
                waiting = True
        if waiting:
            self._timer.start()  # look again once the scanner has finished writing


class IntakeScans(QObject):
    """Scans dropped on the intake form before the dossier exists (it has no code yet).

    Each file is checked at once (a hostile one is refused there, nothing kept); the queue is
    attached when the dossier is saved, before its receipt prints (which then says "đã số hóa"):
    the n-th file to the n-th document that needs a scan, extra files to the last of them.
    """

    def __init__(self, view: QWidget):
        super().__init__(view)
        self.view = view
        self.paths: list[Path] = []
        self.label = QLabel()
        self.label.setObjectName("intake-scans")
        self.label.setWordWrap(True)
        view.setAcceptDrops(True)
        view.installEventFilter(self)
        self._show()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind in (event.Type.DragEnter, event.Type.DragMove) and event.mimeData().hasUrls():
            event.acceptProposedAction()
            return True
        if kind == event.Type.Drop and event.mimeData().hasUrls():
            for url in event.mimeData().urls():
                if url.isLocalFile():
                    self.add(Path(url.toLocalFile()))
            event.acceptProposedAction()
            return True
        return False

    def add(self, path: Path) -> bool:
        try:
            self.view.session.register.check_attachment(path)
        except MotCuaError as exc:
            prompts().error(self.view, exc.message)
            return False
        self.paths.append(path)
        self._show()
        return True

    def clear(self) -> None:
        self.paths = []
        self._show()

    def attach_to(self, d: Dossier) -> int:
        """Attach the queue to the new dossier; returns how many were attached."""
        from core.attachments.status import needs_scan

        register, user = self.view.session.register, self.view.session.user
        targets = [n for n, doc in enumerate(d.documents, 1) if needs_scan(doc, d.channel)]
        targets = targets or list(range(1, len(d.documents) + 1))
        done = 0
        for i, path in enumerate(self.paths):
            if not targets:
                break
            try:
                register.attach(d.code, path, user, document=targets[min(i, len(targets) - 1)])
                done += 1
            except MotCuaError as exc:
                prompts().error(self.view, exc.message)
        self.clear()
        return done

    def _show(self) -> None:
        if not self.paths:
            self.label.setText(self.tr("Kéo thả tệp quét vào đây: đính kèm khi lưu hồ sơ."))
            return
        names = ", ".join(p.name for p in self.paths)
        self.label.setText(self.tr("Tệp quét sẽ đính kèm khi lưu: {names}").format(names=names))
