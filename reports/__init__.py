"""Printed forms, registers and reports: Qt-free functions from domain objects to files."""
