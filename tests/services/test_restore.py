"""`mifin restore` and the file-level refusals (issue 22): a backup put back over a stale
-wal gives a sound database; a session holding the file stops the restore; a damaged
file is refused at open; `mifin check`'s read-only open creates nothing; the files are
this account's alone."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db import files
from mifin_tui.db.models import AuditLog, Member
from mifin_tui.services.admin import backup, check
from mifin_tui.services.kernel.errors import MifinError


def _let_go() -> None:
    """This process stops being a session of its database (a user who logged out)."""
    db.close()
    files.release_session()


def _stale_wal(path: Path) -> None:
    """A session killed mid-work: its -wal (not checkpointed) stays beside the file."""
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute('CREATE TABLE stray (x)')\n"
        "c.executemany('INSERT INTO stray VALUES (randomblob(3000))', [()] * 100)\n"
        "c.commit()\n"
        "os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code, str(path)], check=False, timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 100_000


def corrupt(path: Path, table: str = "member") -> None:
    """Overwrite the first page of `table` (its b-tree header and cells) with garbage."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                           (table,)).fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with path.open("r+b") as fh:
        fh.seek(size * (root - 1))
        fh.write(b"\x07" + b"\xff" * (size // 2))


def test_restore_over_a_stale_wal_gives_the_backup_whole(admin, db_path, tmp_path):
    saved = backup.backup_to(tmp_path / "saved" / "backup.db")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    members_then = Member.select().count()
    _let_go()
    _stale_wal(db_path)
    # What the issue saw: the backup copied over the file beside that -wal is damaged.
    naive = tmp_path / "naive.db"
    naive.write_bytes(saved.read_bytes())
    Path(f"{naive}-wal").write_bytes(Path(f"{db_path}-wal").read_bytes())

    result = backup.restore(saved, db_path)

    assert not Path(f"{db_path}-wal").exists()  # the backup stands alone
    aside = {p.name for p in result.kept_aside}
    assert {n.removeprefix("mifin.db.before-restore-")[15:] for n in aside} == {
        "", "-wal", "-shm"}
    for kept in result.kept_aside:
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # what the killed session wrote is kept with the old file, its -wal paired with it
    old = sqlite3.connect(next(p for p in result.kept_aside if p.name.endswith(
        result.kept_aside[0].name[-15:])))
    assert old.execute("SELECT count(*) FROM stray").fetchone() == (100,)
    old.close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert result.institution == "COOPEC Test"
    db.open_database(db_path)
    assert check.run().ok  # the audit chain too, with the restore's own row
    last = AuditLog.select().order_by(AuditLog.seq.desc()).first()
    assert (last.action, last.entity_id) == ("database.restore", "backup.db")
    assert Member.select().count() == members_then
    tables = {r[0] for r in db.database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "stray" not in tables


def test_restore_is_refused_while_a_session_holds_the_database(admin, db_path, tmp_path):
    saved = backup.backup_to(tmp_path / "backup.db")
    # this process is a session of db_path (its fixture opened it)
    with pytest.raises(MifinError, match="Sessions still hold"):
        backup.restore(saved, db_path)
    _let_go()
    # a session of another program: any SQLite connection holds the -shm
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM member')\n"
         "print('open', flush=True); time.sleep(60)", str(db_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(MifinError, match="Sessions still hold"):
            backup.restore(saved, db_path)
    finally:
        holder.kill()
        holder.wait()
    assert not list(tmp_path.glob(".mifin.db.restore-*"))  # the checked copy is gone
    assert not list(tmp_path.glob("*before-restore*"))  # nothing was moved
    backup.restore(saved, db_path)


def test_a_damaged_backup_is_not_restored(admin, db_path, tmp_path):
    saved = backup.backup_to(tmp_path / "backup.db")
    corrupt(saved)
    _let_go()
    before = db_path.read_bytes()
    with pytest.raises(MifinError, match="integrity check|cannot be read"):
        backup.restore(saved, db_path)
    assert db_path.read_bytes() == before
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(MifinError, match="not a Mifin database"):
        backup.restore(empty, db_path)


def test_a_damaged_file_is_refused_when_opened(admin, db_path, tmp_path):
    copy = backup.backup_to(tmp_path / "copy.db")
    corrupt(copy)
    with pytest.raises(files.DatabaseDamaged, match="mifin restore"):
        db.open_database(copy)
    assert db.database.is_closed()


def test_the_read_only_open_creates_and_migrates_nothing(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(files.NotMifinDatabase, match="not a Mifin database"):
        db.open_database_readonly(empty)
    assert empty.stat().st_size == 0
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    with pytest.raises(files.NotMifinDatabase):
        db.open_database_readonly(junk)


def test_a_restore_under_way_keeps_new_sessions_out(tmp_path):
    path = tmp_path / "x.db"
    guard = files.exclusive_sessions(path)
    assert guard is not None
    try:
        with pytest.raises(files.RestoreUnderWay):
            db.open_database(path)
    finally:
        os.close(guard)


def test_a_large_file_is_checked_on_the_tables_a_session_starts_with(admin, db_path,
                                                                     tmp_path, monkeypatch):
    """Above FULL_START_CHECK_BYTES the start check reads the users, settings, branches
    and the schema only (milliseconds on a 1.3 GB branch, where the whole file takes
    18 s): damage there is refused at start; damage in the ledger is left to the
    closing's backup check and `mifin check`."""
    monkeypatch.setattr(files, "FULL_START_CHECK_BYTES", 1)
    users = backup.backup_to(tmp_path / "users.db")
    corrupt(users, "user")
    with pytest.raises(files.DatabaseDamaged):
        db.open_database(users)
    db.open_database(db_path)
    members = backup.backup_to(tmp_path / "members.db")
    corrupt(members, "member")
    db.open_database(members)  # the start does not read the members' pages
    assert backup.verify(members, "quick") is not None
