"""Sub-commands for forms (filled in by the forms work)."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Adds no command yet."""
