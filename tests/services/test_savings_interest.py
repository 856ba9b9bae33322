"""Interest on épargne rémunérée against hand computations, idempotence, dormancy, and the
property: no sequence of deposits, withdrawals and holds makes the available balance
negative or the ledger unbalanced."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    AccountHold,
    Entry,
    InterestPosting,
    SavingsAccount,
    SavingsProduct,
)
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import accounts
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings import balances as savings_balances
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import holds as savings_holds
from mifin_tui.services.savings import interest as savings_interest
from mifin_tui.services.savings import opening as savings_opening
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from tests.conftest import FIRST_DAY
from tests.services.test_savings import branch, product  # noqa: F401 - the fixture

USD = "USD"


def test_minimum_monthly_balance_by_hand():
    p = SavingsProduct(rate_bp=450, withholding_bp=1500, interest_method="min_monthly")
    history = [(date(2026, 9, 10), 100_000), (date(2026, 10, 12), 40_000),
               (date(2026, 10, 20), 90_000), (date(2026, 11, 15), 150_000)]
    # October's lowest balance: 400.00 (after the 12th); November's: 900.00 (until the
    # 15th). 1,300.00 x 4.5 % / 12 = 4.875 USD -> 4.88; tax 15 % of 4.88 = 0.732 -> 0.73.
    assert savings_interest.monthly_minimums(history, date(2026, 10, 1),
                                             date(2026, 11, 30)) == [40_000, 90_000]
    assert savings_interest.compute(p, history, date(2026, 10, 1), date(2026, 11, 30)) == (
        130_000, 488, 73)


def test_daily_balance_by_hand():
    p = SavingsProduct(rate_bp=365, withholding_bp=2000, interest_method="daily")
    history = [(date(2026, 11, 1), 100_000), (date(2026, 11, 11), 200_000)]
    # 10 days at 1,000.00 then 20 days at 2,000.00 = 50,000.00 balance-days;
    # x 3.65 % / 365 = 5.00 USD exactly; tax 20 % = 1.00.
    assert savings_interest.compute(p, history, date(2026, 11, 1), date(2026, 11, 30)) == (
        5_000_000, 500, 100)


def test_half_cents_round_up():
    from fractions import Fraction

    assert savings_interest.round_half_up(Fraction(1, 2)) == 1
    assert savings_interest.round_half_up(Fraction(249, 100)) == 2
    assert savings_interest.round_half_up(Fraction(5, 2)) == 3


def test_post_interest_posts_net_and_tax_once(branch, make_user):  # noqa: F811
    c = branch["cashier"]
    manager = branch["manager"]
    rem = product("interest")
    with db.write_transaction():
        SavingsProduct.update(interest_method="daily").where(SavingsProduct.id == rem.id).execute()
    acc = savings_opening.open_account(c, branch["member"].id, rem.id,
                                       opening_deposit=100_000).account
    end = date(2026, 11, 30)
    run = savings_interest.post_interest(manager, end)
    # 23 -> 30 November: 8 days at 1,000.00 = 800,000 balance-days (cents);
    # x 4 % / 365 = 87.67 cents -> 88; tax 20 % of 88 = 17.6 -> 18; net 70.
    assert (run.posted, run.gross, run.tax) == (1, {USD: 88}, {USD: 18})
    assert Account.get_by_id(acc.id).balance == 100_070
    payable = accounts.internal_account(c.branch_id, "withholding_tax_payable", USD)
    expense = accounts.internal_account(c.branch_id, "interest_expense_savings", USD)
    assert Account.get_by_id(payable.id).balance == 18
    assert Account.get_by_id(expense.id).balance == 88
    again = savings_interest.post_interest(manager, end)
    assert again.posted == 0 and again.skipped == 1
    assert Account.get_by_id(acc.id).balance == 100_070
    assert InterestPosting.select().count() == 1
    assert check.run().ok


def test_quarterly_products_post_only_at_quarter_end(branch):  # noqa: F811
    rem = product("interest")
    with db.write_transaction():
        SavingsProduct.update(posting_months=3).where(SavingsProduct.id == rem.id).execute()
    savings_opening.open_account(branch["cashier"], branch["member"].id, rem.id,
                                 opening_deposit=100_000)
    assert savings_interest.post_interest(branch["manager"], date(2026, 11, 30)).accounts == 0


def test_dormant_account_needs_the_manager_and_a_deposit_wakes_it(branch):  # noqa: F811
    c, m = branch["cashier"], branch["manager"]
    acc = branch["account"]
    assert savings_interest.mark_dormant(m, FIRST_DAY + timedelta(days=200)) == []
    marked = savings_interest.mark_dormant(m, FIRST_DAY + timedelta(days=366))
    assert marked == [Account.get_by_id(acc).number]
    assert savings_accounts.account_view(c, acc).state_word == "DORMANT"
    out = savings_withdrawals.withdraw(c, acc, 1_000, purpose="x")
    assert out.receipt is None and out.request.reasons == ("dormant",)
    savings_deposits.deposit(c, acc, 2_000, party_name="K", purpose="x")
    assert not SavingsAccount.get_by_id(acc).dormant


OPS = st.lists(st.tuples(st.sampled_from(["deposit", "withdraw", "hold", "release"]),
                         st.integers(min_value=-100, max_value=400_000)),
               min_size=1, max_size=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPS)
def test_available_balance_never_negative_and_ledger_balanced(branch, ops):  # noqa: F811
    c, m = branch["cashier"], branch["manager"]
    acc = savings_opening.open_account(c, branch["member"].id, product("interest").id,
                                       opening_deposit=10_000).account.id
    minimum = product("interest").min_balance
    for op, amount in ops:
        try:
            if op == "deposit":
                savings_deposits.deposit(c, acc, amount, party_name="K", purpose="x")
            elif op == "withdraw":
                savings_withdrawals.withdraw(c, acc, amount, purpose="x")
            elif op == "hold":
                savings_holds.place_hold(m, acc, amount, "dispute")
            else:
                hold = AccountHold.get_or_none((AccountHold.account == acc)
                                               & (AccountHold.status == "active"))
                if hold is not None:
                    savings_holds.release_hold(m, hold.id, "Litige réglé")
        except MifinError:
            pass
        balance = Account.get_by_id(acc).balance
        assert balance - savings_balances.holds_total(acc) - minimum >= 0
        assert savings_balances.available_balance(acc) >= 0
        totals = Entry.select(db.models.pw.fn.SUM(Entry.debit),
                              db.models.pw.fn.SUM(Entry.credit)).tuples().get()
        assert totals[0] == totals[1]
    assert check.run().ok  # every running balance against its entries, the audit chain
