"""Qt item models over the register (paging and sorting run in SQL, in core)."""
