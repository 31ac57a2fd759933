"""PySide6 6.12 on Python 3.11 takes a reference from None on every void call (gui/pyside_guard.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOOP = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
{guard}
from PySide6.QtGui import QFont
font = QFont()
for _ in range(20000):
    font.setBold(True)
print("alive")
"""


def run(guard: str) -> subprocess.CompletedProcess:
    code = textwrap.dedent(LOOP.format(guard=guard))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_twenty_thousand_qt_calls_do_not_kill_the_interpreter_once_gui_is_imported():
    done = run("import gui")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "alive"


def test_the_guard_is_needed_on_this_python_and_pyside():
    """Without the guard the same loop aborts on Python 3.11 (the day a fixed PySide6 or Python
    3.12 makes this fail, gui/pyside_guard.py can go)."""
    bare = run("")
    if sys.version_info >= (3, 12):
        assert bare.returncode == 0
    else:
        assert bare.returncode != 0
        assert "none_dealloc" in bare.stderr
