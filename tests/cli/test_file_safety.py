"""The command line on files it must not trust or must keep private (issue 22): a damaged
database refused in one line, `mifin check` that creates nothing, restore, imports of
what is no register, and the modes of what Mifin writes."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import run
from tests.cli.test_cli import ADMIN_PASSWORD, init_db, one_error_line
from tests.services.test_restore import corrupt


@pytest.fixture
def branch(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MIFIN_DB", raising=False)
    path = tmp_path / "branch" / "kin.db"  # a folder Mifin makes: 0700
    init_db(path)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private_and_check_warns_on_readable_ones(branch: Path):
    assert mode(branch) == 0o600 and mode(branch.parent) == 0o700
    backup = branch.parent / "saved" / "kin-backup.db"
    proc = run("backup", "--to", str(backup), db=branch)
    assert proc.returncode == 0, proc.stderr
    assert mode(backup) == 0o600 and mode(backup.parent) == 0o700
    ok = run("check", db=branch)
    assert ok.returncode == 0 and "Warning" not in ok.stdout, ok.stdout
    branch.chmod(0o644)
    warned = run("check", db=branch)
    assert warned.returncode == 0, warned.stderr
    assert f"Warning: {branch} can be read by other accounts" in warned.stdout
    # Mifin narrows its own file when it opens it; SQLite gives the -wal and -shm the
    # database file's mode
    from mifin_tui import db

    try:
        db.open_database(branch)
        assert mode(branch) == 0o600
        db.database.execute_sql("PRAGMA user_version = 1")  # a write: the -wal is there
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{branch}{suffix}")) == 0o600
    finally:
        db.close()
        from mifin_tui.db import files

        files.release_session()


def test_a_damaged_database_is_refused_in_one_line_and_restored(branch: Path):
    backup = branch.parent / "kin-backup.db"
    assert run("backup", "--to", str(backup), db=branch).returncode == 0
    corrupt(branch)
    for words in (("user", "list"), ("check",), ("report", "trial-balance")):
        proc = run(*words, db=branch)
        assert proc.returncode == 1, (words, proc.stdout)
        line = one_error_line(proc)
        assert "is damaged" in line and "mifin restore" in line, line
    refused = run("restore", str(backup), db=branch)  # no terminal, no --yes
    assert refused.returncode == 1 and "--yes" in one_error_line(refused)
    proc = run("restore", str(backup), "--yes", db=branch)
    assert proc.returncode == 0, proc.stderr
    assert "Kept aside" in proc.stdout and "COOPEC Test" in proc.stdout
    check = run("check", db=branch)
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr


def test_check_of_an_empty_or_missing_file_creates_nothing(tmp_path: Path):
    empty = tmp_path / "empty.db"
    empty.touch()
    proc = run("check", db=empty)
    assert proc.returncode == 1
    assert "not a Mifin database" in one_error_line(proc)
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    missing = run("check", db=tmp_path / "none.db")
    assert missing.returncode == 1 and not (tmp_path / "none.db").exists()


def test_imports_refuse_a_device_and_a_header_only_file(branch: Path):
    proc = run("import", "members", "/dev/zero", "--user", "admin", db=branch,
               input=ADMIN_PASSWORD + "\n")  # answers, never reads it
    assert proc.returncode == 1
    assert "/dev/zero is not a file" in one_error_line(proc)
    header = branch.parent / "registre.csv"
    header.write_text("Nom;Prénom;Sexe;Date de naissance\n", encoding="utf-8")
    proc = run("import", "members", str(header), "--user", "admin", db=branch,
               input=ADMIN_PASSWORD + "\n")
    assert proc.returncode == 1, proc.stdout
    assert "no rows" in one_error_line(proc)
    assert "None" not in proc.stdout + proc.stderr


def test_the_unexpected_error_line_shows_no_local_values(branch: Path):
    """A bug reached in a command: one line, its type and message, nothing else."""
    code = ("import sys\n"
            "from mifin_tui import cli\n"
            "import mifin_tui.cli.admin_commands as ac\n"
            "def broken(args):\n"
            "    password = 'secret-pass-1234'\n"
            "    raise KeyError('x')\n"
            "ac.cmd_user_list = broken\n"
            "sys.exit(cli.main(['--lang', 'en', '--db', sys.argv[1], 'user', 'list']))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(branch)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1
    line = one_error_line(proc)
    assert "unexpected error: KeyError" in line
    assert "secret-pass-1234" not in proc.stderr + proc.stdout
