"""Cash differences: a till or vault count that did not match the books.

The difference is never written off by the one who counted. It goes to a suspense
account (manquants / excédents de caisse à régulariser) on his name, and the gérant
decides each one, with a reason:

- a shortage the cashier repays becomes a receivable on him (personnel), cleared by
  the cash he brings back to a till (a BE voucher, in one or several payments);
- a shortage charged to expense goes to "manquants de caisse";
- a surplus is taken to income ("excédents de caisse").

A difference within the tolerance of its currency (setting cash_difference_tolerance,
0 by default) takes the same path and is charged at once, recorded as decided "within
the tolerance" by the one who counted: never silent, it stays on the lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    CashDifference,
    GLAccount,
    Institution,
    JournalTransaction,
    Till,
    User,
)
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.kernel import accounts, audit, business_day, clock, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires

if TYPE_CHECKING:
    from mifin_tui.services.cash.counter import CashReceipt

SHORTAGE_SUSPENSE = "cash_shortage_suspense"
SURPLUS_SUSPENSE = "cash_surplus_suspense"
RECEIVABLE = "cashier_receivable"

PENDING = "pending"
RECEIVABLE_STATUS = "receivable"
REPAID = "repaid"
CHARGED = "charged"
INCOME = "income"
OPEN_STATUSES = (PENDING, RECEIVABLE_STATUS)

# The gérant's two answers: the cashier repays (a shortage only), or the difference
# goes to the result (a shortage to expense, a surplus to income).
REPAY = "repay"
CHARGE = "charge"

STATUS_LABELS = {
    PENDING: N_("waiting for the manager"),
    RECEIVABLE_STATUS: N_("to repay by the cashier"),
    REPAID: N_("repaid"),
    CHARGED: N_("charged to expense"),
    INCOME: N_("taken to income"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class DifferenceItem:
    id: int
    business_date: date
    till: str
    vault: bool
    cashier_id: int
    cashier: str
    currency: str
    amount: int  # counted - books: below zero a shortage
    note: str
    status: str
    voucher: str
    decided_by: str
    decision_note: str
    repaid: int

    @property
    def shortage(self) -> bool:
        return self.amount < 0

    @property
    def still_owed(self) -> int:
        """What the cashier still has to bring back (a receivable)."""
        return -self.amount - self.repaid if self.status == RECEIVABLE_STATUS else 0


def _item(d: CashDifference) -> DifferenceItem:
    till = Till.get_by_id(d.till_id)
    txn = JournalTransaction.get_by_id(d.txn_id)
    decider = User.get_by_id(d.decided_by_id).full_name if d.decided_by_id else ""
    return DifferenceItem(d.id, d.business_date, till.code, till.kind == "vault", d.cashier_id,
                          User.get_by_id(d.cashier_id).full_name, d.currency, d.amount, d.note,
                          d.status, txn.voucher_number or "", decider, d.decision_note,
                          d.repaid)


def gl_ready(key: str) -> None:
    """A chart set up before #21 lacks the profile's suspense and receivable accounts:
    open them (and their heading) from the profile, once. Inside a write transaction."""
    if GLAccount.get_or_none(GLAccount.key == key) is not None:
        return
    from mifin_tui.services.kernel.regulators import get_profile

    profile = get_profile(Institution.select().first().regulator)
    spec = profile.gl(key)
    chain = [spec] + ([profile.account(spec.parent)] if spec.parent else [])
    for item in reversed(chain):  # the heading first
        if GLAccount.get_or_none(GLAccount.code == item.code) is None:
            GLAccount.create(code=item.code, name=item.name, kind=item.kind,
                             normal_side=item.normal_side, parent_code=item.parent,
                             postable=item is spec)
    GLAccount.update(key=key).where(GLAccount.code == spec.code).execute()


def _internal(branch_id: int, key: str, currency: str) -> Account:
    gl_ready(key)
    return accounts.internal_account(branch_id, key, currency)


def tolerance(currency: str) -> int:
    return settings.get("cash_difference_tolerance").get(currency, 0)


def hold(ctx: Context, *, till: Till, cash: Account, amount: int, cashier_id: int,
         note: str, label: str, session_id: int | None = None,
         vault_count_id: int | None = None) -> CashDifference:
    """Post a count's difference to suspense on `cashier_id`'s name (inside the caller's
    write transaction); within the tolerance it is charged at once, said so."""
    currency = cash.currency
    if amount < 0:
        suspense = _internal(ctx.branch_id, SHORTAGE_SUSPENSE, currency)
        lines = [ledger.Line(suspense.id, debit=-amount), ledger.Line(cash.id, credit=-amount)]
    else:
        suspense = _internal(ctx.branch_id, SURPLUS_SUSPENSE, currency)
        lines = [ledger.Line(cash.id, debit=amount), ledger.Line(suspense.id, credit=amount)]
    posted = ledger.post(ctx, kind="till_difference", label=label[:250], lines=lines,
                         voucher_series="OD")
    row = CashDifference.create(
        branch=ctx.branch_id, cashier=cashier_id, till=till.id, session=session_id,
        vault_count=vault_count_id, business_date=business_day.require_open(ctx.branch_id),
        currency=currency, amount=amount, note=note.strip()[:255], txn=posted.txn_id)
    audit.record(ctx, "cash_difference.hold", "cash_difference", row.uid,
                 after={"till": till.code, "cashier": User.get_by_id(cashier_id).username,
                        "currency": currency, "amount": amount,
                        "voucher": posted.voucher_number})
    limit = tolerance(currency)
    if limit and abs(amount) <= limit:
        _decide(ctx, row, CHARGE, _("Within the tolerance of {amount}").format(
            amount=format_amount(limit, currency, current_language())), "tolerance")
    return CashDifference.get_by_id(row.id)


def _decide(ctx: Context, row: CashDifference, decision: str, reason: str,
            action: str) -> None:
    currency, amount = row.currency, row.amount
    who = User.get_by_id(row.cashier_id).full_name
    if amount < 0:
        suspense = _internal(ctx.branch_id, SHORTAGE_SUSPENSE, currency)
        if decision == REPAY:
            target = _internal(ctx.branch_id, RECEIVABLE, currency)
            label, status = _("Shortage to be repaid by {name}: {reason}"), RECEIVABLE_STATUS
        else:
            target = accounts.internal_account(ctx.branch_id, "till_shortage", currency)
            label, status = _("Shortage of {name} charged to expense: {reason}"), CHARGED
        lines = [ledger.Line(target.id, debit=-amount), ledger.Line(suspense.id, credit=-amount)]
    else:
        if decision == REPAY:
            raise ValidationError({"decision": _("A surplus is not repaid: take it to "
                                                 "income.")})
        suspense = _internal(ctx.branch_id, SURPLUS_SUSPENSE, currency)
        target = accounts.internal_account(ctx.branch_id, "till_surplus", currency)
        label, status = _("Surplus of {name} taken to income: {reason}"), INCOME
        lines = [ledger.Line(suspense.id, debit=amount), ledger.Line(target.id, credit=amount)]
    posted = ledger.post(ctx, kind="cash_difference", voucher_series="OD", lines=lines,
                         label=label.format(name=who, reason=reason.strip())[:250])
    CashDifference.update(status=status, decided_by=ctx.user_id, decided_at=clock.now(),
                          decision_note=reason.strip()[:255], decision_txn=posted.txn_id).where(
        CashDifference.id == row.id).execute()
    audit.record(ctx, f"cash_difference.{action}", "cash_difference", row.uid,
                 before={"status": row.status},
                 after={"status": status, "reason": reason.strip(),
                        "voucher": posted.voucher_number})


def _get(ctx: Context, difference_id: int) -> CashDifference:
    row = CashDifference.get_or_none((CashDifference.id == difference_id)
                                     & (CashDifference.branch == ctx.branch_id))
    if row is None:
        raise NotFound(_("No such cash difference."))
    return row


@requires("cash_difference.decide")
def decide(ctx: Context, difference_id: int, decision: str, reason: str) -> DifferenceItem:
    """The gérant's decision on a pending difference: REPAY (the cashier owes it) or
    CHARGE (a shortage to expense, a surplus to income). One OD out of suspense."""
    if decision not in (REPAY, CHARGE):
        raise ValidationError({"decision": _("Choose: the cashier repays, or charge it.")})
    if not reason.strip():
        raise ValidationError({"note": _("Give the reason for the decision.")})
    with write_transaction():
        row = _get(ctx, difference_id)
        if row.status != PENDING:
            raise Conflict(_("This difference was already decided."))
        if row.cashier_id == ctx.user_id:
            raise PermissionDenied(_("You cannot decide a difference on your own name."))
        _decide(ctx, row, decision, reason,
                "receivable" if decision == REPAY else "charge")
        return _item(CashDifference.get_by_id(row.id))


@requires("ledger.post")
def repay(ctx: Context, difference_id: int, amount: int) -> CashReceipt:
    """Cash the cashier brings back for a shortage he owes, into the till of whoever
    takes it: a BE voucher crediting the receivable; the difference is repaid when the
    whole shortage is back."""
    from mifin_tui.services.cash import counter  # counter needs tills, which needs us

    positive_amount(amount)
    with write_transaction():
        row = _get(ctx, difference_id)
        if row.status != RECEIVABLE_STATUS:
            raise Conflict(_("Nothing is owed on this difference."))
        owed = -row.amount - row.repaid
        if amount > owed:
            raise ValidationError({"amount": _("Only {owed} is still owed.").format(
                owed=format_amount(owed, row.currency, current_language()))})
        receivable = _internal(ctx.branch_id, RECEIVABLE, row.currency)
        cashier = User.get_by_id(row.cashier_id)
        receipt = counter.cash_in(
            ctx, receivable.id, amount, party_name=cashier.full_name,
            purpose=_("Repayment of the shortage of {date}").format(
                date=row.business_date.isoformat()),
            kind="cash_difference_repayment")
        repaid = row.repaid + amount
        status = REPAID if repaid == -row.amount else RECEIVABLE_STATUS
        CashDifference.update(repaid=repaid, status=status).where(
            CashDifference.id == row.id).execute()
        audit.record(ctx, "cash_difference.repayment", "cash_difference", row.uid,
                     before={"repaid": row.repaid, "status": row.status},
                     after={"repaid": repaid, "status": status,
                            "voucher": receipt.voucher_number})
    return receipt


def _query(branch_id: int):
    return (CashDifference.select().where(CashDifference.branch == branch_id)
            .order_by(CashDifference.business_date.desc(), CashDifference.id.desc()))


def unresolved(branch_id: int) -> list[DifferenceItem]:
    """Differences still in suspense or owed by a cashier (the closing lists them)."""
    return [_item(d) for d in _query(branch_id).where(
        CashDifference.status.in_(OPEN_STATUSES))]


@requires("cashjournal.read")
def branch_differences(ctx: Context, open_only: bool = False) -> list[DifferenceItem]:
    """The branch's differences, newest first: the open ones, or the last 200."""
    query = _query(ctx.branch_id)
    if open_only:
        query = query.where(CashDifference.status.in_(OPEN_STATUSES))
    return [_item(d) for d in query.limit(200)]


@requires("till.operate")
def my_differences(ctx: Context) -> list[DifferenceItem]:
    """The differences on the user's own name, newest first (the cashier's record)."""
    return [_item(d) for d in _query(ctx.branch_id).where(
        CashDifference.cashier == ctx.user_id).limit(200)]
