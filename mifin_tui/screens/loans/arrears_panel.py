"""Arrears as text lines for the loan card and the member card: days past due of the
oldest unpaid instalment and the overdue amounts by bucket, computed live
(services.arrears), so the cards are right before the nightly closing has run."""

from __future__ import annotations

from mifin_tui.i18n import _
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import arrears
from mifin_tui.services.loans.arrears import LoanArrears
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def loan_lines(a: LoanArrears) -> list[str]:
    """The arrears of one loan, lines of 76 characters at most."""
    m = lambda minor: fmt_amount(minor, a.currency)  # noqa: E731
    if not a.in_arrears:
        return [_("Arrears: none, the loan is up to date.")]
    lines = [_("Arrears: {days} days past due (oldest unpaid instalment due {date}); "
               "{n} instalments late.").format(days=a.days_past_due, date=fmt_date(a.oldest_due),
                                               n=a.instalments_overdue),
             _("Overdue {total}: principal {p}, interest {i}, penalties {n}.").format(
                 total=m(a.overdue.total), p=m(a.overdue.principal),
                 i=m(a.overdue.interest), n=m(a.overdue.penalties))]
    for b in a.buckets:
        lines.append(f"  {b.label[:50]:<50} {m(b.amount):>18}")
    return lines


def loan_panel(ctx: Context, loan_id: int, state: str) -> list[str]:
    """The lines for the loan card ([] when the loan is not outstanding)."""
    from mifin_tui.services.loans import states as loan_states

    if state not in loan_states.SERVICED:
        return []
    try:
        return loan_lines(arrears.loan_arrears(ctx, loan_id))
    except MifinError:
        return []


def member_panel(ctx: Context, member_id: int) -> list[str]:
    """One line per outstanding loan of the member in arrears ([] when none)."""
    try:
        views = arrears.member_arrears(ctx, member_id)
    except MifinError:
        return []
    late = [v for v in views if v.in_arrears]
    if not late:
        return []
    lines = [_("Loans in arrears:")]
    for v in late:
        lines.append("  " + _("{number}: {days} days past due, overdue {amount}").format(
            number=v.number, days=v.days_past_due,
            amount=fmt_amount(v.overdue.total, v.currency)))
    return lines
