"""Transfers between savings accounts: no cash, a VI voucher all the same."""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Branch, Institution, Member
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import chain, clock, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings.balances import account_info, savings_account
from mifin_tui.services.savings.deposits import deposit_errors, wake_within
from mifin_tui.services.savings.withdrawals import check_withdrawal_within


@dataclass(frozen=True)
class TransferReceipt:
    txn_id: int
    voucher_number: str
    doc: VoucherDoc


@requires("ledger.post")
def transfer(ctx: Context, from_account_id: int, to_account_id: int, amount: int,
             purpose: str) -> TransferReceipt:
    """Move savings from one account to another (same or another member): no cash, a VI
    voucher all the same. Same currency only: Mifin never converts."""
    positive_amount(amount)
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = _("Required.")
    if from_account_id == to_account_id:
        errors["to_account"] = _("Choose another account to credit.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        src = savings_account(from_account_id, ctx.branch_id)
        dst = savings_account(to_account_id, ctx.branch_id)
        if dst.currency != src.currency:
            raise ValidationError({"to_account": _(
                "Account {number} keeps {currency}; a transfer stays in one currency.").format(
                number=dst.number, currency=dst.currency)})
        if dst.status != "active":
            raise ValidationError({"to_account": _("Account {number} is closed.").format(
                number=dst.number)})
        info, _p = account_info(src)
        if info is not None and info.dormant:
            raise ValidationError({"account": _("Account {number} is dormant: a withdrawal "
                                                "with the manager's approval wakes it.")
                                   .format(number=src.number)})
        dst_errors = deposit_errors(dst, account_info(dst)[1], amount)
        dst_errors.pop("amount", None)  # deposit limits are for cash at the counter
        if dst_errors:
            raise ValidationError({"to_account": next(iter(dst_errors.values()))})
        fee, _reasons, _due = check_withdrawal_within(ctx, src, amount, approved=True)
        label = _("Transfer {src} to {dst}: {purpose}").format(
            src=src.number, dst=dst.number, purpose=purpose.strip())
        posted = ledger.post(ctx, kind="account_transfer", label=label[:250],
                             lines=[ledger.Line(src.id, debit=amount),
                                    ledger.Line(dst.id, credit=amount)],
                             voucher_series="VI")
        wake_within(ctx, dst)
        doc = _transfer_doc(ctx, posted, src, dst, amount, purpose.strip())
    return TransferReceipt(posted.txn_id, posted.voucher_number or "", doc)


def _transfer_doc(ctx: Context, posted: ledger.Posted, src: Account, dst: Account,
                  amount: int, purpose: str) -> VoucherDoc:
    from zoneinfo import ZoneInfo

    from mifin_tui.i18n import translator
    from mifin_tui.services.kernel.words import amount_in_words

    lang = settings.get("document_language")
    t = translator(lang)
    branch = Branch.get_by_id(ctx.branch_id)
    inst = Institution.get_by_id(branch.institution_id)
    src_after = next(p.balance_after for p in posted.lines if p.account_id == src.id)
    dst_holder = members.display_name(Member.get_by_id(dst.member_id)) if dst.member_id \
        else dst.name
    return VoucherDoc(
        institution=inst.name, branch_code=branch.code, branch_name=branch.name,
        series="VI", title=t(N_("TRANSFER ORDER")), number=posted.voucher_number or "",
        business_date=posted.business_date,
        posted_at=clock.now().astimezone(ZoneInfo(settings.get("timezone"))),
        currency=src.currency, amount=amount,
        amount_words=amount_in_words(amount, src.currency, lang),
        purpose=t(N_("{purpose} — to account {account} ({holder})")).format(
            purpose=purpose, account=dst.number, holder=dst_holder),
        party_label=t(N_("Ordered by")),
        party_name=members.display_name(Member.get_by_id(src.member_id)) if src.member_id
        else src.name,
        account_number=src.number,
        account_holder=members.display_name(Member.get_by_id(src.member_id))
        if src.member_id else src.name,
        balance_after=src_after, cashier=ctx.full_name, till="",
        signatures=(t(N_("Cashier")), t(N_("Client")), t(N_("Manager"))),
        copies=(t(N_("Client copy")), t(N_("Branch copy"))), language=lang,
        receipt_code=chain.receipt_code(posted.txn_id))
