"""`mifin close-day` as cron or the gérant at the server's shell would run it."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mifin_tui import db
from tests.cli.helpers import run
from tests.closing import data


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "branch.db"
    admin, manager, cashier = data.build(path)
    data.open_and_close_till(cashier, short_by=500)
    db.close()
    return path


@pytest.fixture
def branch(template, tmp_path) -> Path:
    path = tmp_path / "branch.db"
    shutil.copy(template, path)
    return path


def close_day(path: Path, *args: str, password: str = data.PASSWORD, user: str = "gerant"):
    return run("close-day", "--user", user, *args, db=path, input=password + "\n")


def test_close_day_prints_progress_and_writes_the_report(branch):
    # the only manager: no --user needed; --date: 31/12/2026 may be ahead of the calendar
    proc = close_day(branch, "--date", "2026-12-31")
    assert proc.returncode == 0, proc.stderr
    assert "[10/12] Year end: income and expenses closed to the result: 3/10" in proc.stdout
    assert "[11/12] Backup of the database: 1/1" in proc.stdout
    assert "Profit of the year: 500.00 USD" in proc.stdout
    assert "Till difference C01 (User caissier): -500 USD" in proc.stdout
    assert "Day 31/12/2026 closed; business day 01/01/2027 is open." in proc.stdout
    pdf = branch.parent / "branch-closing" / "KIN-2026-12-31-closing.pdf"
    assert f"Closing report: {pdf}" in proc.stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    # the document prints in the branch's document language (French by default)
    assert "Rapport de clôture" in text
    assert "31/12/2026" in text and "01/01/2027" in text
    assert "Bénéfice de l'exercice : 500,00 USD" in text
    assert "Fin d'exercice : produits et charges soldés au résultat" in text
    assert "KIN-2026-12-31.db" in text
    assert "-5,00" in text  # the till shortage

    again = close_day(branch, "--date", "2026-12-31")
    assert again.returncode == 1
    assert "already closed" in one_error_line(again)


def test_close_day_refuses_with_an_open_till_and_says_what_to_do(branch):
    db.open_database(branch)
    try:
        from mifin_tui.db.models import Till
        from mifin_tui.services.cash import tills
        from mifin_tui.services.kernel import auth

        cashier = auth.login("caissier", data.PASSWORD)
        till = Till.get(Till.code == "C01")
        tills.open_session(cashier, till.id, {cur: tills.breakdown(bal, cur) for cur, bal
                                              in tills.till_balances(till).items()})
    finally:
        db.close()
    proc = close_day(branch, "--date", "2026-12-31")
    assert proc.returncode == 1
    assert "closing refused: 1 check(s) failed; nothing was changed." in one_error_line(proc)
    assert "BLOCKING: Till C01 is still open (cashier User caissier" in proc.stdout
    assert "what to do: The cashier counts his till and closes it" in proc.stdout


def test_close_day_wants_the_managers_password(branch):
    proc = close_day(branch, password="wrong")
    assert proc.returncode == 1
    one_error_line(proc)
    assert "closed" not in proc.stdout
    # no default manager (#21): whoever runs it names himself
    nobody = run("close-day", db=branch, input=data.PASSWORD + "\n")
    assert nobody.returncode == 2 and "--user" in nobody.stderr


def test_close_day_usage_errors_exit_2(branch):
    proc = close_day(branch, "--date", "31/02/2026")
    assert proc.returncode == 2
    assert "does not exist" in one_error_line(proc)
    proc = close_day(branch, "--date", "Monday")
    assert proc.returncode == 2
    assert "dd/mm/yyyy" in one_error_line(proc)


def test_check_prints_the_ledger_digest(branch):
    proc = run("check", db=branch)
    assert proc.returncode == 0
    assert "Ledger digest: " in proc.stdout


def close_day_on_calendar(path: Path, today: datetime, *args: str, monkeypatch, capsys
                          ) -> tuple[int, str, str]:
    """`mifin close-day` run in this process with the calendar at `today` (a subprocess
    reads the machine's calendar, which no test can fix)."""
    from mifin_tui import cli
    from mifin_tui.services.kernel import clock

    monkeypatch.setattr("sys.stdin", io.StringIO(data.PASSWORD + "\n"))
    try:
        with clock.simulated(lambda: today):
            code = cli.main(["--lang", "en", "--db", str(path), "close-day", "--user",
                             "gerant", *args])
    finally:
        db.close()
    out = capsys.readouterr()
    return code, out.out, out.err


def business_days(path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute('SELECT "date", "status" FROM "business_day" ORDER BY "date"'
                           ).fetchall()
    finally:
        con.close()


def test_close_day_without_date_refuses_a_day_the_calendar_has_not_reached(
        branch, monkeypatch, capsys):
    """A cron retry after a successful closing must not close the next day at once."""
    eve = datetime(2026, 12, 30, 23, 0, tzinfo=UTC)
    before = business_days(branch)
    code, out, err = close_day_on_calendar(branch, eve, monkeypatch=monkeypatch,
                                           capsys=capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines == ["mifin: The open business day 31/12/2026 has not begun (today is "
                     "30/12/2026); close it with --date 31/12/2026 if that is meant."]
    assert "closed" not in out
    assert business_days(branch) == before  # nothing changed

    # the calendar reaches the day: the same command closes it
    code, out, err = close_day_on_calendar(branch, datetime(2026, 12, 31, 22, 0, tzinfo=UTC),
                                           monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert "Day 31/12/2026 closed; business day 01/01/2027 is open." in out
    # the cron retry the same night: 01/01/2027 has not begun, refused again
    code, out, err = close_day_on_calendar(branch, datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
                                           monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert "01/01/2027 has not begun" in err
    assert ("2027-01-01", "open") in business_days(branch)


def test_close_day_with_an_explicit_date_closes_a_day_ahead_of_the_calendar(
        branch, monkeypatch, capsys):
    eve = datetime(2026, 12, 30, 23, 0, tzinfo=UTC)
    code, out, err = close_day_on_calendar(branch, eve, "--date", "31/12/2026",
                                           monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert "Day 31/12/2026 closed; business day 01/01/2027 is open." in out
    assert ("2026-12-31", "closed") in business_days(branch)
