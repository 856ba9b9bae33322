"""A loan's states and the sets of them the rules ask about: one place for each set, so
the counter, the closing, the reports and the screens agree on what "serviced" means.

Pure data and the states' labels (the standard library and gettext only): the engine,
the store's queries and the screens read it.
"""

from __future__ import annotations

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

