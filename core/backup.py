"""Moved to ``core.storage.sqlite.backup``; this name is an alias of that same module (remove when
nothing imports ``core.backup`` any more)."""

import sys

from core.storage.sqlite import backup as _moved

sys.modules[__name__] = _moved
