"""The gérant's dashboard (#11): the branch's figures on one screen, as plain data.

Outstanding, PAR30, its trend at the last 12 month ends and the arrears to visit come
from portfolio.py (f-reports): rebuilt at each date from the schedules and the
repayments' allocations, so a past month reads what was true then. Disbursements and
collections compare this calendar month, to the business day, with the whole previous one.
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
from mifin_tui.services.reports import portfolio

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


def par_trend(filters: portfolio.Filters, today: date, months: int = 12) -> list[ParPoint]:
    """PAR30 at each of the last `months` month ends, today last; the months before the
    first loan are left out (an empty portfolio has no ratio)."""
    days = portfolio.month_ends(today, months)
    points = [ParPoint(day.replace(day=1), day, s.at_risk[PAR_LEVEL], s.outstanding,
                       s.ratio_bp(PAR_LEVEL))
              for day, s in zip(days, portfolio.par_trend(days, filters), strict=True)]
    while len(points) > 1 and points[0].outstanding == 0:
        points.pop(0)
    return points


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


def _arrears(filters: portfolio.Filters, today: date, limit: int
             ) -> tuple[list[ArrearsLine], int]:
    from mifin_tui.db.models import Member

    late = sorted((p for p in portfolio.positions(today, filters) if p.days_past_due > 0),
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
    trend = par_trend(filters, today)
    arrears, arrears_count = _arrears(filters, today, arrears_lines)
    now = portfolio.par(today, filters)
    return Dashboard(
        business_date=today, currency=currency, outstanding=now.outstanding,
        at_risk=now.at_risk[PAR_LEVEL], loans_serviced=now.loans, par_trend=tuple(trend),
        disbursed_this_month=queries.disbursed_between(branch_id, currency, this_month, tomorrow),
        disbursed_last_month=queries.disbursed_between(branch_id, currency, last_month, this_month),
        collected_this_month=queries.collected_between(branch_id, currency, this_month, tomorrow),
        collected_last_month=queries.collected_between(branch_id, currency, last_month, this_month),
        tills=tuple(_tills(ctx.branch_id)),
        waiting_decision=queries.loans_in_states(ctx.branch_id, WAITING_DECISION),
        waiting_cash=queries.loans_in_states(ctx.branch_id, ("approved",)),
        arrears=tuple(arrears), arrears_count=arrears_count)
