"""Scans through the window: the dossier's panel shows thumbnails and each document's state; a file
picked, dropped or offered by the watched folder is attached and read back byte for byte; a
hostile file is refused with a message and nothing written; opening a file shows it full size."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from core.attachments.status import DocState
from gui.views.attachments import AttachmentsPanel
from gui.views.dossiers import DossiersView
from tests.helpers import make_form
from tests.test_attach_samples import jpeg_bytes, pdf_bytes, png_bomb, tiff_bytes


def _files(tmp_path):
    files = {"to-khai.pdf": pdf_bytes(2), "cho-o.tif": tiff_bytes(3), "ket-qua.jpg": jpeg_bytes()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return files


def _drop(widget, path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    widget.dropEvent(event)


def test_picker_drop_and_thumbnails_on_the_dossier(qtbot, gui_session, clerk, fake_prompts, tmp_path):
    register = gui_session.register
    d = register.intake(make_form(), clerk)
    files = _files(tmp_path)
    view = DossiersView(gui_session)
    qtbot.addWidget(view)
    view.open_code(d.code)
    panel: AttachmentsPanel = view.attachments
    assert panel.dossier.code == d.code and panel.thumbs.count() == 0
    assert "Chưa số hóa" in panel.status.text()
    # the picker: document 1 is chosen by default (the first one not digitised)
    assert panel.target.currentData() == 1
    fake_prompts.paths = [str(tmp_path / "to-khai.pdf")]
    panel.pick_files()
    assert panel.thumbs.count() == 1 and panel.target.currentData() == 2
    # drag and drop onto the panel: document 2, then the result
    _drop(panel, tmp_path / "cho-o.tif")
    panel.target.setCurrentIndex(panel.target.count() - 1)
    _drop(panel, tmp_path / "ket-qua.jpg")
    assert fake_prompts.errors == []
    assert panel.thumbs.count() == 3
    assert all(not panel.thumbs.item(i).icon().isNull() for i in range(3))
    states = [s.state for s in register.document_status(d.code)]
    assert states == [DocState.DIGITISED, DocState.DIGITISED] and register.result_digitised(d.code)
    assert panel.status.text().count("Đã số hóa") == 3
    for a in register.attachments(d.code):
        assert register.attachment_bytes(d.code, a.id) == files[a.file_name]
    # full size, page by page (PDFium draws the PDF)
    viewer = panel.open_item(0)
    qtbot.addWidget(viewer)
    assert viewer.pages == 2 and viewer.image.pixmap().width() > 900
    viewer.next_button.click()
    assert viewer.page == 1 and not viewer.next_button.isEnabled()
    opened = [r for r in register.store.audit_rows() if r["action"] == "open-attachment"]
    assert len(opened) == 1 and opened[0]["user_login"] == "canbo1"


def test_a_hostile_file_dropped_is_refused_and_nothing_written(
    qtbot, gui_session, clerk, fake_prompts, tmp_path
):
    register = gui_session.register
    d = register.intake(make_form(), clerk)
    view = DossiersView(gui_session)
    qtbot.addWidget(view)
    view.open_code(d.code)
    bomb = tmp_path / "anh.png"
    bomb.write_bytes(png_bomb(100_000, 100_000))
    audit_before = len(register.store.audit_rows())
    _drop(view.attachments, bomb)
    assert len(fake_prompts.errors) == 1 and "anh.png" in fake_prompts.errors[0]
    assert register.attachments(d.code) == [] and len(register.store.audit_rows()) == audit_before
    assert not any(register.store.blob_store().hashes())


def test_a_new_file_in_the_watched_folder_is_offered_for_the_dossier_on_screen(
    qtbot, gui_session, clerk, admin, fake_prompts, tmp_path
):
    register = gui_session.register
    folder = tmp_path / "may-quet"
    folder.mkdir()
    (folder / "cu.pdf").write_bytes(pdf_bytes(1))  # there before: not offered
    register.update_settings(admin, scan_watch_dir=str(folder))
    d = register.intake(make_form(), clerk)
    view = DossiersView(gui_session)
    qtbot.addWidget(view)
    view.open_code(d.code)
    watcher = view.attachments.watcher
    assert watcher.folder == folder
    scan = tiff_bytes(2)
    (folder / "scan0001.tif").write_bytes(scan)
    # the scanner finished writing: two looks with the same size, then the offer
    qtbot.waitUntil(lambda: len(fake_prompts.confirms) == 1, timeout=10_000)
    assert "scan0001.tif" in fake_prompts.confirms[0] and d.code in fake_prompts.confirms[0]
    items = register.attachments(d.code)
    assert [(a.file_name, a.document) for a in items] == [("scan0001.tif", 1)]
    assert register.attachment_bytes(d.code, items[0].id) == scan
    # declined: nothing attached, and the same file is never offered twice
    fake_prompts.confirm_answer = False
    (folder / "scan0002.jpg").write_bytes(jpeg_bytes())
    qtbot.waitUntil(lambda: len(fake_prompts.confirms) == 2, timeout=10_000)
    watcher.scan()
    QApplication.processEvents()
    assert len(fake_prompts.confirms) == 2 and len(register.attachments(d.code)) == 1


def test_the_intake_form_records_how_the_fee_was_paid(qtbot, gui_session, clerk, fake_prompts):
    from gui.views.intake import IntakeView

    view = IntakeView(gui_session)
    qtbot.addWidget(view)
    view.set_procedure(gui_session.register.procedure("1.004222"))
    view.fee.setValue(20_000)
    view.payment.setCurrentIndex(view.payment.findData("chuyen-khoan"))
    form = view.form()
    assert (form.fee_collected, form.payment) == (20_000, "chuyen-khoan")
    view.fee.setValue(0)
    assert view.form().payment is None  # no fee, nothing paid
    assert [view.payment.itemText(i) for i in range(3)] == ["Tiền mặt", "Chuyển khoản", "Trực tuyến"]


def test_scans_dropped_on_the_intake_form_are_attached_when_it_is_saved(
    qtbot, gui_session, fake_prompts, tmp_path
):
    from gui.views.intake import IntakeView

    files = _files(tmp_path)
    bomb = tmp_path / "bom.png"
    bomb.write_bytes(png_bomb(100_000, 100_000))
    view = IntakeView(gui_session)
    qtbot.addWidget(view)
    view.set_procedure(gui_session.register.procedure("1.004222"))
    view.applicant.edit.setText("Trần Thị Bình")
    view.id_number.edit.setText("001190012345")
    view.phone.edit.setText("0912345678")
    view.address.edit.setText("Số 5 Âu Cơ, Tây Hồ")
    for path in (tmp_path / "to-khai.pdf", bomb, tmp_path / "cho-o.tif"):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)  # fmt: skip
        assert view.scans.eventFilter(view, drop)  # Qt delivers drops only during a real drag
    assert len(fake_prompts.errors) == 1 and "bom.png" in fake_prompts.errors[0]  # refused at once
    assert "to-khai.pdf, cho-o.tif" in view.scans.label.text()
    d = view.save()
    register = gui_session.register
    items = register.attachments(d.code)
    assert [(a.file_name, a.document) for a in items] == [("to-khai.pdf", 1), ("cho-o.tif", 2)]
    assert [register.attachment_bytes(d.code, a.id) for a in items] == [
        files["to-khai.pdf"],
        files["cho-o.tif"],
    ]
    # the receipt printed after the scans were kept, so it marks both documents "đã số hóa"
    actions = [r["action"] for r in register.store.audit_rows() if r["entity_key"] == d.code]
    assert actions[:4] == ["intake", "attach", "attach", "print"], actions
    assert register.dossier(d.code).digitised_documents == (1, 2)
    assert view.scans.paths == [] and "khi lưu hồ sơ" in view.scans.label.text()


def test_a_dossier_without_scans_gives_the_room_to_its_details(
    qtbot, gui_session, clerk, fake_prompts, tmp_path
):
    """An empty thumbnail strip took 175 px under every dossier without scans, squeezing its
    details (name, ID, procedure, history) into a few lines at 1366x768."""
    from gui.main_window import MainWindow

    register = gui_session.register
    bare = register.intake(make_form(), clerk)
    scanned = register.intake(make_form(applicant="Lê Văn Bảy"), clerk)
    _files(tmp_path)
    window = MainWindow(gui_session)
    qtbot.addWidget(window)
    window.resize(1366, 728 - 31)
    window.show()
    qtbot.waitExposed(window)
    view = window.show_screen("dossiers")
    view.open_code(scanned.code)
    fake_prompts.paths = [str(tmp_path / "to-khai.pdf")]
    view.attachments.pick_files()
    qtbot.wait(20)
    assert view.attachments.thumbs.isVisible() and view.attachments.thumbs.count() == 1
    with_scans = view.detail.height()
    view.open_code(bare.code)
    qtbot.wait(20)
    assert not view.attachments.thumbs.isVisible()
    assert view.detail.height() >= with_scans + 150
    view.open_code(scanned.code)  # and back: the strip shows again
    qtbot.wait(20)
    assert view.attachments.thumbs.isVisible()
