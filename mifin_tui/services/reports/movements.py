"""The portfolio's movements over a period, per class (#20): opening, disbursed, repaid,
written off, reclassified, closing.

The classes are the profile's arrears buckets, a loan's class at a date being the bucket
of its days past due there (portfolio.positions, as the classification report reads it).
Opening = the portfolio the day before the period starts, closing = at its last day. Per
loan, with o and c its principal at those two dates:

- disbursed, repaid and written off go to the class the loan ends the period in: its
  class at the end, or when it left the portfolio, the class of the days past due its
  write-off recorded, or the class it opened in (repaid in full);
- a loan that changed class is reclassified: its opening principal leaves the old class
  and enters the new one (the reclassified column sums to zero);
- written off = what the loan held when written off (o + disbursed - repaid);
- "other" is what none of these explain (a rescheduling that changed the principal):
  0 in the normal course, shown so the columns always add up.

So for each class: opening + disbursed - repaid - written off + reclassified + other =
closing, to the minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from mifin_tui.db.queries import reports as queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.base import (
    PERMISSION,
    over_period,
    period_label,
    profile_of_institution,
    report_table,
)
from mifin_tui.services.reports.table import COUNT, MONEY, Column, ReportTable

FIGURES = ("opening", "disbursed", "repaid", "written_off", "reclassified", "other",
           "closing")


@dataclass
class ClassMovement:
    key: str
    label: str
    opening_loans: int = 0
    closing_loans: int = 0
    amounts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))


def movements(profile: regulators.RegulatorProfile, start: date, end: date,
              f: portfolio.Filters) -> list[ClassMovement]:
    """One line per class of the profile, in its order."""
    scope = portfolio.loan_scope(f)

    def classed(day: date) -> dict[int, tuple[str, int]]:
        return {x.loan_id: (regulators.bucket_for_days(profile, x.days_past_due).key,
                            x.principal) for x in portfolio.positions(day, f)}

    opening = classed(start - timedelta(days=1))
    closing = classed(end)
    flows = {row[0]: (int(row[1] or 0), int(row[2] or 0), bool(row[3]), int(row[4] or 0))
             for row in queries.loan_movements(start, end, loan_states.PORTFOLIO, scope.sql,
                                               scope.params, scope.needs_member)}
    lines = {b.key: ClassMovement(b.key, b.label) for b in profile.arrears_buckets}
    first = profile.arrears_buckets[0].key
    for loan_id in opening.keys() | closing.keys() | flows.keys():
        was, o = opening.get(loan_id, (None, 0))
        now, c = closing.get(loan_id, (None, 0))
        d, r, written_off, days_late = flows.get(loan_id, (0, 0, False, 0))
        w = o + d - r - c if written_off else 0
        other = c - (o + d - r - w)
        if now is None and written_off:
            end_class = regulators.bucket_for_days(profile, days_late).key
        else:
            end_class = now or was or first
        target = lines[end_class]
        if was is not None:
            lines[was].opening_loans += 1
            lines[was].amounts["opening"] += o
            if end_class != was:
                lines[was].amounts["reclassified"] -= o
                target.amounts["reclassified"] += o
        if now is not None:
            target.closing_loans += 1
            target.amounts["closing"] += c
        target.amounts["disbursed"] += d
        target.amounts["repaid"] += r
        target.amounts["written_off"] += w
        target.amounts["other"] += other
    return [lines[b.key] for b in profile.arrears_buckets]


@requires(PERMISSION)
def movements_report(ctx: Context, p: object) -> ReportTable:
    """Opening, disbursed, repaid, written off, reclassified and closing per class."""
    start, end, f, cur = over_period(p)
    profile = profile_of_institution()
    lines = movements(profile, start, end, f)
    titles = {"opening": _("Opening"), "disbursed": _("Disbursed"), "repaid": _("Repaid"),
              "written_off": _("Written off"), "reclassified": _("Reclassified"),
              "other": _("Other"), "closing": _("Closing")}
    cols = [Column("class", _("Class")), Column("opening_loans", _("Loans at opening"), COUNT),
            *(Column(k, titles[k], MONEY, cur) for k in FIGURES),
            Column("closing_loans", _("Loans at closing"), COUNT)]
    rows = [(x.label, x.opening_loans, *(x.amounts[k] for k in FIGURES), x.closing_loans)
            for x in lines]
    totals = (_("Total"), sum(x.opening_loans for x in lines),
              *(sum(x.amounts[k] for x in lines) for k in FIGURES),
              sum(x.closing_loans for x in lines))
    notes = (_("Principal. Opening = the day before the period; a loan's class is the "
               "bucket of its days past due; reclassified = the opening principal of the "
               "loans that changed class; other = changes of schedule (rescheduling)."),)
    return report_table(ctx, "movements", _("Portfolio movements"), period_label(start, end),
                        f, cols, rows, totals=totals, notes=notes, landscape=True)
