"""A loan file's next steps: which of them this user may take on this loan now.

The loan card offers exactly these (and the gérant's list shows exactly the files where
he has one): the step does not depend on the screen that created the file. `next_steps`
is the rule, pure, over a few facts about the file and the user's rights; `steps_for`
reads those facts from the store. The services still refuse a step taken when it is not
possible (they are the gate); this says which to offer.
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db.models import Loan, LoanEligibility, LoanOpinion
from mifin_tui.i18n import _
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import states
from mifin_tui.services.loans.applications import first_loan
from mifin_tui.services.loans.decision import committee_size, delegation_limit
from mifin_tui.services.loans.lifecycle import get_loan

# The steps, in the order a file takes them (and the card lists them).
EDIT = "edit"            # change the draft's terms; the eligibility is checked again
RECHECK = "recheck"      # check the eligibility again (after a deposit, a hold...)
OVERRIDE = "override"    # the gérant lets a draft with failed rules go on, with a reason
SUBMIT = "submit"
VISIT = "visit"          # the home visit
COMMITTEE = "committee"  # send to the credit committee
OPINION = "opinion"      # a committee member's opinion
DECIDE = "decide"        # the gérant approves, rejects or sends back to the committee
BOARD = "board"          # an administrator records the board's decision (above the limit)
DISBURSE = "disburse"
REPAY = "repay"
CANCEL = "cancel"
REVERSE = "reverse"      # the same-day reversal of a disbursement

STEPS: tuple[str, ...] = (EDIT, RECHECK, OVERRIDE, SUBMIT, VISIT, COMMITTEE, OPINION,
                          DECIDE, BOARD, DISBURSE, REPAY, CANCEL, REVERSE)


@dataclass(frozen=True)
class FileFacts:
    """What the rule reads of a loan file, for one user."""

    state: str
    entered_by: int
    eligible: bool             # every stored eligibility rule passed
    overridden: bool           # the gérant let the failed rules go
    first_loan: bool           # the member's first loan: a home visit before the committee
    opinions: int              # given in the current committee round
    opinions_needed: int
    my_opinion_given: bool     # this user gave his in the current round
    within_limit: bool         # the amount is within the gérant's delegation limit


def next_steps(f: FileFacts, user_id: int, permissions: frozenset[str]) -> tuple[str, ...]:
    """The steps `user_id` with `permissions` may take on the file now, in STEPS order.

    Who entered the file neither overrides, gives an opinion nor decides on it
    (maker-checker); the gérant decides once the committee's round is complete and
    within his limit, the board above it."""
    can = permissions.__contains__
    maker = f.entered_by == user_id
    ready = f.state == "committee" and f.opinions >= f.opinions_needed
    out: set[str] = set()
    if f.state == "draft" and can("loan.apply"):
        out |= {EDIT, RECHECK}
        if f.eligible or f.overridden:
            out.add(SUBMIT)
    if f.state == "draft" and not f.eligible and not f.overridden and can("loan.override") \
            and not maker:
        out.add(OVERRIDE)
    if f.state == "submitted" and can("loan.apply"):
        out.add(VISIT)
    if can("loan.apply") and (f.state == "visited"
                              or (f.state == "submitted" and not f.first_loan)):
        out.add(COMMITTEE)
    if f.state == "committee" and can("loan.opinion") and not maker \
            and not f.my_opinion_given:
        out.add(OPINION)
    if ready and not maker and f.within_limit and can("loan.approve"):
        out.add(DECIDE)
    if ready and not maker and not f.within_limit and can("loan.board"):
        out.add(BOARD)
    if f.state == "approved" and can("loan.disburse"):
        out.add(DISBURSE)
    if f.state in states.SERVICED and can("ledger.post"):
        out.add(REPAY)
    if f.state in states.CANCELLABLE and can("loan.cancel"):
        out.add(CANCEL)
    if f.state == "disbursed" and can("loan.reverse"):
        out.add(REVERSE)
    return tuple(s for s in STEPS if s in out)


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
        within_limit=limit is not None and loan.amount_requested <= limit)


def steps_of(ctx: Context, loan: Loan) -> tuple[str, ...]:
    """The next steps of `loan` (of the user's branch) for the user of `ctx`."""
    return next_steps(facts_of(loan, ctx.user_id), ctx.user_id, frozenset(ctx.permissions))


@requires("loan.read")
def steps_for(ctx: Context, loan_id: int) -> tuple[str, ...]:
    """The steps the user may take on the loan now (the loan card offers these)."""
    return steps_of(ctx, get_loan(loan_id, ctx))


def waiting_for(f: FileFacts) -> str:
    """Whose step the file waits for, in the user's words ("" once nothing is pending):
    said on the card to whoever cannot take it himself."""
    if f.state == "draft":
        if not f.eligible and not f.overridden:
            return _("the manager's override of the failed rules, or an edit that passes")
        return _("its submission by the loan officer")
    if f.state == "submitted":
        return _("the home visit") if f.first_loan else _(
            "the home visit, or its sending to the committee")
    if f.state == "visited":
        return _("its sending to the committee")
    if f.state == "committee":
        if f.opinions < f.opinions_needed:
            return _("the committee's opinions ({have} of {need})").format(
                have=f.opinions, need=f.opinions_needed)
        return _("the manager's decision") if f.within_limit else _("the board's decision")
    if f.state == "approved":
        return _("the disbursement at the till")
    return ""


@requires("loan.read")
def waiting_for_loan(ctx: Context, loan_id: int) -> str:
    """What the loan waits for (see `waiting_for`)."""
    return waiting_for(facts_of(get_loan(loan_id, ctx), ctx.user_id))
