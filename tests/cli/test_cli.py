"""The installed `mifin` command, run as a user or a script would run it.

Every call is a real subprocess with no terminal on stdin (passwords come from
stdin, as in a provisioning script) and `--lang en`, so that the assertions
read the English message ids whatever the French catalogue holds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import run

ADMIN_PASSWORD = "Kalamu-pass-2026"
USER_PASSWORD = "Caisse-pass-2026"
SUBCOMMANDS = ("init", "demo", "check", "backup", "user")
USER_ACTIONS = ("add", "passwd", "lock", "unlock", "list", "roles")
# The provision rates the BCC's text leaves to the institution, given on the command line.
RATES = ("--provision-rate", "impaye=5", "--provision-rate", "douteux=25",
         "--provision-rate", "contentieux=50", "--provision-rate", "irrecuperable=100")


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """stderr is exactly one line, starts with `mifin:`, and is no traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("mifin"), lines[0]
    return lines[0]


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    """Keep any per-user default path inside the test's temp dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MIFIN_DB", raising=False)
    return tmp_path


def init_db(path: Path) -> subprocess.CompletedProcess:
    proc = run("init", "--name", "COOPEC Test", "--branch-code", "KIN",
               "--branch-name", "Kalamu", "--currency", "USD", "--regulator", "bcc",
               "--date", "2026-11-23", *RATES, db=path, input=ADMIN_PASSWORD + "\n")
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def fresh_db(home: Path) -> Path:
    path = home / "branch.db"
    init_db(path)
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, mifin_demos) -> tuple[Path, str]:
    """A small demo database (a copy for this module) and `demo`'s printed output."""
    return mifin_demos.copy(tmp_path_factory.mktemp("demo") / "demo.db",
                            "--members", "20", "--seed", "7")


def sqlite(path: Path, sql: str) -> str:
    """Edit a database by hand, as a tamperer with the sqlite3 shell would."""
    binary = shutil.which("sqlite3")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("the sqlite3 shell is missing in CI (scripts/test installs it)")
        pytest.skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
    proc = subprocess.run([binary, str(path)], input=sql, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def demo_users(stdout: str) -> dict[str, str]:
    """user -> password from the table `mifin demo` prints."""
    users = {}
    lines = stdout.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.split()[:2] == ["user", "password"])
    for line in lines[header + 2:]:
        parts = line.split()
        if len(parts) >= 2:
            users[parts[0]] = parts[1]
    return users


# --- help -------------------------------------------------------------------------------

def test_help_lists_every_subcommand(home):
    proc = run("--help")
    assert proc.returncode == 0, proc.stderr
    for name in SUBCOMMANDS:
        assert name in proc.stdout, name
    assert "--db" in proc.stdout


@pytest.mark.parametrize("words", [(c,) for c in SUBCOMMANDS]
                         + [("user", a) for a in USER_ACTIONS], ids=" ".join)
def test_each_subcommand_has_help(home, words):
    proc = run(*words, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: "), proc.stdout
    assert " ".join(words) in proc.stdout.splitlines()[0]
    assert proc.stderr == ""


def test_version(home):
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("mifin ")


# --- usage errors -----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("--no-such-option",),
    ("no-such-command",),
    ("init",),                                 # required options missing
    ("init", "--name", "X", "--branch-code", "KIN", "--currency", "USD",
     "--regulator", "nowhere"),                # bad choice
    ("demo", "--members", "many"),             # not a number
    ("user", "add"),                           # user name missing
    ("user", "nothing"),
    ("--lang", "de", "check"),
], ids=lambda a: " ".join(a))
def test_usage_error_is_one_line_and_exit_2(home, args):
    proc = run(*args, db=home / "x.db")
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    one_error_line(proc)
    assert not (home / "x.db").exists()


# --- init and users ---------------------------------------------------------------------

def test_init_reads_the_password_from_stdin_and_check_passes(home):
    path = home / "branch.db"
    proc = init_db(path)
    assert "admin" in proc.stdout
    assert ADMIN_PASSWORD not in proc.stdout + proc.stderr
    check = run("check", db=path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "OK" in check.stdout


def test_init_without_a_password_on_stdin_fails_cleanly(home):
    path = home / "branch.db"
    proc = run("init", "--name", "COOPEC Test", "--branch-code", "KIN", "--currency", "USD",
               "--regulator", "bcc", db=path, input="")
    assert proc.returncode == 1
    assert "password" in one_error_line(proc).lower()


def test_init_refuses_a_weak_password_and_a_second_institution(home):
    path = home / "branch.db"
    weak = run("init", "--name", "COOPEC Test", "--branch-code", "KIN", "--currency", "USD",
               "--regulator", "bcc", db=path, input="short\n")
    assert weak.returncode == 1
    one_error_line(weak)
    init_db(path)
    again = run("init", "--name", "Other", "--branch-code", "GOM", "--currency", "USD",
                "--regulator", "bcc", db=path, input=ADMIN_PASSWORD + "\n")
    assert again.returncode == 1
    assert "already" in one_error_line(again)


def user_states(path: Path) -> dict[str, str]:
    proc = run("user", "list", db=path)
    assert proc.returncode == 0, proc.stderr
    states = {}
    for line in proc.stdout.splitlines()[2:]:
        parts = line.split()
        for state in ("active", "locked", "disabled", "waiting", "one-time"):
            if state in parts:
                states[parts[0]] = state
    return states


def login_in_a_subprocess(path: Path, username: str, password: str) -> str:
    """Log in through the services in a separate process: 'ok' or the error class."""
    code = (
        "import sys\n"
        "from mifin_tui import db\n"
        "from mifin_tui.services.kernel import auth\n"
        "db.open_database(sys.argv[1])\n"
        "try:\n"
        "    auth.login(sys.argv[2], sys.stdin.readline().rstrip('\\n'))\n"
        "    print('ok')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path), username],
                          input=password + "\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_user_add_list_lock_unlock_passwd(fresh_db):
    add = run("user", "add", "caissier", "--name", "Grâce Mukendi", "--roles", "cashier",
              db=fresh_db, input=USER_PASSWORD + "\n")
    assert add.returncode == 0, add.stderr
    assert USER_PASSWORD not in add.stdout
    # the administrator chose this password: a one-time one until the user's own
    assert user_states(fresh_db) == {"admin": "active", "caissier": "one-time"}
    listing = run("user", "list", db=fresh_db).stdout
    assert "Grâce Mukendi" in listing and "Cashier" in listing
    assert login_in_a_subprocess(fresh_db, "caissier", USER_PASSWORD) == "ok"

    lock = run("user", "lock", "caissier", db=fresh_db)
    assert lock.returncode == 0, lock.stderr
    assert user_states(fresh_db)["caissier"] == "locked"
    # refused with the answer every refusal gets
    assert login_in_a_subprocess(fresh_db, "caissier", USER_PASSWORD) == "AuthenticationError"

    unlock = run("user", "unlock", "caissier", db=fresh_db)
    assert unlock.returncode == 0, unlock.stderr
    assert user_states(fresh_db)["caissier"] == "one-time"
    assert login_in_a_subprocess(fresh_db, "caissier", USER_PASSWORD) == "ok"

    passwd = run("user", "passwd", "caissier", db=fresh_db, input="")
    assert passwd.returncode == 0, passwd.stderr
    new_password = passwd.stdout.split("One-time password of caissier: ")[1].split()[0]
    assert len(new_password) >= 10 and "Shown once" in passwd.stdout
    assert login_in_a_subprocess(fresh_db, "caissier", USER_PASSWORD) == "AuthenticationError"
    assert login_in_a_subprocess(fresh_db, "caissier", new_password) == "ok"

    # passwords never reach the audit log or the database in clear
    with sqlite3.connect(fresh_db) as conn:
        dump = "\n".join(conn.iterdump())
    for secret in (ADMIN_PASSWORD, USER_PASSWORD, new_password):
        assert secret not in dump
    assert run("check", db=fresh_db).returncode == 0


def test_user_roles_refuses_an_incompatible_pair_naming_it(fresh_db):
    add = run("user", "add", "caissier", "--name", "Grâce Mukendi", "--roles",
              "cashier,manager", db=fresh_db, input=USER_PASSWORD + "\n")
    assert add.returncode == 1
    assert "both Cashier and Branch manager" in one_error_line(add)
    add = run("user", "add", "caissier", "--name", "Grâce Mukendi", "--roles", "cashier",
              db=fresh_db, input=USER_PASSWORD + "\n")
    assert add.returncode == 0, add.stderr
    roles = run("user", "roles", "caissier", "--roles", "cashier,auditor", db=fresh_db)
    assert roles.returncode == 1
    assert "both Cashier and Auditor" in one_error_line(roles)
    roles = run("user", "roles", "caissier", "--roles", "cashier,loan_officer", db=fresh_db)
    assert roles.returncode == 0, roles.stderr
    assert "Cashier, Loan officer" in roles.stdout
    weak = run("user", "add", "zed", "--name", "Zed Kabila", "--roles", "cashier",
               db=fresh_db, input="azertyuiop\n")
    assert weak.returncode == 1 and "common" in one_error_line(weak)


def test_user_errors_are_one_line(fresh_db):
    missing = run("user", "lock", "nobody", db=fresh_db)
    assert missing.returncode == 1
    assert "nobody" in one_error_line(missing)
    bad_role = run("user", "add", "zed", "--name", "Zed", "--roles", "pope", db=fresh_db,
                   input=USER_PASSWORD + "\n")
    assert bad_role.returncode == 1
    assert "pope" in one_error_line(bad_role)
    add = run("user", "add", "zed", "--name", "Zed", "--roles", "cashier", db=fresh_db,
              input=USER_PASSWORD + "\n")
    assert add.returncode == 0
    twice = run("user", "add", "zed", "--name", "Zed", "--roles", "cashier", db=fresh_db,
                input=USER_PASSWORD + "\n")
    assert twice.returncode == 1
    one_error_line(twice)


def test_mifin_db_environment_variable_names_the_database(fresh_db):
    proc = run("check", env={"MIFIN_DB": str(fresh_db)})
    assert proc.returncode == 0, proc.stderr
    # --db wins over MIFIN_DB
    proc = run("check", db=fresh_db, env={"MIFIN_DB": str(fresh_db.parent / "nope.db")})
    assert proc.returncode == 0, proc.stderr


# --- missing, newer, backed-up databases ------------------------------------------------

def test_missing_database_is_one_clear_line_and_exit_1(home):
    path = home / "nowhere" / "nope.db"
    for words in (("check",), ("user", "list"), ("backup", "--to", str(home / "b.db"))):
        proc = run(*words, db=path)
        assert proc.returncode == 1, (words, proc.stderr)
        line = one_error_line(proc)
        assert str(path) in line and "No database" in line
    assert not path.exists()
    assert not (home / "b.db").exists()


def test_database_without_institution_is_refused_for_user_commands(home):
    path = home / "empty.db"
    path.touch()
    proc = run("user", "list", db=path)
    assert proc.returncode == 1
    assert "init" in one_error_line(proc)


def test_newer_schema_is_refused_with_a_clear_line(fresh_db):
    sqlite(fresh_db, 'INSERT INTO "schema_version" ("version") VALUES (999);')
    for words in (("check",), ("user", "list")):
        proc = run(*words, db=fresh_db)
        assert proc.returncode == 1, proc.stdout
        line = one_error_line(proc)
        assert "999" in line and "newer" in line


def test_backup_writes_a_file_that_opens_and_passes_check(demo_db, tmp_path):
    path, _out = demo_db
    target = tmp_path / "copies" / "backup.db"
    proc = run("backup", "--to", str(target), db=path)
    assert proc.returncode == 0, proc.stderr
    assert str(target) in proc.stdout
    assert target.stat().st_size > 0
    check = run("check", db=target)
    assert check.returncode == 0, check.stdout + check.stderr
    with sqlite3.connect(path) as a, sqlite3.connect(target) as b:
        q = "SELECT count(*), sum(debit), sum(credit) FROM entry"
        assert a.execute(q).fetchone() == b.execute(q).fetchone()
    again = run("backup", "--to", str(target), db=path)
    assert again.returncode == 1
    assert "exists" in one_error_line(again)


# --- demo -------------------------------------------------------------------------------

def member_names(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT number, surname, postname, first_name FROM member ORDER BY number"
        ).fetchall()


def test_demo_is_deterministic_for_a_seed_and_prints_users(tmp_path):
    # small demos (six members): two builds from one seed, one from another
    first, second = tmp_path / "first.db", tmp_path / "again.db"
    proc1 = run("demo", "--no-open", "--members", "6", "--seed", "7", db=first)
    proc = run("demo", "--no-open", "--members", "6", "--seed", "7", db=second)
    assert proc1.returncode == 0 and proc.returncode == 0, proc1.stderr + proc.stderr
    names = member_names(first)
    assert len(names) == 6
    assert names == member_names(second)
    users1, users2 = demo_users(proc1.stdout), demo_users(proc.stdout)
    assert users1.keys() == users2.keys()
    assert {"admin", "caissier1", "gerant"} <= users1.keys()
    # each install its own passwords (#21), within the password rules
    assert not set(users1.values()) & set(users2.values())
    from mifin_tui.services.kernel import auth

    for username, password in users1.items():
        auth.check_password_policy(password, username=username)
    other = tmp_path / "other.db"
    assert run("demo", "--no-open", "--members", "6", "--seed", "8",
               db=other).returncode == 0
    assert member_names(other) != names
    assert run("check", db=second).returncode == 0


def test_demo_ends_on_the_day_mifin_demo_date_names(tmp_path):
    path = tmp_path / "dated.db"
    proc = run("demo", "--no-open", "--members", "6", "--seed", "7", db=path,
               env={"MIFIN_DEMO_DATE": "13/11/2026"})
    assert proc.returncode == 0, proc.stderr
    assert "business date 13/11/2026." in proc.stdout
    bad = tmp_path / "bad.db"
    proc = run("demo", "--no-open", "--members", "12", db=bad,
               env={"MIFIN_DEMO_DATE": "31/02/2026"})
    assert proc.returncode == 1
    assert "MIFIN_DEMO_DATE: This date does not exist." in proc.stderr
    assert not bad.exists()


def test_demo_on_an_existing_database_keeps_it(demo_db):
    path, _out = demo_db
    before = member_names(path)
    proc = run("demo", "--no-open", "--members", "5", "--seed", "1", db=path)
    assert proc.returncode == 0, proc.stderr
    assert "password" not in proc.stdout
    assert member_names(path) == before


# --- tampering --------------------------------------------------------------------------

def tampered_copy(demo_db, tmp_path: Path) -> Path:
    path, _out = demo_db
    copy = tmp_path / "tampered.db"
    assert run("backup", "--to", str(copy), db=path).returncode == 0
    assert run("check", db=copy).returncode == 0
    return copy


def test_check_names_an_entry_edited_by_hand(demo_db, tmp_path):
    path = tampered_copy(demo_db, tmp_path)
    with sqlite3.connect(path) as conn:
        entry_id, txn_id, number = conn.execute(
            "SELECT e.id, e.txn_id, a.number FROM entry e JOIN account a ON a.id = e.account_id "
            "WHERE e.credit > 0 AND a.member_id IS NOT NULL ORDER BY e.id LIMIT 1").fetchone()
    sqlite(path, f"""
        DROP TRIGGER entry_no_update;
        UPDATE entry SET credit = credit + 100 WHERE id = {entry_id};
    """)
    proc = run("check", db=path)
    assert proc.returncode == 1, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"Journal transaction {txn_id} does not balance" in proc.stdout
    assert f"Account {number}" in proc.stdout
    assert "FAILED" in proc.stdout


def test_check_names_an_audit_row_edited_by_hand(demo_db, tmp_path):
    path = tampered_copy(demo_db, tmp_path)
    with sqlite3.connect(path) as conn:
        count, = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    seq = count // 2
    sqlite(path, f"""
        DROP TRIGGER audit_log_no_update;
        UPDATE audit_log SET username = 'someone_else' WHERE seq = {seq};
    """)
    proc = run("check", db=path)
    assert proc.returncode == 1, proc.stdout
    assert f"audit row {seq} " in proc.stdout
    assert "altered" in proc.stdout


def test_check_names_an_audit_row_removed_by_hand(demo_db, tmp_path):
    path = tampered_copy(demo_db, tmp_path)
    with sqlite3.connect(path) as conn:
        count, = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    seq = count // 3
    sqlite(path, f"""
        DROP TRIGGER audit_log_no_delete;
        DELETE FROM audit_log WHERE seq = {seq};
    """)
    proc = run("check", db=path)
    assert proc.returncode == 1, proc.stdout
    assert f"audit row {seq + 1} " in proc.stdout


def test_check_reports_entry_and_audit_tampering_together(demo_db, tmp_path):
    path = tampered_copy(demo_db, tmp_path)
    with sqlite3.connect(path) as conn:
        entry_id, number = conn.execute(
            "SELECT e.id, a.number FROM entry e JOIN account a ON a.id = e.account_id "
            "WHERE e.debit > 0 ORDER BY e.id DESC LIMIT 1").fetchone()
    sqlite(path, f"""
        DROP TRIGGER entry_no_update;
        DROP TRIGGER audit_log_no_update;
        UPDATE entry SET debit = debit * 2 WHERE id = {entry_id};
        UPDATE audit_log SET "after" = '{{}}' WHERE seq = 3;
    """)
    proc = run("check", db=path)
    assert proc.returncode == 1, proc.stdout
    assert f"Account {number}" in proc.stdout
    assert "audit row 3 " in proc.stdout


def test_check_terminal_reports_what_the_terminal_supports():
    proc = run("--check-terminal", env={"TERM": "linux", "LANG": "C.UTF-8"})
    assert proc.returncode == 0, proc.stderr
    assert "Linux console" in proc.stdout and "high-contrast" in proc.stdout
    dumb = run("--check-terminal", env={"TERM": "dumb"})
    assert dumb.returncode == 0 and "WARNING" in dumb.stdout


def test_ssh_setup_prints_the_forced_command_snippet(tmp_path):
    db = tmp_path / "branch.db"
    proc = run("ssh-setup", "--user", "caisse", db=db)
    assert proc.returncode == 0, proc.stderr
    assert "Match User caisse" in proc.stdout
    assert f"--db {db}" in proc.stdout and "ForceCommand" in proc.stdout
    assert "AllowTcpForwarding no" in proc.stdout
