"""What the closing's automatic debit may take (#20): the loan's linked account and the
member's free savings; a programmed (or blocked, tontine) account only through a standing
order the member signed naming the loan, recorded and revoked with who and when."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import Account, AuditLog, Loan, LoanInstallment, Repayment
from mifin_tui.services.admin import check
from mifin_tui.services.closing import ageing, debit
from mifin_tui.services.kernel import business_day
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.savings import balances as savings_balances
from mifin_tui.services.savings import holds as savings_holds
from mifin_tui.services.savings import opening as savings_opening
from mifin_tui.services.savings import standing_orders
from tests.services.test_loans import world  # noqa: F401
from tests.services.test_repayments import age, disbursed
from tests.services.test_savings import product as savings_product


def _unpaid(loan_id: int, day) -> int:
    """What is due on or before `day` and unpaid."""
    return sum(r.principal_due - r.principal_paid + r.interest_due - r.interest_paid
               + r.fees_due - r.fees_paid for r in LoanInstallment.select().where(
                   (LoanInstallment.loan == loan_id) & (LoanInstallment.due_date <= day)))


@pytest.fixture
def only_programmed(world):  # noqa: F811
    """A borrower three instalments late whose free savings (the linked account among
    them) have nothing available, and whose programmed savings hold 80,000."""
    w, manager, cashier = world, world["manager"], world["cashier"]
    loan_id = disbursed(w)
    age(loan_id, 3)
    for acc in Account.select().where((Account.member == w["borrower"].id)
                                      & (Account.kind == "savings")):
        avail = savings_balances.available_balance(acc.id)
        if avail > 0:
            savings_holds.place_hold(manager, acc.id, avail, "other", note="test")
    day = business_day.require_open(manager.branch_id)
    programmed = savings_opening.open_account(
        cashier, w["borrower"].id, savings_product("scheduled").id, opening_deposit=80_000,
        target_date=day + timedelta(days=700)).account.id
    return w, loan_id, programmed, day


def test_programmed_savings_are_not_debited_without_a_standing_order(only_programmed):
    w, loan_id, programmed, day = only_programmed
    manager = w["manager"]
    unpaid = _unpaid(loan_id, day)
    assert unpaid > 0
    assert savings_balances.available_balance(programmed) == 80_000
    assert loan_id not in debit.debit_candidates(manager.branch_id, day, 0, 100)
    assert debit.debit_due(manager, day) == {}
    with db.write_transaction():
        assert debit.debit_loan(manager, loan_id, day) is None  # even asked directly
        ageing.age_loans(manager, day, 0, 100, month_end=False)
    assert Account.get_by_id(programmed).balance == 80_000
    assert not Repayment.select().where(Repayment.loan == loan_id).exists()
    assert _unpaid(loan_id, day) == unpaid
    assert Loan.get_by_id(loan_id).state == "in_arrears"


def test_a_standing_order_lets_the_closing_debit_the_account_until_revoked(only_programmed):
    w, loan_id, programmed, day = only_programmed
    manager, cashier = w["manager"], w["cashier"]
    number = Loan.get_by_id(loan_id).number
    assert standing_orders.orderable_loans(programmed) == [(loan_id, number)]
    with pytest.raises(ValidationError) as err:
        standing_orders.record(cashier, programmed, [], day)
    assert "loans" in err.value.errors
    with pytest.raises(ValidationError) as err:
        standing_orders.record(cashier, programmed, [loan_id], day + timedelta(days=1))
    assert "signed_on" in err.value.errors

    order = standing_orders.record(cashier, programmed, [loan_id], day, note="At the counter")
    assert (order.loans, order.active, order.recorded_by) == ((number,), True,
                                                              cashier.full_name)
    assert [o.id for o in standing_orders.orders_for_loan(loan_id)] == [order.id]
    # shown on the loan card and on the contract, beside the linked account
    acc_number = Account.get_by_id(programmed).number
    [line] = standing_orders.card_lines(loan_id)
    assert acc_number in line and "Scheduled savings" in line and cashier.full_name in line
    from mifin_tui.services.loans import contract_doc

    linked = Account.get_by_id(Loan.get_by_id(loan_id).linked_account_id).number
    doc = contract_doc.contract(manager, loan_id)
    assert doc.linked_account.startswith(linked) and acc_number in doc.linked_account
    assert day.strftime("%d/%m/%Y") in doc.linked_account
    audit = AuditLog.get(AuditLog.action == "standing_order.record")
    assert number in audit.after and audit.username == cashier.username

    unpaid = _unpaid(loan_id, day)
    assert loan_id in debit.debit_candidates(manager.branch_id, day, 0, 100)
    taken = debit.debit_due(manager, day)
    assert taken == {"USD": unpaid}
    rep = Repayment.get((Repayment.loan == loan_id) & (Repayment.channel == "auto_debit"))
    assert (rep.amount, rep.source_account_id) == (unpaid, programmed)
    assert Account.get_by_id(programmed).balance == 80_000 - unpaid
    assert _unpaid(loan_id, day) == 0

    # revoked: the next instalment falls due, the account is not touched any more
    with pytest.raises(ValidationError):
        standing_orders.revoke(cashier, order.id, " ")
    revoked = standing_orders.revoke(cashier, order.id, "The member withdrew it")
    assert not revoked.active and revoked.revoked_by == cashier.full_name
    assert standing_orders.orders_for_loan(loan_id) == []
    assert standing_orders.card_lines(loan_id) == []
    assert [o.active for o in standing_orders.orders_of_account(programmed)] == [False]
    assert AuditLog.select().where(AuditLog.action == "standing_order.revoke").count() == 1
    age(loan_id, 4)
    nxt = day + timedelta(days=1)
    assert debit.debit_due(manager, nxt) == {}
    assert Account.get_by_id(programmed).balance == 80_000 - unpaid
    assert check.run().ok


def test_an_order_serves_only_the_loans_it_names(only_programmed):
    """Another loan of the same member is not served by an order naming the first."""
    w, loan_id, programmed, day = only_programmed
    with db.write_transaction():
        from mifin_tui.db.queries import standing_orders as queries

        assert queries.ordered_accounts([loan_id]) == {}
    standing_orders.record(w["cashier"], programmed, [loan_id], day)
    from mifin_tui.db.queries import standing_orders as queries

    assert queries.ordered_accounts([loan_id, loan_id + 1000]) == {loan_id: {programmed}}
