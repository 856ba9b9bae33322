"""Versioned schema migrations, applied when a database is opened.

Steps are the numbered `migrations/NNNN_name.sql` files, applied in order, each
in its own IMMEDIATE transaction with the version row bumped in the same one:
a power cut mid-upgrade leaves the database at the last complete step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable

from peewee import SqliteDatabase

from mifin_tui.db.connection import database, write_transaction

_STEP_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaTooNew(RuntimeError):
    """The database was written by a newer Mifin than this one."""


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    source: str | Traversable  # the SQL, or the file it is read from when applied

    @property
    def sql(self) -> str:
        return self.source if isinstance(self.source, str) else self.source.read_text("utf-8")


def steps() -> list[Step]:
    found = []
    for item in resources.files("mifin_tui.db.migrations").iterdir():
        match = _STEP_NAME.match(item.name)
        if match:
            found.append(Step(int(match.group(1)), item.name, item))
    found.sort(key=lambda s: s.version)
    for expected, step in enumerate(found, start=1):
        if step.version != expected:
            raise RuntimeError(f"migration {step.name}: expected version {expected}")
    return found


def latest_version() -> int:
    return len(steps())


def current_version() -> int:
    database.execute_sql(
        'CREATE TABLE IF NOT EXISTS "schema_version" ("version" INTEGER NOT NULL)'
    )
    row = database.execute_sql('SELECT max("version") FROM "schema_version"').fetchone()
    return int(row[0] or 0)


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements; trigger bodies keep their `;`."""
    out: list[str] = []
    buf: list[str] = []
    for line in sql.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        text = "\n".join(buf).strip()
        if text.endswith(";"):
            in_trigger = text.upper().startswith("CREATE TRIGGER")
            if not in_trigger or text.upper().endswith("END;"):
                out.append(text)
                buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out


def _version_without_lock() -> int | None:
    """The schema version read without taking the write lock (None: no version table)."""
    exists = database.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone() if isinstance(database.obj, SqliteDatabase) else None
    if not exists:
        return None
    row = database.execute_sql('SELECT max("version") FROM "schema_version"').fetchone()
    return int(row[0] or 0)


def migrate() -> list[str]:
    """Bring the open database to the latest schema; returns the steps applied."""
    # Every start-up passes here: an up-to-date database is told so by one read,
    # without the write lock (another cashier may be posting) or the SQL files.
    available = steps()
    known = _version_without_lock()
    if known is not None and known == len(available):
        return []
    with write_transaction():
        version = current_version()
    if version > len(available):
        raise SchemaTooNew(
            f"database schema version {version} is newer than this Mifin "
            f"(knows up to {len(available)}): upgrade Mifin"
        )
    applied = []
    for step in available[version:]:
        with write_transaction():
            # Re-read under the write lock: another process may have upgraded.
            if current_version() >= step.version:
                continue
            for statement in _statements(step.sql):
                database.execute_sql(statement)
            database.execute_sql(
                'INSERT INTO "schema_version" ("version") VALUES (?)', (step.version,)
            )
        applied.append(step.name)
    return applied


_TRIGGER_NAME = re.compile(r'^\s*(CREATE|DROP)\s+TRIGGER\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"?(\w+)"?',
                           re.IGNORECASE)


def expected_triggers() -> dict[str, str]:
    """Each trigger the migrations leave in a database, by name: the SQL that created it
    (what `mifin check` compares the file's triggers against)."""
    found: dict[str, str] = {}
    for step in steps():
        for text in _statements(step.sql):
            # a statement may open with the comment above it
            statement = "\n".join(line for line in text.splitlines()
                                  if not line.strip().startswith("--")).strip()
            match = _TRIGGER_NAME.match(statement)
            if match is None:
                continue
            if match.group(1).upper() == "CREATE":
                found[match.group(2)] = statement
            else:
                found.pop(match.group(2), None)
    return found


def present_triggers() -> dict[str, str] | None:
    """The triggers in the open database, by name (None where the store keeps no such
    list: PostgreSQL's triggers are not Mifin's SQLite ones)."""
    if not isinstance(database.obj, SqliteDatabase):
        return None
    return dict(database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
