"""Cash deposits on savings accounts. Every rule of the account's product is checked
before `cash.cash_in` draws the voucher, so a refusal uses no voucher number.
"""

from __future__ import annotations

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, SavingsAccount, SavingsProduct
from mifin_tui.i18n import _
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash.counter import CashPreview, CashReceipt
from mifin_tui.services.kernel import audit
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.savings.balances import account_info, money_text, savings_account


def deposit_errors(acc: Account, product: SavingsProduct | None, amount: int) -> dict:
    errors: dict[str, str] = {}
    if acc.status != "active":
        errors["account"] = _("Account {number} is closed.").format(number=acc.number)
    if product is not None:
        if product.deposit_min and amount < product.deposit_min:
            errors["amount"] = _("A deposit on {product} is at least {minimum}.").format(
                product=product.name, minimum=money_text(product.deposit_min, acc.currency))
        elif product.deposit_max and amount > product.deposit_max:
            errors["amount"] = _("A deposit on {product} is at most {maximum}.").format(
                product=product.name, maximum=money_text(product.deposit_max, acc.currency))
    return errors


@requires("ledger.post")
def deposit_preview(ctx: Context, account_id: int, amount: int) -> CashPreview:
    """What a deposit would post, every rule checked, nothing written."""
    positive_amount(amount)
    acc = savings_account(account_id, ctx.branch_id)
    errors = deposit_errors(acc, account_info(acc)[1], amount)
    if errors:
        raise ValidationError(errors)
    return cash.preview(ctx, "in", acc.id, amount)


@requires("ledger.post")
def deposit(ctx: Context, account_id: int, amount: int, *, party_name: str, purpose: str,
            party_id: str = "") -> CashReceipt:
    """Cash deposit on a savings account: a BE voucher; a deposit wakes a dormant account."""
    positive_amount(amount)
    with write_transaction():
        acc = savings_account(account_id, ctx.branch_id)
        info, product = account_info(acc)
        errors = deposit_errors(acc, product, amount)
        if errors:
            raise ValidationError(errors)
        receipt = cash.cash_in(ctx, acc.id, amount, party_name=party_name, purpose=purpose,
                               party_id=party_id)
        if info is not None and info.dormant:
            wake_within(ctx, acc)
    return receipt


def wake_within(ctx: Context, acc: Account) -> None:
    """A dormant account wakes when money arrives (audited), inside the caller's write."""
    info = SavingsAccount.get_or_none(SavingsAccount.account == acc.id)
    if info is not None and info.dormant:
        SavingsAccount.update(dormant=False, dormant_since=None).where(
            SavingsAccount.account == acc.id).execute()
        audit.record(ctx, "savings.awake", "account", acc.number, before={"dormant": True},
                     after={"dormant": False})
