"""The gérant's dashboard (#11): the branch's figures on one screen, as plain data.

Outstanding, PAR30, its trend at the last 12 month ends and the arrears to visit come
from portfolio.py (f-reports): rebuilt from the schedules and the repayments'
allocations, so a past month reads what was true then. The past month ends are read
from the snapshots the closing wrote (par_snapshots.py: 11 rows instead of a year of
schedules rebuilt, bench/portfolio.py); a month end without one is rebuilt. Today's
figures and the arrears list come from one pass over the portfolio's positions.
Disbursements and collections compare this calendar month, to the business day, with
the whole previous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.db.queries import reports as queries
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import business_day, clock, institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.reports import par_snapshots, portfolio

# Where a decision is awaited: the committee's opinions, then the gérant's decision.
WAITING_DECISION = ("submitted", "visited", "committee")
PAR_LEVEL = "par30"


@dataclass(frozen=True)
class ParPoint:
    month: date  # the first day of the month
    day: date  # the month's last day (today for the month in progress)
    at_risk: int
    outstanding: int
    ratio_bp: int  # PAR30 in basis points (portfolio's rounding: half up)


@dataclass(frozen=True)
class TillPosition:
    code: str
    name: str
    open_by: str  # the cashier whose session is open, '' when closed
    balances: dict[str, int]


@dataclass(frozen=True)
class ArrearsLine:
    loan_number: str
    member: str
    phone: str
    days_past_due: int
    outstanding: int


@dataclass(frozen=True)
class Dashboard:
    business_date: date
    currency: str  # the institution's; the loan figures are in it
    outstanding: int
    at_risk: int  # outstanding principal of loans more than 30 days late
    loans_serviced: int
    par_trend: tuple[ParPoint, ...]  # oldest first, up to 12 months, this month last
    disbursed_this_month: int
    disbursed_last_month: int
    collected_this_month: int
    collected_last_month: int
    tills: tuple[TillPosition, ...]
    waiting_decision: int
    waiting_cash: int  # approved, not yet paid out (the waiting list)
    arrears: tuple[ArrearsLine, ...]  # the most overdue first, to visit
    arrears_count: int

    @property
    def par_bp(self) -> int:
        return self.par_trend[-1].ratio_bp if self.par_trend else 0


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, 1)


def par_trend(filters: portfolio.Filters, today: date, months: int = 12,
              now: portfolio.ParSummary | None = None, branch_id: int | None = None
              ) -> list[ParPoint]:
    """PAR30 at each of the last `months` month ends, today last; the months before the
    first loan are left out (an empty portfolio has no ratio). With `branch_id` (the
    filters being that branch and a currency), the past month ends the closing recorded
    are read from its snapshots; `now`, PAR at `today`, when the caller has it."""
    days = portfolio.month_ends(today, months)
    known: dict[date, portfolio.ParSummary] = {}
    if branch_id is not None and filters.currency:
        past = [d for d in days if d < today]
        known = par_snapshots.stored(branch_id, filters.currency.upper(), past)
    if now is not None:
        known[today] = now
    missing = [d for d in days if d not in known]
    known.update(zip(missing, portfolio.par_trend(missing, filters), strict=True))
    points = [ParPoint(day.replace(day=1), day, known[day].at_risk[PAR_LEVEL],
                       known[day].outstanding, known[day].ratio_bp(PAR_LEVEL))
              for day in days]
    while len(points) > 1 and points[0].outstanding == 0:
        points.pop(0)
    return points


def _summary(today: date, currency: str, positions: list[portfolio.LoanPosition]
             ) -> portfolio.ParSummary:
    """`portfolio.par` at `today` from the positions already read (the same rule: more
    than n days past due, the whole remaining principal)."""
    at_risk, counts, restructured = {}, {}, {}
    for level, n in portfolio.PAR_LEVELS.items():
        late = [p for p in positions if p.days_past_due > n]
        at_risk[level] = sum(p.principal for p in late)
        counts[level] = len(late)
        restructured[level] = sum(p.principal for p in late if p.restructured)
    return portfolio.ParSummary(
        day=today, currency=currency, loans=len(positions),
        outstanding=sum(p.principal for p in positions), at_risk=at_risk,
        loans_at_risk=counts,
        restructured_outstanding=sum(p.principal for p in positions if p.restructured),
        restructured_at_risk=restructured)


def _tills(branch_id: int) -> list[TillPosition]:
    from mifin_tui.db.models import Till, TillSession, User

    out = []
    for till in Till.select().where(Till.branch == branch_id).order_by(Till.code):
        session = (TillSession.select(TillSession, User).join(User)
                   .where((TillSession.till == till.id) & (TillSession.status == "open"))
                   .first())
        out.append(TillPosition(till.code, till.name,
                                session.cashier.username if session else "",
                                tills.till_balances(till)))
    return out


def _arrears(positions: list[portfolio.LoanPosition], limit: int
             ) -> tuple[list[ArrearsLine], int]:
    from mifin_tui.db.models import Member

    late = sorted((p for p in positions if p.days_past_due > 0),
                  key=lambda p: (-p.days_past_due, p.number))
    lines = []
    for pos in late[:limit]:
        m = Member.get_by_id(pos.member_id)
        lines.append(ArrearsLine(pos.number, members.display_name(m), m.phone or "",
                                 pos.days_past_due, pos.principal))
    return lines, len(late)


@requires("report.accounting")
def build(ctx: Context, *, arrears_lines: int = 5) -> Dashboard:
    """The branch's dashboard at its open business day."""
    today = business_day.open_date(ctx.branch_id) or clock.today()
    currency = institution.info(ctx.branch_id).currency
    this_month = _month_start(today)
    last_month = _months_before(today, 1)
    tomorrow = today + timedelta(days=1)
    branch_id = ctx.branch_id
    from mifin_tui.db.models import Branch

    filters = portfolio.Filters(currency=currency, branch=Branch.get_by_id(ctx.branch_id).code)
    held = portfolio.positions(today, filters)
    now = _summary(today, currency, held)
    trend = par_trend(filters, today, now=now, branch_id=branch_id)
    arrears, arrears_count = _arrears(held, arrears_lines)
    # Last month, then this month to the business day: one scan each.
    disbursed = queries.disbursed_between(branch_id, currency, last_month, this_month,
                                          tomorrow)
    collected = queries.collected_between(branch_id, currency, last_month, this_month,
                                          tomorrow)
    return Dashboard(
        business_date=today, currency=currency, outstanding=now.outstanding,
        at_risk=now.at_risk[PAR_LEVEL], loans_serviced=now.loans, par_trend=tuple(trend),
        disbursed_this_month=disbursed[1], disbursed_last_month=disbursed[0],
        collected_this_month=collected[1], collected_last_month=collected[0],
        tills=tuple(_tills(ctx.branch_id)),
        waiting_decision=queries.loans_in_states(ctx.branch_id, WAITING_DECISION),
        waiting_cash=queries.loans_in_states(ctx.branch_id, ("approved",)),
        arrears=tuple(arrears), arrears_count=arrears_count)
