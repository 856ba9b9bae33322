"""A cashier types a repayment on a disbursed demo loan: the loan number, what is due,
the amount, the confirmation with the split; the BR read back from PDF carries the
principal, interest and penalty amounts, the loan becomes active, the ledger balances."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanInstallment, Repayment
from mifin_tui.i18n import current_language, translator
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.loans.repayment import RepaymentScreen
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import repayment_writer as balances
from mifin_tui.widgets.formatting import fmt_amount
from tests.tui.conftest import SIZE, choose_entry, sign, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle, sign_in  # noqa: F401
from tests.tui.test_loan_life import approved_demo_loan, users_of

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def _due_loan(counter) -> tuple[Loan, LoanInstallment]:  # noqa: F811
    """A loan of a demo member paid out by caissier1, whose first instalment falls due
    today (as if paid out a period ago)."""
    loan_id = approved_demo_loan(counter, "Commerce de pagnes", "Vente de pagnes", "Étal vu")
    loan_disbursement.disburse(auth.login(*users_of(counter, "caissier1")), loan_id)
    loan = Loan.get_by_id(loan_id)
    rows = list(loan.installments.order_by(LoanInstallment.no))
    shift = rows[0].due_date - loan.disbursed_on
    with write_transaction():
        for r in rows:
            r.due_date = r.due_date - shift
            r.save()
    return loan, rows[0]



def _shows_the_remaining_figures(app, counter, loan_id: int):
    """The three remaining figures of the screen's service function, labelled alike in
    the result and the refreshed due panel (and on the BR: test_loan_documents)."""
    left = balances.remaining(auth.login(*users_of(counter, "caissier1")), loan_id)
    shown = [str(app.screen.query_one(f"#{w}").render()) for w in ("repay-result", "repay-due")]
    for line in left.lines(translator(current_language())):
        for text in shown:
            assert f"{line.label[:46]:<46}{fmt_amount(line.amount, 'USD'):>20}" in text
    return left


async def test_cashier_types_a_repayment_and_the_br_prints_the_split(counter):  # noqa: F811
    loan, first = _due_loan(counter)
    amount = first.interest_due + first.principal_due // 2
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "repayment")
        assert isinstance(app.screen, RepaymentScreen)
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        due = str(app.screen.query_one("#repay-due").render())
        assert fmt_amount(first.interest_due + first.principal_due, "USD") in due
        assert app.focused.id == "channel"
        await pilot.press("enter")  # cash: the source account and reference are skipped
        await pilot.press("enter")  # the borrower pays himself
        assert app.focused.id == "amount" or app.focused.parent.id == "amount"
        await pilot.press(*["backspace"] * 20)
        await type_text(pilot, fmt_amount(amount, "USD", symbol=False))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        lines = str(app.screen.query_one("#confirm-lines").render())
        assert fmt_amount(first.interest_due, "USD") in lines
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        assert "BR" in str(app.screen.query_one("#repay-result").render())
        left = _shows_the_remaining_figures(app, counter, loan.id)
    rep = Repayment.get(Repayment.loan == loan.id)
    assert (rep.amount, rep.interest, rep.principal, rep.penalties) == (
        amount, first.interest_due, first.principal_due // 2, 0)
    assert Loan.get_by_id(loan.id).state == "active"
    [br] = [p for p in pdfs(counter["receipts"]) if "BR" in p.name]
    text = pdf_text(br)  # documents print in French
    assert "BON DE REMBOURSEMENT" in text and loan.account.number in text
    for label, part in (("Capital", rep.principal), ("Intérêts", rep.interest),
                        ("Pénalités", 0)):
        line = next(x for x in text.splitlines() if x.startswith(label))
        assert format_amount(part, "USD", "fr", symbol=False) in line
    assert format_amount(amount, "USD", "fr", symbol=False) in text
    assert "dollar" in text.split("Capital (")[1].split(")")[0]  # in words too
    rows = [" ".join(x.split()) for x in text.splitlines()]
    for line in left.lines(translator("fr")):
        first_word = line.label.split()[0]
        assert any(r.startswith(first_word) and r.endswith(format_amount(line.amount, "USD",
                                                                         "fr"))
                   for r in rows), (line.label, text)
    assert check.run().ok


async def test_f8_on_the_loan_card_opens_the_repayment_of_that_loan(counter):  # noqa: F811
    loan, first = _due_loan(counter)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "loan_card")
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, RepaymentScreen) and app.screen.loan_id == loan.id
        due = str(app.screen.query_one("#repay-due").render())
        assert loan.number in due
        assert fmt_amount(first.interest_due + first.principal_due, "USD") in due


async def _to_amount_and_confirm(app, pilot, amount: int, password: str) -> None:
    await pilot.press(*["backspace"] * 20)
    await type_text(pilot, fmt_amount(amount, "USD", symbol=False))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    await sign(pilot, password)
    await settle(app, pilot)


async def test_mobile_money_with_its_reference_then_the_same_reference_refused(
        counter):  # noqa: F811
    loan, first = _due_loan(counter)
    amount = first.interest_due
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "repayment")
        await type_text(pilot, loan.account.number)  # the loan's account number
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused.id == "channel"
        await pilot.press("down", "down", "down", "enter")  # open, savings, mobile money
        await pilot.pause()
        assert app.screen.query_one("#channel").value == "mobile_money"
        assert app.screen.query_one("#source_account").disabled
        await pilot.press("enter")
        assert app.focused.id == "reference"
        await type_text(pilot, "mp-88121")
        await pilot.press("enter", "enter")  # the reference, then nobody named
        await _to_amount_and_confirm(app, pilot, amount,
                                     counter["users"]["caissier1"].password)
        assert "BR" in str(app.screen.query_one("#repay-result").render())
        # the same reference again: refused at its field, nothing posted
        app.screen.query_one("#reference").value = "MP-88121"
        app.screen.query_one("#amount").focus()
        await _to_amount_and_confirm(app, pilot, 100, counter["users"]["caissier1"].password)
        assert "MP-88121" in str(app.screen.query_one("#error-reference").render())
    [rep] = list(Repayment.select().where(Repayment.loan == loan.id))
    assert (rep.channel, rep.reference, rep.amount) == ("mobile_money", "MP-88121", amount)
    [br] = [p for p in pdfs(counter["receipts"]) if "BR" in p.name]
    text = pdf_text(br)
    assert "BON DE REMBOURSEMENT" in text and "MP-88121" in text
    assert text.count("BON DE REMBOURSEMENT") == 2  # client copy and till copy
    line = next(x for x in text.splitlines() if x.startswith("Intérêts"))
    assert format_amount(amount, "USD", "fr", symbol=False) in line
    assert check.run().ok


async def test_from_the_members_savings_account_found_by_the_member_search(
        counter):  # noqa: F811
    from mifin_tui.db.models import Account

    loan, first = _due_loan(counter)
    amount = first.interest_due
    source = loan.linked_account
    balance = source.balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "repayment")
        app.screen.query_one("#member").focus()
        await type_text(pilot, loan.member.number)
        await pilot.pause(0.6)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.loan_id == loan.id
        assert app.focused.id == "channel"
        await pilot.press("down", "down", "enter")  # open, savings
        await pilot.pause()
        await pilot.press("enter")
        assert app.focused.id == "source_account"
        await pilot.press("enter", "enter")  # the linked account (first), nobody named
        await _to_amount_and_confirm(app, pilot, amount,
                                     counter["users"]["caissier1"].password)
        assert "BR" in str(app.screen.query_one("#repay-result").render())
        _shows_the_remaining_figures(app, counter, loan.id)
    rep = Repayment.get(Repayment.loan == loan.id)
    assert (rep.channel, rep.source_account_id) == ("savings", source.id)
    assert Account.get_by_id(source.id).balance == balance - amount
    assert check.run().ok
