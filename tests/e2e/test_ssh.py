"""Remote staff over OpenSSH: a real sshd on loopback forces every session into Mifin.

The sshd runs the very `ForceCommand` that `mifin ssh-setup` prints.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mifin_tui.ssh_setup import SshSetup
from tests.cli.helpers import MIFIN
from tests.cli.helpers import run as run_mifin
from tests.e2e.test_tui_tmux import (  # noqa: F401
    LOGIN,
    MAIN_MENU,
    Terminal,
    demo,
    log_in,
    open_till,
    tmux_binary,
)

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
# sshd cuts a silent client after ClientAliveInterval x ClientAliveCountMax; the session
# must be gone within that
DEAD_LINK_SECONDS = 60


def _need(binary: str) -> str:
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(
        f"/usr/sbin/{binary}") else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{binary} is missing in CI: scripts/test installs openssh-server/client")
    pytest.skip(f"{binary} is not installed (apt-get install openssh-server openssh-client)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(demo, tmp_path) -> Iterator[dict]:
    if os.geteuid() != 0:
        pytest.skip("the loopback sshd switches to the login user: run as root (CI does)")
    sshd_bin, keygen = _need("sshd"), _need("ssh-keygen")
    _need("ssh")
    db_path, _users = demo
    d = tmp_path
    for name in ("host", "client"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)],
                       check=True)
    (d / "authorized_keys").write_text((d / "client.pub").read_text())
    (d / "authorized_keys").chmod(0o644)
    mifin = MIFIN[0] if len(MIFIN) == 1 else shlex.join(MIFIN)
    setup = SshSetup(user="root", db_path=db_path, mifin=mifin)
    port = _free_port()
    config = d / "sshd_config"
    config.write_text("\n".join([
        "ListenAddress 127.0.0.1", f"Port {port}", f"HostKey {d / 'host'}",
        f"PidFile {d / 'sshd.pid'}", f"AuthorizedKeysFile {d / 'authorized_keys'}",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
        "StrictModes no", "PermitRootLogin prohibit-password",
        # the environment a branch server gives its sessions (and this checkout's code)
        "SetEnv LANG=C.UTF-8 TEXTUAL_ANIMATIONS=none "
        f"MIFIN_RECEIPT_PRINTER=folder:{d / 'receipts'} PYTHONPATH={REPO}",
        f"ForceCommand {setup.force_command()}",
        # what ssh-setup sets (15 s x 4), shortened: a silent client is cut within 6 s
        "ClientAliveInterval 2", "ClientAliveCountMax 3", "",
    ]))
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    subprocess.run([sshd_bin, "-t", "-f", str(config)], check=True)
    proc = subprocess.Popen([sshd_bin, "-D", "-e", "-f", str(config)],
                            stderr=open(d / "sshd.log", "w"))
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail((d / "sshd.log").read_text())
            time.sleep(0.05)
    try:
        yield {"port": port, "key": d / "client", "db": db_path, "receipts": d / "receipts"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _ssh_options(sshd: dict, port_flag: str = "-p") -> list[str]:
    return [port_flag, str(sshd["port"]), "-i", str(sshd["key"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "BatchMode=yes"]


def _ssh_terminal(sshd: dict) -> Terminal:
    command = ["ssh", "-t", *_ssh_options(sshd), "root@127.0.0.1"]
    return Terminal(tmux_binary(), command, {"TERM": "xterm-256color", "LANG": "C.UTF-8"})


def _mifin_processes(db: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-a", "-f", f"mifin.* --db {db}"], capture_output=True,
                           text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def _wait_until_no_mifin(db: Path, seconds: float = DEAD_LINK_SECONDS) -> float:
    """Poll until no Mifin runs on `db`; returns how long it took."""
    start = time.monotonic()
    while _mifin_processes(db):
        if time.monotonic() - start > seconds:
            pytest.fail(f"still running after {seconds} s: {_mifin_processes(db)}")
        time.sleep(0.2)
    return time.monotonic() - start


def _logins(db: Path, user: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit_log WHERE action = 'login' "
                            "AND username = ?", (user,)).fetchone()[0]


def test_remote_cashier_lands_in_mifin_logs_in_and_quits(sshd, demo):
    _db, users = demo
    before = _logins(sshd["db"], "caissier2")
    term = _ssh_terminal(sshd)
    try:
        log_in(term, "caissier2", users["caissier2"])
        term.wait_for(MAIN_MENU, timeout=30)
        term.press("C-q")
        screen = term.wait_for("MIFIN-EXIT=", timeout=20)
        assert "Traceback" not in screen
    finally:
        term.close()
    assert _logins(sshd["db"], "caissier2") == before + 1


DASHBOARD = re.compile(r"Dashboard|Tableau de bord")


def _past_the_dashboard(term: Terminal) -> None:
    """The gérant lands on his dashboard; Escape leads to his main menu."""
    term.wait_for(DASHBOARD, timeout=30)
    term.press("Escape")
    term.wait_for(MAIN_MENU, timeout=30)


def test_a_dropped_connection_loses_nothing(sshd, demo):
    """Kill the SSH client mid-session: the books stay whole and the user can come back."""
    _db, users = demo
    term = _ssh_terminal(sshd)
    try:
        log_in(term, "gerant", users["gerant"])
        _past_the_dashboard(term)
        # only the client itself, not the shell of the tmux pane that started it
        killed = subprocess.run(["pkill", "-KILL", "-f", f"^ssh -t -p {sshd['port']} "])
        assert killed.returncode == 0, "the ssh client was not found"
        # (the pane keeps the dead client's last screen: the terminal was never reset)
    finally:
        term.close()
    # the server side noticed the hang-up and ended mifin
    deadline = time.monotonic() + 15
    while subprocess.run(["pgrep", "-f", f"mifin.* --db {sshd['db']}"], capture_output=True
                         ).returncode == 0:
        if time.monotonic() > deadline:
            pytest.fail("mifin kept running after the connection dropped")
        time.sleep(0.1)
    check = run_mifin("check", db=sshd["db"])
    assert check.returncode == 0, check.stdout + check.stderr
    term = _ssh_terminal(sshd)
    try:
        log_in(term, "gerant", users["gerant"])
        _past_the_dashboard(term)
    finally:
        term.close()


def _a_usd_savings_account(db: Path) -> tuple[str, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT a.number, a.balance FROM account a JOIN savings_account s "
            "ON s.account_id = a.id JOIN savings_product p ON p.id = s.product_id "
            "WHERE a.kind = 'savings' AND a.currency = 'USD' AND a.status = 'active' "
            "AND p.kind = 'free' AND NOT s.dormant ORDER BY a.id LIMIT 1").fetchone()


def _till_open(db: Path) -> bool:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM till_session WHERE status = 'open'"
                            ).fetchone()[0] > 0


def test_a_remote_cashier_makes_a_deposit(sshd, demo):
    """Over SSH, keys only: F11, the account number, the amount, the cashier's password and
    F2 on the confirmation;
    the deposit is in the books and its BE voucher printed."""
    _db, users = demo
    number, before = _a_usd_savings_account(sshd["db"])
    if not _till_open(sshd["db"]):
        open_till(sshd["db"], users)
    term = _ssh_terminal(sshd)
    try:
        log_in(term, "caissier1", users["caissier1"])
        term.wait_for(MAIN_MENU, timeout=30)
        term.press("F11")
        term.wait_for(re.compile(r"N° compte|Account no"), timeout=15)  # the deposit form
        term.type(number.replace("-", ""))
        term.press("Enter")
        term.wait_for(re.compile(r"Solde|Balance"), timeout=15)  # the account's summary
        term.press("Enter")  # the holder deposits
        term.press("Enter")  # no ID needed
        term.type("47")
        term.press("Enter")
        term.press("Enter")  # the purpose is filled: Enter submits
        term.wait_for(re.compile(r"F2"), timeout=15)
        term.wait_for(re.compile(r"Nouveau solde|Balance after"), timeout=15)
        term.type(users["caissier1"])  # the cashier's password confirms (#21)
        term.press("F2")
        screen = term.wait_for(re.compile(r"BE-KIN-\d{4}-\d{6}"), timeout=20)
        voucher = re.search(r"BE-KIN-\d{4}-\d{6}", screen).group(0)
        term.press("Escape")
        term.wait_for(MAIN_MENU, timeout=15)
        term.press("C-q")
        assert "Traceback" not in term.wait_for("MIFIN-EXIT=", timeout=20)
    finally:
        term.close()
    with sqlite3.connect(sshd["db"]) as conn:
        amount, balance = conn.execute(
            "SELECT v.amount, a.balance FROM voucher v JOIN account a "
            "ON a.id = v.client_account_id WHERE v.number = ?", (voucher,)).fetchone()
    assert (amount, balance) == (4_700, before + 4_700)
    deadline = time.monotonic() + 10
    while not list(sshd["receipts"].glob(f"{voucher}*.pdf")):
        if time.monotonic() > deadline:
            pytest.fail(f"no receipt for {voucher} in {sorted(sshd['receipts'].glob('*'))}")
        time.sleep(0.1)
    assert run_mifin("check", db=sshd["db"]).returncode == 0


def test_sessions_without_a_terminal_end_at_once(sshd, tmp_path):
    """`ssh host cmd` without -t, sftp and scp reach the forced command: Mifin says it
    needs a terminal and is gone, holding nothing open."""
    db = sshd["db"]
    command = subprocess.run(["ssh", *_ssh_options(sshd), "root@127.0.0.1", "ls /"],
                             capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    assert command.returncode == 1, command
    # one line, in the server's language (French by default)
    assert re.fullmatch(r"mifin: (no terminal|pas de terminal).*\(.*ssh -t\)\.\n",
                        command.stderr), command.stderr
    assert "bin" not in command.stdout  # the command asked for never ran
    sftp = subprocess.run(["sftp", "-b", "-", *_ssh_options(sshd, "-P"), "root@127.0.0.1"],
                          input="ls\n", capture_output=True, text=True, timeout=60)
    assert sftp.returncode != 0, sftp
    (tmp_path / "f.txt").write_text("x")
    scp = subprocess.run(["scp", *_ssh_options(sshd, "-P"), str(tmp_path / "f.txt"),
                          "root@127.0.0.1:/tmp/mifin-scp-test.txt"],
                         capture_output=True, text=True, timeout=60)
    assert scp.returncode != 0 and not Path("/tmp/mifin-scp-test.txt").exists(), scp
    _wait_until_no_mifin(db, 10)


def _counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("voucher", "journal_transaction", "entry"))


def _open_till_of(db: Path, user: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT t.code, s.status FROM till_session s JOIN till t ON t.id = s.till_id "
            "JOIN user u ON u.id = s.cashier_id WHERE u.username = ? AND s.status = 'open'",
            (user,)).fetchall()


def _last_action(db: Path, user: str) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT action FROM audit_log WHERE username = ? AND action IN "
                            "('login', 'logout') ORDER BY seq DESC LIMIT 1", (user,)
                            ).fetchone()[0]


def test_a_cashier_cut_off_mid_form_posts_nothing_and_keeps_his_till(sshd, demo):
    _db, users = demo
    db = sshd["db"]
    number, _balance = _a_usd_savings_account(db)
    if not _open_till_of(db, "caissier1"):
        open_till(db, users)
    till = _open_till_of(db, "caissier1")
    before = _counts(db)
    term = _ssh_terminal(sshd)
    try:
        log_in(term, "caissier1", users["caissier1"])
        term.wait_for(MAIN_MENU, timeout=30)
        term.press("F11")
        term.wait_for(re.compile(r"N° compte|Account no"), timeout=15)
        term.type(number.replace("-", ""))
        term.press("Enter")
        term.wait_for(re.compile(r"Solde|Balance"), timeout=15)
        term.press("Enter")
        term.press("Enter")
        term.type("47")  # the amount typed, not confirmed: the link drops here
        time.sleep(0.5)
        assert _last_action(db, "caissier1") == "login"
        killed = subprocess.run(["pkill", "-KILL", "-f", f"^ssh -t -p {sshd['port']} "])
        assert killed.returncode == 0, "the ssh client was not found"
    finally:
        term.close()
    took = _wait_until_no_mifin(db)
    print(f"mifin gone {took:.1f} s after the client was killed")
    assert _last_action(db, "caissier1") == "logout"  # a clean end, not a kill
    assert _counts(db) == before  # nothing posted, nothing half-posted
    assert _open_till_of(db, "caissier1") == till  # still open, still his
    assert run_mifin("check", db=db).returncode == 0
    term = _ssh_terminal(sshd)
    try:
        log_in(term, "caissier1", users["caissier1"])
        screen = term.wait_for(MAIN_MENU, timeout=30)
        assert f"{till[0][0]}" in screen  # the status line shows his till again
        term.press("F11")  # and he goes on at the counter, no till to reopen
        term.wait_for(re.compile(r"N° compte|Account no"), timeout=15)
        term.press("C-q")
        term.wait_for("MIFIN-EXIT=", timeout=20)
    finally:
        term.close()


def test_a_silent_client_is_cut_and_mifin_ends(sshd, demo):
    """The link drops without a word (the client frozen, as behind a dead router): sshd's
    keep-alive cuts the session, and Mifin, hung up on, ends."""
    db = sshd["db"]
    term = _ssh_terminal(sshd)
    try:
        term.wait_for(LOGIN, timeout=30)
        client = subprocess.run(["pgrep", "-f", f"^ssh -t -p {sshd['port']} "],
                                capture_output=True, text=True).stdout.split()
        assert len(client) == 1, client
        os.kill(int(client[0]), signal.SIGSTOP)
        try:
            took = _wait_until_no_mifin(db)
        finally:
            os.kill(int(client[0]), signal.SIGKILL)
        print(f"mifin gone {took:.1f} s after the client froze")
    finally:
        term.close()
