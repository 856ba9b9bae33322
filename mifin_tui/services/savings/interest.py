"""Interest on épargne rémunérée and dormancy: services the nightly closing calls.

Interest is computed from the ledger's running balances, exactly (fractions), and
rounded once per account and period, half up to the minor unit; the tax withheld is
rounded the same way from the gross and credited to its own account. One
InterestPosting row per account and period makes a second run post nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Entry,
    InterestPosting,
    JournalTransaction,
    SavingsAccount,
    SavingsProduct,
)
from mifin_tui.db.queries import savings as savings_queries
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import accounts, audit, clock, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.savings import products

# Movements that do not count as the member's own (they never wake nor keep an account).
NOT_CLIENT_MOVES = ("savings_interest", "savings_fee", "tontine_commission")


def round_half_up(value: Fraction) -> int:
    """Nearest integer, halves away from zero (amounts here are never negative)."""
    if value < 0:
        return -round_half_up(-value)
    return int((value.numerator * 2 + value.denominator) // (2 * value.denominator))


def percent(bp: int) -> str:
    """Basis points as a percentage with two decimals: 425 -> "4.25"."""
    return f"{bp // 100}.{bp % 100:02d}"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def period_of(period_end: date, posting_months: int) -> date:
    """First day of the posting period that ends on `period_end`."""
    return add_months(period_end.replace(day=1), -(posting_months - 1))


def _history(account_id: int, start: date, until: date) -> list[tuple[date, int]]:
    """(business date, balance after) from the balance the period opened with to `until`,
    in posting order: older entries are summed up in that first pair."""
    from mifin_tui.services.savings.statements import balance_before

    inside = list(Entry.select(JournalTransaction.business_date, Entry.balance_after)
                  .join(JournalTransaction)
                  .where((Entry.account == account_id)
                         & (JournalTransaction.business_date >= start)
                         & (JournalTransaction.business_date <= until))
                  .order_by(Entry.id).tuples())
    return [(start - timedelta(days=1), balance_before(account_id, start)), *inside]


def _end_of_day_balances(history: list[tuple[date, int]], start: date, end: date
                         ) -> list[int]:
    out = []
    balance = 0
    i = 0
    day = start
    while i < len(history) and history[i][0] < start:
        balance = history[i][1]
        i += 1
    while day <= end:
        while i < len(history) and history[i][0] <= day:
            balance = history[i][1]
            i += 1
        out.append(balance)
        day += timedelta(days=1)
    return out


def daily_base(history: list[tuple[date, int]], start: date, end: date) -> int:
    """Sum of the end-of-day balances (balance-days) from `start` to `end` inclusive."""
    return sum(_end_of_day_balances(history, start, end))


def monthly_minimums(history: list[tuple[date, int]], start: date, end: date) -> list[int]:
    """The lowest balance of each calendar month of [start, end]: the balance the month
    opened with and every balance reached in it."""
    mins = []
    month_start = start
    while month_start <= end:
        month_last = min(month_end(month_start), end)
        opening = 0
        inside = []
        for day, bal in history:
            if day < month_start:
                opening = bal
            elif day <= month_last:
                inside.append(bal)
        mins.append(min([opening, *inside]))
        month_start = month_last + timedelta(days=1)
    return mins


def compute(product: SavingsProduct, history: list[tuple[date, int]], start: date,
            end: date) -> tuple[int, int, int]:
    """(base, gross interest, tax) in minor units, for one account and period."""
    if product.interest_method == "daily":
        base = daily_base(history, start, end)
        gross = round_half_up(Fraction(base * product.rate_bp, 10000 * 365))
    else:
        base = sum(monthly_minimums(history, start, end))
        gross = round_half_up(Fraction(base * product.rate_bp, 10000 * 12))
    tax = round_half_up(Fraction(gross * product.withholding_bp, 10000))
    return base, gross, tax


@dataclass
class InterestRun:
    period_end: date
    accounts: int = 0
    posted: int = 0
    skipped: int = 0  # already posted for this period
    gross: dict[str, int] = field(default_factory=dict)
    tax: dict[str, int] = field(default_factory=dict)


@requires("day.close")
def post_interest(ctx: Context, period_end: date) -> InterestRun:
    """Post the interest of every interest-bearing account whose posting period ends on
    `period_end` (month end for monthly products; quarter end for quarterly ...).
    Idempotent per account and period: a second call posts nothing."""
    run = InterestRun(period_end)
    gross_total: dict[str, int] = defaultdict(int)
    tax_total: dict[str, int] = defaultdict(int)
    interest_products = list(SavingsProduct.select().where(
        SavingsProduct.kind == products.INTEREST))
    for product in interest_products:
        if period_end.month % product.posting_months:
            continue
        start = period_of(period_end, product.posting_months)
        rows = (Account.select().join(SavingsAccount, on=(SavingsAccount.account == Account.id))
                .where((SavingsAccount.product == product.id) & (Account.status == "active")
                       & (Account.branch == ctx.branch_id) & (Account.opened_on <= period_end))
                .order_by(Account.id))
        for acc in rows:
            run.accounts += 1
            with write_transaction():
                if InterestPosting.select().where(
                        (InterestPosting.account == acc.id)
                        & (InterestPosting.period_end == period_end)).exists():
                    run.skipped += 1
                    continue
                base, gross, tax = compute(product, _history(acc.id, max(start, acc.opened_on),
                                                    period_end),
                                           max(start, acc.opened_on), period_end)
                txn_id = None
                if gross > 0:
                    expense = accounts.internal_account(ctx.branch_id,
                                                        "interest_expense_savings",
                                                        acc.currency)
                    lines = [ledger.Line(expense.id, debit=gross),
                             ledger.Line(acc.id, credit=gross - tax)] if gross > tax else \
                        [ledger.Line(expense.id, debit=gross)]
                    if tax:
                        payable = accounts.internal_account(ctx.branch_id,
                                                            "withholding_tax_payable",
                                                            acc.currency)
                        lines.append(ledger.Line(payable.id, credit=tax))
                    posted = ledger.post(ctx, kind="savings_interest", label=_(
                        "Interest {start} - {end} at {rate} %, tax {tax} %").format(
                        start=format_date(start, current_language()),
                        end=format_date(period_end, current_language()),
                        rate=percent(product.rate_bp), tax=percent(product.withholding_bp)),
                        lines=lines, voucher_series="OD")
                    txn_id = posted.txn_id
                    run.posted += 1
                    gross_total[acc.currency] += gross
                    tax_total[acc.currency] += tax
                InterestPosting.create(account=acc.id, period_start=max(start, acc.opened_on),
                                       period_end=period_end, base=base, gross=gross, tax=tax,
                                       txn=txn_id, created_at=clock.now())
    if run.posted:
        with write_transaction():
            audit.record(ctx, "savings.interest", "period", period_end.isoformat(),
                         after={"accounts": run.accounts, "posted": run.posted,
                                "gross": dict(gross_total), "tax": dict(tax_total)})
    run.gross, run.tax = dict(gross_total), dict(tax_total)
    return run


@requires("day.close")
def mark_dormant(ctx: Context, on: date) -> list[str]:
    """Mark dormant the savings accounts without a movement of their own for the product's
    N months; a withdrawal on them then needs the gérant. One audit row per account, with
    its last movement. Set-based: the accounts are picked in SQL, per dormancy period,
    and marked with one executemany. Returns their numbers."""
    marked: list[tuple[int, str, str]] = []
    with write_transaction():
        products.adopt_accounts()
        for months in savings_queries.dormancy_periods():
            marked += savings_queries.dormant_candidates(
                ctx.branch_id, months, add_months(on, -months), NOT_CLIENT_MOVES)
        if not marked:
            return []
        marked.sort()
        ids = [account_id for account_id, _n, _o in marked]
        savings_queries.mark_dormant(ids, on)
        last = savings_queries.last_own_moves(ids, NOT_CLIENT_MOVES)
        audit.record_many(ctx, [audit.Record(
            "savings.dormant", "account", number, before={"dormant": False},
            after={"dormant": True, "last_movement": str(last.get(i) or opened)[:10]})
            for i, number, opened in marked])
    return [number for _i, number, _o in marked]
