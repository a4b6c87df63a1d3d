"""Where the station's data lives: the per-user data folder, never inside the program folder.

Override with the COUNTERAPP_DATA_DIR environment variable or the `--data-dir` option (for a
portable install, a test, or a second station on one PC). Demo data has its own store.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

STORE_NAME = "station.db"


def data_dir(override: str | Path | None = None) -> Path:
    chosen = override or os.environ.get("COUNTERAPP_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_data_dir("counterapp", appauthor=False))


def store_path(override: str | Path | None = None, demo: bool = False) -> Path:
    """The station store, or the demo store (a separate file, so demo data never mixes in)."""
    base = data_dir(override)
    return base / "demo" / STORE_NAME if demo else base / STORE_NAME
