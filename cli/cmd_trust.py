"""Sub-commands for trust (filled in by the trust work)."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Adds no command yet."""
