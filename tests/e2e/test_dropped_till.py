"""A cashier's connection drops in the middle of a deposit (issue 12): the terminal goes
away while the real `mifin` shows the deposit half typed. Nothing is posted, the books
check, and his till session is still open and still his: he logs in again, the status
line shows his till, and the next deposit goes on the same session."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import MIFIN
from tests.cli.helpers import run as run_mifin
from tests.e2e.test_tui_tmux import (  # noqa: F401
    MAIN_MENU,
    Terminal,
    demo,
    log_in,
    open_till,
    tmux_binary,
)

pytestmark = pytest.mark.e2e

CASHIER = "caissier1"
# The deposit form's own field (the main menu lists "Dépôt" too: waiting for that word
# let the account number be typed into the menu, whose digits open other entries).
DEPOSIT_FORM = re.compile(r"N° compte|Account no\.")


def _query(db: Path, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def _open_sessions(db: Path) -> list[tuple[int, str]]:
    return _query(db, "SELECT s.id, t.code FROM till_session s JOIN till t ON t.id = s.till_id "
                      "JOIN user u ON u.id = s.cashier_id "
                      "WHERE u.username = ? AND s.status = 'open'", CASHIER)


def _terminal(db: Path, home: Path) -> Terminal:
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "TEXTUAL_ANIMATIONS": "none",
           "HOME": str(home), "XDG_DATA_HOME": str(home / "xdg")}
    return Terminal(tmux_binary(), [*MIFIN, "--lang", "en", "--db", str(db)], env)


def _wait_until_mifin_ends(db: Path) -> None:
    deadline = time.monotonic() + 15
    while subprocess.run(["pgrep", "-f", f"mifin.* --db {db}"],
                         capture_output=True).returncode == 0:
        if time.monotonic() > deadline:
            pytest.fail("mifin kept running after its terminal went away")
        time.sleep(0.1)


def test_a_dropped_connection_leaves_the_till_session_to_its_cashier(demo, tmp_path):  # noqa: F811
    db, users = demo
    assert _open_sessions(db) == []
    open_till(db, users, CASHIER)
    [(session_id, till_code)] = _open_sessions(db)
    [(number, surname)] = _query(
        db, "SELECT a.number, m.surname FROM account a JOIN member m ON m.id = a.member_id "
            "JOIN savings_account s ON s.account_id = a.id "
            "JOIN savings_product p ON p.id = s.product_id WHERE a.kind = 'savings' "
            "AND a.currency = 'USD' AND a.status = 'active' AND p.kind = 'free' "
            "AND NOT s.dormant ORDER BY a.id LIMIT 1")
    posted = _query(db, "SELECT count(*) FROM journal_transaction")[0][0]

    term = _terminal(db, tmp_path)
    try:
        log_in(term, CASHIER, users[CASHIER])
        term.wait_for(MAIN_MENU)
        term.press("F11")
        term.wait_for(DEPOSIT_FORM)
        term.type(number.replace("-", ""))
        term.press("Enter")
        term.wait_for(surname.upper())  # the account is found: the holder shows, the form goes on
        term.type("1234")  # a part of the name of whoever brings the cash, never submitted
    finally:
        term.close()  # the terminal is gone: mifin gets its hang-up mid-deposit
    _wait_until_mifin_ends(db)

    check = run_mifin("check", db=db)
    assert check.returncode == 0, check.stdout + check.stderr
    assert _query(db, "SELECT count(*) FROM journal_transaction")[0][0] == posted
    # Not closed, not taken away, not doubled: the same session, still his.
    assert _open_sessions(db) == [(session_id, till_code)]

    term = _terminal(db, tmp_path)
    try:
        log_in(term, CASHIER, users[CASHIER])
        screen = term.wait_for(MAIN_MENU)
        # (in English: --lang en holds over the cashier's own French)
        assert f"Till {till_code}" in screen.splitlines()[0], screen
    finally:
        term.close()
    _wait_until_mifin_ends(db)

    from mifin_tui import db as store
    from mifin_tui.db.models import Account, Voucher
    from mifin_tui.services.kernel import auth
    from mifin_tui.services.savings import deposits as savings_deposits

    store.open_database(db)
    try:
        ctx = auth.login(CASHIER, users[CASHIER])
        account = Account.get(Account.number == number)
        receipt = savings_deposits.deposit(ctx, account.id, 2_500, party_name="Titulaire",
                                           purpose="Après la coupure")
        voucher = Voucher.get(Voucher.number == receipt.voucher_number)
        assert voucher.session_id == session_id
    finally:
        store.close()
