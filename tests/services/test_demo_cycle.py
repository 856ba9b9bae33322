"""The demo shows a whole credit cycle (#19): named members eligible for each loan
product (and others not), the tills closed when the working day begins, and the
balances taken over from the paper books dated before it, so the working day's cash
journal holds only cash that moved."""

from __future__ import annotations

from datetime import date

import pytest

from mifin_tui.db.models import (
    Account,
    JournalTransaction,
    LoanProduct,
    Member,
    Till,
    TillSession,
)
from mifin_tui.services.cash import journal as cash_journal
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import auth
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import eligibility
from tests.services.test_demo_history import history_world


@pytest.fixture
def cycle(db_path, worlds, _hash_parameters):
    """A demo of 24 members with its months of history: the shared one of
    test_demo_history, built once per run."""
    return worlds.open_copy(("demo-history",), history_world, db_path)


def _staff(result, username: str):
    user = next(u for u in result.users if u.username == username)
    return auth.login(user.username, user.password)


def _free_account(number: str) -> Account:
    member = Member.get(Member.number == number)
    return (Account.select().where((Account.member == member.id) & (Account.kind == "savings")
                                   & (Account.currency == "USD")).order_by(Account.id).first())


def _check(agent, product: LoanProduct, number: str) -> list[eligibility.RuleResult]:
    """The agent takes an application at the product's smallest amount and term, with an
    income of twice the amount a month; the eligibility service checks it."""
    acc = _free_account(number)
    loan_id = loan_applications.apply(agent, loan_applications.Application(
        member_id=acc.member_id, product_id=product.id, amount=product.amount_min,
        term=product.term_min, purpose="Stock pour la boutique", linked_account_id=acc.id,
        activity="Commerce au marché", monthly_income=2 * product.amount_min))
    return eligibility.check_eligibility(agent, loan_id)


def test_named_members_are_eligible_for_each_product_and_others_are_not(cycle):
    agent = _staff(cycle, "agent")
    assert len(cycle.savers) >= 3
    products = list(LoanProduct.select().where((LoanProduct.currency == "USD")
                                               & (LoanProduct.active == True))  # noqa: E712
                    .order_by(LoanProduct.code))
    assert {p.code for p in products} == {"AGRI", "HEBDO", "PME", "SOLID"}
    open_files = {(m.number, p.id) for m in Member.select() for p in products
                  if loan_applications.open_application(m.id, p.id) is not None}
    for product in products:
        # a saver whose file for this product is already open goes on with that one
        passing = [n for n in cycle.savers if (n, product.id) not in open_files
                   and all(r.passed for r in _check(agent, product, n))]
        assert len(passing) >= 2, (product.code, passing)
    # A member who saves now and then (not a saver, no loan) fails the deposit rule of
    # the individual products.
    savers = set(cycle.savers)
    occasional = next(m.number for m in Member.select().where(Member.kind == "person")
                      .order_by(Member.id.desc()) if m.number not in savers)
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    failed = {r.rule for r in _check(agent, hebdo, occasional) if not r.passed}
    assert "deposits" in failed


def test_the_tills_are_closed_when_the_working_day_begins(cycle):
    assert cycle.business_date == date(2026, 12, 7)
    assert not TillSession.select().where(TillSession.status == "open").exists()
    assert not TillSession.select().where(
        TillSession.business_date == cycle.business_date).exists()
    # ... and the cashier opens his with the count of what it holds
    cashier = _staff(cycle, "caissier1")
    till = Till.get(Till.code == "C01")
    counts = {cur: tills.breakdown(bal, cur) for cur, bal in tills.till_balances(till).items()}
    result = tills.open_session(cashier, till.id, counts)
    assert tills.my_session(cashier).till_id == till.id
    assert result is not None


def test_the_working_days_cash_journal_holds_no_opening_balance(cycle):
    day = cycle.business_date
    taken_over = list(JournalTransaction.select().where(
        JournalTransaction.kind == "opening_balance"))
    assert taken_over and all(t.business_date < day for t in taken_over)
    gerant = _staff(cycle, "gerant")
    journal = cash_journal.cash_journal(gerant, day, "USD")
    assert journal.lines == () and journal.total_in == 0
    cash = sum(a.balance for a in Account.select().where(Account.till.is_null(False)
                                                         & (Account.currency == "USD")))
    assert journal.opening_balance == journal.closing_balance == cash > 0
    # The busy day before it: cash vouchers only (deposits, withdrawals, repayments,
    # transfers between the vault and the tills), no balance taken over.
    before = (JournalTransaction.select(JournalTransaction.business_date)
              .where(JournalTransaction.business_date < day)
              .order_by(JournalTransaction.business_date.desc()).first().business_date)
    lines = cash_journal.cash_journal(gerant, before, "USD").lines
    assert lines and not any(ln.number.startswith("OD-") for ln in lines), [
        ln.label for ln in lines if ln.number.startswith("OD-")]
