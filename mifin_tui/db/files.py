"""The database as a file: is it whole, is it Mifin's, who holds it.

A damaged file is refused before anything reads or writes it, with one line that says
to restore; `mifin check` reads through a read-only connection that never creates,
migrates or writes; `mifin restore` learns here whether sessions still hold the file
and keeps new ones out while it swaps files.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from mifin_tui.i18n import _

# Up to this size (file and -wal) the start check is SQLite's quick_check of the whole
# file: about 13 ms a megabyte on a loaded 2-core machine, the 3 MB demo in 35 ms. Above
# it every start would wait seconds (17.7 s on bench/portfolio.py's 1.3 GB branch): the
# check then covers the tables a session opens with (users, settings, branches, the
# schema; 47 ms there), and the whole file is checked by the nightly closing's backup
# and by `mifin check`.
FULL_START_CHECK_BYTES = 32 * 1024 * 1024
START_TABLES = ("schema_version", "institution", "branch", "user", "setting",
                "business_day")

# SQLite's unix VFS: every connection to a WAL database holds a read lock on this byte
# of the -shm file (the "dead man switch") as long as it is open.
_SHM_DMS_BYTE = 128


class DatabaseRefused(RuntimeError):
    """A database file Mifin will not work on; the message is the one line to show."""


class DatabaseDamaged(DatabaseRefused):
    pass


class NotMifinDatabase(DatabaseRefused):
    pass


class RestoreUnderWay(DatabaseRefused):
    pass


def damaged(path: str | Path, detail: str) -> DatabaseDamaged:
    detail = " ".join(detail.replace("*** in database main ***", "").split())[:200]
    return DatabaseDamaged(_(
        "{path} is damaged ({detail}): restore the last good backup with "
        "`mifin restore BACKUP` (see README, Backups).").format(path=path, detail=detail))


def not_mifin(path: str | Path) -> NotMifinDatabase:
    return NotMifinDatabase(_("{path} is not a Mifin database.").format(path=path))


def _check_rows(conn: sqlite3.Connection, pragma: str) -> list[str]:
    return [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()]


def start_check(conn: sqlite3.Connection, path: str | Path) -> None:
    """Refuse a damaged file (DatabaseDamaged) before a session uses it. A new, empty
    file passes: `mifin init` and `mifin demo` fill it."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return
    if size == 0:
        return
    try:
        size += Path(f"{path}-wal").stat().st_size
    except OSError:
        pass
    try:
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
        if size <= FULL_START_CHECK_BYTES:
            problems = _check_rows(conn, "quick_check(1)")
        else:
            problems = []
            for table in START_TABLES:
                if table in tables:
                    problems += _check_rows(conn, f'quick_check("{table}")')
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from None
    bad = [p for p in problems if p != "ok"]
    if bad:
        raise damaged(path, bad[0])


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write the file (no migration, no WAL content)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def schema_version(conn: sqlite3.Connection, path: str | Path) -> int:
    """The schema version of a Mifin database; NotMifinDatabase for an empty file or one
    without Mifin's tables, DatabaseDamaged for an unreadable one."""
    try:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                           "AND name = 'schema_version'").fetchone()
        if not has:
            raise not_mifin(path)
        row = conn.execute('SELECT max("version") FROM "schema_version"').fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise not_mifin(path) from None
        raise damaged(path, str(exc)) from None
    return int(row[0] or 0)


# --- sessions: who holds the file ------------------------------------------------------

def sessions_lock_path(db_file: str | Path) -> Path:
    p = Path(db_file).resolve()
    return p.with_name(f"{p.name}.sessions.lock")


_held: tuple[Path, int] | None = None


def hold_session(db_file: str | Path) -> None:
    """Mark this process as a session of `db_file` (a shared flock the kernel drops
    when the process dies) until another database is opened. RestoreUnderWay while
    `mifin restore` swaps the file."""
    global _held
    lock = sessions_lock_path(db_file)
    if _held is not None:
        if _held[0] == lock:
            return
        release_session()
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o600)
    except OSError:
        return  # a folder Mifin cannot write: sessions are still seen by their -shm lock
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise RestoreUnderWay(_("A restore of {path} is under way: try again in a "
                                "minute.").format(path=db_file)) from None
    _held = (lock, fd)


def release_session() -> None:
    global _held
    if _held is not None:
        os.close(_held[1])
        _held = None


def shm_in_use(db_file: str | Path) -> bool:
    """Whether any process has a connection open on the WAL database `db_file`
    (Mifin or not: the sqlite3 shell too), by the lock SQLite holds on its -shm."""
    p = Path(db_file)
    shm = p.with_name(p.name + "-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE, os.SEEK_SET)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def exclusive_sessions(db_file: str | Path) -> int | None:
    """Take the sessions lock exclusively (no session may start) and return its fd;
    None when a session holds it."""
    fd = os.open(sessions_lock_path(db_file), os.O_RDONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
