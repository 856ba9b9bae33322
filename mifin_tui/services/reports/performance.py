"""The performance indicators managers ask for, over a period (#20).

DOMAIN.md's definitions, with the figures' sources:

- write-off ratio = principal written off in the period (movements.py) / average gross
  portfolio, the average being (opening + closing) / 2 (portfolio.par the day before
  the period and at its end);
- risk coverage = loan-loss provisions (the ledger's balance of the profile's provision
  account at the end) / PAR30 outstanding at the end;
- on-time repayment rate = principal and interest paid by their due dates / due in the
  period (the repayment-rate report's figures);
- portfolio yield = loan interest, penalties and fees booked in the period (the
  profile's income accounts) / average gross portfolio, and annualised (x 365 / days);
- cost of risk = provisions charged less provisions released, plus losses on write-off
  less recoveries (the profile's accounts, in the period) / average gross portfolio;
- loans and portfolio per loan officer at the end (officers holding loans), then each
  officer's figures.

The income and expense figures are the period's movements on those accounts, as the
income statement reads them: a period inside one financial year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.db.models import User
from mifin_tui.db.queries import reports as queries
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.base import (
    PERMISSION,
    loan_where,
    over_period,
    period_label,
    profile_of_institution,
    report_table,
)
from mifin_tui.services.reports.movements import movements
from mifin_tui.services.reports.prudential import (
    _branch_id,
    gl_net,
    ledger_figures,
    percent,
    ratio_bp,
)
from mifin_tui.services.reports.table import COUNT, HEADING, MONEY, PLAIN, Column, ReportTable

INCOME_KEYS = ("interest_income_loans", "penalty_income", "fee_income")
RISK_CHARGE_KEYS = ("provision_expense", "write_off_expense")
RISK_RELIEF_KEYS = ("provision_reversal_income", "recoveries_income")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    numerator: int
    denominator: int
    ratio_bp: int | None


@dataclass(frozen=True)
class OfficerLine:
    name: str
    loans: int
    outstanding: int
    at_risk: int  # PAR30 outstanding


@dataclass(frozen=True)
class Performance:
    opening: int
    closing: int
    average: int
    indicators: tuple[Indicator, ...]
    officers: tuple[OfficerLine, ...]


def _period_net(profile: regulators.RegulatorProfile, currency: str, branch_id: int | None,
                start: date, end: date, keys: tuple[str, ...]) -> int:
    """Debit - credit of the profile's accounts `keys` over the period."""
    before = gl_net(currency, branch_id, start - timedelta(days=1))
    after = gl_net(currency, branch_id, end)
    codes = {profile.gl_keys[k] for k in keys if k in profile.gl_keys}
    return sum(after.get(c, 0) - before.get(c, 0) for c in codes)


def performance(profile: regulators.RegulatorProfile, start: date, end: date,
                f: portfolio.Filters, currency: str) -> Performance:
    branch_id = _branch_id(f)
    opening = portfolio.par(start - timedelta(days=1), f)
    closing = portfolio.par(end, f)
    average = (opening.outstanding + closing.outstanding + 1) // 2
    written_off = sum(x.amounts["written_off"] for x in movements(profile, start, end, f))
    provisions = ledger_figures(profile, currency, branch_id, end).provisions
    where, params = loan_where(f)
    due = paid = 0
    for _product, d, on_time, _by_end in queries.repayment_rate(where, params, start, end):
        due += int(d or 0)
        paid += int(on_time or 0)
    income = -_period_net(profile, currency, branch_id, start, end, INCOME_KEYS)
    cost = (_period_net(profile, currency, branch_id, start, end, RISK_CHARGE_KEYS)
            + _period_net(profile, currency, branch_id, start, end, RISK_RELIEF_KEYS))
    days = (end - start).days + 1
    yield_bp = ratio_bp(income, average)
    indicators = (
        Indicator("write_off_ratio", _("Write-off ratio"), written_off, average,
                  ratio_bp(written_off, average)),
        Indicator("risk_coverage", _("Risk coverage (provisions / PAR30)"), provisions,
                  closing.at_risk["par30"], ratio_bp(provisions, closing.at_risk["par30"])),
        Indicator("on_time_rate", _("On-time repayment rate"), paid, due,
                  ratio_bp(paid, due)),
        Indicator("portfolio_yield", _("Portfolio yield (period)"), income, average,
                  yield_bp),
        Indicator("portfolio_yield_year", _("Portfolio yield (annualised)"), income * 365,
                  average * days, ratio_bp(income * 365, average * days)),
        Indicator("cost_of_risk", _("Cost of risk"), cost, average, ratio_bp(cost, average)),
    )
    users = {u.id: u.full_name for u in User.select()}
    by_officer: dict[int | None, list[int]] = {}
    for x in portfolio.positions(end, f):
        a = by_officer.setdefault(x.officer_id, [0, 0, 0])
        a[0] += 1
        a[1] += x.principal
        a[2] += x.principal if x.days_past_due > portfolio.PAR_LEVELS["par30"] else 0
    officers = tuple(OfficerLine(users.get(k, "") if k else _("(none)"), *v)
                     for k, v in sorted(by_officer.items(), key=lambda kv: -kv[1][1]))
    return Performance(opening.outstanding, closing.outstanding, average, indicators,
                       officers)


def _mean(total: int, n: int) -> int | None:
    """total / n rounded half up (None without officers)."""
    return (total * 2 + n) // (2 * n) if n else None


@requires(PERMISSION)
def performance_report(ctx: Context, p: object) -> ReportTable:
    """The performance indicators of the period, then loans and portfolio per officer."""
    start, end, f, cur = over_period(p)
    profile = profile_of_institution()
    perf = performance(profile, start, end, f, cur)

    def _money(amount: int) -> str:
        return format_amount(amount, cur, current_language())

    cols = [Column("indicator", _("Indicator")), Column("numerator", _("Numerator"), MONEY, cur),
            Column("denominator", _("Denominator"), MONEY, cur), Column("value", _("Value")),
            Column("loans", _("Loans"), COUNT)]
    rows: list[tuple] = [(x.label, x.numerator, x.denominator, percent(x.ratio_bp), None)
                         for x in perf.indicators]
    styles = [PLAIN] * len(rows)
    staffed = [o for o in perf.officers if o.name != _("(none)")]
    n = len(staffed)
    rows.append((_("Per loan officer ({n})").format(n=n), None,
                 _mean(sum(o.outstanding for o in staffed), n), None,
                 _mean(sum(o.loans for o in staffed), n)))
    styles.append(HEADING)
    for o in perf.officers:
        rows.append((o.name, o.at_risk, o.outstanding, percent(ratio_bp(o.at_risk,
                                                                        o.outstanding)),
                     o.loans))
        styles.append(PLAIN)
    notes = (_("Average gross portfolio {avg} = (opening {opening} + closing {closing}) / 2. "
               "Per officer: PAR30 outstanding / outstanding, loans.").format(
                   avg=_money(perf.average), opening=_money(perf.opening),
                   closing=_money(perf.closing)),)
    return report_table(ctx, "performance", _("Performance indicators"),
                        period_label(start, end), f, cols, rows, styles=styles, notes=notes)
