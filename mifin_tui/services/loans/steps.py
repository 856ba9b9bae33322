"""A loan file's next steps: which of them this user may take on this loan now.

The loan card offers exactly these (and the gérant's list shows exactly the files where
he has one): the step does not depend on the screen that created the file. The rule is
`states.next_steps`, pure (import-linter keeps `states` free of the store), over a few
facts about the file and the user's rights; here those facts are read from the store.
The services still refuse a step taken when it is not possible (they are the gate);
this says which to offer.
"""

from __future__ import annotations

from mifin_tui.db.models import Loan, LoanEligibility, LoanOpinion
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import states
from mifin_tui.services.loans.applications import first_loan
from mifin_tui.services.loans.decision import committee_size, delegation_limit
from mifin_tui.services.loans.lifecycle import get_loan
from mifin_tui.services.loans.states import (
    BOARD,
    CANCEL,
    COMMITTEE,
    DECIDE,
    DISBURSE,
    EDIT,
    OPINION,
    OVERRIDE,
    RECHECK,
    REPAY,
    REVERSE,
    STEPS,
    SUBMIT,
    VISIT,
    FileFacts,
    next_steps,
    waiting_for,
)

# The rule and the steps' names, for the screens and the front ends.
__all__ = ["BOARD", "CANCEL", "COMMITTEE", "DECIDE", "DISBURSE", "EDIT", "OPINION",
           "OVERRIDE", "RECHECK", "REPAY", "REVERSE", "STEPS", "SUBMIT", "VISIT", "FileFacts",
           "facts_of", "next_steps", "steps_for", "steps_of", "waiting_for",
           "waiting_for_loan"]


def facts_of(loan: Loan, user_id: int) -> FileFacts:
    """The facts of `loan` for `user_id`, read from the store."""
    failed = LoanEligibility.select().where(
        (LoanEligibility.loan == loan.id) & (LoanEligibility.passed == False)).exists()  # noqa: E712
    round_opinions = LoanOpinion.select().where((LoanOpinion.loan == loan.id)
                                                & (LoanOpinion.round == loan.committee_round))
    limit = delegation_limit(loan.currency)
    return FileFacts(
        state=loan.state, entered_by=loan.created_by_id, eligible=not failed,
        overridden=bool(loan.override_by_id),
        first_loan=loan.state in states.UNDECIDED and first_loan(loan),
        opinions=round_opinions.count(), opinions_needed=committee_size(),
        my_opinion_given=round_opinions.where(LoanOpinion.user == user_id).exists(),
        within_limit=limit is None or loan.amount_requested <= limit)


@requires("loan.read")
def steps_of(ctx: Context, loan: Loan) -> tuple[str, ...]:
    """The next steps of `loan` (of the user's branch) for the user of `ctx`."""
    return next_steps(facts_of(loan, ctx.user_id), ctx.user_id, frozenset(ctx.permissions))


@requires("loan.read")
def steps_for(ctx: Context, loan_id: int) -> tuple[str, ...]:
    """The steps the user may take on the loan now (the loan card offers these)."""
    return steps_of(ctx, get_loan(loan_id, ctx))


@requires("loan.read")
def waiting_for_loan(ctx: Context, loan_id: int) -> str:
    """What the loan waits for (see `waiting_for`)."""
    return waiting_for(facts_of(get_loan(loan_id, ctx), ctx.user_id))
