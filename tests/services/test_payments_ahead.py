"""A member paying ahead at the counter (#20): under a product that accepts payments
ahead ("future_in_order", as the demo's products do), what is above the amount due pays
the next instalments, nearest first; under "refuse" the same amount is refused."""

from __future__ import annotations

import pytest

from mifin_tui.db.models import LoanInstallment, LoanProduct, Repayment
from mifin_tui.services.admin import check
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.loans import repayments
from tests.services.test_loans import world  # noqa: F401
from tests.services.test_repayments import age, disbursed


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _owed(r: LoanInstallment) -> int:
    return r.principal_due + r.interest_due + r.fees_due


def test_a_payment_ahead_pays_the_next_instalments_nearest_first(world):  # noqa: F811
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 1)
    due, second, third = _owed(rows[0]), _owed(rows[1]), _owed(rows[2])
    amount = due + second + third // 2  # the one due, the next in full, half the third
    with pytest.raises(ValidationError, match="refused"):
        repayments.repay(cashier, loan_id, amount, party_name="Agathe")
    assert not Repayment.select().where(Repayment.loan == loan_id).exists()

    LoanProduct.update(excess_policy="future_in_order").where(
        LoanProduct.id == world["product"].id).execute()
    assert repayments.max_payment(cashier, loan_id) > amount
    receipt = repayments.repay(cashier, loan_id, amount, party_name="Agathe")
    assert receipt.voucher_number.startswith("BR")
    after = _rows(loan_id)
    paid = [r.principal_paid + r.interest_paid + r.fees_paid for r in after]
    assert paid[:2] == [due, second]
    assert paid[2] == third // 2
    assert all(p == 0 for p in paid[3:])  # the last instalments untouched
    assert after[1].paid_on is not None and after[2].paid_on is None
    assert Repayment.get(Repayment.loan == loan_id).amount == amount
    assert check.run().ok
