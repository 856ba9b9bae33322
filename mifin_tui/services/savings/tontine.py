"""Tontine accounts: the end of a cycle, its commission and its payout."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Member, SavingsAccount
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.kernel import accounts, audit, business_day, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import products
from mifin_tui.services.savings.balances import account_info, holds_total, savings_account


@requires("ledger.post")
def tontine_payout(ctx: Context, account_id: int) -> CashReceipt:
    """End of a tontine cycle: the institution keeps its commission (N days' contributions),
    the rest is paid out with a BS, and a new cycle starts."""
    with write_transaction():
        acc = savings_account(account_id, ctx.branch_id)
        info, product = account_info(acc)
        if product is None or product.kind != products.TONTINE or info is None \
                or info.cycle_start is None:
            raise ValidationError({"account": _("Account {number} is not a tontine.").format(
                number=acc.number)})
        day = business_day.require_open(ctx.branch_id)
        elapsed = (day - info.cycle_start).days + 1
        if elapsed < product.cycle_days:
            raise ValidationError({"account": _(
                "The cycle ends on day {days}; today is day {day}.").format(
                days=product.cycle_days, day=elapsed)})
        daily = info.planned_amount or product.planned_amount
        free = acc.balance - holds_total(acc.id)
        commission = min(product.commission_days * daily, max(0, free))
        if commission:
            income = accounts.internal_account(ctx.branch_id, "tontine_commission_income",
                                               acc.currency)
            ledger.post(ctx, kind="tontine_commission",
                        label=_("Tontine commission {number}").format(number=acc.number),
                        lines=[ledger.Line(acc.id, debit=commission),
                               ledger.Line(income.id, credit=commission)],
                        voucher_series="OD")
        payout = Account.get_by_id(acc.id).balance - holds_total(acc.id)
        if payout <= 0:
            raise ValidationError({"account": _("Nothing to pay out on this cycle.")})
        holder = members.display_name(Member.get_by_id(acc.member_id)) if acc.member_id \
            else acc.name
        receipt = cash.cash_out(ctx, acc.id, payout, party_name=holder,
                                purpose=_("Tontine payout, cycle of {date}").format(
                                    date=format_date(info.cycle_start, current_language())))
        SavingsAccount.update(cycle_start=day + timedelta(days=1)).where(
            SavingsAccount.account == acc.id).execute()
        audit.record(ctx, "tontine.payout", "account", acc.number,
                     after={"commission": commission, "payout": payout,
                            "voucher": receipt.voucher_number})
    return receipt
