"""The closing's month-end PAR snapshot (#20): at the closing of a month's last business
day, `portfolio.par` at the month's last calendar day for each currency of the profile,
stored for the dashboard's trend (services/reports/par_snapshots.py reads them).

Nothing posts between this closing and the month end (the next business day is in the
next month), so the figures are those the portfolio rebuilds for that date. A closing
run again rewrites the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mifin_tui.db.models import Branch
from mifin_tui.db.queries import reports as queries
from mifin_tui.services.kernel import clock, institution, regulators
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.reports import par_snapshots, portfolio

if TYPE_CHECKING:
    from mifin_tui.services.closing.steps import StepRun


def month_last_day(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def write(branch_id: int, day: date) -> int:
    """Store PAR at `day` for the branch in each currency of the profile; returns how
    many rows were written. Inside the caller's transaction."""
    code = Branch.get_by_id(branch_id).code
    currencies = regulators.get_profile(institution.info(branch_id).regulator).currencies
    stamp = clock.now().isoformat()
    lent = set(queries.loan_currencies(branch_id))
    for currency in currencies:
        if currency in lent:
            summary = portfolio.par(day, portfolio.Filters(currency=currency, branch=code))
        else:  # never lent in: nothing to rebuild (a pass over every allocation saved)
            zero = dict.fromkeys(portfolio.PAR_LEVELS, 0)
            summary = portfolio.ParSummary(day, currency, 0, 0, zero, zero, 0, zero)
        queries.save_par_snapshot(branch_id, currency, day,
                                  *par_snapshots.encode(summary), stamp)
    return len(currencies)


def par_snapshot_step(r: StepRun) -> None:
    from mifin_tui.services.closing.steps import Batch

    end = month_last_day(r.day)
    r.once(lambda: Batch(items=write(r.branch_id, end), detail={"day": end.isoformat()}))


def describe_par_snapshot(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                          items: int, amounts: Mapping[str, int]) -> list[str]:
    if not items:
        return []
    return [_("Portfolio at risk recorded at {day} for the dashboard's trend.").format(
        day=format_date(date.fromisoformat(detail["day"]), language))]
