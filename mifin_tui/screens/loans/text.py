"""Lines of text the loan screens share: a loan's summary, eligibility, opinions, steps."""

from __future__ import annotations

from mifin_tui.i18n import _, ngettext
from mifin_tui.services.loans.applications import visit_recommendation_text
from mifin_tui.services.loans.engine.schedule import Schedule
from mifin_tui.services.loans.views import LoanCard, MemberHistory
from mifin_tui.widgets.formatting import fmt_amount, fmt_date, fmt_percent


def card_lines(c: LoanCard, *, eligibility: bool = False, opinions: bool = False,
               steps: bool = False) -> list[str]:
    amount = c.amount_approved if c.amount_approved is not None else c.amount_requested
    term = c.term_approved if c.term_approved is not None else c.term_requested
    lines = [
        f"{c.number}  [{c.state_word}]  {c.member_number} {c.member_name}",
        _("{product}: {amount} over {term} instalments, rate {rate}").format(
            product=c.product, amount=fmt_amount(amount, c.currency), term=term,
            rate=fmt_percent(c.rate_bp)),
        _("Purpose: {purpose}; activity: {activity}").format(purpose=c.purpose,
                                                             activity=c.activity or "-"),
    ]
    if c.outstanding:
        lines.append(_("Outstanding: {amount}").format(
            amount=fmt_amount(c.outstanding, c.currency)))
    if eligibility:
        lines.append(_("Eligibility:"))
        lines += [f"  {r.word:<13} {r.label}: {r.detail}" for r in c.eligibility]
        if c.override_by:
            lines.append(_("  Override by {who}: {reason}").format(who=c.override_by,
                                                                   reason=c.override_reason))
    for g in c.guarantors:
        lines.append(_("Guarantor {number} {name}: {amount}").format(
            number=g.member_number, name=g.name, amount=fmt_amount(g.amount, c.currency)))
    for k in c.collateral:
        lines.append(_("Collateral: {what} {value}").format(
            what=k.description or k.account_number, value=fmt_amount(k.value, c.currency)))
    if c.visit_date:
        lines.append(_("Home visit {date} by {who}: {findings}").format(
            date=fmt_date(c.visit_date), who=c.visitor, findings=c.visit_findings))
        lines.append(_("  Recommendation: {what}").format(
            what=visit_recommendation_text(c.visit_recommendation)))
    if opinions:
        # every round, the current one first: what the committee said before it was sent
        # back is part of the file
        for round_ in range(c.committee_round, 0, -1):
            ops = [o for o in c.opinions if o.round == round_]
            if not ops and round_ != c.committee_round:
                continue
            lines.append(_("Committee (round {round}): {n} opinions").format(
                round=round_, n=len(ops)))
            for o in ops:
                proposed = (fmt_amount(o.amount_proposed, c.currency) if o.amount_proposed
                            else "-")
                lines.append(f"  {o.opinion_word:<13} {proposed:>16}  {o.user}: {o.comment}")
    if steps:
        lines.append(_("Steps:"))
        lines += [f"  {e.at}  {e.state_word:<13} {e.user}  {e.note}" for e in c.events]
    return lines


def history_lines(h: MemberHistory) -> list[str]:
    return [_("Member's history: {months}, {loans} ({repaid} repaid, {open} outstanding), "
              "{days}, {deposits}").format(
        months=ngettext("{n} month of membership", "{n} months of membership",
                        h.months_of_membership).format(n=h.months_of_membership),
        loans=ngettext("{n} past loan", "{n} past loans", h.loans).format(n=h.loans),
        repaid=h.repaid, open=h.outstanding_loans,
        days=ngettext("{n} day of arrears", "{n} days of arrears",
                      h.arrears_days).format(n=h.arrears_days),
        deposits=ngettext("{n} deposit in 6 months", "{n} deposits in 6 months",
                          h.deposits_6_months).format(n=h.deposits_6_months)),
        _("  At most {days} days late on a loan; deposits in {months} of the last 6 "
          "months").format(days=h.max_arrears_days, months=h.months_with_deposit)] + [
        _("  {number} {amount} paid out {date}, {state}, at most {days} days late").format(
            number=p.number, amount=fmt_amount(p.amount, p.currency),
            date=fmt_date(p.disbursed_on) if p.disbursed_on else "-", state=p.state_word,
            days=p.max_arrears_days) for p in h.past_loans]


def _usual_total(sched: Schedule) -> int:
    """The instalment the member pays most often: not the first when it is a grace
    instalment of interest only, nor the last, which takes the rounding."""
    totals = [i.total for i in sched.installments]
    return max(set(totals), key=lambda t: (totals.count(t), t))


def schedule_lines(sched: Schedule, currency: str) -> list[str]:
    """The whole schedule, one line an instalment (number, due date, principal,
    interest, total), after a line that sums it up."""
    if not sched.installments:
        return []
    first, last = sched.installments[0], sched.installments[-1]
    lines = [_("Schedule: {n} instalments of {amount} from {first} to {last}; total "
               "{total}").format(
        n=len(sched.installments), amount=fmt_amount(_usual_total(sched), currency),
        first=fmt_date(first.due_date), last=fmt_date(last.due_date),
        total=fmt_amount(sched.totals.total, currency)),
        f"  {_('No.'):>3}  {_('Due date'):<10}  {_('Principal'):>14}  {_('Interest'):>12}  "
        f"{_('Total'):>14}"]
    lines += [f"  {i.no:>3}  {fmt_date(i.due_date):<10}  "
              f"{fmt_amount(i.principal, currency):>14}  "
              f"{fmt_amount(i.interest, currency):>12}  "
              f"{fmt_amount(i.total, currency):>14}" for i in sched.installments]
    return lines
