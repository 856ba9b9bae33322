"""An amount above what is due, by the product's excess policy: refused, the next
instalments first, the last ones first, or principal prepaid with the schedule
recomputed; the early payoff of the day closes the loan without future interest."""

from __future__ import annotations

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    AuditLog,
    Loan,
    LoanInstallment,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
)
from mifin_tui.services.admin import check
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.loans import repayments
from tests.services.test_loans import world  # noqa: F401
from tests.services.test_repayments import age, disbursed, written


def _policy(loan_id: int, excess: str) -> None:
    with db.write_transaction():
        LoanProduct.update(excess_policy=excess).where(
            LoanProduct.id == Loan.get_by_id(loan_id).product_id).execute()


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _principal_left(loan_id: int) -> int:
    return sum(r.principal_due - r.principal_paid for r in _rows(loan_id))


def test_refused_by_default_with_the_payoff_in_the_message(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    d = repayments.due(cashier, loan_id)
    before = written()
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, d.map_total + 1, party_name="A")
    assert "refused" in exc.value.errors["amount"] and "payoff" in exc.value.errors["amount"]
    assert written() == before
    assert repayments.max_payment(cashier, loan_id) == d.map_total


def test_future_in_order_pays_the_next_instalment(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 1)
    _policy(loan_id, "future_in_order")
    due = repayments.due(cashier, loan_id).map_total
    receipt = repayments.repay(cashier, loan_id, due + 500, party_name="A")
    after = _rows(loan_id)
    assert after[0].paid_on is not None
    assert after[1].interest_paid == min(500, rows[1].interest_due)
    assert sum(r.principal_paid + r.interest_paid for r in after[2:]) == 0
    assert receipt.applied.total == due + 500
    assert check.run().ok


def test_future_last_first_reduces_the_last_instalment(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    _policy(loan_id, "future_last_first")
    due = repayments.due(cashier, loan_id).map_total
    repayments.repay(cashier, loan_id, due + 500, party_name="A")
    after = _rows(loan_id)
    assert after[-1].principal_paid + after[-1].interest_paid == 500
    assert sum(r.principal_paid + r.interest_paid for r in after[1:-1]) == 0
    with pytest.raises(ValidationError, match="At most"):
        repayments.repay(cashier, loan_id, repayments.due(cashier, loan_id).outstanding + 1,
                         party_name="A")
    assert check.run().ok


def test_principal_prepaid_recomputes_the_schedule_with_less_interest(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    _policy(loan_id, "principal_prepaid")
    old_future_interest = sum(r.interest_due for r in rows[2:])
    due = repayments.due(cashier, loan_id).map_total
    principal_before = _principal_left(loan_id)
    pv = repayments.preview(cashier, loan_id, due + 20_000)
    assert pv.principal_prepaid == 20_000
    receipt = repayments.repay(cashier, loan_id, due + 20_000, party_name="A")
    assert pv.remaining == receipt.remaining
    after = _rows(loan_id)
    assert [r.no for r in after] == list(range(1, len(after) + 1))
    prepay = after[2]
    assert (prepay.principal_due, prepay.principal_paid, prepay.interest_due) == (
        20_000, 20_000, 0)
    new = after[3:]
    assert len(new) == len(rows) - 2
    assert [r.due_date for r in new] == [r.due_date for r in rows[2:]]
    assert sum(r.interest_due for r in new) < old_future_interest
    repaid = sum(r.principal_due for r in rows[:2])
    assert _principal_left(loan_id) == principal_before - repaid - 20_000
    loan = Loan.get_by_id(loan_id)
    assert loan.account.balance == _principal_left(loan_id)
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert rep.principal == repaid + 20_000 and rep.amount == due + 20_000
    assert sum(a.principal for a in rep.allocations) == rep.principal
    assert AuditLog.select().where(AuditLog.action == "repayment.reschedule").count() == 1
    assert check.run().ok


def test_early_payoff_closes_the_loan_without_future_interest(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 3)
    d = repayments.due(cashier, loan_id)
    assert d.payoff == sum(r.principal_due for r in rows) + sum(
        r.interest_due for r in rows[:3])
    before = written()
    with pytest.raises(ValidationError, match="payoff"):
        repayments.repay(cashier, loan_id, d.payoff - 1, party_name="A", payoff=True)
    assert written() == before
    pv = repayments.preview(cashier, loan_id, d.payoff, payoff=True)
    assert pv.remaining == 0
    receipt = repayments.repay(cashier, loan_id, d.payoff, party_name="A", payoff=True)
    assert receipt.loan_state == "closed" and receipt.remaining == 0
    loan = Loan.get_by_id(loan_id)
    assert loan.account.balance == 0
    assert RepaymentAllocation.select().count() == 4  # three due + the prepaid principal
    assert check.run().ok


def test_the_products_excess_policy_is_checked_stored_and_audited(world):
    import dataclasses

    from mifin_tui.services.loans import products as loan_products

    admin, product = world["admin"], world["product"]
    assert product.excess_policy == "refuse"
    with pytest.raises(ValidationError) as exc:
        loan_products.update(admin, product.id, dataclasses.replace(
            product, excess_policy="keep_it"))
    assert "excess_policy" in exc.value.errors
    spec = loan_products.ProductSpec(**{f.name: getattr(product, f.name)
                                        for f in dataclasses.fields(loan_products.ProductSpec)})
    changed = loan_products.update(admin, product.id, dataclasses.replace(
        spec, excess_policy="future_last_first"))
    assert changed.excess_policy == "future_last_first"
    assert LoanProduct.get_by_id(product.id).excess_policy == "future_last_first"
    log = AuditLog.select().where(AuditLog.action == "loan_product.update").get()
    assert "future_last_first" in log.after


def test_a_prepayment_over_instalments_a_reversed_repayment_touched(world):
    """Found by the property test: the recomputed instalments are changed in place, the
    allocation rows of a reversed repayment still point at them."""
    cashier, manager = world["cashier"], world["manager"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    _policy(loan_id, "future_in_order")
    due = repayments.due(cashier, loan_id).map_total
    ahead = repayments.repay(cashier, loan_id, due + 9_000, party_name="A")
    repayments.reverse(cashier, ahead.repayment_id, "Error", approver=manager)
    _policy(loan_id, "principal_prepaid")
    receipt = repayments.repay(cashier, loan_id, due + 9_000, party_name="A")
    rows = _rows(loan_id)
    assert [r.no for r in rows] == list(range(1, len(rows) + 1))
    assert rows[1].principal_paid == 9_000 and rows[1].interest_due == 0
    assert Loan.get_by_id(loan_id).account.balance == _principal_left(loan_id)
    assert receipt.remaining == sum(r.principal_due + r.interest_due - r.principal_paid
                                    - r.interest_paid for r in rows)
    assert RepaymentAllocation.select().where(
        RepaymentAllocation.repayment == ahead.repayment_id).count() >= 2
    payoff = repayments.due(cashier, loan_id).payoff
    repayments.repay(cashier, loan_id, payoff, party_name="A", payoff=True)
    assert Loan.get_by_id(loan_id).state == "closed"
    assert check.run().ok
