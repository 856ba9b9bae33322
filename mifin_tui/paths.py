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


def private_folder(folder: Path) -> Path:
    """`folder`, made if missing, readable by this account only (0700): it holds members'
    data or the books' evidence."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def write_private(path: Path, text: str, *, append: bool = False) -> None:
    """Write (or append) `text` to `path`, created 0600 in a 0700 folder."""
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC),
                 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, 0o600)
