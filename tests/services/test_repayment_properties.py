"""For any sequence of repayments (cash, savings, mobile money, bank; amounts up to
above what is due, under any excess policy) and reversals of the latest, on a real
database: no component paid below zero or above due, interest of an instalment paid
before its principal, the allocation rows sum to the instalments' paid amounts and to
the repayments, the loan account holds the principal outstanding, the ledger balances."""

from __future__ import annotations

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mifin_tui import db
from mifin_tui.db.models import (
    Loan,
    LoanInstallment,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
)
from mifin_tui.services.admin import check
from mifin_tui.services.kernel.errors import Conflict, MifinError, ValidationError
from mifin_tui.services.loans import repayments
from mifin_tui.services.savings import balances as savings_balances
from tests.services.test_loans import world  # noqa: F401
from tests.services.test_repayments import age, disbursed

ops_st = st.lists(st.tuples(
    st.sampled_from(("cash", "savings", "mobile_money", "bank", "reverse")),
    st.integers(min_value=1, max_value=30_000)), min_size=1, max_size=7)
excess_st = st.sampled_from(("refuse", "future_in_order", "future_last_first",
                             "principal_prepaid"))


def _invariants(loan_id: int) -> None:
    rows = list(LoanInstallment.select().where(LoanInstallment.loan == loan_id))
    for r in rows:
        for part in ("principal", "interest", "fees", "penalties"):
            paid, due = getattr(r, f"{part}_paid"), getattr(r, f"{part}_due")
            assert 0 <= paid <= due, (r.no, part, paid, due)
        assert r.principal_paid == 0 or r.interest_paid == r.interest_due, r.no
        settled = (r.principal_paid, r.interest_paid) == (r.principal_due, r.interest_due)
        assert (r.paid_on is not None) == settled, r.no
        live = RepaymentAllocation.select().join(Repayment).where(
            (RepaymentAllocation.installment == r.id) & Repayment.reversal_txn.is_null())
        assert sum(a.principal for a in live) == r.principal_paid
        assert sum(a.interest for a in live) == r.interest_paid
    for rep in Repayment.select().where(Repayment.loan == loan_id):
        allocs = list(rep.allocations)
        assert sum(a.principal + a.interest + a.fees + a.penalties for a in allocs) \
            == rep.amount == rep.principal + rep.interest + rep.fees + rep.penalties
    loan = Loan.get_by_id(loan_id)
    assert loan.account.balance == sum(r.principal_due - r.principal_paid for r in rows)
    assert check.run().ok


@hsettings(max_examples=12, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops_st, excess=excess_st)
def test_any_sequence_of_repayments_and_reversals(world, ops, excess):
    cashier, manager = world["cashier"], world["manager"]
    loan = Loan.select().where(Loan.state.in_(("disbursed", "active"))).first()
    if loan is None:
        loan_id = disbursed(world)
        age(loan_id, 5)
    else:
        loan_id = loan.id
    with db.write_transaction():
        LoanProduct.update(excess_policy=excess).execute()
    for channel, amount in ops:
        if channel == "reverse":
            last = (Repayment.select().where((Repayment.loan == loan_id)
                                             & Repayment.reversal_txn.is_null())
                    .order_by(Repayment.id.desc()).first())
            if last is not None:
                try:
                    repayments.reverse(cashier, last.id, "Error", approver=manager)
                except Conflict:  # a prepayment that recomputed the schedule
                    pass
            continue
        if Loan.get_by_id(loan_id).state == "closed":
            break
        most = repayments.max_payment(cashier, loan_id)
        if most == 0:
            break
        kw = {"cash": dict(party_name="A"),
              "savings": dict(source_account_id=world["account"]),
              "mobile_money": dict(reference=f"MM{Repayment.select().count()}"),
              "bank": dict(reference=f"BK{Repayment.select().count()}")}[channel]
        value = min(amount, most)
        if channel == "savings":
            value = min(value, savings_balances.available_balance(world["account"]))
            if value == 0:
                continue
        try:
            receipt = repayments.repay(cashier, loan_id, value, channel=channel, **kw)
        except ValidationError as exc:
            # only a prepayment over instalments that already hold something is refused
            assert "amount" in exc.errors and excess == "principal_prepaid", exc.errors
            continue
        except MifinError as exc:  # the till cannot give back a reversal's cash
            raise AssertionError(exc) from exc
        assert receipt.applied.total <= value
        _invariants(loan_id)
    _invariants(loan_id)
