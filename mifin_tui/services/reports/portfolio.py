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
  date still owes principal, interest or fees of (penalties alone do not age a loan);
  an instalment due on the date itself is not late yet.
- PAR n = outstanding principal of the loans more than n days late (the whole remaining
  principal, not only the late part) / gross outstanding principal. PAR1 counts any day
  late (threshold 0 days), PAR30 more than 30, PAR90 more than 90. Restructured loans
  are in the figures and also given apart.

The schedule is the live one: a rescheduled loan's replaced rows are gone, so for a
date before a rescheduling its new schedule is what is read (the lead's convention).

The figures come from one set-based query per date (GROUP BY in the database), and the
trend's from one query for all its dates; only the per-loan positions of the reports
come back as rows. Amounts are minor units of one
currency; loans of other currencies are left out (amounts never add across currencies).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.db import database
from mifin_tui.db.models import Branch, Institution, LoanProduct, User
from mifin_tui.i18n import _
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.loans import states as loan_states

# PAR levels: name -> a loan is at risk when more than this many days late.
PAR_LEVELS: dict[str, int] = {"par1": 0, "par30": 30, "par90": 90}


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
class _Scope:
    currency: str
    sql: str
    params: tuple[object, ...]
    needs_member: bool = False  # officer or zone: the member row is joined


def _scope(filters: Filters) -> _Scope:
    """The WHERE fragment on `loan l JOIN member m` for the filters, with clear errors."""
    p = database.param
    errors: dict[str, str] = {}
    inst = Institution.select().first()
    currency = (filters.currency or (inst.currency if inst else "")).strip().upper()
    sql = [f"l.currency = {p}"]
    params: list[object] = [currency]
    if filters.branch:
        code = filters.branch.strip().upper()
        row = Branch.get_or_none(Branch.code == code)
        if row is None:
            errors["branch"] = _("No branch {code}.").format(code=code)
        else:
            sql.append(f"l.branch_id = {p}")
            params.append(row.id)
    if filters.product:
        code = filters.product.strip().upper()
        prod = LoanProduct.get_or_none(LoanProduct.code == code)
        if prod is None:
            errors["product"] = _("No loan product {code}.").format(code=code)
        else:
            sql.append(f"l.product_id = {p}")
            params.append(prod.id)
    if filters.officer:
        name = filters.officer.strip()
        user = User.get_or_none(User.username == name)
        if user is None:
            errors["officer"] = _("No user {name}.").format(name=name)
        else:
            sql.append(f"m.officer_id = {p}")
            params.append(user.id)
    if filters.zone:
        sql.append(f"m.zone = {p}")
        params.append(filters.zone.strip())
    if errors:
        raise ValidationError(errors)
    return _Scope(currency, " AND ".join(sql), tuple(params),
                  bool(filters.officer or filters.zone))


def _positions_sql(day: date, scope: _Scope) -> tuple[str, list[object]]:
    """Per loan of the portfolio at `day`: the figures of `LoanPosition`, with the
    oldest owing due date instead of days (the caller turns it into days or thresholds).

    `inst` sums per instalment what the repayments counting at `day` paid of it (through
    the allocation index), `pos` sums the instalments per loan.
    """
    p = database.param
    d = day.isoformat()
    states = ", ".join(p for _ in loan_states.PORTFOLIO)
    # The member row only for an officer or zone filter (a lookup per loan saved).
    member = "JOIN member m ON m.id = l.member_id" if scope.needs_member else ""
    sql = f"""
WITH inst AS (
  SELECT i.loan_id AS loan_id, i.due_date AS due_date, i.principal_due AS pdue,
    i.principal_due + i.interest_due + i.fees_due AS tdue, i.interest_due AS idue,
    SUM(CASE WHEN r.id IS NOT NULL THEN a.principal ELSE 0 END) AS pp,
    SUM(CASE WHEN r.id IS NOT NULL THEN a.interest ELSE 0 END) AS ip,
    SUM(CASE WHEN r.id IS NOT NULL THEN a.principal + a.interest + a.fees ELSE 0 END) AS tp
  FROM loan l {member}
  JOIN loan_installment i ON i.loan_id = l.id
  LEFT JOIN repayment_allocation a ON a.installment_id = i.id
  LEFT JOIN repayment r ON r.id = a.repayment_id AND r.business_date <= {p}
    AND (r.reversed_on IS NULL OR r.reversed_on > {p})
  WHERE l.state IN ({states}) AND l.disbursed_on IS NOT NULL AND l.disbursed_on <= {p}
    AND (l.written_off_on IS NULL OR l.written_off_on > {p}) AND {scope.sql}
  GROUP BY i.id
), pos AS (
  SELECT loan_id,
    SUM(pdue) AS amount,
    SUM(pdue - pp) AS principal,
    SUM(CASE WHEN due_date <= {p} THEN idue - ip ELSE 0 END) AS interest,
    SUM(CASE WHEN due_date < {p} THEN pdue - pp ELSE 0 END) AS overdue_principal,
    MIN(CASE WHEN due_date < {p} AND tdue > tp THEN due_date END) AS oldest_due
  FROM inst
  GROUP BY loan_id
)
"""
    params: list[object] = [d, d, *loan_states.PORTFOLIO, d, d, *scope.params, d, d, d]
    return sql, params


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value)[:10])


def positions(day: date, filters: Filters | None = None) -> list[LoanPosition]:
    """Every loan holding principal at `day` (ordered by loan number)."""
    scope = _scope(filters or Filters())
    head, params = _positions_sql(day, scope)
    sql = head + """
SELECT pos.loan_id, l.number, l.member_id,
  CASE WHEN m.kind = 'legal' THEN m.legal_name
       ELSE TRIM(m.surname || ' ' || m.postname || ' ' || m.first_name) END,
  l.branch_id, l.product_id, m.officer_id, m.zone, l.currency, l.restructured,
  l.disbursed_on, pos.amount, pos.principal, pos.interest, pos.overdue_principal,
  pos.oldest_due
FROM pos JOIN loan l ON l.id = pos.loan_id JOIN member m ON m.id = l.member_id
WHERE pos.principal > 0
ORDER BY l.number
"""
    out: list[LoanPosition] = []
    for row in database.execute_sql(sql, params):
        oldest = _as_date(row[15])
        out.append(LoanPosition(
            loan_id=row[0], number=row[1], member_id=row[2], member_name=" ".join(
                str(row[3] or "").split()), branch_id=row[4], product_id=row[5],
            officer_id=row[6], zone=row[7] or "", currency=row[8], restructured=bool(row[9]),
            disbursed_on=_as_date(row[10]) or day, amount=int(row[11] or 0),
            principal=int(row[12] or 0), interest=max(0, int(row[13] or 0)),
            overdue_principal=max(0, int(row[14] or 0)),
            days_past_due=(day - oldest).days if oldest else 0))
    return out


def outstanding(day: date, filters: Filters | None = None) -> dict[int, int]:
    """Outstanding principal per loan id at `day` (loans holding principal only)."""
    return {pos.loan_id: pos.principal for pos in positions(day, filters)}


def days_past_due(day: date, filters: Filters | None = None) -> dict[int, int]:
    """Days past due per loan id at `day`."""
    return {pos.loan_id: pos.days_past_due for pos in positions(day, filters)}


def par(day: date, filters: Filters | None = None) -> ParSummary:
    """PAR1/30/90 at `day`, summed by the database (no per-loan rows come back)."""
    scope = _scope(filters or Filters())
    head, params = _positions_sql(day, scope)
    p = database.param
    cols: list[str] = []
    for days in PAR_LEVELS.values():
        # More than `days` late <=> the oldest owing due date is before day - days.
        limit = (day - timedelta(days=days)).isoformat()
        cols.append(f"SUM(CASE WHEN pos.oldest_due < {p} THEN pos.principal ELSE 0 END)")
        cols.append(f"SUM(CASE WHEN pos.oldest_due < {p} THEN 1 ELSE 0 END)")
        cols.append(f"SUM(CASE WHEN pos.oldest_due < {p} AND l.restructured "
                    "THEN pos.principal ELSE 0 END)")
        params += [limit, limit, limit]
    sql = head + f"""
SELECT COUNT(*), SUM(pos.principal),
  SUM(CASE WHEN l.restructured THEN pos.principal ELSE 0 END), {", ".join(cols)}
FROM pos JOIN loan l ON l.id = pos.loan_id
WHERE pos.principal > 0
"""
    row = database.execute_sql(sql, params).fetchone()
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
    scope = _scope(filters or Filters())
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


def _par_many(days: Sequence[date], scope: _Scope) -> list[ParSummary]:
    """`par` at each of `days` (distinct, sorted) from one scan; see `_positions_sql`
    for the rules, applied here per date with CASE WHEN instead of a WHERE.

    Most allocations count at every date of a trend (paid before the first, never
    reversed before the last): they are summed once per instalment (`li`). Only the
    others (`vary`) are summed per date. A loan's principal at a date is its principal
    less both; its oldest owing due date is looked for among the instalments due before
    the last date that the allocations counting everywhere leave owing (`owing`).
    """
    params: list[object] = []

    def arg(value: object) -> str:
        # The SQL is written in text order, so each value is appended where it is used.
        params.append(value)
        return database.param

    iso = [d.isoformat() for d in days]
    first, last = iso[0], iso[-1]
    member = "JOIN member m ON m.id = l.member_id" if scope.needs_member else ""

    def counts(d: str) -> str:
        # A repayment counts at d from its business date until its reversal date.
        return (f"r.business_date <= {arg(d)} AND (r.reversed_on IS NULL"
                f" OR r.reversed_on > {arg(d)})")

    always_p = (f"r.business_date <= {arg(first)} AND (r.reversed_on IS NULL "
                f"OR r.reversed_on > {arg(last)})")
    always_t = (f"r.business_date <= {arg(first)} AND (r.reversed_on IS NULL "
                f"OR r.reversed_on > {arg(last)})")
    states = ", ".join(arg(v) for v in loan_states.PORTFOLIO)
    li = f"""
li AS (
  SELECT i.id AS iid, i.loan_id AS loan_id, i.due_date AS due_date,
    i.principal_due AS pdue, i.principal_due + i.interest_due + i.fees_due AS tdue,
    SUM(CASE WHEN {always_p} THEN a.principal ELSE 0 END) AS pc,
    SUM(CASE WHEN {always_t} THEN a.principal + a.interest + a.fees ELSE 0 END) AS tc
  FROM loan l {member}
  JOIN loan_installment i ON i.loan_id = l.id
  LEFT JOIN repayment_allocation a ON a.installment_id = i.id
  LEFT JOIN repayment r ON r.id = a.repayment_id
  WHERE l.state IN ({states}) AND l.disbursed_on IS NOT NULL
    AND l.disbursed_on <= {arg(last)}
    AND (l.written_off_on IS NULL OR l.written_off_on > {arg(first)})
    AND {scope.sql}
  GROUP BY i.id
)"""
    params += scope.params
    vary_cols: list[str] = []
    for k, d in enumerate(iso):
        vary_cols.append(f"SUM(CASE WHEN {counts(d)} THEN a.principal ELSE 0 END) AS vp{k}")
        vary_cols.append(f"SUM(CASE WHEN {counts(d)} THEN a.principal + a.interest + a.fees"
                         f" ELSE 0 END) AS vt{k}")
    vary = f"""
vary AS (
  SELECT a.installment_id AS iid, {", ".join(vary_cols)}
  FROM repayment_allocation a JOIN repayment r ON r.id = a.repayment_id
  WHERE r.business_date > {arg(first)} OR r.reversed_on <= {arg(last)}
  GROUP BY a.installment_id
)"""
    vloan = f"""
vloan AS (
  SELECT li.loan_id AS loan_id, {", ".join(f"SUM(v.vp{k}) AS vp{k}" for k in range(len(iso)))}
  FROM vary v JOIN li ON li.iid = v.iid
  GROUP BY li.loan_id
)"""
    old_cols = ", ".join(
        f"MIN(CASE WHEN li.due_date < {arg(d)} AND li.tdue > li.tc + COALESCE(v.vt{k}, 0)"
        f" THEN li.due_date END) AS oldest{k}" for k, d in enumerate(iso))
    owing = f"""
owing AS (
  SELECT li.loan_id AS loan_id, {old_cols}
  FROM li LEFT JOIN vary v ON v.iid = li.iid
  WHERE li.due_date < {arg(last)} AND li.tdue > li.tc
  GROUP BY li.loan_id
)"""
    pos_cols = ", ".join(f"b.base - COALESCE(vl.vp{k}, 0) AS principal{k}, o.oldest{k} AS oldest{k}"
                         for k in range(len(iso)))
    pos = f"""
pos AS (
  SELECT b.loan_id AS loan_id, {pos_cols}
  FROM (SELECT loan_id, SUM(pdue - pc) AS base FROM li GROUP BY loan_id) b
  LEFT JOIN vloan vl ON vl.loan_id = b.loan_id
  LEFT JOIN owing o ON o.loan_id = b.loan_id
)"""
    out_cols: list[str] = []
    for k, (day, d) in enumerate(zip(days, iso, strict=True)):
        def held() -> str:
            # In the portfolio at d: disbursed by d, not written off by d, principal left.
            return (f"l.disbursed_on <= {arg(d)} AND (l.written_off_on IS NULL"
                    f" OR l.written_off_on > {arg(d)}) AND pos.principal{k} > 0")
        out_cols.append(f"SUM(CASE WHEN {held()} THEN 1 ELSE 0 END)")
        out_cols.append(f"SUM(CASE WHEN {held()} THEN pos.principal{k} ELSE 0 END)")
        out_cols.append(f"SUM(CASE WHEN {held()} AND l.restructured THEN pos.principal{k}"
                        " ELSE 0 END)")
        for n in PAR_LEVELS.values():
            limit = (day - timedelta(days=n)).isoformat()
            out_cols.append(f"SUM(CASE WHEN {held()} AND pos.oldest{k} < {arg(limit)}"
                            f" THEN pos.principal{k} ELSE 0 END)")
            out_cols.append(f"SUM(CASE WHEN {held()} AND pos.oldest{k} < {arg(limit)}"
                            " THEN 1 ELSE 0 END)")
            out_cols.append(f"SUM(CASE WHEN {held()} AND pos.oldest{k} < {arg(limit)}"
                            f" AND l.restructured THEN pos.principal{k} ELSE 0 END)")
    sql = f"""
WITH {li}, {vary}, {vloan}, {owing}, {pos}
SELECT {", ".join(out_cols)}
FROM pos JOIN loan l ON l.id = pos.loan_id
"""
    row = database.execute_sql(sql, params).fetchone()
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
