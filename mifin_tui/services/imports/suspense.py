"""Money received is always booked (#20): what an imported statement brought that cannot
be applied (no loan or account found, refused by the loan, above what a "refuse" product
takes) goes from the operator's clearing account to "paiements reçus à affecter" (the
profile's `payments_suspense` account) with its reference. The clearing account thus
always equals the operator's statement. The accountant later applies an item to a loan or
a savings account (a repayment or a deposit on the `suspense` channel), or refunds it
(back to the clearing account, as the operator pays it back to the payer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import GLAccount, Institution, PaymentImportLine, PaymentSuspense
from mifin_tui.i18n import N_, _
from mifin_tui.services.imports import payment_matching as matching
from mifin_tui.services.imports.payment_file import OPEN, POSTED, REFUNDED
from mifin_tui.services.kernel import accounts, audit, business_day, ledger, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import repayments
from mifin_tui.services.savings import credit as savings_credit

GL_KEY = "payments_suspense"
CHANNEL = "suspense"
OPEN_ITEM, APPLIED, REFUNDED_ITEM = "open", "applied", "refunded"
STATUS_LABELS = {OPEN_ITEM: N_("waiting"), APPLIED: N_("applied"), REFUNDED_ITEM: N_("refunded")}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def _gl_ready() -> None:
    """A database made before #20 lacks the profile's account: open it (and its heading)
    from the profile's chart, once."""
    if GLAccount.get_or_none(GLAccount.key == GL_KEY) is not None:
        return
    from mifin_tui.services.kernel.regulators import get_profile

    profile = get_profile(Institution.select().first().regulator)
    spec = profile.gl(GL_KEY)
    chain = [spec] + ([profile.account(spec.parent)] if spec.parent else [])
    for item in reversed(chain):  # the heading first
        if GLAccount.get_or_none(GLAccount.code == item.code) is not None:
            continue
        side = "debit" if item.kind in ("asset", "expense", "off_balance") else "credit"
        GLAccount.create(code=item.code, name=item.name, kind=item.kind, normal_side=side,
                         parent_code=item.parent, postable=item is spec)
    GLAccount.update(key=GL_KEY).where(GLAccount.code == spec.code).execute()


def suspense_account(branch_id: int, currency: str) -> int:
    """The branch's "paiements reçus à affecter" account in `currency` (inside a write
    transaction)."""
    _gl_ready()
    return accounts.internal_account(branch_id, GL_KEY, currency).id


@requires("payment.import")
def book_within(ctx: Context, row: PaymentImportLine, amount: int, reason: str
                ) -> PaymentSuspense:
    """Hold `amount` of an imported line in suspense: clearing account to suspense, one
    OD carrying the line's reference. Inside the caller's write transaction."""
    clearing = accounts.internal_account(ctx.branch_id, accounts.CLEARING_GL[row.channel],
                                         row.currency)
    label = _("Payment to allocate ({reference})").format(reference=row.reference)
    posted = ledger.post(ctx, kind="payment_suspense", label=label[:250], voucher_series="OD",
                         lines=[ledger.Line(clearing.id, debit=amount),
                                ledger.Line(suspense_account(ctx.branch_id, row.currency),
                                            credit=amount)])
    return PaymentSuspense.create(
        branch=ctx.branch_id, line=row.id, channel=row.channel, reference=row.reference,
        payer=row.payer[:64], amount=amount, currency=row.currency, reason=reason[:255],
        status=OPEN_ITEM, txn=posted.txn_id,
        business_date=business_day.require_open(ctx.branch_id), created_by=ctx.user_id)


@dataclass(frozen=True)
class SuspenseItem:
    id: int
    line_id: int
    channel: str
    reference: str
    payer: str
    amount: int
    currency: str
    reason: str
    status: str
    business_date: date
    target: str
    note: str


def _item(r: PaymentSuspense) -> SuspenseItem:
    return SuspenseItem(r.id, r.line_id, r.channel, r.reference, r.payer, r.amount,
                        r.currency, r.reason, r.status, r.business_date, r.target, r.note)


@requires("payment.import")
def items(ctx: Context, *, status: str | None = OPEN_ITEM) -> list[SuspenseItem]:
    """The branch's suspense items (open ones by default), oldest first."""
    q = PaymentSuspense.select().where(PaymentSuspense.branch == ctx.branch_id)
    if status:
        q = q.where(PaymentSuspense.status == status)
    return [_item(r) for r in q.order_by(PaymentSuspense.id)]


def item_of_line(line_id: int) -> PaymentSuspense | None:
    return PaymentSuspense.get_or_none((PaymentSuspense.line == line_id)
                                       & (PaymentSuspense.status == OPEN_ITEM))


def _open(ctx: Context, item_id: int) -> PaymentSuspense:
    item = PaymentSuspense.get_or_none(PaymentSuspense.id == item_id)
    if item is None or item.branch_id != ctx.branch_id:
        raise NotFound(_("No such payment in suspense."))
    if item.status != OPEN_ITEM:
        raise ValidationError({"item": _("Payment {reference} was already {status}.").format(
            reference=item.reference, status=status_label(item.status))})
    return item


def _reason(exc: MifinError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(v) for v in exc.errors.values())
    return str(exc)


@requires("payment.import")
def apply_within(ctx: Context, item: PaymentSuspense, number: str) -> tuple[int, str, str]:
    """Apply a suspense item to the loan or savings account `number` (inside the caller's
    transaction): (txn, voucher, target number). Refusals write nothing."""
    try:
        normal = numbering.normalize_account_number(number)
    except ValueError:
        raise ValidationError({"number": _("Not an account number: {number}.").format(
            number=number.strip())}) from None
    target = matching.by_number(ctx, normal)
    if target is None:
        raise ValidationError({"number": _(
            "No loan or savings account {number} in this branch.").format(number=normal)})
    reference = f"S{item.id}-{item.reference}"[:repayments.REFERENCE_MAX]
    label = _("Payment {reference} applied from suspense").format(reference=item.reference)
    try:
        if target.loan_id is not None:
            receipt = repayments.repay_within(
                ctx, target.loan_id, item.amount, channel=CHANNEL, reference=reference,
                party_name=item.payer, purpose=label[:200])
            txn_id, voucher = receipt.txn_id, receipt.voucher_number
        else:
            credited = savings_credit.credit_within(ctx, target.account_id or 0, item.amount,
                                                    channel=CHANNEL, reference=reference,
                                                    label=label[:200])
            txn_id, voucher = credited.txn_id, credited.voucher_number
    except MifinError as exc:
        raise ValidationError({"number": _reason(exc)}) from None
    item.status, item.settled_txn, item.target = APPLIED, txn_id, normal
    item.settled_by, item.settled_on = ctx.user_id, business_day.require_open(ctx.branch_id)
    item.save()
    line = PaymentImportLine.get_by_id(item.line_id)
    if line.status in OPEN:
        line.status, line.matched_by, line.reason = POSTED, "manual", ""
        line.loan, line.account, line.txn = target.loan_id, target.account_id, txn_id
        line.posted_by, line.posted_on = item.settled_by, item.settled_on
        line.save()
    audit.record(ctx, "payment.suspense_apply", "payment_suspense", item.id,
                 before={"status": OPEN_ITEM},
                 after={"status": APPLIED, "reference": item.reference, "amount": item.amount,
                        "target": normal, "voucher": voucher})
    return txn_id, voucher, normal


@requires("payment.import")
def apply(ctx: Context, item_id: int, number: str) -> tuple[str, str]:
    """Apply a suspense item to a loan or a savings account: (voucher, target number)."""
    with write_transaction():
        _txn, voucher, target = apply_within(ctx, _open(ctx, item_id), number)
    return voucher, target


@requires("payment.import")
def refund(ctx: Context, item_id: int, note: str) -> str:
    """The payment is sent back to the payer by the operator: suspense to the clearing
    account, one OD with the reference. Returns the OD's voucher number."""
    if not note.strip():
        raise ValidationError({"note": _("Say how the payer is refunded.")})
    with write_transaction():
        item = _open(ctx, item_id)
        clearing = accounts.internal_account(
            ctx.branch_id, accounts.CLEARING_GL[item.channel], item.currency)
        label = _("Refund of payment {reference}").format(reference=item.reference)
        posted = ledger.post(ctx, kind="payment_suspense", label=label[:250],
                             voucher_series="OD", lines=[
                                 ledger.Line(suspense_account(ctx.branch_id, item.currency),
                                             debit=item.amount),
                                 ledger.Line(clearing.id, credit=item.amount)])
        item.status, item.settled_txn, item.note = REFUNDED_ITEM, posted.txn_id, note.strip()
        item.settled_by, item.settled_on = ctx.user_id, business_day.require_open(ctx.branch_id)
        item.save()
        line = PaymentImportLine.get_by_id(item.line_id)
        if line.status in OPEN:
            line.status, line.reason = REFUNDED, note.strip()[:255]
            line.save()
        audit.record(ctx, "payment.suspense_refund", "payment_suspense", item.id,
                     before={"status": OPEN_ITEM},
                     after={"status": REFUNDED_ITEM, "reference": item.reference,
                            "amount": item.amount, "note": item.note,
                            "voucher": posted.voucher_number})
        return posted.voucher_number or ""
