"""Standing orders (ordres de prélèvement permanent, DOMAIN.md): the member signs that the
closing's automatic debit may take one of his savings accounts for the loans named.

Without one, the automatic debit takes only the loan's linked account and the member's
free savings; a programmed, blocked (DAT, term), tontine or interest-bearing account is
never touched. Recorded and revoked with who and when (audited both ways); a revoked
order stays on file. Loans are plain data here (id and number): savings know nothing of
loans, the closing reads the orders through `db.queries.standing_orders`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, SavingsProduct, StandingOrder, StandingOrderLoan, User
from mifin_tui.db.queries import standing_orders as queries
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.kernel import audit, business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.savings.balances import account_info, savings_account
from mifin_tui.services.savings.products import FREE, KINDS

# The loans a standing order may name: approved (the order is often signed with the
# contract) or with money out. Spelled here since savings do not import loans.
ORDERABLE_STATES = ("approved", "disbursed", "active", "in_arrears")


@dataclass(frozen=True)
class StandingOrderView:
    id: int
    account_id: int
    account_number: str
    account_kind: str  # the savings product's kind label
    loans: tuple[str, ...]  # loan numbers
    signed_on: date
    note: str
    active: bool
    recorded_by: str
    recorded_at: datetime
    revoked_by: str
    revoked_at: datetime | None
    revoke_reason: str


def _user_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = User.get_or_none(User.id == user_id)
    return user.full_name if user else ""


def _view(order: StandingOrder) -> StandingOrderView:
    acc = Account.get_by_id(order.account_id)
    _info, product = account_info(acc)
    kind = product.kind if isinstance(product, SavingsProduct) else FREE
    loans = tuple(n for (n,) in StandingOrderLoan.select(StandingOrderLoan.loan_number)
                  .where(StandingOrderLoan.order == order.id)
                  .order_by(StandingOrderLoan.loan_id).tuples())
    return StandingOrderView(
        order.id, acc.id, acc.number, _(KINDS[kind]), loans, order.signed_on, order.note,
        order.status == "active", _user_name(order.recorded_by_id), order.recorded_at,
        _user_name(order.revoked_by_id), order.revoked_at, order.revoke_reason)


def orders_of_account(account_id: int, *, include_revoked: bool = True
                      ) -> list[StandingOrderView]:
    """The standing orders recorded on an account, newest first."""
    q = StandingOrder.select().where(StandingOrder.account == account_id)
    if not include_revoked:
        q = q.where(StandingOrder.status == "active")
    return [_view(o) for o in q.order_by(StandingOrder.id.desc())]


def orders_for_loan(loan_id: int) -> list[StandingOrderView]:
    """The active standing orders that let the closing debit an account for this loan:
    what the loan card and the contract show."""
    q = (StandingOrder.select().join(StandingOrderLoan)
         .where((StandingOrderLoan.loan_id == loan_id) & (StandingOrder.status == "active"))
         .order_by(StandingOrder.id))
    return [_view(o) for o in q]


def orderable_loans(account_id: int) -> list[tuple[int, str]]:
    """(id, number) of the account holder's loans in the account's currency that a
    standing order on it may name."""
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or acc.member_id is None:
        return []
    return [(loan_id, number) for loan_id, number, cur, _state
            in queries.member_loans(acc.member_id, ORDERABLE_STATES) if cur == acc.currency]


@requires("account.mandate")
def record(ctx: Context, account_id: int, loan_ids: Sequence[int], signed_on: date,
           note: str = "") -> StandingOrderView:
    """Record the standing order the member signed on `signed_on`: the closing may debit
    this account for these loans (of the account holder, in its currency)."""
    with write_transaction():
        acc = savings_account(account_id, ctx.branch_id)
        today = business_day.require_open(ctx.branch_id)
        errors: dict[str, str] = {}
        if acc.status != "active":
            errors["account"] = _("Account {number} is not active.").format(number=acc.number)
        loans = dict(orderable_loans(acc.id))
        wanted = sorted(set(loan_ids))
        if not wanted:
            errors["loans"] = _("Name at least one loan the order serves.")
        elif any(i not in loans for i in wanted):
            errors["loans"] = _("A standing order serves loans of the account holder in "
                                "the account's currency, approved or running.")
        if signed_on > today:
            errors["signed_on"] = _("The member cannot have signed after today.")
        if errors:
            raise ValidationError(errors)
        order = StandingOrder.create(account=acc.id, signed_on=signed_on,
                                     note=note.strip()[:255], recorded_by=ctx.user_id,
                                     recorded_at=clock.now(), business_date=today)
        StandingOrderLoan.insert_many([{"order": order.id, "loan_id": i,
                                        "loan_number": loans[i]} for i in wanted]).execute()
        audit.record(ctx, "standing_order.record", "account", acc.number,
                     after={"order": order.uid, "loans": [loans[i] for i in wanted],
                            "signed_on": signed_on.isoformat(), "note": order.note},
                     business_date=today)
        return _view(order)


@requires("account.mandate")
def revoke(ctx: Context, order_id: int, reason: str) -> StandingOrderView:
    """The member revokes his standing order: the closing no longer takes the account."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the order is revoked.")})
    with write_transaction():
        order = StandingOrder.get_or_none(StandingOrder.id == order_id)
        if order is None or order.status != "active":
            raise NotFound(_("No such active standing order."))
        acc = savings_account(order.account_id, ctx.branch_id)
        today = business_day.require_open(ctx.branch_id)
        StandingOrder.update(status="revoked", revoked_by=ctx.user_id, revoked_at=clock.now(),
                             revoked_on=today, revoke_reason=reason.strip()[:255]
                             ).where(StandingOrder.id == order.id).execute()
        view = _view(StandingOrder.get_by_id(order.id))
        audit.record(ctx, "standing_order.revoke", "account", acc.number,
                     before={"order": order.uid, "loans": list(view.loans), "active": True},
                     after={"active": False, "reason": view.revoke_reason},
                     business_date=today)
        return view


def card_lines(loan_id: int) -> list[str]:
    """The loan card's lines on the standing orders serving the loan (empty: none, the
    closing takes only the linked account and the member's free savings)."""
    from mifin_tui.services.kernel.dates import format_date, format_datetime

    lang = current_language()
    return [_("Standing order: {account} ({kind}) signed {signed}, recorded by {user} on "
              "{when}").format(account=o.account_number, kind=o.account_kind,
                               signed=format_date(o.signed_on, lang), user=o.recorded_by,
                               when=format_datetime(o.recorded_at, lang))
            for o in orders_for_loan(loan_id)]


def contract_accounts(linked_account: str, loan_id: int, language: str) -> str:
    """The accounts the contract says may be debited of each instalment, in the
    document's language: the linked account, and those of the standing orders the member
    signed for the loan (with the date signed)."""
    from mifin_tui.i18n import translator
    from mifin_tui.services.kernel.dates import format_date

    t = translator(language)
    orders = orders_for_loan(loan_id)
    if not orders:
        return linked_account
    more = "; ".join(t(N_("{account} (standing order signed on {signed})")).format(
        account=o.account_number, signed=format_date(o.signed_on, language)) for o in orders)
    return f"{linked_account or '-'}; {more}"
