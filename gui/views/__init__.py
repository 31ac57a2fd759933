"""Screens of the main window: layout and wiring to the register, one screen per module."""
