"""Sub-commands for reports (filled in by the reports work)."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Adds no command yet."""
