"""The store: connection with Mifin's pragmas, models, versioned migrations."""

from __future__ import annotations

from pathlib import Path

from mifin_tui.db.connection import (
    DatabaseBusy,
    bind,
    close,
    database,
    open_sqlite,
    write_transaction,
)
from mifin_tui.db.schema import SchemaTooNew, migrate

__all__ = [
    "DatabaseBusy",
    "SchemaTooNew",
    "bind",
    "close",
    "database",
    "open_database",
    "write_transaction",
]


def open_database(path: str | Path, *, upgrade: bool = True) -> None:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    bind(open_sqlite(path))
    database.connect(reuse_if_open=True)
    if upgrade:
        migrate()
