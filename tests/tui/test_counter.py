"""The counter, keys pressed as a cashier and a manager would, on the demo institution.

Each test checks what was written (sessions, counts, transfers, vouchers, audit) and
what was printed (the PDF in the folder printer, read back with pdftotext), not only
what the screen says.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import (
    AuditLog,
    TillBalance,
    TillCount,
    TillSession,
    TransferRequest,
    User,
    Voucher,
)
from mifin_tui.screens.cash.journal import CashJournalScreen
from mifin_tui.screens.cash.reprint import ReprintScreen
from mifin_tui.screens.cash.till_count import CloseTillScreen, TillCountScreen
from mifin_tui.screens.cash.till_open import OpenTillScreen
from mifin_tui.screens.cash.transfer_approvals import ApprovalsScreen
from mifin_tui.screens.cash.vault_transfer import VaultTransferScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.kernel import auth
from mifin_tui.widgets import FieldError
from tests.tui.conftest import SIZE, choose_entry, login, open_tills, sign, type_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


@pytest.fixture
def counter(demo_db, tmp_path, monkeypatch):
    """The demo branch with tills C01 and C02 opened by their cashiers, staff working in
    English, printers writing PDF files to folders of the test."""
    *_rest, demo = demo_db
    User.update(language="en").execute()
    open_tills({u.username: u for u in demo.users})
    receipts, documents = tmp_path / "receipts", tmp_path / "documents"
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", f"folder:{receipts}")
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{documents}")
    users = {u.username: u for u in demo.users}
    return {"users": users, "receipts": receipts, "documents": documents}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


async def settle(app: MifinApp, pilot) -> None:
    """Let the print workers finish and their messages arrive."""
    await app.workers.wait_for_complete()
    await pilot.pause()


def error_at(app: MifinApp, field_id: str) -> str:
    return app.screen.query_one(f"#error-{field_id}", FieldError).message


async def sign_in(pilot, counter, username: str) -> None:
    user = counter["users"][username]
    await login(pilot, user.username, user.password)


def close_quietly(username: str, password: str):
    """Close a demo till by service with a count that matches the books."""
    ctx = auth.login(username, password)
    till = next(t for t in tills.list_tills(ctx) if t.id == tills.my_session(ctx).till_id)
    tills.close_session(ctx, {cur: tills.breakdown(till.balances.get(cur, 0), cur)
                              for cur in till.currencies})
    return till


async def test_open_a_till_with_a_count_and_a_bad_count_writes_nothing(counter):
    cashier = counter["users"]["caissier1"]
    till = close_quietly(cashier.username, cashier.password)
    first_cur = till.currencies[0]
    first_denom = tills.denominations(first_cur)[0]
    sessions_before = TillSession.select().count()
    counts_before = TillCount.select().count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, OpenTillScreen)
        assert "CLOSED" in str(app.screen.query_one("#detail").render())
        await pilot.press("enter")  # C01, the first till
        await pilot.pause()
        assert isinstance(app.screen, TillCountScreen)

        await type_text(pilot, "1O")  # a letter O for a zero
        await pilot.press("enter", "f2")
        await pilot.pause()
        field = f"count-{first_cur}-{first_denom}"
        assert error_at(app, field) == "A count is a whole number, zero or more."
        assert app.screen.focused.id == field
        assert not isinstance(app.screen, ConfirmDialog)
        assert TillSession.select().count() == sessions_before
        assert TillCount.select().count() == counts_before

        await pilot.press("backspace", "0", "enter", "2", "enter")  # 10 and 2 notes
        await pilot.press("f2")  # a difference without a note: refused at the note
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "Explain the difference" in error_at(app, "note")
        assert app.screen.focused.id == "note"
        assert TillSession.select().count() == sessions_before

        await type_text(pilot, "Recount with the manager")
        await pilot.press("enter")  # the note submits: the confirmation again
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, OpenTillScreen)
        assert "Till C01 is open for" in str(app.screen.query_one("#till-message").render())
        assert app.status.till == "C01"

    session = TillSession.get((TillSession.till == till.id) & (TillSession.status == "open"))
    assert session.cashier.username == "caissier1"
    second = tills.denominations(first_cur)[1]
    assert {(c.currency, c.denomination, c.quantity)
            for c in TillCount.select().where(TillCount.session == session)} == {
        (first_cur, first_denom, 10), (first_cur, second, 2)}
    balance = TillBalance.get((TillBalance.session == session)
                              & (TillBalance.currency == first_cur))
    assert balance.counted == 10 * first_denom + 2 * second
    assert balance.note == "Recount with the manager"
    assert balance.difference == balance.counted - till.balances[first_cur]


async def test_vault_supply_prints_its_tc_voucher(counter):
    cashier = counter["users"]["caissier1"]
    views = tills.list_tills(auth.login(cashier.username, cashier.password))
    vault = next(t for t in views if t.kind == "vault")
    till = next(t for t in views if t.code == "C01")
    currency = max(till.currencies, key=lambda cur: vault.balances.get(cur, 0))
    # a branch that lets small transfers pass without the gérant (the default, 0, has
    # every one wait: tests/services/test_cash_controls.py)
    from mifin_tui import db
    from mifin_tui.services.kernel import settings

    with db.write_transaction():
        settings.put("transfer_approval_limit", {currency: 100_000_000})
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, VaultTransferScreen)
        await pilot.press("enter")  # supply
        await pilot.press("down", *["down"] * till.currencies.index(currency), "enter")
        assert app.screen.currency == currency
        await pilot.press("enter")
        await type_text(pilot, "250")
        await pilot.press("enter")
        await type_text(pilot, "Morning float")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), app.screen
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        result = str(app.screen.query_one("#transfer-result").render())
        assert result, [str(e.render()) for e in app.screen.query(FieldError)]

    transfer = TransferRequest.select().order_by(TransferRequest.id.desc()).first()
    assert transfer.status == "posted" and transfer.reason == "Morning float"
    assert transfer.currency == currency
    voucher = Voucher.get(Voucher.txn == transfer.txn_id)
    assert voucher.series == "TC" and voucher.number in result
    [pdf] = pdfs(counter["receipts"])
    assert voucher.number in pdf_text(pdf) and "Morning float" in pdf_text(pdf)


async def test_a_transfer_without_an_amount_or_of_zero_is_refused_at_the_amount(counter):
    """The amount is read again on F2: none typed, or zero, stops at the field (its
    message, the cursor back on it) and nothing is asked nor written."""
    before = TransferRequest.select().count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VaultTransferScreen)
        amount = screen.query_one("#amount")
        for typed, message in (("", "Enter an amount greater than zero."),
                               ("0", "The amount must be more than zero.")):
            amount.value = typed
            screen.query_one("#reason").focus()
            await type_text(pilot, "x")
            await pilot.press("f2")
            await pilot.pause()
            assert app.screen is screen, app.screen
            assert amount.error_message == message
            assert amount.has_focus_within
    assert TransferRequest.select().count() == before


async def test_close_the_till_with_a_shortage_and_print_the_cash_journal(counter):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CloseTillScreen)
        till = screen.till
        await pilot.press("tab")  # nothing counted in the first row: a shortage
        await pilot.press("shift+tab")
        app.screen.query_one("#note").focus()
        await type_text(pilot, "Counted twice")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "SHORTAGE" in str(app.screen.query_one("#confirm-lines").render())
        await pilot.press("enter")  # close
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # print the cash journal?
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and "Till C01 is closed." in str(
            screen.query_one("#count-result").render())
        assert app.status.till is None

        # The manager's view of the day: the cash journal screen, printed again.
        await pilot.press("escape", "f7")
        await settle(app, pilot)  # the journal is read in a thread
        assert isinstance(app.screen, CashJournalScreen)
        assert app.screen.query_one("#till").value == ""  # no till open: the branch
        await pilot.press("f6")
        await settle(app, pilot)
        printed = str(app.screen.query_one("#print-result").render())

    session = TillSession.select().where(TillSession.till == till.id).order_by(
        TillSession.id.desc()).first()
    assert session.status == "closed"
    shortage = [b for b in TillBalance.select().where((TillBalance.session == session)
                                                      & (TillBalance.moment == "close"))]
    assert all(b.counted == 0 and b.difference == -b.book for b in shortage)
    assert {b.note for b in shortage} == {"Counted twice"}
    journals = pdfs(counter["documents"])
    assert len(journals) == len(till.currencies) + 1  # the till's, then the branch's
    assert "Saved as" in printed
    till_journal = pdf_text(journals[0])
    assert "C01" in till_journal and "Counted twice" in till_journal


async def test_the_manager_approves_the_pending_transfer(counter):
    cashier = counter["users"]["caissier2"]
    ctx = auth.login(cashier.username, cashier.password)
    # the demo leaves one supply above the limit waiting for the gérant; else ask for one
    if not TransferRequest.select().where(TransferRequest.status == "pending").exists():
        vault = next(t for t in tills.list_tills(ctx) if t.kind == "vault")
        currency = next(c for c, b in vault.balances.items()
                        if b > transfers.approval_limit(c) + 100)
        asked = transfers.request(ctx, "supply", currency,
                                  transfers.approval_limit(currency) + 100, "Group disbursement")
        assert asked.status == "pending"
    [waiting] = TransferRequest.select().where(TransferRequest.status == "pending")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalsScreen)
        assert [t.id for t in app.screen.pending] == [waiting.id]
        await pilot.press("f2")
        await type_text(pilot, "Group disbursement checked")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.pending == []

    done = TransferRequest.get_by_id(waiting.id)
    assert done.status == "posted" and done.decision_note == "Group disbursement checked"
    assert done.decided_by.username == "gerant"
    voucher = Voucher.get(Voucher.txn == done.txn_id)
    [pdf] = pdfs(counter["receipts"])
    assert voucher.number in pdf_text(pdf)


async def test_reprint_prints_a_duplicata_and_is_audited(counter):
    voucher = Voucher.select().where(Voucher.series == "BE").order_by(Voucher.txn).first()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "reprint")  # arrows to it in the menu, Enter
        assert isinstance(app.screen, ReprintScreen)
        await type_text(pilot, voucher.number.lower())
        await pilot.press("enter")  # search, then the list
        await pilot.pause()
        await pilot.press("enter")  # reprint the one found
        await settle(app, pilot)

        # The palette finds a voucher by its number too (and reprints nothing by itself).
        await pilot.press("escape", "ctrl+p")
        await type_text(pilot, voucher.number[1:])  # "E-KIN-2026-000001"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReprintScreen)
        assert app.screen.query_one("#search").value == voucher.number
        assert app.screen.current.number == voucher.number

    [pdf] = pdfs(counter["receipts"])
    text = pdf_text(pdf)
    assert "DUPLICATA" in text and voucher.number in text
    assert AuditLog.select().where((AuditLog.action == "voucher.reprint")
                                   & (AuditLog.entity_id == voucher.number)).count() == 1
