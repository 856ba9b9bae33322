"""A loan's repayments listed, and one reversed when it was made in error (#9): the mirror
transaction, what it paid of each instalment put back, a loan it closed active again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    AuditLog,
    Loan,
    LoanInstallment,
    Repayment,
    RepaymentAllocation,
)
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, business_day, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import (
    Conflict,
    MifinError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import lifecycle, states
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.repayment_writer import loan_of as _loan
from mifin_tui.services.loans.repayment_writer import schedule_of_loan


def _state(loan: Loan) -> engine.LoanState:
    return schedule_of_loan(loan).state


@dataclass(frozen=True)
class RepaymentLine:
    """A repayment of a loan as the reversal screen lists it."""

    id: int
    business_date: date
    channel: str
    reference: str
    amount: int
    currency: str
    voucher_number: str
    reversed_on: date | None


@requires("loan.read")
def loan_repayments(ctx: Context, loan_id: int) -> list[RepaymentLine]:
    """The loan's repayments, newest first."""
    loan = _loan(ctx, loan_id)
    return [RepaymentLine(r.id, r.business_date, r.channel, r.reference, r.amount,
                          loan.currency, r.txn.voucher_number or "", r.reversed_on)
            for r in Repayment.select().where(Repayment.loan == loan.id)
            .order_by(Repayment.id.desc())]


@dataclass(frozen=True)
class ReversalReceipt:
    repayment_id: int
    txn_id: int
    voucher_number: str
    loan_state: str
    remaining: int


@requires("repayment.reverse")
def reverse(ctx: Context, repayment_id: int, reason: str, *,
            approver: Context | None = None) -> ReversalReceipt:
    """Undo a repayment made in error: the mirror transaction (OD), what it paid of each
    instalment put back (paid_on cleared), a loan it closed active again with its
    guarantees held again; audited. On the day of the repayment the cashier reverses it
    with the manager's approval (`approver`, another person, maker-checker); on a later
    day the accountant does. The latest repayment of the loan first."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    with write_transaction():
        rep = Repayment.get_or_none(Repayment.id == repayment_id)
        if rep is None:
            raise NotFound(_("No such repayment."))
        loan = _loan(ctx, rep.loan_id)
        if rep.reversal_txn_id is not None:
            raise Conflict(_("This repayment was already reversed on {day}.").format(
                day=format_date(rep.reversed_on) if rep.reversed_on else "?"))
        day = business_day.require_open(ctx.branch_id)
        _check_reverser(ctx, rep, day, approver)
        later = Repayment.select().where(
            (Repayment.loan == loan.id) & (Repayment.id > rep.id)
            & Repayment.reversal_txn.is_null()).exists()
        if later:
            raise Conflict(_("Loan {number} has later repayments: reverse the latest "
                             "first.").format(number=loan.number))
        if loan.state not in ("active", "in_arrears", "closed"):
            raise Conflict(_("Loan {number} is {state}: its repayments are not reversed "
                             "here.").format(number=loan.number,
                                             state=states.state_label(loan.state).lower()))
        if AuditLog.select().where((AuditLog.action == "repayment.reschedule")
                                   & (AuditLog.entity_id == str(rep.id))).exists():
            raise Conflict(_("This prepayment recomputed the schedule: the accountant "
                             "corrects it with a rescheduling."))
        state_before = loan.state
        put_back = []
        for a in RepaymentAllocation.select().where(RepaymentAllocation.repayment == rep.id):
            row = LoanInstallment.get_by_id(a.installment_id)
            row.principal_paid -= a.principal
            row.interest_paid -= a.interest
            row.fees_paid -= a.fees
            row.penalties_paid -= a.penalties
            if min(row.principal_paid, row.interest_paid, row.fees_paid,
                   row.penalties_paid) < 0:
                raise MifinError(f"instalment {row.no} of {loan.number} paid below zero")
            row.paid_on = None
            row.save()
            put_back.append({"no": row.no, "principal": a.principal, "interest": a.interest,
                             "fees": a.fees, "penalties": a.penalties})
        label = f"{loan.number}: {reason}"
        # this service's own permission gates the reversal (ledger.reverse's is the
        # accountant's for any transaction), as for a disbursement reversed
        mirror = ledger.reverse.__wrapped__  # type: ignore[attr-defined]
        posted = mirror(ctx, rep.txn_id, label[:200])
        Repayment.update(reversal_txn=posted.txn_id, reversed_by=ctx.user_id,
                         reversed_on=day, reversal_reason=reason[:250]).where(
            Repayment.id == rep.id).execute()
        if loan.state == "closed":
            lifecycle.move(ctx, loan, "active", label[:250])
            loan_disbursement.hold_again_within(ctx, loan.id)
        state_after = Loan.get_by_id(loan.id).state
        remaining = engine.outstanding(_state(loan)).total
        audit.record(ctx, "loan.repayment_reverse", "loan", loan.number,
                     before={"state": state_before, "repayment": rep.id,
                             "voucher": rep.txn.voucher_number},
                     after={"state": state_after, "reversal": posted.voucher_number,
                            "reason": reason, "put_back": put_back,
                            "remaining": remaining,
                            "approved_by": approver.username if approver else None})
    return ReversalReceipt(rep.id, posted.txn_id, posted.voucher_number or "", state_after,
                           remaining)


def _check_reverser(ctx: Context, rep: Repayment, day: date,
                    approver: Context | None) -> None:
    if rep.business_date == day:
        if not ctx.can("ledger.post"):
            raise PermissionDenied(_("On the day of the repayment, the cashier reverses it "
                                     "with the manager's approval."))
        if approver is None or not approver.can("repayment.reverse_approve"):
            raise PermissionDenied(_("The manager's approval is required to reverse a "
                                     "repayment."))
        if approver.user_id == ctx.user_id:
            raise PermissionDenied(_("Another person approves the reversal "
                                     "(maker-checker)."))
        return
    if not ctx.can("ledger.reverse"):
        raise PermissionDenied(_("After the day of the repayment, the accountant "
                                 "reverses it."))
