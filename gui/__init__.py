"""The counter window (PySide6). No SQL and no business rule here: everything goes through core.Register."""
