"""Where a workstation keeps its database when no path is given."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "mifin"


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_db_path(cli_value: str | None, *, demo: bool = False) -> Path:
    """`--db`, then `MIFIN_DB`, then the per-user data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("MIFIN_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / ("demo.db" if demo else "mifin.db")
