"""The loan steps of the closing: automatic debit from three accounts with holds (a
hand-computed case), penalties per day after the grace and capped, interest accrual to
the receivable settled by the repayment, ageing with classification and provisions, and a
whole closing run over a loan in arrears."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    Entry,
    Loan,
    LoanClassification,
    LoanInstallment,
    LoanPenalty,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
    SavingsAccount,
)
from mifin_tui.services.admin import check
from mifin_tui.services.closing import ageing, debit, penalties
from mifin_tui.services.closing import interest as accrual
from mifin_tui.services.kernel import accounts, business_day, settings
from mifin_tui.services.loans import repayments
from mifin_tui.services.savings import balances as savings_balances
from mifin_tui.services.savings import holds as savings_holds
from mifin_tui.services.savings import opening as savings_opening
from tests.services.test_loans import USD, world  # noqa: F401
from tests.services.test_repayments import age, disbursed
from tests.services.test_savings import product as savings_product


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _today(w):
    return business_day.open_date(w["admin"].branch_id)


def _balance(gl_key: str, cur: str = USD) -> int:
    acc = Account.get_or_none((Account.gl_account == accounts.gl_by_key(gl_key).id)
                              & (Account.currency == cur) & (Account.kind == "internal"))
    return 0 if acc is None else acc.balance


def test_auto_debit_takes_linked_account_then_others_within_holds(world):
    w, manager, cashier = world, world["manager"], world["cashier"]
    loan_id = disbursed(w)
    loan = Loan.get_by_id(loan_id)
    linked = loan.linked_account_id
    rows = age(loan_id, 10)
    due = sum(r.principal_due + r.interest_due + r.fees_due for r in rows[:10])
    free = savings_product("free").id
    b = savings_opening.open_account(cashier, w["borrower"].id, free,
                                     opening_deposit=12_000).account.id
    c = savings_opening.open_account(cashier, w["borrower"].id, free,
                                     opening_deposit=150_000).account.id
    minimum = {a: SavingsAccount.get_by_id(a).product.min_balance for a in (linked, b, c)}
    # The linked account keeps exactly 7,000 available; B 12,000 less a 4,000 hold.
    held = (Account.get_by_id(linked).balance - savings_balances.holds_total(linked)
            - minimum[linked])
    savings_holds.place_hold(manager, linked, held - 7_000, "other", note="test")
    savings_holds.place_hold(manager, b, 4_000, "dispute", note="test")
    from_b = 12_000 - 4_000 - minimum[b]
    assert due > 7_000 + from_b  # the third account pays the rest
    before = {a: Account.get_by_id(a).balance for a in (linked, b, c)}
    day = _today(w)
    with db.write_transaction():
        taken, left = debit.debit_loan(manager, loan_id, day)
    assert (taken, left) == (due, 0)
    after = {a: Account.get_by_id(a).balance for a in (linked, b, c)}
    assert before[linked] - after[linked] == 7_000
    assert before[b] - after[b] == from_b
    assert before[c] - after[c] == due - 7_000 - from_b
    rep = Repayment.get((Repayment.loan == loan_id) & (Repayment.channel == "auto_debit"))
    assert rep.reference == debit.debit_reference(loan.number, day)
    assert rep.amount == due and rep.source_account_id == linked
    assert sum(a.principal + a.interest + a.fees + a.penalties
               for a in RepaymentAllocation.select().where(
                   RepaymentAllocation.repayment == rep.id)) == due
    assert all(r.paid_on == day for r in _rows(loan_id)[:10])
    # The savings accounts' entries (the passbook's lines) carry the debit.
    assert {e.account_id: e.debit for e in Entry.select().where(
        (Entry.txn == rep.txn_id) & (Entry.debit > 0))} == {
        linked: 7_000, b: from_b, c: due - 7_000 - from_b}
    # Rerun: nothing twice.
    with db.write_transaction():
        assert debit.debit_loan(manager, loan_id, day) is None
    assert debit.debit_due(manager, day) == {}
    assert Repayment.select().where(Repayment.loan == loan_id).count() == 1
    assert check.run().ok


def test_auto_debit_short_of_money_leaves_arrears(world):
    w, manager = world, world["manager"]
    loan_id = disbursed(w)
    linked = Loan.get_by_id(loan_id).linked_account_id
    rows = age(loan_id, 26)
    due = sum(r.principal_due + r.interest_due + r.fees_due for r in rows)
    # every savings account of the borrower emptied but 1,000 on the linked one
    for acc in Account.select().where((Account.member == w["borrower"].id)
                                      & (Account.kind == "savings")):
        avail = savings_balances.available_balance(acc.id)
        keep = 1_000 if acc.id == linked else 0
        if avail > keep:
            savings_holds.place_hold(manager, acc.id, avail - keep, "other", note="test")
    with db.write_transaction():
        taken, left = debit.debit_loan(manager, loan_id, _today(w))
    assert (taken, left) == (1_000, due - 1_000)


def _penalty_product(loan_id: int, **fields) -> None:
    product = Loan.get_by_id(loan_id).product_id
    LoanProduct.update(penalty_kind="daily", penalty_value=50, penalty_grace_days=2,
                       **fields).where(LoanProduct.id == product).execute()


def test_penalties_per_day_after_grace_and_capped(world):
    w = world
    loan_id = disbursed(w)
    day = _today(w)
    rows = age(loan_id, 1)
    # the first instalment fell due 5 days ago
    with db.write_transaction():
        for r in _rows(loan_id):
            LoanInstallment.update(due_date=r.due_date - timedelta(days=5)).where(
                LoanInstallment.id == r.id).execute()
    _penalty_product(loan_id)
    base = rows[0].principal_due + rows[0].interest_due
    per_day = (2 * base * 50 + 10_000) // 20_000  # 0.5 % a day, half up
    loan = Loan.get_by_id(loan_id)
    with db.write_transaction():
        # days 1-2 late in the grace; charged days 3, 4, 5
        charged = penalties.charge_penalties(loan, day - timedelta(days=5), day, day)
    assert charged == {1: 3 * per_day}
    assert _rows(loan_id)[0].penalties_due == 3 * per_day
    pen = LoanPenalty.get(LoanPenalty.loan == loan_id)
    assert (pen.days, pen.amount, pen.txn_id) == (3, 3 * per_day, None)  # a memo
    # The cap: 4 days' worth in all; the next two days bring only one more.
    _penalty_product(loan_id, penalty_cap_amount=4 * per_day)
    with db.write_transaction():
        charged = penalties.charge_penalties(Loan.get_by_id(loan_id), day,
                                                 day + timedelta(days=2),
                                                 day + timedelta(days=2))
    assert charged == {1: per_day}
    assert _rows(loan_id)[0].penalties_due == 4 * per_day


def test_accrued_target_by_hand():
    from datetime import date

    start, due = date(2026, 3, 2), date(2026, 3, 9)
    assert accrual.accrued_target(1_000, start, due, date(2026, 3, 5), "daily") == 428
    assert accrual.accrued_target(1_000, start, due, date(2026, 3, 5), "due_date") == 0
    assert accrual.accrued_target(1_000, start, due, date(2026, 3, 9), "due_date") == 1_000
    assert accrual.accrued_target(1_000, start, due, start, "daily") == 0


def test_interest_accrued_at_due_date_then_settled_by_the_repayment(world):
    w, manager, cashier = world, world["manager"], world["cashier"]
    loan_id = disbursed(w)
    rows = age(loan_id, 2)
    interest = rows[0].interest_due + rows[1].interest_due
    income_before = _balance("interest_income_loans")
    with db.write_transaction():
        amounts = accrual.accrue_interest(manager, [loan_id], _today(w))
    assert amounts == {USD: interest}
    assert _balance("interest_receivable") == interest
    assert _balance("interest_income_loans") - income_before == interest
    with db.write_transaction():
        assert accrual.accrue_interest(manager, [loan_id], _today(w)) == {}
    first = rows[0].principal_due + rows[0].interest_due
    repayments.repay(cashier, loan_id, first, party_name="Agathe Mbuyi")
    assert _balance("interest_receivable") == rows[1].interest_due
    # income counted once: at the accrual, not again at the repayment
    assert _balance("interest_income_loans") - income_before == interest
    assert check.run().ok


def test_daily_accrual_books_the_days_elapsed(world):
    w, manager = world, world["manager"]
    loan_id = disbursed(w)
    LoanProduct.update(accrual="daily").where(
        LoanProduct.id == Loan.get_by_id(loan_id).product_id).execute()
    loan = Loan.get_by_id(loan_id)
    first = _rows(loan_id)[0]
    day = loan.disbursed_on + timedelta(days=3)
    expected = accrual.accrued_target(first.interest_due, loan.disbursed_on,
                                            first.due_date, day, "daily")
    assert 0 < expected < first.interest_due
    with db.write_transaction():
        assert accrual.accrue_interest(manager, [loan_id], day) == {USD: expected}
    assert _rows(loan_id)[0].interest_accrued == expected


def test_ageing_moves_to_arrears_classifies_and_provisions_the_difference(world):
    w, manager = world, world["manager"]
    loan_id = disbursed(w)
    day = _today(w)
    age(loan_id, 1)
    with db.write_transaction():
        for r in _rows(loan_id):
            LoanInstallment.update(due_date=r.due_date - timedelta(days=100)).where(
                LoanInstallment.id == r.id).execute()
        settings.put("loan_provision_rates", {"impaye": 500, "douteux": 2500})
    principal = sum(r.principal_due - r.principal_paid for r in _rows(loan_id))
    with db.write_transaction():
        last, n, changes, info = ageing.age_loans(manager, day, 0, 100,
                                                         month_end=False)
    loan = Loan.get_by_id(loan_id)
    first_dpd = (day - _rows(loan_id)[0].due_date).days
    assert (loan.state, loan.days_past_due) == ("in_arrears", first_dpd)
    assert first_dpd > 90 and loan.classification == "douteux"
    provision = (2 * principal * 2500 + 10_000) // 20_000
    assert loan.provision == provision and changes == {USD: provision}
    assert _balance("loan_loss_provisions") == provision
    assert _balance("provision_expense") == provision
    row = LoanClassification.get(LoanClassification.loan == loan_id)
    assert (row.classification, row.provision, row.outstanding) == ("douteux", provision,
                                                                    principal)
    # Next day, nothing changed: no row, no posting. Then the rate drops: a reversal.
    with db.write_transaction():
        _l, _n, changes, _i = ageing.age_loans(manager, day, 0, 100, month_end=False)
    assert changes == {}
    with db.write_transaction():
        settings.put("loan_provision_rates", {"douteux": 1000})
        _l, _n, changes, _i = ageing.age_loans(manager, day + timedelta(days=1), 0,
                                                      100, month_end=False)
    lower = (2 * principal * 1000 + 10_000) // 20_000
    assert changes == {USD: lower - provision}
    assert _balance("loan_loss_provisions") == lower
    assert _balance("provision_reversal_income") == provision - lower
    assert LoanClassification.select().where(LoanClassification.loan == loan_id).count() == 2
    assert check.run().ok


def test_loan_without_available_savings_is_skipped_and_still_ages(world):
    """The debit candidates leave out a borrower with nothing available on any savings
    account (balance - holds - minimum, as savings_balances.available_balance); the loan still
    goes into arrears by the separate ageing step."""
    w, manager = world, world["manager"]
    loan_id = disbursed(w)
    age(loan_id, 3)
    day = _today(w)
    branch = w["admin"].branch_id
    saved = list(Account.select().where((Account.member == w["borrower"].id)
                                        & (Account.kind == "savings")))
    assert saved
    # One unit left available on one account: still a candidate.
    for acc in saved:
        avail = savings_balances.available_balance(acc.id)
        keep = 1 if acc.id == saved[0].id else 0
        if avail > keep:
            savings_holds.place_hold(manager, acc.id, avail - keep, "other", note="test")
    assert loan_id in debit.debit_candidates(branch, day, 0, 100)
    savings_holds.place_hold(manager, saved[0].id, 1, "other", note="test")
    assert all(savings_balances.available_balance(a.id) == 0 for a in saved)
    assert all(Account.get_by_id(a.id).balance > 0 for a in saved
               if a.id == Loan.get_by_id(loan_id).linked_account_id)
    assert loan_id not in debit.debit_candidates(branch, day, 0, 100)
    with db.write_transaction():
        # what the per-loan debit would have done with it: nothing
        assert debit.debit_loan(manager, loan_id, day) is None
        ageing.age_loans(manager, day, 0, 100, month_end=False)
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "in_arrears" and loan.days_past_due > 0
    assert not Repayment.select().where(Repayment.loan == loan_id).exists()
