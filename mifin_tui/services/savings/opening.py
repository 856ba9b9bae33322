"""Opening a savings account (with its opening deposit) and closing one (its balance
paid out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Member,
    SavingsAccount,
    SavingsProduct,
    User,
    WithdrawalRequest,
)
from mifin_tui.i18n import _
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.kernel import accounts, audit, business_day
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import products
from mifin_tui.services.savings.accounts import SavingsView, savings_view
from mifin_tui.services.savings.balances import (
    account_info,
    blocked_reason,
    holds_total,
    money_text,
    savings_account,
)


@dataclass(frozen=True)
class Opened:
    account: SavingsView
    receipt: CashReceipt | None


@requires("account.open")
def open_account(ctx: Context, member_id: int, product_id: int, *, opening_deposit: int = 0,
                 party_name: str = "", planned_amount: int = 0, target_date: date | None = None,
                 blocked_until: date | None = None, collateral: bool = False,
                 agent_id: int | None = None) -> Opened:
    """A new savings account for a member, with its opening deposit (a BE) when the
    product asks for one. Several accounts of several kinds per member."""
    with write_transaction():
        day = business_day.require_open(ctx.branch_id)
        member = Member.get_or_none(Member.id == member_id)
        product = SavingsProduct.get_or_none(SavingsProduct.id == product_id)
        errors: dict[str, str] = {}
        if member is None or member.branch_id != ctx.branch_id:
            errors["member"] = _("No such member in this branch.")
        elif member.status == "left":
            errors["member"] = _("This member has left the institution.")
        if product is None or not product.active:
            errors["product"] = _("Choose an active savings product.")
        if errors:
            raise ValidationError(errors)
        if not isinstance(opening_deposit, int) or opening_deposit < 0:
            errors["opening_deposit"] = _("Enter an amount, zero or more.")
        elif opening_deposit < product.min_opening:
            errors["opening_deposit"] = _("{product} opens with at least {minimum}.").format(
                product=product.name, minimum=money_text(product.min_opening, product.currency))
        elif opening_deposit and product.deposit_max and opening_deposit > product.deposit_max:
            errors["opening_deposit"] = _("A deposit on {product} is at most {maximum}.").format(
                product=product.name, maximum=money_text(product.deposit_max, product.currency))
        if product.kind == products.SCHEDULED:
            if target_date is None or target_date <= day:
                errors["target_date"] = _("Give a target date after today.")
        if product.kind == products.BLOCKED and not collateral and (
                blocked_until is None or blocked_until <= day):
            errors["blocked_until"] = _("Block until a date after today, or as collateral.")
        if product.kind == products.TONTINE and agent_id is not None and \
                User.get_or_none(User.id == agent_id) is None:
            errors["agent"] = _("No such user.")
        if errors:
            raise ValidationError(errors)
        acc = accounts.open_member_account(member, product.gl_key, product.currency,
                                           product.name, day)
        SavingsAccount.create(
            account=acc.id, product=product.id,
            planned_amount=planned_amount if planned_amount > 0 else 0,
            target_date=target_date if product.kind == products.SCHEDULED else None,
            blocked_until=blocked_until if product.kind == products.BLOCKED else None,
            collateral=collateral and product.kind == products.BLOCKED,
            agent=agent_id if product.kind == products.TONTINE else None,
            cycle_start=day if product.kind == products.TONTINE else None)
        audit.record(ctx, "account.open", "account", acc.number,
                     after={"member": member.number, "product": product.code,
                            "currency": product.currency, "opening_deposit": opening_deposit})
        receipt = None
        if opening_deposit:
            receipt = cash.cash_in(ctx, acc.id, opening_deposit,
                                   party_name=party_name.strip() or members.display_name(member),
                                   purpose=_("Opening deposit {product}").format(
                                       product=product.name))
        return Opened(savings_view(Account.get_by_id(acc.id), day), receipt)


@requires("account.open")
def close_account(ctx: Context, account_id: int, reason: str) -> CashReceipt | None:
    """Close an account: its whole balance paid out with a BS, then no more movements."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the account.")})
    with write_transaction():
        acc = savings_account(account_id, ctx.branch_id)
        if acc.status != "active":
            raise Conflict(_("Account {number} is closed.").format(number=acc.number))
        if holds_total(acc.id):
            raise ValidationError({"account": _("Release the holds on the account first.")})
        if WithdrawalRequest.select().where(
                (WithdrawalRequest.account == acc.id)
                & WithdrawalRequest.status.in_(("pending", "approved"))).exists():
            raise ValidationError({"account": _("A withdrawal request on the account is "
                                                "still open.")})
        info, product = account_info(acc)
        day = business_day.require_open(ctx.branch_id)
        if product is not None and product.kind == products.BLOCKED:
            blocked = blocked_reason(acc, info, product, day)
            if blocked:
                raise ValidationError({"account": blocked})
        receipt = None
        if acc.balance > 0:
            holder = members.display_name(Member.get_by_id(acc.member_id)) if acc.member_id \
                else acc.name
            receipt = cash.cash_out(ctx, acc.id, acc.balance, party_name=holder,
                                    purpose=_("Account closed: {reason}").format(
                                        reason=reason.strip()))
        Account.update(status="closed").where(Account.id == acc.id).execute()
        audit.record(ctx, "account.close", "account", acc.number,
                     before={"status": "active", "balance": acc.balance},
                     after={"status": "closed", "reason": reason.strip(),
                            "voucher": receipt.voucher_number if receipt else None})
    return receipt
