"""Statements for a period (data, CSV, PDF, the CLI report) and the passbook that goes on
from its last printed line."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from mifin_tui.db.models import Account, SavingsAccount
from mifin_tui.output import statement_report as savings_reports
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import passbook as savings_passbook
from mifin_tui.services.savings import statements
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from printers.passbook import passbook_pdf
from printers.statement import statement_pdf
from tests.cli.helpers import run
from tests.conftest import FIRST_DAY
from tests.services.test_savings import branch  # noqa: F401 - the fixture

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@needs_pdftotext
def test_statement_of_a_period(branch, tmp_path):  # noqa: F811
    c = branch["cashier"]
    acc = branch["account"]
    savings_deposits.deposit(c, acc, 25_000, party_name="K", purpose="Recette de la boutique")
    savings_withdrawals.withdraw(c, acc, 5_000, purpose="Frais scolaires")
    doc = statements.statement(c, acc, FIRST_DAY, FIRST_DAY)
    assert doc.opening_balance == 0 and doc.closing_balance == 30_000
    assert [(ln.credit, ln.debit) for ln in doc.lines] == [(10_000, 0), (25_000, 0), (0, 5_000)]
    assert (doc.total_credit, doc.total_debit) == (35_000, 5_000)
    later = statements.statement(c, acc, date(2026, 12, 1), date(2026, 12, 31))
    assert later.opening_balance == 30_000 and later.lines == ()
    with pytest.raises(ValidationError):
        statements.statement(c, acc, FIRST_DAY, date(2026, 1, 1))
    csv_text = savings_reports.statement_csv(doc)
    # major units: "," and the point in English, ";" and the decimal comma in French
    assert csv_text.startswith("\ufeff")
    assert "Recette de la boutique,0.00,250.00,350.00" in csv_text
    assert "Recette de la boutique;0,00;250,00;350,00" in savings_reports.statement_csv(
        doc, "fr")
    text = pdf_text(statement_pdf(doc), tmp_path)
    assert "RELEVÉ DE COMPTE" in text and "Frais scolaires" in text and "300,00" in text


def test_the_statement_report_on_the_command_line(branch, db_path):  # noqa: F811
    number = Account.get_by_id(branch["account"]).number
    done = run("report", "statement", number, "--from", "2026-11-01", "--to", "2026-11-30",
               "--format", "csv", db=db_path)
    assert done.returncode == 0, done.stderr
    assert number in done.stdout and "Closing balance,100.00" in done.stdout
    bad = run("report", "statement", number, db=db_path)
    assert bad.returncode == 2 and "--from" in bad.stderr


@needs_pdftotext
def test_the_passbook_goes_on_from_the_last_printed_line(branch, tmp_path):  # noqa: F811
    c = branch["cashier"]
    acc = branch["account"]
    first = savings_passbook.take_for_printing(c, acc)
    assert (first.first_line, len(first.lines), first.page_format) == (1, 1, "A6")
    with pytest.raises(ValidationError, match="up to date"):
        savings_passbook.take_for_printing(c, acc)
    for n in range(17):
        savings_deposits.deposit(c, acc, 2_000 + n, party_name="K", purpose=f"Dépôt {n}")
    second = savings_passbook.take_for_printing(c, acc)
    assert second.first_line == 2 and len(second.lines) == 17
    # 1 + 17 lines on 16-line pages: the second page holds two.
    assert SavingsAccount.get_by_id(acc).passbook_line == 2
    text = pdf_text(passbook_pdf(second), tmp_path)
    assert text.count("\f") == 2 and "Dépôt 16" in text
    settings.put("passbook_format", "A5")
    savings_deposits.deposit(c, acc, 2_000, party_name="K", purpose="x")
    assert savings_passbook.pending(c, acc).lines_per_page == 24


def test_the_passbook_format_is_a5_or_a6(admin):
    with pytest.raises(ValidationError, match="One of: A5, A6"):
        settings.change(admin, "passbook_format", "A4")
    settings.change(admin, "passbook_format", "A5")
    assert savings_passbook.page_format() == "A5"
