"""A posted voucher goes to this workstation's printer; a failing printer loses nothing."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mifin_tui import config, db
from mifin_tui.db.models import Till
from mifin_tui.output import printing
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import accounts, ledger
from mifin_tui.services.members import register as members
from tests.conftest import FIRST_DAY


@pytest.fixture
def receipt(admin, make_user):
    cashier = make_user("cashier")
    with db.write_transaction():
        vault = tills.vault_of(admin.branch_id)
        capital = accounts.internal_account(admin.branch_id, "share_capital", "USD")
        ledger.post(admin, kind="capital", label="capital",
                    lines=[ledger.Line(tills.cash_account(vault, "USD").id, debit=100_000),
                           ledger.Line(capital.id, credit=100_000)])
        member = members.create_row(admin, {"surname": "Nzuzi", "first_name": "Françoise"},
                                    FIRST_DAY)
        acc = accounts.open_member_account(member, "savings_free", "USD", "Épargne",
                                           FIRST_DAY)
    tills.open_session(cashier, Till.get(Till.code == "C01").id, {})
    return cash.cash_in(cashier, acc.id, 123_450, party_name="Nzuzi Françoise",
                        purpose="Épargne du marché")


def _folder_ws(path) -> config.Workstation:
    return config.Workstation(receipt_printer=config.PrinterConfig("folder", str(path), 58))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")
def test_voucher_lands_in_the_folder_and_reads_back(receipt, tmp_path):
    outcome = printing.print_voucher(receipt.doc, _folder_ws(tmp_path))
    assert outcome.ok and outcome.path and outcome.path.exists()
    text = subprocess.run(["pdftotext", "-layout", str(outcome.path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert receipt.voucher_number in text
    assert "1 234,50 USD" in text
    assert "Françoise" in text
    flat = " ".join(text.split()).lower()
    assert "mille deux cent trente-quatre dollars américains et cinquante cents" in flat


def test_a_failing_printer_reports_and_the_voucher_stays_reprintable(receipt, make_user):
    ws = config.Workstation(receipt_printer=config.PrinterConfig("cups", "NO_SUCH_QUEUE"))
    outcome = printing.print_voucher(receipt.doc, ws)
    assert not outcome.ok and "reprinted" in outcome.message
    again = vouchers.reprint(make_user("manager"), receipt.voucher_number)
    assert again.number == receipt.voucher_number and again.duplicate
