"""A savings deposit that arrives without cash: by mobile money or a bank transfer (#9).

The member paid the operator or the bank; the money sits on the channel's clearing
account (the same GL keys as the loan repayments, `accounts.CLEARING_GL`). The deposit
debits that clearing account and credits the savings account, with a VI voucher (no
cash moved, as a transfer). The counter's cash deposit limits do not apply: the money
has already arrived. A deposit wakes a dormant account, as at the counter.
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db.models import Account
from mifin_tui.i18n import _
from mifin_tui.services.kernel import accounts, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.money import positive_amount


@dataclass(frozen=True)
class Credited:
    txn_id: int
    voucher_number: str
    balance_after: int


def credit_within(ctx: Context, account_id: int, amount: int, *, channel: str,
                  reference: str, label: str = "") -> Credited:
    """Credit `amount` (minor units) on a savings account from the clearing account of
    `channel` (mobile_money or bank), inside the caller's write transaction. Refusals are
    ValidationErrors raised before anything is written."""
    from mifin_tui.services.savings import deposits as savings_deposits

    positive_amount(amount)
    if channel not in accounts.CLEARING_GL:
        raise ValidationError({"channel": _("One of: {channels}.").format(
            channels=", ".join(accounts.CLEARING_GL))})
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or acc.branch_id != ctx.branch_id or acc.kind != "savings":
        raise ValidationError({"account": _("Choose a savings account of the member.")})
    if acc.status != "active":
        raise ValidationError({"account": _("Account {number} is closed.").format(
            number=acc.number)})
    clearing = accounts.internal_account(ctx.branch_id, accounts.CLEARING_GL[channel],
                                         acc.currency)
    text = label.strip() or _("Deposit on {number}").format(number=acc.number)
    if reference:
        text = f"{text} ({reference})"
    posted = ledger.post(ctx, kind="savings_deposit_transfer", label=text[:250],
                         lines=[ledger.Line(clearing.id, debit=amount),
                                ledger.Line(acc.id, credit=amount)],
                         voucher_series="VI")
    if posted.voucher_number is None:
        raise MifinError("voucher number missing")
    savings_deposits.wake_within(ctx, acc)
    after = next(p.balance_after for p in posted.lines if p.account_id == acc.id)
    return Credited(posted.txn_id, posted.voucher_number, after)
