"""The gérant's dashboard (#11): the branch's figures on one screen, as plain data.

Outstanding and PAR30 now come from the loans as the last closing left them (days past
due, classification); the PAR30 trend from the month-end rows the closing writes to
loan_classification (every serviced loan, at each month's last closing), so a past
month reads what was true then, not today's schedule. Disbursements and collections
compare this calendar month, to the business day, with the whole previous one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.db import database
from mifin_tui.services import business_day, clock, institution, members, tills
from mifin_tui.services.context import Context
from mifin_tui.services.permissions import requires

SERVICED = ("disbursed", "active", "in_arrears")
# Where a decision is awaited: the committee's opinions, then the gérant's decision.
WAITING_DECISION = ("submitted", "visited", "committee")
PAR_DAYS = 30


@dataclass(frozen=True)
class ParPoint:
    month: date  # the first day of the month
    at_risk: int
    outstanding: int

    @property
    def ratio_bp(self) -> int:
        """PAR30 in basis points (integer division: 1234 = 12.34 %)."""
        return self.at_risk * 10_000 // self.outstanding if self.outstanding else 0


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
        return self.at_risk * 10_000 // self.outstanding if self.outstanding else 0


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, 1)


def _sql(query: str, params: tuple) -> list[tuple]:
    return list(database.execute_sql(query, params).fetchall())


def _outstanding_now(branch_id: int, currency: str) -> tuple[int, int, int]:
    """(outstanding principal, of which more than 30 days late, loans) of the branch."""
    row = _sql(
        'SELECT COALESCE(SUM(o.rest), 0), '
        'COALESCE(SUM(CASE WHEN l."days_past_due" > ? THEN o.rest ELSE 0 END), 0), '
        'COUNT(*) FROM "loan" l JOIN (SELECT i."loan_id" AS loan_id, '
        'SUM(i."principal_due" - i."principal_paid") AS rest FROM "loan_installment" i '
        'GROUP BY i."loan_id") o ON o.loan_id = l."id" '
        'WHERE l."branch_id" = ? AND l."currency" = ? AND l."state" IN (?, ?, ?)',
        (PAR_DAYS, branch_id, currency, *SERVICED))[0]
    return int(row[0]), int(row[1]), int(row[2])


def par_trend(branch_id: int, currency: str, today: date, months: int = 12
              ) -> list[ParPoint]:
    """PAR30 at each past month's last closing (loan_classification), then today's."""
    since = _months_before(today, months - 1)
    rows = _sql(
        'SELECT c."business_date", SUM(c."outstanding"), '
        'SUM(CASE WHEN c."days_past_due" > ? THEN c."outstanding" ELSE 0 END) '
        'FROM "loan_classification" c JOIN "loan" l ON l."id" = c."loan_id" '
        'WHERE l."branch_id" = ? AND l."currency" = ? AND c."business_date" >= ? '
        'AND c."business_date" < ? GROUP BY c."business_date" ORDER BY c."business_date"',
        (PAR_DAYS, branch_id, currency, since.isoformat(), _month_start(today).isoformat()))
    # The month's last closing wrote a row for every loan: its date is the month's
    # latest in the table (a mid-month row is only a change of class).
    last: dict[date, tuple[int, int]] = {}
    for day, outstanding, at_risk in rows:
        d = day if isinstance(day, date) else date.fromisoformat(str(day))
        last[_month_start(d)] = (int(at_risk or 0), int(outstanding or 0))
    points = [ParPoint(m, *last[m]) for m in sorted(last)]
    outstanding, at_risk, _n = _outstanding_now(branch_id, currency)
    points.append(ParPoint(_month_start(today), at_risk, outstanding))
    return points[-months:]


def _disbursed(branch_id: int, currency: str, start: date, end: date) -> int:
    row = _sql(
        'SELECT COALESCE(SUM(COALESCE(l."amount_approved", l."amount_requested")), 0) '
        'FROM "loan" l WHERE l."branch_id" = ? AND l."currency" = ? '
        'AND l."disbursed_on" >= ? AND l."disbursed_on" < ?',
        (branch_id, currency, start.isoformat(), end.isoformat()))
    return int(row[0][0])


def _collected(branch_id: int, currency: str, start: date, end: date) -> int:
    """Repayments and recoveries received (every channel), reversed ones left out."""
    row = _sql(
        'SELECT COALESCE(SUM(r."amount"), 0) FROM "repayment" r '
        'JOIN "loan" l ON l."id" = r."loan_id" WHERE l."branch_id" = ? '
        'AND l."currency" = ? AND r."reversal_txn_id" IS NULL '
        'AND r."business_date" >= ? AND r."business_date" < ?',
        (branch_id, currency, start.isoformat(), end.isoformat()))
    return int(row[0][0])


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


def _arrears(branch_id: int, currency: str, limit: int) -> tuple[list[ArrearsLine], int]:
    from mifin_tui.db.models import Member

    rows = _sql(
        'SELECT l."number", l."member_id", l."days_past_due", '
        '(SELECT SUM(i."principal_due" - i."principal_paid") FROM "loan_installment" i '
        'WHERE i."loan_id" = l."id") FROM "loan" l WHERE l."branch_id" = ? '
        'AND l."currency" = ? AND l."state" IN (?, ?, ?) AND l."days_past_due" > 0 '
        'ORDER BY l."days_past_due" DESC, l."number"',
        (branch_id, currency, *SERVICED))
    lines = []
    for number, member_id, dpd, rest in rows[:limit]:
        m = Member.get_by_id(member_id)
        lines.append(ArrearsLine(number, members.display_name(m), m.phone or "", int(dpd),
                                 int(rest or 0)))
    return lines, len(rows)


def _count(branch_id: int, states: tuple[str, ...]) -> int:
    marks = ", ".join("?" for _s in states)
    return int(_sql(f'SELECT COUNT(*) FROM "loan" WHERE "branch_id" = ? '
                    f'AND "state" IN ({marks})', (branch_id, *states))[0][0])


@requires("report.accounting")
def build(ctx: Context, *, arrears_lines: int = 5) -> Dashboard:
    """The branch's dashboard at its open business day."""
    today = business_day.open_date(ctx.branch_id) or clock.today()
    currency = institution.info(ctx.branch_id).currency
    this_month = _month_start(today)
    last_month = _months_before(today, 1)
    tomorrow = today + timedelta(days=1)
    outstanding, at_risk, n = _outstanding_now(ctx.branch_id, currency)
    arrears, arrears_count = _arrears(ctx.branch_id, currency, arrears_lines)
    return Dashboard(
        business_date=today, currency=currency, outstanding=outstanding, at_risk=at_risk,
        loans_serviced=n, par_trend=tuple(par_trend(ctx.branch_id, currency, today)),
        disbursed_this_month=_disbursed(ctx.branch_id, currency, this_month, tomorrow),
        disbursed_last_month=_disbursed(ctx.branch_id, currency, last_month, this_month),
        collected_this_month=_collected(ctx.branch_id, currency, this_month, tomorrow),
        collected_last_month=_collected(ctx.branch_id, currency, last_month, this_month),
        tills=tuple(_tills(ctx.branch_id)),
        waiting_decision=_count(ctx.branch_id, WAITING_DECISION),
        waiting_cash=_count(ctx.branch_id, ("approved",)),
        arrears=tuple(arrears), arrears_count=arrears_count)


def by_currency(values: list[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for cur, v in values:
        out[cur] += v
    return dict(out)
