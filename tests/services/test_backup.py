"""The backup's verification: both checks pass a sound copy; the full one also finds an
index that no longer matches its table, which the quick one (the closing's default,
setting closing_backup_check) leaves to `mifin backup`; a damaged page fails both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mifin_tui.services.admin import backup


def _database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)")
    conn.execute("CREATE INDEX t_a ON t (a)")
    conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)",
                     [(f"a{i:05d}" * 20, f"b{i}") for i in range(3000)])
    conn.commit()
    conn.close()
    return path


def test_a_sound_copy_passes_both_checks(tmp_path):
    path = _database(tmp_path / "sound.db")
    assert backup.verify(path, "full") is None
    assert backup.verify(path, "quick") is None
    with pytest.raises(ValueError):
        backup.verify(path, "fast")


def test_an_index_out_of_step_with_its_table_fails_the_full_check(tmp_path):
    path = _database(tmp_path / "index.db")
    conn = sqlite3.connect(path)
    # the index now claims to be on column b: its entries no longer match the rows
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX t_a ON t (b)' "
                 "WHERE name = 't_a'")
    conn.commit()
    conn.close()
    assert backup.verify(path, "quick") is None
    problem = backup.verify(path, "full")
    assert problem is not None and "t_a" in problem


def test_a_damaged_page_fails_both_checks(tmp_path):
    path = _database(tmp_path / "damaged.db")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 20 * page
    data[10 * page + 8:11 * page] = b"\xff" * (page - 8)  # a table or index page
    path.write_bytes(bytes(data))
    assert backup.verify(path, "quick") is not None
    assert backup.verify(path, "full") is not None
