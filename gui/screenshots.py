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

    def shot(key: str, prepare=None) -> None:
        screen = window.show_screen(key)
        if prepare:
            prepare(screen)
        settle(app, 40)
        window.grab().save(str(out / f"screen-{key}.png"))

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
    for key in ("catalogue", "calendar", "users", "settings"):
        shot(key)
    window.close()
    register.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")))
