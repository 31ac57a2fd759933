"""One spelling in the window: the tone mark of an open "oa", "oe", "uy" on the main vowel (hóa, xóa,
khóa, hủy, tùy), as the rest of MotCua writes it; the status bar said "khoá" beside "số hóa", and
Qt's own buttons "Huỷ", "Xoá" beside MotCua's "Hủy", "Xóa"."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
# a tone on the o of "oa"/"oe" or on the y of "uy" at the end of a word ("quý" is "qu" + "ý": fine)
OLD_STYLE = re.compile(r"(?<![qQ])(o[áàảãạ]|o[éèẻẽẹ]|u[ýỳỷỹỵ])(?![^\W\d_])")


def test_the_windows_words_and_qts_own_are_spelt_one_way():
    found = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{n}: {m.group(0)}" for m in OLD_STYLE.finditer(line)]
    ts = (ROOT / "resources" / "translations" / "qt_vi.ts").read_text(encoding="utf-8")
    for text in re.findall(r"<translation>(.*?)</translation>", ts, re.S):
        found += [f"qt_vi.ts: {text}" for _m in OLD_STYLE.finditer(text)]
    assert found == []


def test_qts_buttons_say_huy_as_motcuas_do(qapp):
    from gui import qt_vietnamese

    qt_vietnamese.install(qapp)
    assert QApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    assert QApplication.translate("QLineEdit", "Delete") == "Xóa"
