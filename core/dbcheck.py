"""Moved to ``core.storage.sqlite.dbcheck``; this name is an alias of that same module (remove when
nothing imports ``core.dbcheck`` any more)."""

import sys

from core.storage.sqlite import dbcheck as _moved

sys.modules[__name__] = _moved
