"""Deposits and withdrawals typed as a cashier on the demo institution; the vouchers read
back from the PDF the folder printer wrote; a large withdrawal through the gérant."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, JournalTransaction, Voucher, WithdrawalRequest
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.screens.savings.deposit import DepositScreen
from mifin_tui.screens.savings.withdrawal import WithdrawalScreen
from mifin_tui.screens.savings.withdrawal_approvals import WithdrawalApprovalsScreen
from mifin_tui.services.kernel import auth
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import mandates as savings_mandates
from mifin_tui.widgets import FieldError
from tests.tui.conftest import SIZE, sign, type_text
from tests.tui.test_counter import counter, error_at, pdf_text, pdfs, settle, sign_in  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def cashier_day(ctx):
    from mifin_tui.services.kernel import business_day

    return business_day.open_date(ctx.branch_id)


def usd_account(ctx) -> Account:
    """A plain USD savings account of the demo: money on it, no hold, no mandataire (the
    tests add their own), whatever else the demo put on other accounts."""
    from mifin_tui.db.models import AccountHold, AccountMandate

    return (Account.select().where((Account.kind == "savings") & (Account.currency == "USD")
                                   & (Account.balance > 20_000) & (Account.status == "active")
                                   & Account.id.not_in(AccountMandate.select(
                                       AccountMandate.account))
                                   & Account.id.not_in(AccountHold.select(AccountHold.account)))
            .order_by(Account.id).first())


async def test_a_cashier_types_a_deposit_and_the_be_prints(counter):  # noqa: F811
    acc = usd_account(None)
    holder = members.display_name(acc.member)
    before = acc.balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, DepositScreen)
        await type_text(pilot, acc.number.replace("-", ""))
        await pilot.press("enter")
        await pilot.pause()
        assert holder in str(app.screen.query_one("#account-summary").render())
        assert app.screen.focused.id == "party_name"
        await pilot.press("enter", "enter")  # the holder deposits; no ID needed
        await type_text(pilot, "12.345")  # a cent too fine: refused at the field
        await pilot.press("enter")
        await pilot.pause()
        assert "decimals" in app.screen.query_one("#amount").error_message
        assert not isinstance(app.screen, ConfirmCashScreen)
        await pilot.press(*["backspace"] * 6)
        await type_text(pilot, "150")
        await pilot.press("enter", "enter")  # the purpose is filled: Enter submits
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCashScreen), app.screen
        shown = str(app.screen.query_one("#cash-preview").render())
        assert "Balance after" in shown
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        assert isinstance(app.screen, DepositScreen)
        result = str(app.screen.query_one("#deposit-result").render())
        assert "Posted with voucher BE-" in result
    assert Account.get_by_id(acc.id).balance == before + 15_000
    voucher = Voucher.select().where(Voucher.client_account == acc.id).order_by(
        Voucher.txn.desc()).first()
    assert voucher.series == "BE" and voucher.amount == 15_000 and voucher.number in result
    [pdf] = pdfs(counter["receipts"])
    text = pdf_text(pdf)

    assert voucher.number in text and acc.number in text
    assert "150,00" in text and "cent cinquante" in text.lower() and holder.split()[0] in text


async def test_a_cashier_pays_a_withdrawal_and_a_large_one_waits_for_the_gerant(
        counter):  # noqa: F811
    acc = usd_account(None)
    user = counter["users"]["caissier1"]
    cashier = auth.login(user.username, user.password)
    mandate = savings_mandates.add_mandate(
        cashier, acc.id, "Mwamba Kasongo Pierre", id_type="Passeport", id_number="OP-5521",
        consent_signed=True, consent_on=cashier_day(cashier), consent_reference="PROC-77")
    gerant = counter["users"]["gerant"]
    savings_mandates.decide_mandate(auth.login(gerant.username, gerant.password), mandate.id,
                                    True)
    # Enough on the account and in the till for the large withdrawal below.
    savings_deposits.deposit(cashier, acc.id, 200_000, party_name="Kabeya",
                             purpose="Vente du stock")
    before = Account.get_by_id(acc.id).balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, WithdrawalScreen)
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.pause()
        summary = str(app.screen.query_one("#account-summary").render())
        assert "May sign: the holder; " in summary
        assert "Mwamba Kasongo Pierre (Mandataire, Passeport OP-5521)" in summary
        assert app.screen.focused.id == "signatory"
        signers = [m.id for m in savings_accounts.account_view(cashier, acc.id).mandates]
        index = signers.index(mandate.id)
        await pilot.press("down", *["down"] * (index + 1), "enter")  # the mandataire signs
        await pilot.pause()
        assert app.screen.query_one("#signatory").value == str(mandate.id)
        app.screen.query_one("#amount").focus()
        await type_text(pilot, "40")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCashScreen), app.screen
        await sign(pilot, user.password)
        await settle(app, pilot)
        result = str(app.screen.query_one("#withdrawal-result").render())
        assert "Paid with voucher BS-" in result
        # Above the limit (1,000 USD): a request for the gérant, nothing paid.
        txns = JournalTransaction.select().count()
        app.screen.query_one("#amount").focus()
        await pilot.press(*["backspace"] * 12)
        await type_text(pilot, "1200")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), [
            str(e.render()) for e in app.screen.query(FieldError)]
        await pilot.press("f2")
        await pilot.pause()
        assert "waits for the manager's approval" in str(
            app.screen.query_one("#withdrawal-result").render())
        assert JournalTransaction.select().count() == txns
    assert Account.get_by_id(acc.id).balance == before - 4_000
    voucher = Voucher.select().where(Voucher.client_account == acc.id).order_by(
        Voucher.txn.desc()).first()
    assert voucher.series == "BS" and voucher.party_name == "Mwamba Kasongo Pierre"
    text = pdf_text(pdfs(counter["receipts"])[0])
    assert voucher.number in text and "Mwamba Kasongo Pierre" in text and "40,00" in text
    request = WithdrawalRequest.select().order_by(WithdrawalRequest.id.desc()).first()
    assert request.status == "pending" and request.amount == 120_000

    # The gérant approves on his own screen; then the cashier pays with F6.
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, WithdrawalApprovalsScreen)
        row = [r.id for r in app.screen.pending].index(request.id)
        await pilot.press(*["down"] * row, "f2")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "Client connu")
        await pilot.press("enter")
        await pilot.pause()
        assert "approved" in str(app.screen.query_one("#wapprovals-result").render())
    assert WithdrawalRequest.get_by_id(request.id).status == "approved"
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f12")
        await pilot.pause()
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCashScreen), app.screen
        await sign(pilot, user.password)
        await settle(app, pilot)
    assert WithdrawalRequest.get_by_id(request.id).status == "paid"
    assert Account.get_by_id(acc.id).balance == before - 4_000 - 120_000
