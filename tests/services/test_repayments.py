"""Repayments at the counter: the split by the product's order (interest before principal,
oldest instalment first), the BR ledger lines and voucher, the loan closing when repaid,
every refusal writing nothing, and a property over sequences of repayments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mifin_tui import db
from mifin_tui.db.models import (
    AuditLog,
    Counter,
    Entry,
    JournalTransaction,
    Loan,
    LoanInstallment,
    Repayment,
    Voucher,
)
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import accounts
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import repayments
from tests.services.test_loans import USD, approved, world  # noqa: F401


def disbursed(w) -> int:
    loan_id = approved(w)
    loan_disbursement.disburse(w["cashier"], loan_id)
    return loan_id


def age(loan_id: int, instalments_due: int) -> list[LoanInstallment]:
    """Shift the schedule back so that its first `instalments_due` are due today (as if
    the loan had been disbursed weeks ago)."""
    rows = list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))
    today = Loan.get_by_id(loan_id).disbursed_on
    shift = rows[instalments_due - 1].due_date - today if instalments_due else timedelta(0)
    with db.write_transaction():
        for r in rows:
            r.due_date = r.due_date - shift
            r.save()
    return rows


def written() -> tuple[int, int, int, int]:
    return (JournalTransaction.select().count(), Voucher.select().count(),
            Repayment.select().count(),
            sum(c.value for c in Counter.select()))


def test_due_splits_what_is_due_and_overdue(world):
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    d = repayments.due(world["cashier"], loan_id)
    assert d.due_today.interest == rows[0].interest_due + rows[1].interest_due
    assert d.due_today.principal == rows[0].principal_due + rows[1].principal_due
    assert d.overdue.total == rows[0].principal_due + rows[0].interest_due
    assert d.days_past_due == (d.day - (rows[0].due_date - (rows[1].due_date - d.day))).days
    assert d.map_total == d.due_today.total
    assert d.payoff == sum(r.principal_due for r in rows) + d.due_today.interest


def test_interest_before_principal_oldest_first_with_ledger_lines_and_br(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    i1, i2 = rows[0], rows[1]
    amount = i1.principal_due + i1.interest_due + i2.interest_due + 50
    pv = repayments.preview(cashier, loan_id, amount)
    assert [(x.no, x.interest, x.principal) for x in pv.lines] == [
        (1, i1.interest_due, i1.principal_due), (2, i2.interest_due, 50)]
    receipt = repayments.repay(cashier, loan_id, amount, party_name="Agathe Mbuyi")
    assert receipt.voucher_number.startswith("BR")
    assert receipt.applied.interest == i1.interest_due + i2.interest_due
    assert receipt.applied.principal == i1.principal_due + 50
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "active"
    paid = {r.no: (r.principal_paid, r.interest_paid) for r in loan.installments}
    assert paid[1] == (i1.principal_due, i1.interest_due)
    assert paid[2] == (50, i2.interest_due)
    assert paid[3] == (0, 0)
    interest_acc = accounts.internal_account(loan.branch_id, "interest_income_loans", USD)
    by_acc = {e.account_id: (e.debit, e.credit)
              for e in Entry.select().where(Entry.txn == receipt.txn_id)}
    assert by_acc[loan.account_id] == (0, i1.principal_due + 50)
    assert by_acc[interest_acc.id] == (0, i1.interest_due + i2.interest_due)
    assert sum(d for d, _ in by_acc.values()) == amount == sum(c for _, c in by_acc.values())
    assert len(by_acc) == 3
    doc = receipt.doc
    assert doc.series == "BR" and doc.amount == amount
    assert [b.amount for b in doc.breakdown] == [i1.principal_due + 50,
                                                  i1.interest_due + i2.interest_due, 0]
    assert "(" in doc.breakdown[0].label  # the amount in words
    from mifin_tui.services.cash import vouchers
    again = vouchers.build(receipt.txn_id)
    assert again.breakdown == doc.breakdown
    log = AuditLog.select().where(AuditLog.action == "loan.repay").get()
    assert '"disbursed"' in log.before and '"active"' in log.after
    assert check.run().ok


def test_repaid_in_full_closes_the_loan(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, len(list(Loan.get_by_id(loan_id).installments)))
    total = sum(r.principal_due + r.interest_due + r.fees_due for r in rows)
    assert repayments.due(cashier, loan_id).payoff == total
    receipt = repayments.repay(cashier, loan_id, total, party_name="Agathe Mbuyi")
    assert receipt.remaining == 0 and receipt.loan_state == "closed"
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "closed" and loan.account.balance == 0
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 100, party_name="Agathe Mbuyi")
    assert "loan" in exc.value.errors
    assert check.run().ok


@pytest.mark.parametrize("amount,field", [(0, "amount"), (-5, "amount"), ("12,345", "amount"),
                                          (10**9, "amount")])
def test_refusals_write_nothing_and_use_no_voucher_number(world, amount, field):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    before = written()
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, amount, party_name="Agathe Mbuyi")
    assert field in exc.value.errors
    assert written() == before


def test_nothing_due_yet_and_unpaid_loan_and_no_party_are_refused(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    other = approved(world)
    before = written()
    with pytest.raises(ValidationError, match="due"):  # disbursed today, nothing due yet
        repayments.repay(cashier, loan_id, 100, party_name="Agathe Mbuyi")
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, other, 100, party_name="Agathe Mbuyi")
    assert "loan" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 0, party_name=" ")
    assert set(exc.value.errors) == {"amount", "party_name"}
    assert written() == before


@hsettings(max_examples=15, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payments=st.lists(st.integers(min_value=1, max_value=12_000), min_size=1, max_size=6))
def test_any_sequence_of_repayments_keeps_paid_within_due(world, payments):
    cashier = world["cashier"]
    loan = Loan.select().where(Loan.state.in_(("disbursed", "active"))).first()
    if loan is None:
        loan_id = disbursed(world)
        age(loan_id, 6)
    else:
        loan_id = loan.id
    for amount in payments:
        due = repayments.due(cashier, loan_id).map_total
        if due == 0:
            break
        receipt = repayments.repay(cashier, loan_id, min(amount, due),
                                   party_name="Agathe Mbuyi")
        assert receipt.applied.total == min(amount, due)
    for r in LoanInstallment.select().where(LoanInstallment.loan == loan_id):
        assert 0 <= r.principal_paid <= r.principal_due
        assert 0 <= r.interest_paid <= r.interest_due
        assert r.principal_paid == 0 or r.interest_paid == r.interest_due
    assert check.run().ok


def test_no_till_or_a_till_without_the_loan_currency_is_refused_and_writes_nothing(
        world, make_user):
    from mifin_tui.db.models import Till, TillSession
    from mifin_tui.services.kernel.errors import MifinError, PermissionDenied

    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    before = written()
    with pytest.raises(MifinError, match="till"):
        repayments.repay(make_user("cashier"), loan_id, 100, party_name="Agathe Mbuyi")
    session = TillSession.get((TillSession.cashier == cashier.user_id)
                              & (TillSession.status == "open"))
    with db.write_transaction():
        Till.update(currencies="CDF").where(Till.id == session.till_id).execute()
    with pytest.raises(MifinError, match="USD"):
        repayments.repay(cashier, loan_id, 100, party_name="Agathe Mbuyi")
    with pytest.raises(PermissionDenied):
        repayments.repay(make_user("loan_officer"), loan_id, 100, party_name="Agathe Mbuyi")
    assert written() == before
