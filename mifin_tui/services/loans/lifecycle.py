"""A loan's moves from state to state, and what every loan service needs around them:
the loan of the user's branch, the branch's business day, the amounts in his language.

A loan moves only along `states.TRANSITIONS`; every move is one `LoanEvent` (who, when,
from, to, why) and an audit row with before/after, written inside the caller's write
transaction. Cancelling (before the money leaves) is the one move that is a service of
its own; the others belong to the step that makes them (submission, decision,
disbursement, repayment, closing).
"""

from __future__ import annotations

from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanEvent
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import audit, business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import states
from mifin_tui.services.loans.states import state_label


def money(amount: int, currency: str) -> str:
    """An amount for the user's messages, in his language."""
    return format_amount(amount, currency, language=current_language())


def get_loan(loan_id: int, ctx: Context | None = None) -> Loan:
    """The loan, if it is of the user's branch (NotFound otherwise)."""
    loan = Loan.get_or_none(Loan.id == loan_id)
    if loan is None or (ctx is not None and loan.branch_id != ctx.branch_id):
        raise NotFound(_("No such loan."))
    return loan


def business_today(ctx: Context) -> date:
    """The branch's open business day; the calendar's day while none is open."""
    return business_day.open_date(ctx.branch_id) or clock.today()


def require_state(loan: Loan, *allowed: str) -> None:
    if loan.state not in allowed:
        raise Conflict(_("This loan is {state}: not possible now.").format(
            state=state_label(loan.state).lower()))


def _snapshot(loan: Loan) -> dict:
    return {"state": loan.state, "amount_requested": loan.amount_requested,
            "term_requested": loan.term_requested, "amount_approved": loan.amount_approved,
            "term_approved": loan.term_approved}


def move(ctx: Context, loan: Loan, to: str, note: str = "", **changes: object) -> Loan:
    """Move `loan` to state `to` with `changes`; inside the caller's write transaction.
    Refuses any move not in states.TRANSITIONS."""
    if to not in states.TRANSITIONS.get(loan.state, frozenset()):
        raise Conflict(_("A loan {state} cannot become {to}.").format(
            state=state_label(loan.state).lower(), to=state_label(to).lower()))
    before = _snapshot(loan)
    for name, value in changes.items():
        setattr(loan, name, value)
    from_state = loan.state
    loan.state = to
    loan.save()
    LoanEvent.create(loan=loan.id, from_state=from_state, to_state=to, user=ctx.user_id,
                     at=clock.now(), business_date=business_day.open_date(ctx.branch_id),
                     note=note[:250])
    after = _snapshot(loan)
    after.update({k: (v if isinstance(v, int | str | None) else str(v))
                  for k, v in changes.items()})
    audit.record(ctx, f"loan.{to}" if from_state != to else "loan.back_to_committee",
                 "loan", loan.number, before=before, after={**after, "note": note})
    return loan


@requires("loan.cancel")
def cancel(ctx: Context, loan_id: int, reason: str) -> None:
    """Cancel an application or an approved loan not yet disbursed."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the cancellation.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, *states.CANCELLABLE)
        move(ctx, loan, "cancelled", reason.strip())
