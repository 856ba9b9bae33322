"""Where a workstation keeps its database when no path is given, and how Mifin's files
are kept private.

The database, its -wal/-shm, the backups, the closing's files, printed documents and
exports hold members' identities and the staff's password hashes: they are created
0600 in 0700 folders. `private_umask()` at program start makes that the default for
every file the process creates (SQLite's -wal/-shm included, which take the database
file's mode); the helpers below also narrow files and folders that existed before.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "mifin"

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def exports_dir() -> Path:
    """Where the screens save exports (reports, statements): the user's own folder."""
    return data_dir() / "exports"


def resolve_db_path(cli_value: str | None, *, demo: bool = False) -> Path:
    """`--db`, then `MIFIN_DB`, then the per-user data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("MIFIN_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / ("demo.db" if demo else "mifin.db")


def private_umask() -> None:
    """New files 0600, new folders 0700, for the rest of this process."""
    os.umask(PRIVATE_UMASK)


def _narrow(path: Path, mode: int) -> None:
    """chmod `path` to `mode` when it is ours and others may read it. A file another
    account owns (a shared installation) is left as it is: `mifin check` warns."""
    try:
        st = path.stat()
    except OSError:
        return
    if st.st_uid != os.geteuid() or not stat.S_IMODE(st.st_mode) & 0o077:
        return
    try:
        path.chmod(mode)
    except OSError:
        pass


def private_file(path: str | os.PathLike[str]) -> Path:
    """An existing file made 0600 (when it is ours)."""
    p = Path(path)
    _narrow(p, FILE_MODE)
    return p


def private_dir(path: str | os.PathLike[str], *, ours: bool = True) -> Path:
    """A folder of Mifin's files: created 0700 (parents too). `ours`: a folder Mifin
    alone uses (its data folder, the closing folder, exports), narrowed to 0700 if it
    existed readable by others; a folder the user named (`backup --to ~/x.db`) is only
    created, never narrowed."""
    p = Path(path).expanduser()
    missing = []
    for parent in (p, *p.parents):
        if parent.exists():
            break
        missing.append(parent)
    p.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for made in missing:  # mkdir's parents= ignores mode for the parents it makes
        _narrow(made, DIR_MODE)
    if ours:
        _narrow(p, DIR_MODE)
    return p


def database_files(db_file: str | os.PathLike[str]) -> list[Path]:
    """The database file and, when present, its -wal and -shm."""
    p = Path(db_file)
    return [f for f in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm"))
            if f.exists()]


def readable_by_others(path: Path) -> bool:
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except OSError:
        return False


def write_private(path: Path, text: str, *, append: bool = False) -> None:
    """Write (or append) `text` to `path`, created 0600 in a 0700 folder, and synced."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC),
                 FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, FILE_MODE)
