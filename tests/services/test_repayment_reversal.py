"""A repayment made in error reversed: the same day by the cashier with the manager's
approval (maker-checker), later by the accountant; the mirror transaction, what it paid
put back on each instalment (paid_on cleared), a loan it closed active again with its
guarantees held again; every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    AccountHold,
    AuditLog,
    JournalTransaction,
    Loan,
    LoanInstallment,
    LoanProduct,
    Repayment,
)
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError
from mifin_tui.services.loans import repayments
from tests.services.test_loans import USD, world  # noqa: F401
from tests.services.test_repayments import age, disbursed, written


def _paid(loan_id: int) -> list[tuple[int, int, int, object]]:
    return [(r.principal_paid, r.interest_paid, r.penalties_paid, r.paid_on)
            for r in LoanInstallment.select().where(LoanInstallment.loan == loan_id)
            .order_by(LoanInstallment.no)]


def _till_cash(ctx) -> int:
    session = tills.my_session(ctx)
    return tills.till_balances(tills.Till.get_by_id(session.till_id))[USD]


def test_same_day_cashier_with_the_managers_approval(world):
    cashier, manager = world["cashier"], world["manager"]
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    before_paid = _paid(loan_id)
    cash_before = _till_cash(cashier)
    one = rows[0].principal_due + rows[0].interest_due
    first = repayments.repay(cashier, loan_id, one, party_name="A")
    receipt = repayments.repay(cashier, loan_id,
                               repayments.due(cashier, loan_id).map_total, party_name="A")
    assert _paid(loan_id)[1][3] is not None  # the second instalment settled
    out = repayments.reverse(cashier, receipt.repayment_id, "Wrong loan",
                             approver=manager)
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert rep.reversal_txn_id == out.txn_id and rep.reversed_by_id == cashier.user_id
    assert rep.reversal_reason == "Wrong loan" and rep.reversed_on == rep.business_date
    assert JournalTransaction.get_by_id(out.txn_id).reverses_id == receipt.txn_id
    assert out.voucher_number.startswith("OD")
    after = _paid(loan_id)
    assert after[1][3] is None and after[0][3] is not None  # the first stays settled
    assert sum(p + i for p, i, _n, _d in after) == one
    assert _till_cash(cashier) == cash_before + one
    assert Loan.get_by_id(loan_id).state == "active"
    log = AuditLog.get(AuditLog.action == "loan.repayment_reverse")
    assert manager.username in log.after and "Wrong loan" in log.after
    # the first one now is the latest: it can go too
    repayments.reverse(cashier, first.repayment_id, "Wrong loan", approver=manager)
    assert _paid(loan_id) == before_paid
    assert check.run().ok


def test_same_day_refusals_write_nothing(world, make_user):
    cashier, manager = world["cashier"], world["manager"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    receipt = repayments.repay(cashier, loan_id, 1_000, party_name="A")
    before = written()
    with pytest.raises(PermissionDenied, match="approval"):
        repayments.reverse(cashier, receipt.repayment_id, "Error")
    with pytest.raises(PermissionDenied, match="approval"):
        repayments.reverse(cashier, receipt.repayment_id, "Error",
                           approver=make_user("cashier"))
    with pytest.raises(PermissionDenied, match="cashier"):
        repayments.reverse(world["accountant"], receipt.repayment_id, "Error",
                           approver=manager)
    with pytest.raises(ValidationError):
        repayments.reverse(cashier, receipt.repayment_id, "  ", approver=manager)
    assert written() == before
    assert Repayment.get_by_id(receipt.repayment_id).reversal_txn_id is None


def test_later_day_by_the_accountant_only(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    receipt = repayments.repay(cashier, loan_id, 1_000, party_name="A")
    with db.write_transaction():
        rep = Repayment.get_by_id(receipt.repayment_id)
        rep.business_date = rep.business_date - timedelta(days=1)
        rep.save()
    with pytest.raises(PermissionDenied, match="accountant"):
        repayments.reverse(cashier, receipt.repayment_id, "Error",
                           approver=world["manager"])
    out = repayments.reverse(world["accountant"], receipt.repayment_id, "Error")
    assert out.remaining == repayments.due(cashier, loan_id).outstanding
    with pytest.raises(Conflict, match="already reversed"):
        repayments.reverse(world["accountant"], receipt.repayment_id, "Error")
    assert check.run().ok


def test_only_the_latest_and_not_a_rescheduling_prepayment(world):
    cashier, manager = world["cashier"], world["manager"]
    loan_id = disbursed(world)
    age(loan_id, 2)
    one = repayments.repay(cashier, loan_id, 1_000, party_name="A")
    repayments.repay(cashier, loan_id, 1_000, party_name="A")
    before = written()
    with pytest.raises(Conflict, match="latest"):
        repayments.reverse(cashier, one.repayment_id, "Error", approver=manager)
    assert written() == before
    with db.write_transaction():
        LoanProduct.update(excess_policy="principal_prepaid").execute()
    due = repayments.due(cashier, loan_id).map_total
    pre = repayments.repay(cashier, loan_id, due + 5_000, party_name="A")
    with pytest.raises(Conflict, match="rescheduling"):
        repayments.reverse(cashier, pre.repayment_id, "Error", approver=manager)


def test_a_closed_loan_is_active_again_with_its_holds(world):
    cashier, manager = world["cashier"], world["manager"]
    loan_id = disbursed(world)
    rows = age(loan_id, len(list(Loan.get_by_id(loan_id).installments)))
    process = f"loan:{Loan.get_by_id(loan_id).number}"
    held = AccountHold.select().where((AccountHold.process == process)
                                      & (AccountHold.status == "active")).count()
    assert held > 0
    total = sum(r.principal_due + r.interest_due + r.fees_due for r in rows)
    receipt = repayments.repay(cashier, loan_id, total, party_name="A")
    assert Loan.get_by_id(loan_id).state == "closed"
    assert AccountHold.select().where((AccountHold.process == process)
                                      & (AccountHold.status == "active")).count() == 0
    out = repayments.reverse(cashier, receipt.repayment_id, "Counted twice",
                             approver=manager)
    assert out.loan_state == "active" and out.remaining == total
    assert AccountHold.select().where((AccountHold.process == process)
                                      & (AccountHold.status == "active")).count() == held
    assert Loan.get_by_id(loan_id).account.balance == sum(r.principal_due for r in rows)
    assert check.run().ok
