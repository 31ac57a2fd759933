"""Qt's own words in Vietnamese: the locale (calendar months and weekdays, numbers) and a
translator for the strings Qt itself shows (a text field's right-click menu, the file dialog,
message-box buttons, the print preview).

Qt ships no ``qtbase_vi.qm``, so MotCua ships ``resources/translations/qt_vi.qm``, compiled
with ``pyside6-lrelease`` from the ``qt_vi.ts`` beside it (the source strings are Qt's own, per
context). A ``qtbase_vi.qm`` in Qt's folder, should a later Qt ship one, is loaded first.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from core.paths import resource_path

VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def install(app: QCoreApplication) -> list[QTranslator]:
    """Set the Vietnamese locale for every widget and install the translators (kept by the app)."""
    QLocale.setDefault(VIETNAMESE)
    installed = []
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in (("qtbase_vi", qt_folder), ("qt_vi", str(resource_path("translations")))):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
