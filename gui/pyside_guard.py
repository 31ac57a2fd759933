"""Keep ``None`` alive under PySide6 6.12 on Python 3.11.

PySide6 6.12.0 returns ``None`` from every void method (``setText``, ``setBold``, ...) without
taking a reference to it. On Python 3.12+ that is harmless (PEP 683 made ``None`` immortal); on
3.11, which MotCua runs on, each call takes one reference away from ``None`` and after a few
thousand calls the interpreter aborts with "Fatal Python error: none_dealloc". A counter window
open all day makes millions of such calls, so this is a crash waiting to happen, not a corner case:

    f = QFont(); n = sys.getrefcount(None)
    for _ in range(1000): f.setBold(True)
    sys.getrefcount(None) == n - 1000        # True on 3.11 with PySide6 6.12.0

The cure is Python 3.12+ (or a PySide6 that increments the reference). Until then we do once,
at import, what 3.12 does: give ``None`` a reference count no session can use up (2**40; one
PySide6 call a microsecond would need twelve days to spend it). Nothing else is touched.
"""

from __future__ import annotations

import sys

IMMORTAL = 1 << 40


def keep_none_alive() -> bool:
    """Raise ``None``'s reference count out of reach; True when it was done (Python < 3.12)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import ctypes

    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is a PyObject's first field
    if count.value < IMMORTAL:
        count.value += IMMORTAL
    return True
