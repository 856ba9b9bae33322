"""The store: connection with Mifin's pragmas, models, versioned migrations."""

from __future__ import annotations

from pathlib import Path

from mifin_tui.db import files
from mifin_tui.db.connection import (
    DatabaseBusy,
    bind,
    close,
    database,
    open_sqlite,
    open_sqlite_readonly,
    write_transaction,
)
from mifin_tui.db.files import DatabaseRefused
from mifin_tui.db.schema import SchemaTooNew, latest_version, migrate

__all__ = [
    "DatabaseBusy",
    "DatabaseRefused",
    "SchemaTooNew",
    "bind",
    "close",
    "database",
    "open_database",
    "latest_version",
    "open_database_readonly",
    "write_transaction",
]


def open_database(path: str | Path, *, upgrade: bool = True) -> None:
    """Open (creating if needed) the database at `path` and bring its schema up to date.
    A damaged file is refused (files.DatabaseDamaged) before anything is written."""
    from mifin_tui import paths

    files.hold_session(path)
    for f in paths.database_files(path):  # files made before Mifin kept them private
        paths.private_file(f)
    bind(open_sqlite(path))
    database.connect(reuse_if_open=True)
    try:
        files.start_check(database.connection(), path)
    except files.DatabaseRefused:
        close()
        files.release_session()
        raise
    if upgrade:
        migrate()


def open_database_readonly(path: str | Path) -> int:
    """Bind the models to `path` read-only (`mifin check`): nothing is created, migrated
    or written. Returns its schema version; NotMifinDatabase for an empty or foreign
    file, SchemaTooNew for a newer one."""
    db = open_sqlite_readonly(path)
    bind(db)
    try:
        database.connect(reuse_if_open=True)
        conn = database.connection()
        version = files.schema_version(conn, path)
        files.start_check(conn, path)
    except Exception:
        close()
        raise
    if version > latest_version():
        close()
        raise SchemaTooNew(
            f"database schema version {version} is newer than this Mifin "
            f"(knows up to {latest_version()}): upgrade Mifin")
    return version
