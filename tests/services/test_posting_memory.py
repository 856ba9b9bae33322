"""Deposits and their printed vouchers, one after the other as at the counter, keep no
memory: the goal of issue 23 is 5 MB over 500 deposits, i.e. 10 KB a deposit. Traced
allocations are counted (tracemalloc), never time or RSS."""

from __future__ import annotations

import gc
import tracemalloc

from mifin_tui.output import printing
from mifin_tui.services.savings import deposits as savings_deposits
from tests.services.test_savings import branch  # noqa: F401

WARM = 5  # caches that fill once (statements, catalogs, fonts) fill here
MEASURED = 20
PER_DEPOSIT = 10 * 1024


def test_deposits_and_their_vouchers_keep_no_memory(branch, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", f"folder:{tmp_path / 'receipts'}")
    cashier, account = branch["cashier"], branch["account"]

    def deposit(n: int) -> None:
        receipt = savings_deposits.deposit(cashier, account, 2_000 + n, party_name="Kabongo",
                                           purpose="Épargne du marché")
        outcome = printing.print_voucher(receipt.doc)
        assert outcome.ok, outcome.message

    for n in range(WARM):
        deposit(n)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(MEASURED):
            deposit(WARM + n)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(list((tmp_path / "receipts").glob("BE-*.pdf"))) == WARM + MEASURED
    assert grown < MEASURED * PER_DEPOSIT, f"{grown / 1024:.0f} KB kept by {MEASURED} deposits"
