"""Dossiers screen: SQL-paged table, sorting, quick filters, search, overdue marks, steps and forms."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from core.model import Status
from core.store import QuickFilter
from gui.dialogs.apology import ApologyDialog
from gui.dialogs.step import StepDialog
from gui.models.dossier_table import PAGE, DossierTableModel
from gui.views.dossiers import DossiersView
from tests.gui_helpers import type_text
from tests.helpers import at, make_form


def fill(register, clerk, clock, n=5):
    codes = []
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Cường", "Phạm Thu Dung", "Đỗ Minh Hải"]
    for i in range(n):
        clock.set(f"2026-11-{16 + i % 5:02d}T09:{i % 60:02d}:00")
        procedure = "1.001193" if i % 2 else "1.004222"  # khai sinh: same day, so overdue by now
        d = register.intake(
            make_form(procedure, applicant=names[i % len(names)], phone=f"09123456{i % 100:02d}"), clerk
        )
        codes.append(d.code)
    clock.set("2026-11-23T10:00:00")
    return codes


def make_view(qtbot, session):
    view = DossiersView(session)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    return view


def test_model_pages_through_sql_and_sorts_in_sql(qtbot, register, clerk, clock):
    fill(register, clerk, clock, n=450)
    model = DossierTableModel(register)
    model.refresh()
    assert model.rowCount() == PAGE and not model.exact, "the first page at once, not counted yet"
    assert model.fetches == 1
    assert not model.set_counted(450, model.generation - 1), "a count of an older query is dropped"
    assert model.set_counted(register.count(model.count_query()), model.generation)
    assert model.rowCount() == 450 and model.exact
    last = model.index(449, 0).data()
    assert model.fetches == 2, "only the page holding the row"
    model.index(0, 0).data()
    assert model.fetches == 2 and len(model.pages) == 2, "the first page is kept"
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.fetchMore()  # scrolled past the first page
    codes = [model.index(r, 0).data() for r in range(PAGE + 5)]
    assert codes == sorted(codes)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == max(codes[-1], last, model.index(0, 0).data())
    model.sort(1, Qt.SortOrder.AscendingOrder)
    model.set_counted(450, model.generation)
    names = [model.index(r, 1).data() for r in range(0, 450, 40)]
    assert model.query.sort == "applicant"
    assert names[0] <= names[-1]


def test_without_the_count_scrolling_reads_the_next_page(qtbot, register, clerk, clock):
    fill(register, clerk, clock, n=450)
    model = DossierTableModel(register)
    model.refresh()
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore() and model.exact


def test_scrolling_down_reads_each_page_after_the_last_row_by_keyset(qtbot, register, clerk, clock):
    """At row 900,000 an OFFSET skips 900,000 rows; the next page after a known row costs what
    the first does. A jump of the scroll bar (no page before it cached) still uses the offset."""
    from dataclasses import replace

    fill(register, clerk, clock, n=450)
    asked = []
    real = register.query
    register.query = lambda q: asked.append(q) or real(q)
    model = DossierTableModel(register)
    model.refresh()
    model.fetchMore()
    model.fetchMore()
    assert [q.after is not None for q in asked] == [False, True, True]
    assert [q.offset for q in asked] == [0, 0, 0]
    codes = [model.index(r, 0).data() for r in range(450)]
    by_offset = [d.code for n in range(3) for d in real(replace(asked[0], offset=n * PAGE))]
    assert codes == by_offset and len(set(codes)) == 450
    model.pages.clear()
    asked.clear()
    model.index(430, 0).data()  # a jump: page 2 without page 1
    assert asked[-1].after is None and asked[-1].offset == 2 * PAGE
    model.sort(3, Qt.SortOrder.AscendingOrder)  # received_at, oldest first
    asked.clear()
    model.fetchMore()
    assert asked[-1].after is not None and asked[-1].after[1] == model.pages[0][-1].id


def test_search_is_debounced_accent_insensitive_and_quick_filters(qtbot, gui_session, clerk, clock):
    reg = gui_session.register
    codes = fill(reg, clerk, clock, n=5)
    view = make_view(qtbot, gui_session)
    assert view.model.rowCount() == 5
    type_text(view.search, "le duc")
    assert view.model.rowCount() == 5, "not yet: the search waits for the typing to stop"
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)
    assert view.model.index(0, 1).data() == "Lê Đức Cường"
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 5, timeout=2000)
    reg.apply(codes[0], "resolve", clerk)
    gui_session.notify()
    view.set_quick_filter(QuickFilter.READY_TO_RETURN)
    assert view.model.rowCount() == 1 and view.model.index(0, 0).data() == codes[0]
    view.set_quick_filter(QuickFilter.OVERDUE)
    overdue = view.model.rowCount()
    assert overdue >= 1
    row_due = view.model.dossier_at(0).due_at
    assert row_due < reg.now()
    assert view.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b00020"
    view.set_quick_filter(QuickFilter.RECEIVED_TODAY)
    assert view.model.rowCount() == 0
    assert "0 hồ sơ" in view.count_label.text()


def test_detail_shows_timeline_and_only_allowed_actions(
    qtbot, gui_session, clerk, clock, fake_prompts, tmp_path
):
    reg = gui_session.register
    codes = fill(reg, clerk, clock, n=3)
    view = make_view(qtbot, gui_session)
    view.open_code(codes[1])
    assert view.current.code == codes[1]
    html = view.detail.toHtml()
    assert "Tiếp nhận hồ sơ" in html and "Nguyễn Thị Thu Hà" in html
    actions = {b.objectName() for b in view.actions_box.findChildren(type(view.quick_group.button(0)))}
    assert "action-handover" in actions and "action-return" not in actions

    def hand_over(dialog):
        assert isinstance(dialog, StepDialog)
        dialog.to_officer.setText("Công chức Tư pháp - Hộ tịch")
        return dialog.submit()

    fake_prompts.dialog_hook = hand_over
    view.run_action("handover")
    assert reg.dossier(codes[1]).status == Status.IN_PROGRESS
    assert "Chuyển xử lý" in view.detail.toHtml()

    def supplement_without_reason(dialog):
        dialog.missing.item(0).setCheckState(Qt.CheckState.Checked)
        assert not dialog.submit()
        assert "Lý do" in dialog.message.text()
        dialog.note.setPlainText("Thiếu giấy chứng sinh bản chính")
        return dialog.submit()

    fake_prompts.dialog_hook = supplement_without_reason
    view.run_action("supplement")
    d = reg.dossier(codes[1])
    assert d.status == Status.AWAITING_SUPPLEMENT
    assert gui_session.printing.printed[-1].startswith("Phiếu yêu cầu bổ sung (Mẫu 02)")
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    assert any(e.kind == "printed" and e.data["form"] == "supplement" for e in d.events)
    forms = {b.objectName() for b in view.forms_box.findChildren(type(view.quick_group.button(0)))}
    assert {"form-01", "form-02", "form-05"} <= forms


def test_resolve_then_return_and_control_sheet(qtbot, gui_session, clerk, clock, fake_prompts):
    reg = gui_session.register
    codes = fill(reg, clerk, clock, n=2)
    view = make_view(qtbot, gui_session)
    view.open_code(codes[0])

    def resolve(dialog):
        assert dialog.signed_by.currentText() == "Phạm Quang Vinh"
        return dialog.submit()

    fake_prompts.dialog_hook = resolve
    view.run_action("resolve")
    assert reg.dossier(codes[0]).signed_by == "Phạm Quang Vinh"

    def give_back(dialog):
        dialog.receiver.setText("Nguyễn Văn Nhận")
        dialog.satisfaction.setCurrentIndex(3)
        return dialog.submit()

    fake_prompts.dialog_hook = give_back
    view.run_action("return")
    d = reg.dossier(codes[0])
    assert d.status == Status.RETURNED and d.receiver_name == "Nguyễn Văn Nhận"
    assert d.satisfaction.label == "Rất hài lòng"
    assert view.print_form("05")
    events = reg.dossier(codes[0]).events
    assert any(e.kind == "printed" and e.data["form"] == "control-sheet" for e in events)


def test_apology_for_an_overdue_dossier_records_and_prints_form_04(
    qtbot, gui_session, clerk, clock, fake_prompts
):
    reg = gui_session.register
    clock.set("2026-11-02T09:00:00")
    code = reg.intake(make_form(procedure_code="1.004873"), clerk).code
    clock.set("2026-11-23T10:00:00")
    view = make_view(qtbot, gui_session)
    view.open_code(code)
    assert view.actions_box.findChild(type(view.quick_group.button(0)), "action-apology") is not None

    def apologise(dialog):
        assert isinstance(dialog, ApologyDialog)
        assert not dialog.submit()
        dialog.reason.setText("Chờ xác minh thông tin tại nơi cư trú cũ")
        dialog.when.setDateTime(dialog.when.dateTime().addDays(1))
        return dialog.submit()

    fake_prompts.dialog_hook = apologise
    view.run_action("apology")
    d = reg.dossier(code)
    assert d.new_appointment_at is not None and d.new_appointment_at > d.due_at + timedelta(days=1)
    assert any(e.kind == "printed" and e.data["form"] == "apology" for e in d.events)
    assert d.new_appointment_at > at("2026-11-23T10:00")


def test_a_count_made_stale_by_the_next_keystroke_is_stopped(qtbot, gui_session, clerk, clock, monkeypatch):
    """On a million dossiers the count of a short token reads every row for a second; the next
    keystroke stops it (Register.interrupt) instead of letting it slow the table down."""
    import time

    from core.errors import QueryInterrupted
    from core.register import Register
    from gui import tasks
    from gui.models import dossier_table

    fill(gui_session.register, clerk, clock, n=5)
    monkeypatch.setattr(dossier_table, "PAGE", 2)  # a full first page: the count is needed
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
    real_count, seen = Register.count, []

    def count(self, q):
        if q.text != "nguyen":
            return real_count(self, q)
        try:
            return self.store._scalar(endless)  # a count that would never end by itself
        except QueryInterrupted:
            seen.append("stopped")
            raise

    monkeypatch.setattr(Register, "count", count)
    view = make_view(qtbot, gui_session)
    tasks.set_synchronous(False)
    try:
        view.count_timer.setInterval(10**6)  # the counts start when the test says
        view.search.setText("nguyen")
        view.search_timer.stop()
        view.apply_query()
        view._count_now()
        qtbot.waitUntil(lambda: view._counting.register is not None, timeout=5000)
        started = time.perf_counter()
        view.search.setText("")  # the next keystroke
        view.search_timer.stop()
        view.apply_query()
        qtbot.waitUntil(lambda: seen == ["stopped"], timeout=5000)
        assert time.perf_counter() - started < 3
        view._count_now()
        qtbot.waitUntil(lambda: view.count_label.text() == "5 hồ sơ", timeout=5000)
        assert tasks.wait_for_idle(5000)
    finally:
        tasks.set_synchronous(True)
        gui_session.close_workers()
