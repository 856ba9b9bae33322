"""`mifin backup`: a consistent copy of the live database, verified."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mifin_tui.db import database
from mifin_tui.i18n import _
from mifin_tui.services.errors import MifinError


def backup_to(target: str | Path) -> Path:
    """Copy the open database to `target` with SQLite's online backup API.

    Cashiers keep working meanwhile; the copy is then opened and checked, so a
    backup that cannot be restored is reported now, not on the day it is needed.
    """
    target = Path(target)
    if target.exists():
        raise MifinError(_("{path} exists already; choose another file.").format(path=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    source: sqlite3.Connection = database.connection()
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
        result = dest.execute("PRAGMA integrity_check").fetchone()
    finally:
        dest.close()
    if result != ("ok",):
        target.unlink(missing_ok=True)
        raise MifinError(_("The copy failed its integrity check: {result}").format(
            result=result))
    return target
