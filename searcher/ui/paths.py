"""Where user files live: XDG base directories."""
from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    """$XDG_DATA_HOME/searcher, else ~/.local/share/searcher."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "searcher"


def history_file() -> Path:
    return data_home() / "history"
