"""`mifin backup`: a consistent copy of the live database, verified."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mifin_tui.db import database
from mifin_tui.db.queries import admin as admin_queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.errors import MifinError

CHECKS = settings.BACKUP_CHECKS


def backup_to(target: str | Path, check: str = "full") -> Path:
    """Copy the open database to `target` with SQLite's online backup API.

    Cashiers keep working meanwhile; the copy is then opened and checked, so a
    backup that cannot be restored is reported now, not on the day it is needed.
    `check`: "full" runs SQLite's integrity_check (every page, record and index entry);
    "quick" its quick_check, the same without matching each index against its table:
    on a branch of 200,000 accounts 3 s instead of 14, which the nightly closing
    (setting closing_backup_check) takes by default.
    """
    if check not in CHECKS:
        raise ValueError(f"unknown backup check {check!r}")
    target = Path(target)
    if target.exists():
        raise MifinError(_("{path} exists already; choose another file.").format(path=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    source: sqlite3.Connection = database.connection()
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        admin_queries.use_rollback_journal(dest)
    finally:
        dest.close()
    problem = verify(target, check)
    if problem is not None:
        target.unlink(missing_ok=True)
        raise MifinError(_("The copy failed its integrity check: {result}").format(
            result=problem))
    return target


def verify(path: str | Path, check: str = "full") -> str | None:
    """Open a database file and run SQLite's check on it: None when it is sound, else
    the first problem found."""
    if check not in CHECKS:
        raise ValueError(f"unknown backup check {check!r}")
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = admin_queries.file_check(conn, check)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None if result == ("ok",) else str(result[0])
