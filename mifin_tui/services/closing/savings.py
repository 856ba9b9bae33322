"""The savings steps of the nightly closing: interest at the end of its period, dormancy.

Both services are idempotent on their own (interest once per account and period; an
account marked dormant stays so), and each step is one transaction with its progress,
so a closing killed in the middle of them and run again posts nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mifin_tui.i18n import Translator, _, current_language
from mifin_tui.services.kernel.money import format_amount

if TYPE_CHECKING:
    from datetime import date

    from mifin_tui.services.closing.nightly import StepRun


def pending_withdrawals(branch_id: int, day: date) -> list[str]:
    """Withdrawals that wait for the gérant (above the limit, dormant accounts)."""
    from mifin_tui.db.models import Account, User, WithdrawalRequest

    out = []
    for r in (WithdrawalRequest.select()
              .where((WithdrawalRequest.branch == branch_id)
                     & (WithdrawalRequest.status == "pending"))
              .order_by(WithdrawalRequest.id)):
        account = Account.get_by_id(r.account_id)
        out.append(_("{amount} from {account}, asked by {name}").format(
            amount=format_amount(r.amount, account.currency, current_language()),
            account=account.number, name=User.get_by_id(r.requested_by_id).full_name))
    return out


def savings_interest(r: StepRun) -> None:
    """Interest of the interest-bearing accounts whose posting period ends this month
    (the service skips the products that post quarterly or yearly on other months)."""
    from mifin_tui.services.closing.nightly import Batch
    from mifin_tui.services.savings import interest

    def work() -> Batch:
        done = interest.post_interest(r.ctx, r.day)
        return Batch(items=done.posted, amounts=dict(done.gross),
                     detail={"tax": dict(done.tax), "skipped": done.skipped})

    r.once(work)


def describe_interest(_: Translator, language: str, detail: Mapping[str, Any],
                      items: int, amounts: Mapping[str, int]) -> list[str]:
    if not items:
        return [_("No interest to post this month.")]
    tax = detail.get("tax", {})
    return [_.ngettext(
        "{n} account credited: interest {gross}, tax withheld {tax}.",
        "{n} accounts credited: interest {gross}, tax withheld {tax}.", items).format(
        n=items, gross=format_amount(amount, cur, language),
        tax=format_amount(tax.get(cur, 0), cur, language))
        for cur, amount in sorted(amounts.items())]


def dormancy(r: StepRun) -> None:
    from mifin_tui.services.closing.nightly import Batch
    from mifin_tui.services.savings import interest

    def work() -> Batch:
        marked = interest.mark_dormant(r.ctx, r.day)
        return Batch(items=len(marked), detail={"accounts": marked[:20]})

    r.once(work)


def describe_dormancy(_: Translator, language: str, detail: Mapping[str, Any],
                      items: int, amounts: Mapping[str, int]) -> list[str]:
    if not items:
        return []
    shown = ", ".join(detail.get("accounts", []))
    return [_.ngettext(
        "{n} account became dormant: {accounts}",
        "{n} accounts became dormant: {accounts}", items).format(n=items, accounts=shown)]
