"""The one way every Mifin process opens its database.

SQLite-only knobs (pragmas, BEGIN IMMEDIATE) live here behind small named
functions so that a head office on PostgreSQL can swap them without touching
services.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import peewee

# Every model binds to this proxy; `connect()` points it at a real database.
database = peewee.DatabaseProxy()

# How long a writer waits for another cashier's transaction before giving up.
# Postings last milliseconds; a long wait means something is wrong, not busy.
BUSY_TIMEOUT_MS = 30_000

PRAGMAS = (
    ("journal_mode", "wal"),
    ("busy_timeout", BUSY_TIMEOUT_MS),
    ("foreign_keys", 1),
    # Money: a committed posting must survive a power cut.
    ("synchronous", 2),
    ("cache_size", -8000),
    ("temp_store", "memory"),
)


class DatabaseBusy(RuntimeError):
    """The database stayed locked longer than the busy timeout."""


def open_sqlite(path: str | Path) -> peewee.SqliteDatabase:
    """A SqliteDatabase with Mifin's pragmas, not yet bound to the models."""
    return peewee.SqliteDatabase(
        str(path),
        pragmas=PRAGMAS,
        timeout=BUSY_TIMEOUT_MS / 1000,
        # Peewee keeps one connection per thread: a worker thread opens its own.
        thread_safe=True,
    )


# A reader that must not change the file (`mifin check`, a backup checked before a
# restore): no journal mode switch, no -wal content, no migration.
READONLY_PRAGMAS = (("foreign_keys", 1), ("busy_timeout", BUSY_TIMEOUT_MS))


def open_sqlite_readonly(path: str | Path) -> peewee.SqliteDatabase:
    """A SqliteDatabase opened with SQLite's `mode=ro`: it cannot create or write."""
    return peewee.SqliteDatabase(
        f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, pragmas=READONLY_PRAGMAS,
        timeout=BUSY_TIMEOUT_MS / 1000, thread_safe=True)


def bind(db: peewee.Database) -> None:
    """Point every model at `db` (tests and each process call this once)."""
    close()
    database.initialize(db)


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


@contextmanager
def page_cache(megabytes: int) -> Iterator[None]:
    """A larger page cache for this connection while a long batch job (the nightly
    closing) runs: its set-based reads of a large branch then come from memory rather
    than from a read call per page. Restored afterwards: a cashier's session stays small."""
    db = database.obj
    if not isinstance(db, peewee.SqliteDatabase):
        yield
        return
    before = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def write_transaction() -> Iterator[None]:
    """One business operation: an IMMEDIATE transaction on SQLite.

    A deferred transaction that reads then writes fails with "database is
    locked" when another cashier commits in between; IMMEDIATE takes the write
    lock first and waits for it (busy_timeout) instead.
    """
    db = database.obj
    turn: AbstractContextManager = nullcontext()
    if isinstance(db, peewee.SqliteDatabase):
        ctx = database.atomic("IMMEDIATE")
        if not db.in_transaction():  # nested: a savepoint inside the turn held already
            from mifin_tui.db.write_queue import queue_for

            queue = queue_for(db.database)
            if queue is not None:
                turn = queue.turn()  # first come, first served (db/write_queue.py)
    else:
        ctx = database.atomic()
    try:
        with turn, ctx:
            yield
    except peewee.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseBusy(str(exc)) from exc
        raise


def in_transaction() -> bool:
    return database.obj is not None and database.in_transaction()


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def autoincrement_top(table: str) -> int | None:
    """The highest id a table ever handed out (SQLite's sqlite_sequence).

    Lets `mifin check` notice that the newest rows of an append-only table
    were removed; None where the backend keeps no such record.
    """
    if not isinstance(database.obj, peewee.SqliteDatabase):
        return None
    row = database.execute_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
    ).fetchone()
    return int(row[0]) if row else None
