"""Kill the closing (SIGKILL) at several points, run it again, and get the very ledger an
uninterrupted closing of the same data gives (the `mifin check` digest).

The closing runs in a real `mifin close-day` subprocess; the fault hook of
services/closing/nightly.py (MIFIN_CLOSING_FAULT, checked at every batch in the real code
path) makes it kill itself at the chosen batch, before or after that batch commits.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.services.kernel import settings
from tests.cli.helpers import run
from tests.closing import data


def digest(path: Path) -> str:
    proc = run("check", db=path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return re.search(r"Ledger digest: ([0-9a-f]{64})", proc.stdout).group(1)


def close_day(path: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {"MIFIN_CLOSING_FAULT": fault} if fault else None
    # --date: the branch's day (31/12/2026) may be later than the calendar's
    return run("close-day", "--user", "gerant", "--date", data.YEAR_END.isoformat(), db=path,
               input=data.PASSWORD + "\n", env=env)


def state(path: Path) -> dict:
    con = sqlite3.connect(path)
    try:
        return {
            "days": con.execute("SELECT date, status FROM business_day ORDER BY date").fetchall(),
            "steps": con.execute("SELECT key, status, cursor, batches, items, amounts "
                                 "FROM closing_step ORDER BY position").fetchall(),
            "year_end": con.execute("SELECT count(*) FROM journal_transaction "
                                    "WHERE kind = 'year_end_closing'").fetchone()[0],
            "loans": con.execute("SELECT id, state, days_past_due, classification, "
                                 "provision FROM loan ORDER BY id").fetchall(),
            "instalments": con.execute(
                "SELECT id, principal_paid, interest_paid, penalties_due, penalties_paid, "
                "interest_accrued, paid_on FROM loan_installment ORDER BY id").fetchall(),
            "loan_rows": [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
                "repayment", "repayment_allocation", "loan_penalty", "loan_classification")],
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "branch.db"
    admin, manager, cashier = data.build(path)
    data.add_loans(admin, 28, data.YEAR_END)  # due today, paid, in arrears, no savings
    with db.write_transaction():
        settings.put("loan_provision_rates", {"impaye": 500, "douteux": 2500})
    data.open_and_close_till(cashier, short_by=500)
    db.close()
    return path


@pytest.fixture(scope="module")
def uninterrupted(template, tmp_path_factory) -> tuple[str, dict]:
    path = tmp_path_factory.mktemp("straight") / "branch.db"
    shutil.copy(template, path)
    proc = close_day(path)
    assert proc.returncode == 0, proc.stderr
    done = state(path)
    # the loan steps had work: debits with their allocations, penalties, classifications,
    # loans moved to arrears with a provision
    assert all(n > 0 for n in done["loan_rows"]), done["loan_rows"]
    assert any(state == "in_arrears" and provision > 0
               for _i, state, _d, _c, provision in done["loans"])
    return digest(path), done


def copy_of(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "branch.db"
    shutil.copy(template, path)
    return path


KILL_POINTS = [
    "checks:1:after_commit",  # the day just marked closing, no step run
    "auto_debit:1:before_commit",  # the first loans debited, not committed
    "auto_debit:2:after_commit",  # two batches of debits committed
    "penalties:2:before_commit",
    "loan_interest:1:after_commit",
    "loan_ageing:3:before_commit",  # loans moved to arrears, provisions posted
    "loan_ageing:9:after_commit",
    "year_end:1:before_commit",  # the first batch posted, not committed
    "year_end:2:after_commit",  # two batches committed, two to go
    "year_end:4:before_commit",  # the last batch
    "backup:1:copied",  # the copy written as .partial, not yet under its name
    "backup:1:before_commit",  # the copy in place, not yet recorded
    "close_day:1:before_commit",  # everything done but the day's move
]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_killed_closing_resumes_to_the_same_ledger(point, template, uninterrupted,
                                                      tmp_path):
    path = copy_of(template, tmp_path)
    killed = close_day(path, fault=f"{point}:kill")
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    halfway = state(path)
    assert ("2026-12-31", "closing") in halfway["days"]
    if point == "backup:1:copied":
        assert (tmp_path / "branch-closing" / "KIN-2026-12-31.db.partial").exists()

    resumed = close_day(path)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Day 31/12/2026 closed; business day 01/01/2027 is open." in resumed.stdout
    expected_digest, expected_state = uninterrupted
    assert digest(path) == expected_digest
    assert state(path) == expected_state
    assert (tmp_path / "branch-closing" / "KIN-2026-12-31.db").exists()
    assert not list((tmp_path / "branch-closing").glob("*.partial"))


def test_killed_twice_then_resumed(template, uninterrupted, tmp_path):
    path = copy_of(template, tmp_path)
    assert close_day(path, fault="year_end:1:after_commit:kill").returncode == -9
    assert close_day(path, fault="year_end:3:before_commit:kill").returncode == -9
    assert close_day(path).returncode == 0
    assert digest(path) == uninterrupted[0]


def test_one_closing_at_a_time_and_cashiers_wait(template, tmp_path):
    """A closing paused between two batches: a second one, from another process, is
    refused; a cashier opening his till is told a closing is in progress."""
    from tests.cli.helpers import MIFIN

    path = copy_of(template, tmp_path)
    marker = tmp_path / "paused"
    env = {k: v for k, v in os.environ.items() if k != "MIFIN_DB"}
    env["MIFIN_CLOSING_FAULT"] = f"year_end:1:after_commit:pause:{marker}"
    secret = tmp_path / "password"
    secret.write_text(data.PASSWORD + "\n")
    with secret.open() as stdin:
        first = subprocess.Popen([*MIFIN, "--lang", "en", "--db", str(path), "close-day",
                                  "--user", "gerant", "--date", data.YEAR_END.isoformat()],
                                 stdin=stdin, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), first.stderr.read() if first.poll() is not None else ""

        second = close_day(path)
        assert second.returncode == 1
        assert "A closing is already running" in second.stderr

        db.open_database(path)
        try:
            from mifin_tui.db.models import Till
            from mifin_tui.services.cash import tills
            from mifin_tui.services.kernel import auth
            from mifin_tui.services.kernel.errors import BusinessDayClosed

            cashier = auth.login("caissier", data.PASSWORD)
            with pytest.raises(BusinessDayClosed, match="Closing in progress"):
                tills.open_session(cashier, Till.get(Till.code == "C01").id, {})  # refused
        finally:
            db.close()
        marker.unlink()
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        assert "business day 01/01/2027 is open" in out
    finally:
        if first.poll() is None:
            first.kill()
