"""The store: pragmas, migrations, models agreeing with the migrated schema."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from mifin_tui import db
from mifin_tui.db import schema
from mifin_tui.db.models import MODELS


def test_pragmas_every_connection_gets(db_path):
    q = lambda p: db.database.execute_sql(f"PRAGMA {p}").fetchone()[0]  # noqa: E731
    assert q("journal_mode") == "wal"
    assert q("foreign_keys") == 1
    assert q("synchronous") == 2  # FULL
    assert q("busy_timeout") >= 5000


def test_fresh_database_is_at_latest_version(db_path):
    assert schema.current_version() == schema.latest_version() >= 1


def test_models_match_the_migrated_schema(db_path):
    """A model field without a migration (or the reverse) fails here, not at a branch."""
    for model in MODELS:
        table = model._meta.table_name
        columns = {row[1] for row in db.database.execute_sql(f'PRAGMA table_info("{table}")')}
        assert columns, f"table {table} missing from migrations"
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, table


def test_newer_database_is_refused(db_path):
    db.database.execute_sql('INSERT INTO "schema_version" VALUES (999)')
    with pytest.raises(db.SchemaTooNew, match="newer"):
        db.open_database(db_path)


def test_old_database_is_upgraded_in_place(db_path, monkeypatch):
    before = schema.steps()
    extra = schema.Step(len(before) + 1, "9999_test.sql",
                        'CREATE TABLE "upgrade_probe" ("x" INTEGER);')
    monkeypatch.setattr(schema, "steps", lambda: [*before, extra])
    assert schema.migrate() == ["9999_test.sql"]
    assert schema.current_version() == extra.version
    assert schema.migrate() == []  # idempotent
    db.database.execute_sql('SELECT x FROM "upgrade_probe"')


def test_failed_migration_step_leaves_previous_version(db_path, monkeypatch):
    before = schema.steps()
    broken = schema.Step(len(before) + 1, "9999_broken.sql",
                         'CREATE TABLE "half" ("x" INTEGER);\nTHIS IS NOT SQL;')
    monkeypatch.setattr(schema, "steps", lambda: [*before, broken])
    with pytest.raises(peewee.OperationalError):
        schema.migrate()
    assert schema.current_version() == len(before)
    tables = {r[0] for r in db.database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables


def test_statement_splitter_keeps_trigger_bodies():
    sql = ("CREATE TABLE a (x);\n-- comment\nCREATE TRIGGER t BEFORE UPDATE ON a\n"
           "BEGIN SELECT RAISE(ABORT, 'no'); END;\nCREATE INDEX i ON a (x);")
    stmts = schema._statements(sql)
    assert len(stmts) == 3
    assert stmts[1].startswith("CREATE TRIGGER") and stmts[1].endswith("END;")


def test_busy_writer_waits_instead_of_failing(db_path):
    """A second process holding the write lock briefly makes us wait, not fail."""
    import threading
    import time

    other = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release():
        time.sleep(0.3)
        other.execute("COMMIT")
        released.set()

    threading.Thread(target=release).start()
    with db.write_transaction():
        db.database.execute_sql('INSERT INTO "setting" VALUES (?, ?)', ("probe", "1"))
    assert released.is_set()
    other.close()


def test_an_in_list_longer_than_a_statement_takes_is_read_in_runs(db_path):
    """`queries.rows_in`: 1,201 ids (three runs of at most IN_CHUNK), the rows of each run
    in the order of the ids given, the extra parameters bound after the ids every time."""
    from mifin_tui.db import queries

    numbers = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
               "WHERE x < 3000) SELECT x FROM n WHERE x IN ({ids}) AND x % ? = 0 "
               "ORDER BY x")
    ids = list(range(2402, 0, -2))  # 1,201 even numbers, largest first
    assert len(ids) > 2 * queries.IN_CHUNK
    got = [x for (x,) in queries.rows_in(numbers, ids, (4,))]
    runs = [ids[i:i + queries.IN_CHUNK] for i in range(0, len(ids), queries.IN_CHUNK)]
    assert got == [x for run in runs for x in sorted(run) if x % 4 == 0]
