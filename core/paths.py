"""Where MotCua finds its bundled resources and keeps its data.

One helper for resources, so the same code works from a source checkout, an
installed wheel and a PyInstaller bundle (where files live under ``sys._MEIPASS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "MotCua"


def resource_root() -> Path:
    """The folder that holds ``resources/`` (the bundle when frozen, the checkout otherwise)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("fonts", "LiberationSerif-Regular.ttf")``."""
    return resource_root().joinpath("resources", *parts)


def data_dir() -> Path:
    """The per-user data folder (untouched by upgrades); created on first use."""
    override = os.environ.get("MOTCUA_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The embedded default database: ``MOTCUA_DB`` if set, else ``motcua.sqlite3`` in the data folder."""
    env = os.environ.get("MOTCUA_DB")
    if env:
        return Path(env)
    return data_dir() / "motcua.sqlite3"
