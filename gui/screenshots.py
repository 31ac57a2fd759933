"""Screenshots of every screen at 1366x768 on a demo database, for the README and for review.

Run under a real X server (``xvfb-run -s "-screen 0 1366x768x24" python -m gui.screenshots DIR``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.demo import make_demo
from core.register import Register
from gui.app import application
from gui.dialogs.login import LoginDialog
from gui.dialogs.setup import SetupDialog
from gui.main_window import MainWindow
from gui.session import Session


def settle(app: QApplication, rounds: int = 20) -> None:
    """Let background tasks finish and their results paint."""
    from gui.tasks import wait_for_idle

    for _ in range(rounds):
        wait_for_idle()
        app.processEvents()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    folder = Path(tempfile.mkdtemp(prefix="motcua-shots-"))
    register = Register.open(folder / "demo.sqlite3")
    session = Session(register)
    setup = SetupDialog(session)
    setup.show()
    settle(app)
    setup.grab().save(str(out / "screen-setup.png"))
    setup.close()
    make_demo(register, dossiers=1500, days=120)
    login = LoginDialog(session)
    login.login_edit.setText("canbo1")
    login.show()
    settle(app)
    login.grab().save(str(out / "screen-login.png"))
    login.close()
    session.set_user(register.user("quantri"))
    window = MainWindow(session)
    window.resize(1366, 768)
    window.showMaximized()
    settle(app)

    def shot(key: str, prepare=None, name: str = "") -> None:
        screen = window.show_screen(key)
        if prepare:
            prepare(screen)
        settle(app, 40)
        window.grab().save(str(out / f"screen-{name or key}.png"))

    shot("today")

    def intake(view):
        view.procedure_edit.setText("khai sinh")
        view.procedure_edit.textEdited.emit("khai sinh")
        view.choose_row(0)
        view.applicant.setText("Nguyễn Thị Ưởng")
        view.id_number.setText("00119001234")
        view.id_number.edit.editingFinished.emit()
        view.phone.setText("0912 345 678")
        view.address.setText("Số 12 Âu Cơ, phường Tây Hồ, Hà Nội")

    shot("intake", intake)

    def dossiers(view):
        from core.store import QuickFilter

        view.set_quick_filter(QuickFilter.OVERDUE)
        if view.model.total:
            view.select_row(0)

    shot("dossiers", dossiers)

    def give_back(view):
        from core.store import DossierQuery, QuickFilter

        ready = register.query(DossierQuery(quick=QuickFilter.READY_TO_RETURN, limit=1))
        if ready:
            view.scan.setText(ready[0].code)
            view.lookup()

    shot("return", give_back)
    for key in ("catalogue", "calendar", "users", "settings", "backup"):
        shot(key)
    reports_shots(app, window, register, folder, shot, out)
    if "import" in window.screens:
        shot("import", lambda view: import_preview(view, folder))
    window.close()
    register.close()
    return 0


def reports_shots(
    app: QApplication, window: MainWindow, register: Register, folder: Path, shot, out: Path
) -> None:
    """The reports screen's four tabs: a signed report of last official month, the list of
    reports, the end-of-day summary, and a city roll-up of three ward files (one refused)."""
    from datetime import timedelta

    from core import reporting as rp
    from core.demo import DEMO_PASSWORD
    from core.periods import preset_period
    from reports.workbook import report_workbook

    session = window.session
    vice = register.user("phochutich")
    period = preset_period("official-month", register.now().date() - timedelta(days=31))
    draft = rp.prepare(register, register.user("canbo1"), period)
    rp.save_notes(
        register,
        register.user("canbo1"),
        draft.id,
        highlights="Giải quyết trước hạn phần lớn hồ sơ hộ tịch; không có hồ sơ chứng thực quá hạn.",
        proposals="Đề nghị bổ sung 01 máy quét cho Bộ phận một cửa.",
    )
    signed = rp.sign(register, draft.id, vice.login, DEMO_PASSWORD)
    session.set_user(vice)

    def period_tab(view):
        view.tabs.setCurrentWidget(view.period_tab)
        view.period_tab.open_report(signed)

    shot("reports", period_tab)
    from gui.dialogs.sign import SignDialog

    current = rp.prepare(register, register.user("canbo1"), preset_period("official-month", register.now()))
    dialog = SignDialog(session, current, window)
    dialog.password_edit.setText("sai-mat-khau")
    dialog.try_sign()  # the refusal shows in the dialog, as the vice-chair would see it
    dialog.show()
    settle(app)
    dialog.grab().save(str(out / "screen-sign.png"))
    dialog.close()
    files = [folder / "tay-ho.xlsx", folder / "buoi.xlsx", folder / "nhat-tan.xlsx"]
    files[0].write_bytes(report_workbook(signed, register.settings))
    wards = [("UBND phường Bưởi", "000.17.22.H57", True), ("UBND phường Nhật Tân", "000.17.22.H58", False)]
    for path, (ward, agency, sign) in zip(files[1:], wards, strict=True):
        other = Register.open(folder / f"{agency}.sqlite3")
        other.initialise(ward, agency)
        make_demo(other, dossiers=300, days=90)
        report = rp.prepare(other, other.user("canbo1"), period)
        if sign:
            report = rp.sign(other, report.id, "phochutich", DEMO_PASSWORD)
        path.write_bytes(report_workbook(report, other.settings))
        other.close()

    def tab(name: str):
        def show(view):
            widget = getattr(view, name)
            view.tabs.setCurrentWidget(widget)
            if name == "rollup_tab":
                widget.set_paths(files)

        return show

    shot("reports", tab("history_tab"), name="reports-list")
    shot("reports", tab("day_tab"), name="day-summary")
    shot("reports", tab("rollup_tab"), name="rollup")
    session.set_user(register.user("quantri"))


def import_preview(view, folder: Path) -> None:
    """The old-register tab with a small legacy file previewed (TCVN3 text converted)."""
    from openpyxl import Workbook

    from core.legacy_text import encode_tcvn3

    path = folder / "so-theo-doi-cu.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND PHƯỜNG TÂY HỒ - SỔ THEO DÕI HỒ SƠ NĂM 2025"])
    ws.append(
        ["Số hồ sơ", "Thủ tục", "Họ tên", "CCCD", "SĐT", "Ngày tiếp nhận", "Ngày có kết quả", "Tình trạng"]
    )
    people = ["Nguyễn Văn Ánh", "Trần Thị Bình", "Lê Đức Cường", "Phạm Thị Dung", "Hoàng Văn Em"]
    for i, name in enumerate(people):
        ws.append(
            [f"S-{i + 1}", "1.004873", encode_tcvn3(name), f"00119001234{i}", "", f"0{i + 2}/11/2025 08:30",
             f"0{i + 4}/11/2025 10:00", "Đã có kết quả"]
        )  # fmt: skip
    ws.append(["S-9", "1.004873", "Ngày Sai", "", "", "31/11/2025", "", ""])
    wb.save(path)
    view.tabs.setCurrentWidget(view.register_tab)
    view.register_tab.preview(path)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")))
