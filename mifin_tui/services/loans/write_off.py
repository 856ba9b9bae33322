"""Write-off (passage en perte) and recoveries after it (#9).

The rule: only the gérant (`loan.write_off`) writes off, with a reason, and only a loan in
arrears: outstanding (disbursed, active or in arrears) with an instalment unpaid past its
due date on the open business day, computed live from the instalments (the closing may
not have aged it yet; an active loan found late is moved to in arrears first, both steps
recorded). The institution may ask for a minimum age (`loan_write_off_min_days`, 0 by
default; the BCEAO profile's "over 24 months" is the regulator's expectation, not a lock).

The ledger, through the regulator profile's GL keys (never a hard-coded number): one OD
transaction crediting the loan account (GL loans_outstanding) with the outstanding
principal, debiting the loan-loss provisions (GL loan_loss_provisions) with the provision
the closing booked for the loan (`loan.provision`, at most what that account holds) and
the loss (GL write_off_expense) with the rest; the principal is credited where it sits
(the loan's own account or its class account, `loan_ledger`). The interest accrued and
unpaid is reversed in the same OD (#20): its receivable credited, what the closing
reserved debited to the reserve, what it had taken to income debited back to income, so
no receivable outlives the loan. Fees and penalties were never booked before they were
paid; like the unpaid interest they stay on the instalments as the member's debt, off
the books.
The loan becomes `written_off` with its day, amount and reason; the guarantees and
collateral holds stay in place (they may serve the recovery).

A recovery is cash brought to the till for a written-off loan: debit the till, credit
the recoveries income (GL recoveries_income), a BR voucher, a `repayment` row of kind
"recovery" (no instalment is touched: the claim left the books). Recoveries are limited to
what was written off with the interest, fees and penalties left unpaid, as the profile
says (`recoverable`, #20).
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Loan, LoanInstallment, Repayment, Voucher
from mifin_tui.db.queries import loan_ledger as loan_queries
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import accounts, audit, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.errors import Conflict, MifinError, ValidationError
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.arrears import loan_state
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan, move
from mifin_tui.services.loans.risk import classification, loan_ledger

__all__ = ["RecoveryReceipt", "WriteOffPreview", "WriteOffResult", "preview", "recover",
           "recovered", "write_off"]


@dataclass(frozen=True)
class WriteOffPreview:
    loan_id: int
    number: str
    currency: str
    state: str
    days_past_due: int
    principal: int          # credited to the loan account
    provision_used: int     # debited to the loan-loss provisions
    loss: int               # debited to the write-off expense
    unpaid_other: int       # interest, fees, penalties due, left off the books
    accrued: int = 0        # interest accrued and unpaid: its receivable credited
    reserved: int = 0       # ... of which reserved (debited), the rest debited to income


@dataclass(frozen=True)
class WriteOffResult:
    txn_id: int
    voucher_number: str
    preview: WriteOffPreview


@dataclass(frozen=True)
class RecoveryReceipt:
    txn_id: int
    voucher_number: str
    amount: int
    recovered: int          # all recoveries so far, this one included
    left: int               # written off and not yet recovered
    doc: VoucherDoc


def _min_days() -> int:
    return int(settings.get("loan_write_off_min_days"))


def _provision_account(loan: Loan) -> Account:
    return accounts.internal_account(loan.branch_id, "loan_loss_provisions", loan.currency)


def _preview(ctx: Context, loan: Loan) -> WriteOffPreview:
    if loan.state not in states.SERVICED:
        raise Conflict(_("Loan {number} is not outstanding: nothing to write off.").format(
            number=loan.number))
    day = business_today(ctx)
    state = loan_state(loan)
    dpd = classification.days_past_due(state, day, classification.penalties_age_loans())
    minimum = max(_min_days(), 1)
    if dpd < minimum:
        raise Conflict(_("Loan {number} is {days} days past due: only a loan at least "
                         "{minimum} days in arrears can be written off.").format(
            number=loan.number, days=dpd, minimum=minimum))
    left = engine.outstanding(state)
    principal = left.principal
    provision_acc = Account.get_or_none(
        (Account.branch == loan.branch_id) & (Account.currency == loan.currency)
        & (Account.kind == "internal")
        & (Account.gl_account == accounts.gl_by_key("loan_loss_provisions").id))
    booked = provision_acc.balance if provision_acc is not None else 0
    used = max(min(loan.provision, principal, booked), 0)
    due = engine.amount_due(state, day)
    accrued = loan_queries.open_receivable([loan.id]).get(loan.id, 0)
    reserved = loan_ledger.positions([loan.id])[loan.id].reserved_balance
    return WriteOffPreview(loan.id, loan.number, loan.currency, loan.state, dpd, principal,
                           used, principal - used, due.interest + due.fees + due.penalties,
                           accrued, reserved)


@requires("loan.write_off")
def preview(ctx: Context, loan_id: int) -> WriteOffPreview:
    """What a write-off today would post; nothing written. Conflict when refused."""
    return _preview(ctx, get_loan(loan_id, ctx))


@requires("loan.write_off")
def write_off(ctx: Context, loan_id: int, reason: str) -> WriteOffResult:
    """Write the loan off on the open business day (see the module's text)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the write-off.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        p = _preview(ctx, loan)
        held = loan_ledger.positions([loan.id])[loan.id]
        lines = _principal_lines(loan, held, p.principal) + _interest_lines(loan, held, p)
        if p.provision_used:
            lines.append(ledger.Line(_provision_account(loan).id, debit=p.provision_used))
        if p.loss:
            lines.append(ledger.Line(accounts.internal_account(
                loan.branch_id, "write_off_expense", loan.currency).id, debit=p.loss))
        label = _("Write-off of loan {number}").format(number=loan.number)
        if p.principal == 0:
            raise Conflict(_("Loan {number} has no principal left to write off.").format(
                number=loan.number))
        posted = ledger.post(ctx, kind="loan_write_off", label=label, lines=lines,
                             voucher_series="OD")
        if posted.voucher_number is None:
            raise MifinError("voucher number missing")
        # the receivable left the books: no instalment holds accrued interest any more
        LoanInstallment.update(interest_accrued=LoanInstallment.interest_paid).where(
            (LoanInstallment.loan == loan.id)
            & (LoanInstallment.interest_accrued > LoanInstallment.interest_paid)).execute()
        if loan.state == "disbursed":
            loan = move(ctx, loan, "active", _("Arrears found at the write-off"))
        if loan.state == "active":
            loan = move(ctx, loan, "in_arrears", _("Arrears found at the write-off"))
        move(ctx, loan, "written_off", reason.strip(), written_off_on=posted.business_date,
             written_off_amount=p.principal, write_off_reason=reason.strip()[:250],
             provision=0, days_past_due=p.days_past_due)
        audit.record(ctx, "loan.write_off", "loan", loan.number,
                     before={"state": p.state, "days_past_due": p.days_past_due},
                     after={"voucher": posted.voucher_number, "principal": p.principal,
                            "provision_used": p.provision_used, "loss": p.loss,
                            "accrued_reversed": p.accrued, "reserved_reversed": p.reserved,
                            "unpaid_other": p.unpaid_other, "reason": reason.strip()})
    return WriteOffResult(posted.txn_id, posted.voucher_number, p)


def _owed_at_write_off(loan: Loan) -> dict[str, int]:
    """What the member still owed when the loan was written off, per part: the principal
    written off and, as the profile says (`recovery_covers`), the interest, fees and
    penalties left unpaid on the instalments due that day."""
    covers = classification.profile().recovery_covers
    due = engine.amount_due(loan_state(loan), loan.written_off_on)
    return {"principal": loan.written_off_amount,
            **{p: getattr(due, p) if p in covers else 0
               for p in ("interest", "fees", "penalties")}}


def recoverable(loan: Loan) -> int:
    """What recoveries on a written-off loan may bring in, in all (#20): what was owed
    at the write-off (the member's debt stays whole; the write-off only took the claim
    off the books). All of it is income (recoveries) when it comes in."""
    return sum(_owed_at_write_off(loan).values())


def recovery_split(loan: Loan, value: int) -> dict[str, int]:
    """A recovery's parts (#20): the principal written off first, then the interest,
    fees and penalties of `recoverable`, in that order, net of the recoveries before."""
    owed = _owed_at_write_off(loan)
    for r in Repayment.select().where((Repayment.loan == loan.id)
                                      & (Repayment.kind == "recovery")
                                      & Repayment.reversal_txn.is_null()):
        for part in owed:
            owed[part] -= getattr(r, part)
    out = {}
    for part in ("principal", "interest", "fees", "penalties"):
        out[part] = min(value, max(owed[part], 0))
        value -= out[part]
    out["principal"] += value  # nothing is left over when the amount was checked
    return out


def _principal_lines(loan: Loan, position: loan_ledger.Position,
                     principal: int) -> list[ledger.Line]:
    """The principal credited where it sits (the loan's own account or the class account
    the closing moved it to: `loan_ledger`), the largest balance first."""
    lines, left = [], principal
    held = sorted(position.principal_accounts, key=lambda a: -a[1])
    for acc, balance in held:
        part = min(left, balance)
        if part > 0:
            lines.append(ledger.Line(acc, credit=part))
            left -= part
    if left:  # the ledger holds less than the schedule: the loan's own account
        lines.append(ledger.Line(held[0][0] if held else loan.account_id, credit=left))
    return lines


def _interest_lines(loan: Loan, position: loan_ledger.Position,
                    p: WriteOffPreview) -> list[ledger.Line]:
    """The accrued interest reversed: its receivable credited; what was reserved debited
    to the reserve, what had been taken to income debited back to income."""
    if not p.accrued and not p.reserved:
        return []
    product = loan_products.get(loan.product_id)
    lines = []
    if p.accrued:
        lines.append(ledger.Line(accounts.internal_account(
            loan.branch_id, product.gl_interest_receivable, loan.currency).id,
            credit=p.accrued))
    if p.reserved:
        lines.append(ledger.Line(position.reserved[0], debit=p.reserved))
    income = accounts.internal_account(loan.branch_id, product.gl_interest, loan.currency).id
    if p.accrued > p.reserved:
        lines.append(ledger.Line(income, debit=p.accrued - p.reserved))
    elif p.reserved > p.accrued:
        lines.append(ledger.Line(income, credit=p.reserved - p.accrued))
    return lines


def _recovered(loan_id: int) -> int:
    return sum(r.amount for r in Repayment.select().where(
        (Repayment.loan == loan_id) & (Repayment.kind == "recovery")
        & Repayment.reversal_txn.is_null()))


@requires("loan.read")
def recovered(ctx: Context, loan_id: int) -> tuple[int, int]:
    """(recovered so far, written off and not yet recovered) of a written-off loan."""
    loan = get_loan(loan_id, ctx)
    done = _recovered(loan.id)
    return done, max(recoverable(loan) - done, 0)


@requires("ledger.post")
def recover(ctx: Context, loan_id: int, amount: int | str, *, party_name: str,
            purpose: str = "") -> RecoveryReceipt:
    """Cash recovered on a written-off loan, at the till, with a BR voucher."""
    errors: dict[str, str] = {}
    if not party_name.strip():
        errors["party_name"] = _("Who brings the cash? Required.")
    loan = get_loan(loan_id, ctx)
    try:
        value = positive_amount(amount, loan.currency)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if loan.state != "written_off":
            raise Conflict(_("Loan {number} is not written off: take a repayment "
                             "instead.").format(number=loan.number))
        done = _recovered(loan.id)
        left = recoverable(loan) - done
        if value > left:
            raise ValidationError({"amount": _(
                "Only {left} of loan {number} remains to recover.").format(
                left=format_amount(max(left, 0), loan.currency, current_language()),
                number=loan.number)})
        session = tills.require_session(ctx, loan.currency)
        cash_acc = tills.cash_account(session.till, loan.currency)
        income = accounts.internal_account(loan.branch_id, "recoveries_income", loan.currency)
        label = purpose.strip() or _("Recovery on written-off loan {number}").format(
            number=loan.number)
        posted = ledger.post(ctx, kind="loan_recovery", label=label,
                             lines=[ledger.Line(cash_acc.id, debit=value),
                                    ledger.Line(income.id, credit=value)],
                             voucher_series="BR")
        if posted.voucher_number is None:
            raise MifinError("voucher number missing")
        Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series="BR",
                       direction="in", till=session.till_id, session=session.id,
                       client_account=loan.account_id, currency=loan.currency,
                       amount=value, party_name=party_name.strip(), purpose=label)
        Repayment.create(loan=loan.id, txn=posted.txn_id, business_date=session.business_date,
                         channel="cash", kind="recovery", amount=value,
                         **recovery_split(loan, value), balance_after=left - value,
                         created_by=ctx.user_id)
        audit.record(ctx, "loan.recovery", "loan", loan.number,
                     before={"recovered": done},
                     after={"voucher": posted.voucher_number, "amount": value,
                            "recovered": done + value, "left": left - value})
        doc = vouchers.build(posted.txn_id)
    return RecoveryReceipt(posted.txn_id, posted.voucher_number, value, done + value,
                           left - value, doc)


def currency_of(loan_id: int) -> str:
    """The currency of a loan (for the amount field of the recovery screen)."""
    return Loan.get_by_id(loan_id).currency
