"""Repayments by every channel: cash, from the borrower's savings account, mobile money
and bank with the operator's reference (posted once only), against the right account;
the repayment row with its allocation rows, penalties paid and the instalments settled
dated; every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    Entry,
    LoanInstallment,
    Repayment,
    RepaymentAllocation,
    Voucher,
)
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import accounts
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.loans import repayments
from mifin_tui.services.savings import balances as savings_balances
from tests.services.test_loans import USD, world  # noqa: F401
from tests.services.test_repayments import age, disbursed, written


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _debited(txn_id: int) -> dict[int, int]:
    return {e.account_id: e.debit for e in Entry.select().where(
        (Entry.txn == txn_id) & (Entry.debit > 0))}


def test_cash_writes_allocation_rows_paid_on_and_who(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    first = rows[0].principal_due + rows[0].interest_due
    amount = first + rows[1].interest_due
    receipt = repayments.repay(cashier, loan_id, amount, party_name="Agathe Mbuyi")
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert (rep.channel, rep.kind, rep.reference, rep.created_by_id) == (
        "cash", "repayment", "", cashier.user_id)
    allocs = {a.installment.no: a for a in rep.allocations}
    assert set(allocs) == {1, 2}
    assert (allocs[1].principal, allocs[1].interest) == (rows[0].principal_due,
                                                         rows[0].interest_due)
    assert (allocs[2].principal, allocs[2].interest) == (0, rows[1].interest_due)
    for part in ("principal", "interest", "fees", "penalties"):
        assert sum(getattr(a, part) for a in allocs.values()) == getattr(rep, part)
    after = _rows(loan_id)
    assert after[0].paid_on == rep.business_date and after[1].paid_on is None


def test_penalties_are_paid_first_and_credit_the_penalty_income(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 1)
    with db.write_transaction():
        LoanInstallment.update(penalties_due=700).where(
            LoanInstallment.id == rows[0].id).execute()
    receipt = repayments.repay(cashier, loan_id, 1_000, party_name="Agathe Mbuyi")
    assert receipt.applied.penalties == 700 and receipt.applied.interest == 300
    assert _rows(loan_id)[0].penalties_paid == 700
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert rep.penalties == 700 and rep.allocations[0].penalties == 700
    loan_branch = Account.get_by_id(Voucher.get(Voucher.txn == receipt.txn_id)
                                    .client_account_id).branch_id
    penalty_acc = accounts.internal_account(loan_branch, "penalty_income", USD)
    assert Entry.get((Entry.txn == receipt.txn_id)
                     & (Entry.account == penalty_acc.id)).credit == 700
    assert [b.amount for b in receipt.doc.breakdown][2] == 700
    assert check.run().ok


def test_from_the_borrowers_savings_account(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    acc = world["account"]
    available = savings_balances.available_balance(acc)
    balance = Account.get_by_id(acc).balance
    due = repayments.due(cashier, loan_id).map_total
    amount = min(due, available)
    assert amount > 0
    receipt = repayments.repay(cashier, loan_id, amount, channel="savings",
                               source_account_id=acc)
    assert _debited(receipt.txn_id) == {acc: amount}
    assert Account.get_by_id(acc).balance == balance - amount
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert rep.channel == "savings" and rep.source_account_id == acc
    # nobody named: the BR names the holder
    assert receipt.doc.series == "BR"
    assert receipt.doc.party_name == repayments.holder(loan_id)
    assert check.run().ok


def test_savings_refusals_write_nothing(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 10)
    before = written()
    too_much = savings_balances.available_balance(world["account"]) + 1
    due = repayments.due(cashier, loan_id).map_total
    assert due >= too_much, "the test needs a due amount above the savings available"
    cases = [
        (dict(source_account_id=world["account"]), too_much, "not enough"),
        (dict(source_account_id=world["g_account"]), 100, "not the borrower"),
        (dict(), 100, "savings account"),
        (dict(source_account_id=Repayment.select().count() + 10**6), 100, "savings account"),
    ]
    for kw, amount, text in cases:
        with pytest.raises(ValidationError) as exc:
            repayments.repay(cashier, loan_id, amount, channel="savings", **kw)
        assert text in exc.value.errors["source_account"]
    assert written() == before


@pytest.mark.parametrize("channel,gl_key", [("mobile_money", "mobile_money"),
                                            ("bank", "bank")])
def test_operator_channels_post_on_their_clearing_account_once_per_reference(
        world, channel, gl_key):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 2)
    before = written()
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 500, channel=channel)
    assert "reference" in exc.value.errors
    assert written() == before
    receipt = repayments.repay(cashier, loan_id, 500, channel=channel,
                               reference=" mp241201.ab7 ")
    clearing = accounts.internal_account(cashier.branch_id, gl_key, USD)
    assert _debited(receipt.txn_id) == {clearing.id: 500}
    rep = Repayment.get_by_id(receipt.repayment_id)
    assert (rep.channel, rep.reference) == (channel, "MP241201.AB7")
    after_first = written()
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 500, channel=channel, reference="MP241201.AB7")
    assert "already used" in exc.value.errors["reference"]
    assert written() == after_first
    # the same reference on another channel is another operator's payment
    other = "bank" if channel == "mobile_money" else "mobile_money"
    repayments.repay(cashier, loan_id, 500, channel=other, reference="MP241201.AB7")
    assert check.run().ok


def test_a_non_cash_repayment_needs_no_open_till(world, make_user):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    other = make_user("cashier")  # no till session open
    receipt = repayments.repay(other, loan_id, 400, channel="mobile_money",
                               reference="OM-1")
    v = Voucher.get(Voucher.txn == receipt.txn_id)
    assert v.till.kind == "vault" and v.session_id is None
    assert receipt.doc.amount == 400
    assert RepaymentAllocation.select().count() == 1
    assert repayments.due(cashier, loan_id).map_total > 0


def test_value_date_after_today_and_unknown_channel_or_recovery_are_refused(world):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    before = written()
    day = repayments.due(cashier, loan_id).day
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 100, party_name="A", value_date=day
                         + timedelta(days=1))
    assert "value_date" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 100, party_name="A", channel="cheque")
    assert "channel" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, 100, party_name="A", kind="recovery")
    assert "kind" in exc.value.errors
    assert written() == before


@pytest.mark.parametrize("state", ["closed", "written_off", "approved"])
def test_a_loan_not_outstanding_is_refused_on_every_channel(world, state):
    from mifin_tui.db.models import Loan

    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    with db.write_transaction():
        Loan.update(state=state).where(Loan.id == loan_id).execute()
    before = written()
    for kw in (dict(party_name="A"), dict(channel="mobile_money", reference="X1"),
               dict(channel="savings", source_account_id=world["account"])):
        with pytest.raises(ValidationError) as exc:
            repayments.repay(cashier, loan_id, 100, **kw)
        assert "loan" in exc.value.errors
    assert written() == before


@pytest.mark.parametrize("amount", ["1,234", "0", "-3", "abc", "0,00"])
def test_bad_amounts_are_refused_on_the_operator_channels(world, amount):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    age(loan_id, 1)
    before = written()
    with pytest.raises(ValidationError) as exc:
        repayments.repay(cashier, loan_id, amount, channel="bank", reference="B1")
    assert "amount" in exc.value.errors
    assert written() == before
