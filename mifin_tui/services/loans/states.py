"""A loan's states and the sets of them the rules ask about: one place for each set, so
the counter, the closing, the reports and the screens agree on what "serviced" means;
and the rule of a file's next steps (`next_steps`: who may do what on it now).

Pure data and rules (the standard library and gettext only): the engine, the store's
queries and the screens read it; `loans.steps` reads a file's facts for `next_steps`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.i18n import N_, _

STATE_LABELS: dict[str, str] = {
    "draft": N_("Draft"), "submitted": N_("Submitted"), "visited": N_("Visited"),
    "committee": N_("In committee"), "approved": N_("Approved"), "rejected": N_("Rejected"),
    "disbursed": N_("Disbursed"), "active": N_("Active"), "in_arrears": N_("In arrears"),
    "written_off": N_("Written off"), "closed": N_("Closed"), "cancelled": N_("Cancelled"),
}
STATES: tuple[str, ...] = tuple(STATE_LABELS)

# The only moves the service accepts. committee -> committee is "back to the committee"
# (a new round of opinions); disbursed -> approved is the same-day reversal.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "cancelled"}),
    "submitted": frozenset({"visited", "committee", "cancelled"}),
    "visited": frozenset({"committee", "cancelled"}),
    "committee": frozenset({"committee", "approved", "rejected", "cancelled"}),
    "approved": frozenset({"disbursed", "cancelled"}),
    "disbursed": frozenset({"active", "approved"}),
    "active": frozenset({"in_arrears", "closed"}),
    "in_arrears": frozenset({"active", "written_off", "closed"}),
    "closed": frozenset({"active"}),  # the repayment that closed it reversed (#9)
}

# Money is out and not yet back: repaid, debited by the closing, rescheduled, aged,
# counted as outstanding.
SERVICED: tuple[str, ...] = ("disbursed", "active", "in_arrears")
# Before the decision: the eligibility is checked again or overridden, guarantors and
# collateral are added.
UNDECIDED: tuple[str, ...] = ("draft", "submitted", "visited", "committee")
# Before the money leaves: the application can still be cancelled.
CANCELLABLE: tuple[str, ...] = ("draft", "submitted", "visited", "committee", "approved")
# A contract exists from the approval on.
WITH_CONTRACT: tuple[str, ...] = ("approved", "disbursed", "active", "in_arrears",
                                  "written_off", "closed")
# What the portfolio counts at a past date: serviced then, or ended since.
PORTFOLIO: tuple[str, ...] = (*SERVICED, "closed", "written_off")


def state_label(state: str) -> str:
    """The state in the user's language."""
    return _(STATE_LABELS.get(state, state))


# --- a file's next steps ------------------------------------------------------------

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
    within_limit: bool         # the amount requested is within the gérant's delegation
                               # limit (none set: every amount is)


def next_steps(f: FileFacts, user_id: int, permissions: frozenset[str]) -> tuple[str, ...]:
    """The steps `user_id` with `permissions` may take on the file now, in STEPS order.

    Who entered the file neither overrides, gives an opinion nor decides on it
    (maker-checker); the gérant decides once the committee's round is complete (above
    his limit he may still reject or approve a lowered amount), the board above it."""
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
    # above his limit the gérant still rejects, sends back, or approves a lowered amount
    if ready and not maker and can("loan.approve"):
        out.add(DECIDE)
    if ready and not maker and not f.within_limit and can("loan.board"):
        out.add(BOARD)
    if f.state == "approved" and can("loan.disburse"):
        out.add(DISBURSE)
    if f.state in SERVICED and can("ledger.post"):
        out.add(REPAY)
    if f.state in CANCELLABLE and can("loan.cancel"):
        out.add(CANCEL)
    if f.state == "disbursed" and can("loan.reverse"):
        out.add(REVERSE)
    return tuple(s for s in STEPS if s in out)


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
        return _("the manager's decision") if f.within_limit else _(
            "the board's decision, or the manager's on a lowered amount")
    if f.state == "approved":
        return _("the disbursement at the till")
    return ""
