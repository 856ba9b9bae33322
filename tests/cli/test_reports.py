"""`mifin report` for every report of the registry, in every format, on demo databases."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli.helpers import run

# The vault's GL account in each profile's chart.
VAULT = {"bcc": "571", "bceao": "101"}


@pytest.fixture(scope="module", params=["bcc", "bceao"])
def demo(request, tmp_path_factory, mifin_demos) -> Path:
    path, _stdout = mifin_demos.copy(tmp_path_factory.mktemp(request.param) / "demo.db",
                                     "--members", "15", "--seed", "11",
                                     "--regulator", request.param)
    return path


def report(demo: Path, *args: str) -> subprocess.CompletedProcess:
    proc = run("report", *args, db=demo)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_list_names_every_report():
    proc = run("report", "--list")
    assert proc.returncode == 0
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert names == ["cash-journal", "journal", "trial-balance", "account-sheet",
                     "balance-sheet", "income-statement", "statement",
                     "portfolio", "par", "arrears", "classification", "waiting-list",
                     "disbursements", "repayments", "repayment-rate", "write-offs",
                     "concentration", "guarantors", "loans-granted", "savings",
                     "largest-depositors", "members", "prudential", "movements",
                     "performance"]


def read_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    """A CSV export as a spreadsheet reads it: its byte order mark first (Excel's sign of
    UTF-8), then the rows (English: "," between cells)."""
    assert text.startswith("\ufeff"), text[:20]
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def amount(cell: str) -> Decimal:
    """An amount cell in major units with the decimal point (English), as Excel reads it."""
    assert cell == "" or "," not in cell, cell
    return Decimal(cell or "0")


def test_trial_balance_of_the_demo_balances(demo):
    rows = read_csv(report(demo, "trial-balance", "--format", "csv").stdout)
    assert rows[0][:3] == ["Account", "Name", "Opening debit"]
    totals = rows[-1]
    assert totals[1] == "Totals"
    od, oc, md, mc, cd, cc = (amount(v) for v in totals[2:])
    assert md > 0 and (od, md, cd) == (oc, mc, cc)
    # The accounts' lines add up to the totals.
    accounts = [r for r in rows[1:-1] if r[0]]
    assert sum(amount(r[4]) for r in accounts) == md


def test_balance_sheet_of_the_demo_balances_and_shows_the_result(demo):
    out = report(demo, "balance-sheet").stdout
    assert "Assets equal liabilities and equity." in out
    rows = read_csv(report(demo, "balance-sheet", "--format", "csv").stdout)
    by_label = {r[1]: amount(r[2]) for r in rows[1:] if not r[0] and r[2]}
    assert by_label["Total assets"] == by_label["Total liabilities and equity"] > 0
    # The demo's rent and electricity make a loss, carried into the liabilities side.
    assert by_label["Result of the year, not yet allocated (income less expenses)"] < 0


def test_xlsx_opens_with_openpyxl_and_holds_the_figures(demo, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "tb.xlsx"
    report(demo, "trial-balance", "--format", "xlsx", "--output", str(target))
    sheet = openpyxl.load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][0] == "Trial balance"
    header = next(i for i, r in enumerate(values) if r[0] == "Account")
    total = next(r for r in values if r[1] == "Totals")
    assert total[4] == total[5] and isinstance(total[4], (int, float, Decimal))
    csv_rows = read_csv(report(demo, "trial-balance", "--format", "csv").stdout)
    assert sheet.cell(row=header + 2, column=3).number_format.startswith("#,##0")
    # both in major units: the CSV's text and the workbook's number
    assert Decimal(str(total[4])) == amount(csv_rows[-1][4]) > 0
    assert len(values) - header - 2 == len(csv_rows) - 1  # same rows, then the note


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")
def test_pdf_of_each_report_reads_back(demo, tmp_path):
    for name, title, extra in (
            ("journal", "General journal", ()), ("trial-balance", "Trial balance", ()),
            ("balance-sheet", "Balance sheet", ()), ("income-statement", "Income statement", ()),
            ("account-sheet", "Account sheet", ("--account", VAULT[demo.parent.name[:-1]])),
            # The cash journal prints in the document language (French by default).
            ("cash-journal", "JOURNAL DE CAISSE", ())):
        target = tmp_path / f"{name}.pdf"
        report(demo, name, "--format", "pdf", "--output", str(target), *extra)
        text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert title.lower() in text.lower(), name
        assert "Page 1 /" in text and ("Printed" in text or "Imprimé" in text), name


def test_account_sheet_of_the_vault_in_a_table(demo):
    out = report(demo, "account-sheet", "--account", VAULT[demo.parent.name[:-1]]).stdout
    assert "Balance brought forward" in out
    assert "Vault excess paid into the bank" in out or "Rent of the branch" in out


def test_bad_parameters_are_refused_without_a_traceback(demo):
    proc = run("report", "account-sheet", db=demo)
    assert proc.returncode != 0 and "account" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("report", "trial-balance", "--format", "pdf", db=demo)
    assert proc.returncode != 0 and "--output" in proc.stderr
    proc = run("report", "nonsense", db=demo)
    assert proc.returncode != 0 and "--list" in proc.stderr


PORTFOLIO_REPORTS = ("portfolio", "par", "arrears", "classification", "waiting-list",
                     "disbursements", "repayments", "repayment-rate", "write-offs",
                     "concentration", "guarantors", "loans-granted", "savings",
                     "largest-depositors", "members")


def _csv(demo: Path, *args: str) -> list[list[str]]:
    return read_csv(report(demo, *args, "--format", "csv").stdout)


def test_portfolio_reports_agree_with_each_other_and_the_ledger(demo):
    """The loan reports of the demo: the portfolio's total is PAR's outstanding, the
    classification's and the largest exposures' (fewer than 20 borrowers), and the
    loan GL account's balance in the trial balance; every report answers in CSV."""
    from tests.cli.helpers import run as run_cli

    for name in PORTFOLIO_REPORTS:
        rows = _csv(demo, name, "--from", "2025-01-01")
        assert rows and rows[0], name
    total = amount(_csv(demo, "portfolio")[-1][2])
    assert total > 0
    par = _csv(demo, "par")
    assert {amount(r[3]) for r in par[1:4]} == {total}
    assert amount(_csv(demo, "classification")[-1][2]) == total
    assert amount(_csv(demo, "concentration")[-1][3]) == total
    # Filters: an unknown product is refused at its field; a known zone narrows.
    proc = run_cli("report", "portfolio", "--product", "NOPE", db=demo)
    assert proc.returncode != 0 and "NOPE" in proc.stderr


def test_report_dates_read_as_the_screens_write_them_or_iso(demo):
    # dd/mm/yyyy (as every screen and document writes a date) and ISO give the same report.
    for name, written, iso in (
        ("trial-balance", ["--date", "07/12/2026"], ["--date", "2026-12-07"]),
        ("trial-balance", ["--from", "1/11/2026", "--to", "07.12.2026"],
         ["--from", "2026-11-01", "--to", "2026-12-07"]),
        ("balance-sheet", ["--date", "30/11/2026"], ["--date", "2026-11-30"]),
        ("repayments", ["--from", "01/11/2026", "--to", "30/11/2026"],
         ["--from", "2026-11-01", "--to", "2026-11-30"]),
    ):
        a = report(demo, name, *written, "--format", "csv").stdout
        b = report(demo, name, *iso, "--format", "csv").stdout
        assert a == b and a.count("\n") > 1, name


def test_a_report_date_that_does_not_exist_is_a_usage_error(demo):
    proc = run("report", "trial-balance", "--date", "31/02/2026", db=demo)
    assert proc.returncode == 2
    assert "This date does not exist." in proc.stderr
    proc = run("report", "trial-balance", "--to", "2026/12/07", db=demo)
    assert proc.returncode == 2
    assert "dd/mm/yyyy" in proc.stderr



def test_every_report_reads_and_never_writes(demo):
    """Reports read, never write: every report of the registry, run on a demo with its
    defaults and over the whole history, leaves the database as it found it (no row
    inserted, updated or deleted on the connection, the same file bytes after a
    checkpoint)."""
    import hashlib

    from mifin_tui import db
    from mifin_tui.db.models import Account, Entry, Institution, JournalTransaction, pw
    from mifin_tui.services.kernel import institution
    from mifin_tui.services.reports import registry

    def digest() -> str:
        db.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return hashlib.sha256(demo.read_bytes()).hexdigest()

    db.open_database(demo)
    try:
        ctx = institution.operator_context()  # administrator and auditor: every report
        accounts = {
            "statement": (Account.select(Account.number)
                          .join(Entry, on=Entry.account == Account.id)
                          .where(Account.kind == "savings").group_by(Account.id)
                          .order_by(pw.fn.COUNT(Entry.id).desc()).scalar()),
            "account-sheet": VAULT[Institution.select(Institution.regulator).scalar()],
        }
        first = JournalTransaction.select(pw.fn.MIN(JournalTransaction.business_date)).scalar()
        before, changes = digest(), db.database.connection().total_changes
        for spec in registry.REPORTS.values():
            params = registry.ReportParams(account=accounts.get(spec.name))
            assert registry.run(spec.name, ctx, params).title
            if "date_from" in spec.params:
                assert registry.run(spec.name, ctx, registry.replace(
                    params, date_from=first)).title
        assert db.database.connection().total_changes == changes
        assert digest() == before
    finally:
        db.close()


def test_the_report_pack_prints_in_every_format(demo: Path, tmp_path: Path):
    """The regulator's pack (#20) through `mifin report`: the table, CSV and XLSX; the
    movements close on the portfolio's total."""
    table = report(demo, "prudential", "--date", "2026-12-07").stdout
    assert "Instruction 010-08-2010" in table or "lists no prudential ratio" in table
    # up to the demo's working day (the build's date): its loans may be paid out that day
    rows = _csv(demo, "movements", "--from", "2026-11-01")
    total = next(r for r in rows if r and r[0] == "Total")
    portfolio_total = amount(_csv(demo, "portfolio")[-1][2])
    assert amount(total[8]) == portfolio_total > 0
    assert amount(total[6]) == 0  # reclassifications move between classes only
    xlsx = tmp_path / "performance.xlsx"
    report(demo, "performance", "--from", "2026-11-01", "--format", "xlsx",
           "--output", str(xlsx))
    assert xlsx.read_bytes()[:2] == b"PK"
