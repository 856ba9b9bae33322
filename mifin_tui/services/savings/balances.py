"""A savings account's figures: its product, its holds and what may leave it now.

The available balance (balance - active holds - the product's minimum balance) is the
one figure every withdrawal, transfer and the loans' automatic debit respect.
"""

from __future__ import annotations

from datetime import date

import peewee as pw

from mifin_tui.db.models import Account, AccountHold, SavingsAccount, SavingsProduct
from mifin_tui.db.queries import balances as balance_queries
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.savings import products


def money_text(minor: int, currency: str) -> str:
    """An amount as the messages to the user write it, in their language."""
    return format_amount(minor, currency, current_language())


def savings_account(account_id: int, branch_id: int | None = None) -> Account:
    """The savings account, refused when it is another branch's or not a savings one."""
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or (branch_id is not None and acc.branch_id != branch_id):
        raise NotFound(_("No such account in this branch."))
    if acc.kind != "savings":
        raise ValidationError({"account": _("Account {number} is not a savings account.")
                               .format(number=acc.number)})
    return acc


def account_info(acc: Account) -> tuple[SavingsAccount | None, SavingsProduct | None]:
    """The account's savings row and product; an account opened before savings products
    has no row yet and follows the free product of its currency."""
    info = SavingsAccount.get_or_none(SavingsAccount.account == acc.id)
    if info is not None:
        return info, info.product
    return None, products.free_product(acc.currency)


def ensure_info(acc: Account) -> SavingsAccount:
    """The account's savings row, created on first write for an account without one."""
    info, product = account_info(acc)
    if info is not None:
        return info
    if product is None:
        raise MifinError(_("No savings product for {currency}: configure one first.").format(
            currency=acc.currency))
    return SavingsAccount.create(account=acc.id, product=product.id)


def holds_total(account_id: int) -> int:
    """The sum of the account's active holds."""
    return int(AccountHold.select(pw.fn.SUM(AccountHold.amount)).where(
        (AccountHold.account == account_id) & (AccountHold.status == "active")).scalar() or 0)


def raw_available(acc: Account, product: SavingsProduct | None) -> int:
    """Balance - holds - minimum balance, negative when the holds exceed what is there."""
    minimum = product.min_balance if product is not None else 0
    return acc.balance - holds_total(acc.id) - minimum


def available_balance(account_id: int) -> int:
    """What may leave the account now: balance - active holds - product minimum, never < 0.

    The repayments' automatic debit takes at most this much.
    """
    found = balance_queries.available(account_id)
    if found is None:
        raise NotFound(_("No account {id}.").format(id=account_id))
    return found


def blocked_reason(acc: Account, info: SavingsAccount | None, product: SavingsProduct | None,
                   day: date) -> str:
    """Why withdrawals from the account are refused today, "" when they are not."""
    if acc.status == "blocked":
        return _("Account {number} is blocked.").format(number=acc.number)
    if product is None or info is None:
        return ""
    if product.kind == products.BLOCKED:
        if info.collateral:
            return _("Account {number} is blocked as loan collateral.").format(number=acc.number)
        if info.blocked_until and day < info.blocked_until:
            return _("Account {number} is blocked until {date}.").format(
                number=acc.number, date=format_date(info.blocked_until, current_language()))
    if product.kind == products.SCHEDULED and info.target_date and day < info.target_date:
        return _("Scheduled savings are paid out from the target date, {date}.").format(
            date=format_date(info.target_date, current_language()))
    if product.kind == products.TONTINE:
        return _("A tontine is paid out at the end of its cycle (Tontine payout).")
    return ""
