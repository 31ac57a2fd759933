"""The counter window (PySide6). No SQL and no business rule here: everything goes through core.Register.

Importing the package first guards ``None`` against PySide6 6.12 on Python 3.11 (``gui.pyside_guard``).
"""

from gui.pyside_guard import keep_none_alive

keep_none_alive()
