"""Locks between the processes that share one database file.

A lock is an `flock` on a file beside the database: the kernel releases it when
its process dies (SIGKILL, power cut), so a crashed holder never leaves a stale
lock behind, and a second process is told at once that the work is under way.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mifin_tui.db.connection import database


class LockHeld(RuntimeError):
    """Another process (or thread) holds the lock."""


def database_file() -> Path:
    """The file of the open SQLite database."""
    return Path(database.obj.database).resolve()


def lock_path(name: str) -> Path:
    db_file = database_file()
    return db_file.with_name(f"{db_file.name}.{name}.lock")


@contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Hold the lock `name` of this database, or raise LockHeld without waiting."""
    path = lock_path(name)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockHeld(name) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
