"""Several cashier processes on one database file, and a cashier killed mid-posting.

The processes are real programs (tests/e2e/poster.py) posting through the
services, as cashiers' terminals do; the database is read back afterwards with
plain sqlite3, `mifin check` and `check.run()`.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.helpers import run as run_mifin

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

POSTER = Path(__file__).with_name("poster.py")
PASSWORD = "Caisse-pass-2026"
PROCESSES = 8
POSTINGS_EACH = 100
VOUCHER = re.compile(r"^BE-KIN-\d{4}-(\d{6})$")


def setup(path: Path, cashiers: int) -> dict:
    proc = subprocess.run([sys.executable, str(POSTER), "setup", str(path), str(cashiers)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def start_poster(path: Path, user: str, account: int, count: int, err: Path,
                 wait_go: bool = False) -> subprocess.Popen:
    argv = [sys.executable, str(POSTER), "post", str(path), user, str(account), str(count)]
    if wait_go:
        argv.append("--wait-go")
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=err.open("w"), text=True, bufsize=1)
    proc.stdin.write(PASSWORD + "\n")
    proc.stdin.flush()
    return proc


def vouchers_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute(
            "SELECT voucher_number FROM journal_transaction "
            "WHERE voucher_series = 'BE' ORDER BY id")]


def numbers(vouchers: list[str]) -> list[int]:
    out = []
    for v in vouchers:
        match = VOUCHER.match(v)
        assert match, v
        out.append(int(match.group(1)))
    return out


def acks(lines: list[str]) -> list[str]:
    return [ln.split()[1] for ln in lines if ln.startswith("ACK ")]


def service_check(path: Path):
    """`check.run()` in this process, on the file the cashiers wrote."""
    from mifin_tui import db
    from mifin_tui.services.admin import check

    db.open_database(path)
    try:
        return check.run()
    finally:
        db.close()


def test_eight_cashier_processes_post_on_one_file(tmp_path):
    path = tmp_path / "branch.db"
    info = setup(path, PROCESSES)
    procs = [
        start_poster(path, c["user"], c["account"], POSTINGS_EACH,
                     tmp_path / f"{c['user']}.err", wait_go=True)
        for c in info["cashiers"]
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "READY"
        started = time.monotonic()
        for proc in procs:  # all logged in: go together
            proc.stdin.write("GO\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=900)[0].splitlines() for proc in procs]
        elapsed = time.monotonic() - started
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for proc, out, cashier in zip(procs, outputs, info["cashiers"], strict=True):
        err = (tmp_path / f"{cashier['user']}.err").read_text()
        assert out[-1] == f"DONE posted={POSTINGS_EACH} errors=0", err[-2000:]
        assert proc.returncode == 0, err[-2000:]
    total = PROCESSES * POSTINGS_EACH
    print(f"{total} postings by {PROCESSES} processes in {elapsed:.1f} s "
          f"({total / elapsed:.0f}/s)")

    acknowledged = [v for out in outputs for v in acks(out)]
    stored = vouchers_in(path)
    assert len(stored) == total == len(acknowledged)
    assert sorted(numbers(stored)) == list(range(1, total + 1))  # no gap, no duplicate
    assert set(stored) == set(acknowledged)

    # First come, first served (db/write_queue.py): each posting took a ticket before
    # BEGIN IMMEDIATE, and its voucher number was given inside the transaction, so the
    # vouchers follow the tickets exactly when the write lock is granted in the order it
    # was asked for. A posting then waits for at most one posting of each other cashier
    # (each process has one request in flight), never for a busy handler's luck.
    tickets = {ln.split()[1]: int(ln.split()[2]) for out in outputs for ln in out
               if ln.startswith("ACK ")}
    assert len(set(tickets.values())) == total
    by_ticket = sorted(tickets, key=tickets.__getitem__)
    assert numbers(by_ticket) == sorted(numbers(by_ticket))
    for out in outputs:  # every cashier was served, in his own order too
        own = [int(ln.split()[2]) for ln in out if ln.startswith("ACK ")]
        assert own == sorted(own) and len(own) == POSTINGS_EACH

    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM journal_transaction "
                            "WHERE kind = 'deposit'").fetchone()[0] == total
        assert conn.execute("SELECT count(*) FROM entry").fetchone()[0] == 2 * total
        # each cashier's own account got exactly his deposits
        expected = sum(100 + n % 97 for n in range(1, POSTINGS_EACH + 1))
        for cashier in info["cashiers"]:
            balance, = conn.execute("SELECT balance FROM account WHERE id = ?",
                                    (cashier["account"],)).fetchone()
            assert balance == expected
        vault, = conn.execute("SELECT balance FROM account WHERE id = ?",
                              (info["vault"],)).fetchone()
        assert vault == expected * PROCESSES

    report = service_check(path)
    assert report.ok, report.findings
    assert report.transactions == total
    cli = run_mifin("check", db=path)
    assert cli.returncode == 0, cli.stdout + cli.stderr


def read_acks_until(proc: subprocess.Popen, wanted: int, timeout: float) -> list[str]:
    lines = []
    deadline = time.monotonic() + timeout
    while len(acks(lines)) < wanted:
        assert time.monotonic() < deadline, "poster too slow"
        line = proc.stdout.readline()
        assert line, f"poster ended early (exit {proc.poll()})"
        lines.append(line.strip())
    return lines


def test_a_cashier_killed_mid_posting_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "branch.db"
    info = setup(path, 2)
    rng = random.Random(20261123)
    acknowledged: list[str] = []
    rounds = 4
    for round_ in range(rounds):
        cashier = info["cashiers"][round_ % 2]
        proc = start_poster(path, cashier["user"], cashier["account"], 0,
                            tmp_path / f"kill{round_}.err")
        try:
            lines = read_acks_until(proc, rng.randint(15, 40), timeout=120)
            time.sleep(rng.uniform(0, 0.02))  # land somewhere inside a posting
            os.kill(proc.pid, signal.SIGKILL)
            rest, _err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == -signal.SIGKILL
        lines += rest.splitlines()
        assert not any(ln.startswith("DONE") for ln in lines)
        acknowledged += acks(lines)

    # After the kills: the books are whole and nothing acknowledged is missing.
    cli = run_mifin("check", db=path)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    stored = vouchers_in(path)
    missing = set(acknowledged) - set(stored)
    assert not missing, f"acknowledged but not in the database: {sorted(missing)}"
    # a killed process may have committed one posting it had no time to acknowledge
    assert len(acknowledged) <= len(stored) <= len(acknowledged) + rounds
    assert sorted(numbers(stored)) == list(range(1, len(stored) + 1))
    report = service_check(path)
    assert report.ok, report.findings

    # and the next cashier goes on from the next voucher number
    cashier = info["cashiers"][0]
    proc = start_poster(path, cashier["user"], cashier["account"], 3, tmp_path / "after.err")
    out, _err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (tmp_path / "after.err").read_text()
    assert numbers(acks(out.splitlines())) == [len(stored) + 1, len(stored) + 2,
                                               len(stored) + 3]
