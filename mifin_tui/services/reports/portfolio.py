"""The loan portfolio as it stood at any date (#11): outstanding, days past due, PAR.

Everything is rebuilt from the schedule (`loan_installment`), what each repayment paid of
each instalment (`repayment_allocation`) and the repayment's business date, so a report
for a past date shows that date, not today's figures copied back:

- a repayment counts from its business date; a reversed one stops counting on its
  reversal date (`reversed_on`): at a date before the reversal it still counts;
- a loan is in the portfolio from its disbursement date until it is written off
  (`written_off_on`), and while principal remains; a loan closed later is in the
  portfolio of the dates before its closing;
- days past due = days between the date and the due date of the oldest instalment that
  date still owes principal, interest or fees of, and penalties (charged by that date)
  when the institution's reading says they age a loan: loans.classification, the one
  rule the closing, the arrears list and the dashboard share; an instalment due on the
  date itself is not late yet.
- PAR n = outstanding principal of the loans more than n days late (the whole remaining
  principal, not only the late part) / gross outstanding principal. PAR1 counts any day
  late (threshold 0 days), PAR30 more than 30, PAR90 more than 90. Restructured loans
  are in the figures and also given apart.

The schedule is the live one: a rescheduled loan's replaced rows are gone, so for a
date before a rescheduling its new schedule is what is read (the lead's convention).

The figures come from one set-based query per date (GROUP BY in the database), and the
trend's from one query for all its dates; only the per-loan positions of the reports
come back as rows (their SQL: db/queries/reports.py). Amounts are minor units of one
currency; loans of other currencies are left out (amounts never add across currencies).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.db.models import Branch, Institution, LoanProduct, User
from mifin_tui.db.queries import reports as queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel.dates import stored_date
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.loans.risk import classification

# PAR levels: name -> a loan is at risk when more than this many days late.
PAR_LEVELS: dict[str, int] = {"par1": 0, "par30": 30, "par90": 90}
# States a loan may have while it holds principal (closed/written off: before that date).


@dataclass(frozen=True)
class Filters:
    """Which loans: None means all. Codes as the user types them (branch and product
    codes, the officer's username, the member's zone)."""

    currency: str | None = None
    branch: str | None = None
    product: str | None = None
    officer: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class LoanPosition:
    """One loan at a date."""

    loan_id: int
    number: str
    member_id: int
    member_name: str
    branch_id: int
    product_id: int
    officer_id: int | None
    zone: str
    currency: str
    restructured: bool
    disbursed_on: date
    amount: int                  # principal disbursed (the schedule's principal)
    principal: int               # outstanding principal at the date
    interest: int                # interest due on or before the date, still unpaid
    overdue_principal: int       # principal due before the date, still unpaid
    days_past_due: int


@dataclass(frozen=True)
class ParSummary:
    """The portfolio's risk at one date, in one currency."""

    day: date
    currency: str
    loans: int
    outstanding: int
    at_risk: dict[str, int]            # PAR level -> outstanding principal at risk
    loans_at_risk: dict[str, int]      # PAR level -> number of loans
    restructured_outstanding: int
    restructured_at_risk: dict[str, int]

    def ratio_bp(self, level: str) -> int:
        """PAR in basis points, rounded half up (0 for an empty portfolio)."""
        if not self.outstanding:
            return 0
        return (self.at_risk[level] * 20000 + self.outstanding) // (2 * self.outstanding)


@dataclass(frozen=True)
class LoanScope:
    currency: str
    sql: str
    params: tuple[object, ...]
    needs_member: bool = False  # officer or zone: the member row is joined


def loan_scope(filters: Filters) -> LoanScope:
    """The WHERE fragment on `loan l JOIN member m` for the filters, with clear errors."""
    errors: dict[str, str] = {}
    inst = Institution.select().first()
    currency = (filters.currency or (inst.currency if inst else "")).strip().upper()
    branch_id = product_id = officer_id = None
    if filters.branch:
        code = filters.branch.strip().upper()
        row = Branch.get_or_none(Branch.code == code)
        if row is None:
            errors["branch"] = _("No branch {code}.").format(code=code)
        else:
            branch_id = row.id
    if filters.product:
        code = filters.product.strip().upper()
        prod = LoanProduct.get_or_none(LoanProduct.code == code)
        if prod is None:
            errors["product"] = _("No loan product {code}.").format(code=code)
        else:
            product_id = prod.id
    if filters.officer:
        name = filters.officer.strip()
        user = User.get_or_none(User.username == name)
        if user is None:
            errors["officer"] = _("No user {name}.").format(name=name)
        else:
            officer_id = user.id
    if errors:
        raise ValidationError(errors)
    sql, params = queries.loan_scope(currency, branch_id, product_id, officer_id,
                                     filters.zone.strip() if filters.zone else None)
    return LoanScope(currency, sql, tuple(params), bool(filters.officer or filters.zone))


def _live(day: date, live: bool | None) -> bool:
    """Whether the figures at `day` may be read from the instalments' paid columns rather
    than rebuilt from the repayments' allocations: when nothing they read is dated after
    `day` (`live` forces either way, for the tests that check both readings agree)."""
    if live is not None:
        return live
    latest = queries.latest_dated()
    return latest is not None and day >= latest


def positions(day: date, filters: Filters | None = None, *, live: bool | None = None
              ) -> list[LoanPosition]:
    """Every loan holding principal at `day` (ordered by loan number)."""
    scope = loan_scope(filters or Filters())
    out: list[LoanPosition] = []
    for row in queries.loan_positions(day, loan_states.PORTFOLIO, scope.sql, scope.params,
                                      scope.needs_member,
                                      classification.penalties_age_loans(),
                                      _live(day, live)):
        oldest = stored_date(row[15])
        out.append(LoanPosition(
            loan_id=row[0], number=row[1], member_id=row[2], member_name=" ".join(
                str(row[3] or "").split()), branch_id=row[4], product_id=row[5],
            officer_id=row[6], zone=row[7] or "", currency=row[8], restructured=bool(row[9]),
            disbursed_on=stored_date(row[10]) or day, amount=int(row[11] or 0),
            principal=int(row[12] or 0), interest=max(0, int(row[13] or 0)),
            overdue_principal=max(0, int(row[14] or 0)),
            days_past_due=classification.days_late(day, oldest)))
    return out


def outstanding(day: date, filters: Filters | None = None) -> dict[int, int]:
    """Outstanding principal per loan id at `day` (loans holding principal only)."""
    return {pos.loan_id: pos.principal for pos in positions(day, filters)}


def days_past_due(day: date, filters: Filters | None = None) -> dict[int, int]:
    """Days past due per loan id at `day`."""
    return {pos.loan_id: pos.days_past_due for pos in positions(day, filters)}


def par(day: date, filters: Filters | None = None, *, live: bool | None = None
        ) -> ParSummary:
    """PAR1/30/90 at `day`, summed by the database (no per-loan rows come back)."""
    scope = loan_scope(filters or Filters())
    # More than n days late <=> the oldest owing due date is before day - n days.
    limits = [day - timedelta(days=n) for n in PAR_LEVELS.values()]
    row = queries.par_figures(day, limits, loan_states.PORTFOLIO, scope.sql, scope.params,
                              scope.needs_member, classification.penalties_age_loans(),
                              _live(day, live))
    figures = [int(v or 0) for v in row]
    at_risk: dict[str, int] = {}
    counts: dict[str, int] = {}
    restructured: dict[str, int] = {}
    for k, level in enumerate(PAR_LEVELS):
        at_risk[level], counts[level], restructured[level] = figures[3 + 3 * k: 6 + 3 * k]
    return ParSummary(day=day, currency=scope.currency, loans=figures[0],
                      outstanding=figures[1], at_risk=at_risk, loans_at_risk=counts,
                      restructured_outstanding=figures[2], restructured_at_risk=restructured)


def par_trend(days: Iterable[date], filters: Filters | None = None) -> list[ParSummary]:
    """PAR at each date, the same figures as `par` date by date, in one query.

    One scan of the loans, their instalments and allocations sums, per instalment, what
    the repayments counting at each date paid of it (a conditional sum a date), then per
    loan its principal and oldest owing due date a date; a query per date would read the
    whole schedule again for each (the dashboard's 12 month ends).
    """
    wanted = list(days)
    if not wanted:
        return []
    scope = loan_scope(filters or Filters())
    distinct = sorted(set(wanted))
    by_day: dict[date, ParSummary] = {}
    # About 40 parameters and 12 result columns a date: 12 dates a query (the
    # dashboard's year) stay below the 999 parameters of older SQLite builds.
    for start in range(0, len(distinct), _TREND_CHUNK):
        chunk = distinct[start:start + _TREND_CHUNK]
        for summary in _par_many(chunk, scope):
            by_day[summary.day] = summary
    return [by_day[day] for day in wanted]


_TREND_CHUNK = 12


def _par_many(days: Sequence[date], scope: LoanScope) -> list[ParSummary]:
    """`par` at each of `days` (distinct, sorted) from one scan (see
    db.queries.reports.par_figures_many)."""
    row = queries.par_figures_many(days, list(PAR_LEVELS.values()), loan_states.PORTFOLIO,
                                   scope.sql, scope.params, scope.needs_member,
                                   classification.penalties_age_loans())
    figures = [int(v or 0) for v in row]
    width = 3 + 3 * len(PAR_LEVELS)
    out: list[ParSummary] = []
    for k, day in enumerate(days):
        f = figures[k * width:(k + 1) * width]
        at_risk: dict[str, int] = {}
        counts: dict[str, int] = {}
        restructured: dict[str, int] = {}
        for j, level in enumerate(PAR_LEVELS):
            at_risk[level], counts[level], restructured[level] = f[3 + 3 * j: 6 + 3 * j]
        out.append(ParSummary(day=day, currency=scope.currency, loans=f[0],
                              outstanding=f[1], at_risk=at_risk, loans_at_risk=counts,
                              restructured_outstanding=f[2],
                              restructured_at_risk=restructured))
    return out


def month_ends(last: date, months: int = 12) -> list[date]:
    """The last day of each of the `months` months ending with `last`'s month, oldest
    first; the last one is `last` itself (the month in progress)."""
    out: list[date] = [last]
    first = last.replace(day=1)
    for _i in range(months - 1):
        end = first - timedelta(days=1)
        out.append(end)
        first = end.replace(day=1)
    return sorted(out)


def totals_by(positions_: Sequence[LoanPosition], key: str) -> dict[object, tuple[int, int]]:
    """(number of loans, outstanding principal) grouped by a LoanPosition attribute."""
    out: dict[object, tuple[int, int]] = {}
    for pos in positions_:
        k = getattr(pos, key)
        n, amount = out.get(k, (0, 0))
        out[k] = (n + 1, amount + pos.principal)
    return out
