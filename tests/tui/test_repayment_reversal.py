"""The cashier reverses a cash repayment made in error the same day: the loan, the
repayment in the list, the reason, the manager's user name and password; the mirror
transaction is posted, the instalments are as before, the ledger balances. Without the
manager, nothing is reversed."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import JournalTransaction, LoanInstallment, Repayment
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.loans.repayment_reversal import RepaymentReversalScreen
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import auth
from mifin_tui.services.loans import repayments
from tests.tui.conftest import SIZE, choose_entry, type_text
from tests.tui.test_counter import counter, settle, sign_in  # noqa: F401
from tests.tui.test_loan_life import users_of
from tests.tui.test_repayment import _due_loan


def _paid(loan_id: int) -> list[tuple[int, int]]:
    return [(r.principal_paid, r.interest_paid) for r in LoanInstallment.select().where(
        LoanInstallment.loan == loan_id).order_by(LoanInstallment.no)]


async def _fill(app, pilot, loan, reason: str, manager: tuple[str, str] | None) -> None:
    await choose_entry(app, pilot, "repayment_reversal")
    assert isinstance(app.screen, RepaymentReversalScreen)
    await type_text(pilot, loan.number)
    await pilot.press("enter")
    await pilot.pause()
    assert app.focused.id == "repayments"
    await pilot.press("enter")  # the latest, first in the list
    await pilot.pause()
    assert app.focused.id == "reason"
    await type_text(pilot, reason)
    await pilot.press("enter")
    if manager is not None:
        await type_text(pilot, manager[0])
        await pilot.press("enter")
        await type_text(pilot, manager[1])
    else:
        await pilot.press("enter")
    await pilot.press("enter")
    await pilot.pause()


async def test_same_day_reversal_with_the_managers_password(counter):  # noqa: F811
    loan, first = _due_loan(counter)
    before = _paid(loan.id)
    cashier = auth.login(*users_of(counter, "caissier1"))
    receipt = repayments.repay(cashier, loan.id, first.interest_due, party_name="A")
    assert _paid(loan.id) != before
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await _fill(app, pilot, loan, "Montant saisi sur le mauvais crédit", None)
        # no manager: refused after the confirmation, nothing reversed
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert Repayment.get_by_id(receipt.repayment_id).reversal_txn_id is None
        refusal = str(app.screen.query_one("#error-form").render())
        assert "manager's approval" in refusal or "accord du gérant" in refusal
        await pilot.press("escape")
        await pilot.pause()
        await _fill(app, pilot, loan, "Montant saisi sur le mauvais crédit",
                    users_of(counter, "gerant"))
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        await settle(app, pilot)
        assert "OD" in str(app.screen.query_one("#reversal-result").render())
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert rep.reversal_txn_id is not None
    assert JournalTransaction.get_by_id(rep.reversal_txn_id).reverses_id == receipt.txn_id
    assert rep.reversal_reason == "Montant saisi sur le mauvais crédit"
    assert _paid(loan.id) == before
    assert check.run().ok
