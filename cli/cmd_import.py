"""Sub-commands for import (filled in by the import work)."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Adds no command yet."""
