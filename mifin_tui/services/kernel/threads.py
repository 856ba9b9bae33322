"""Work done off the interface's thread (workers of screens, print jobs).

Peewee keeps one connection per thread: a worker thread opens its own on its first
query and must close it when its work ends, or the file stays open once per finished
worker. Screens call this instead of touching the store.
"""

from __future__ import annotations

from mifin_tui import db


def release_connection() -> None:
    """Close this thread's own connection to the store (a no-op when it has none)."""
    db.database.close()
