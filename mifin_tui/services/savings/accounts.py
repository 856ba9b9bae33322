"""Reading savings accounts: one account's view (figures, state, mandataires, plan) and a
member's accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.db.models import (
    Account,
    Entry,
    JournalTransaction,
    Member,
    SavingsAccount,
    SavingsProduct,
    WithdrawalRequest,
)
from mifin_tui.i18n import _
from mifin_tui.services.kernel import accounts, business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import products
from mifin_tui.services.savings.balances import (
    account_info,
    blocked_reason,
    holds_total,
    savings_account,
)
from mifin_tui.services.savings.mandates import MandateView, active_mandates


@dataclass(frozen=True)
class SavingsView:
    id: int
    number: str
    name: str
    holder: str
    member_id: int | None
    member_number: str | None
    member_kind: str
    currency: str
    balance: int
    holds: int
    min_balance: int
    available: int
    status: str
    product_id: int | None
    product_code: str
    product_name: str
    kind: str
    dormant: bool
    blocked: str  # why withdrawals are refused, "" when they are not
    mandates: tuple[MandateView, ...]
    planned_amount: int = 0
    target_date: date | None = None
    missed_instalments: int = 0
    cycle_day: int | None = None
    cycle_days: int = 0
    pending_requests: int = 0

    @property
    def state_word(self) -> str:
        if self.status == "closed":
            return _("CLOSED")
        if self.blocked:
            return _("BLOCKED")
        if self.dormant:
            return _("DORMANT")
        return _("open")



def _periods(start: date, end: date, period: str) -> list[tuple[date, date]]:
    """Whole periods from `start` that ended before `end`: [(first day, next start)]."""
    out = []
    cur = start
    while True:
        if period == "week":
            nxt = cur + timedelta(days=7)
        else:
            month = cur.month % 12 + 1
            year = cur.year + (cur.month == 12)
            day = min(start.day, 28)
            nxt = date(year, month, day)
        if nxt > end:
            return out
        out.append((cur, nxt))
        cur = nxt


def _credits_between(account_id: int, start: date, end: date) -> list[tuple[date, int]]:
    return list(Entry.select(JournalTransaction.business_date, Entry.credit)
                .join(JournalTransaction)
                .where((Entry.account == account_id) & (Entry.credit > 0)
                       & (JournalTransaction.business_date >= start)
                       & (JournalTransaction.business_date < end)).tuples())


def missed_instalments(acc: Account, info: SavingsAccount, product: SavingsProduct,
                       day: date) -> int:
    """Periods since opening whose deposits fell short of the planned amount."""
    planned = info.planned_amount or product.planned_amount
    if planned <= 0:
        return 0
    end = min(day, info.target_date) if info.target_date else day
    periods = _periods(acc.opened_on, end, product.period)
    if not periods:
        return 0
    credits = _credits_between(acc.id, periods[0][0], periods[-1][1])
    missed = 0
    for lo, hi in periods:
        if sum(amount for d, amount in credits if lo <= d < hi) < planned:
            missed += 1
    return missed


def savings_view(acc: Account, day: date | None = None) -> SavingsView:
    day = day or business_day.open_date(acc.branch_id) or clock.today()
    info, product = account_info(acc)
    member = Member.get_by_id(acc.member_id) if acc.member_id else None
    holds = holds_total(acc.id)
    minimum = product.min_balance if product else 0
    extra: dict = {}
    if product is not None and info is not None:
        if product.kind == products.SCHEDULED:
            extra = dict(planned_amount=info.planned_amount or product.planned_amount,
                         target_date=info.target_date,
                         missed_instalments=missed_instalments(acc, info, product, day))
        elif product.kind == products.TONTINE and info.cycle_start:
            extra = dict(planned_amount=info.planned_amount or product.planned_amount,
                         cycle_day=(day - info.cycle_start).days + 1,
                         cycle_days=product.cycle_days)
        elif product.kind == products.BLOCKED:
            extra = dict(target_date=info.blocked_until)
    pending = WithdrawalRequest.select().where(
        (WithdrawalRequest.account == acc.id)
        & WithdrawalRequest.status.in_(("pending", "approved"))).count()
    return SavingsView(
        id=acc.id, number=acc.number, name=acc.name,
        holder=members.display_name(member) if member else acc.name,
        member_id=acc.member_id, member_number=member.number if member else None,
        member_kind=member.kind if member else "",
        currency=acc.currency, balance=acc.balance, holds=holds, min_balance=minimum,
        available=max(0, acc.balance - holds - minimum), status=acc.status,
        product_id=product.id if product else None,
        product_code=product.code if product else "",
        product_name=product.name if product else "", kind=product.kind if product else "",
        dormant=bool(info and info.dormant),
        blocked=blocked_reason(acc, info, product, day), mandates=active_mandates(acc.id),
        pending_requests=pending, **extra)


@requires("account.read")
def account_view(ctx: Context, account_id: int) -> SavingsView:
    return savings_view(savings_account(account_id, ctx.branch_id))


@requires("account.read")
def find_account(ctx: Context, number: str) -> SavingsView:
    found = accounts.find_by_number(ctx, number)
    return savings_view(savings_account(found.id, ctx.branch_id))


@requires("account.read")
def member_savings(ctx: Context, member_id: int) -> list[SavingsView]:
    return [savings_view(a) for a in Account.select().where(
        (Account.member == member_id) & (Account.kind == "savings")).order_by(Account.id)]
