"""Moved to ``core.storage.sqlite.db``; this name is an alias of that same module (remove when
nothing imports ``core.db`` any more)."""

import sys

from core.storage.sqlite import db as _moved

sys.modules[__name__] = _moved
