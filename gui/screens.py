"""Which screens the main window has, in sidebar order, with their keys (one place to change it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.main_window import MainWindow


def add_standard_screens(window: MainWindow) -> None:
    """Add the counter screens, then the admin screens for an administrator.

    Each screen is built the first time it is shown: on a big register building them all (the
    dossier table's first page, the reports' figures) kept the window from appearing for seconds.
    """
    import importlib

    session = window.session
    tr = window.tr
    counter = [
        ("today", "gui.views.today", "TodayView", tr("Hôm nay"), "F5"),
        ("intake", "gui.views.intake", "IntakeView", tr("Tiếp nhận"), "F4"),
        ("dossiers", "gui.views.dossiers", "DossiersView", tr("Hồ sơ"), "F3"),
        ("return", "gui.views.return_view", "ReturnView", tr("Trả kết quả"), "F2"),
        ("reports", "gui.views.reports_view", "ReportsView", tr("Báo cáo"), "F6"),
    ]
    admin = [
        ("catalogue", "gui.views.admin_catalogue", "CatalogueView", tr("Danh mục thủ tục"), "Ctrl+1"),
        ("calendar", "gui.views.admin_calendar", "CalendarView", tr("Lịch làm việc"), "Ctrl+2"),
        ("users", "gui.views.admin_users", "UsersView", tr("Người dùng"), "Ctrl+3"),
        ("settings", "gui.views.admin_settings", "SettingsView", tr("Thiết lập"), "Ctrl+4"),
        ("backup", "gui.views.backup_view", "BackupView", tr("Sao lưu, khôi phục"), "Ctrl+5"),
        ("import", "gui.views.import_view", "ImportView", tr("Nhập dữ liệu"), "Ctrl+6"),
    ]
    screens = counter + (admin if session.is_admin else [])
    for key, module, cls, title, keys in screens:

        def build(module=module, cls=cls):
            return getattr(importlib.import_module(module), cls)(session, window)

        window.add_lazy_screen(key, build, title, keys)
