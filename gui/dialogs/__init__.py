"""Dialogs: login, first set-up, life-cycle steps, difficulties."""
