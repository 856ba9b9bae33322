"""PAR at month ends as the closing found it (#20): the dashboard's trend reads 12 rows.

The closing of a month's last business day stores `portfolio.par` at the month's last
calendar day for each currency of the branch (services/closing/par_snapshot.py); nothing
posts between that closing and the month end, and a repayment reversed later still
counts at the dates before its reversal, so the row holds what the portfolio rebuilt
for that date says. A month end without a row (before the first closing, a database
from before this table) is rebuilt from the schedules as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from mifin_tui.db.queries import reports as queries
from mifin_tui.services.kernel.dates import stored_date
from mifin_tui.services.reports.portfolio import PAR_LEVELS, ParSummary


def encode(summary: ParSummary) -> tuple[int, int, int, str]:
    """loans, outstanding, restructured outstanding and the levels' figures (JSON) of a
    summary, as the table stores them."""
    levels = {level: [summary.at_risk[level], summary.loans_at_risk[level],
                      summary.restructured_at_risk[level]] for level in PAR_LEVELS}
    return (summary.loans, summary.outstanding, summary.restructured_outstanding,
            json.dumps(levels, sort_keys=True))


def stored(branch_id: int, currency: str, days: Sequence[date]) -> dict[date, ParSummary]:
    """The snapshots of `days` the closings wrote for the branch and currency (a day
    without one is left out)."""
    out: dict[date, ParSummary] = {}
    for day, loans, outstanding, restructured, levels_json in queries.par_snapshots(
            branch_id, currency, days):
        levels = json.loads(levels_json)
        if set(levels) != set(PAR_LEVELS):
            continue  # written with other PAR levels: rebuilt instead
        day = stored_date(day)
        out[day] = ParSummary(
            day=day, currency=currency, loans=int(loans), outstanding=int(outstanding),
            at_risk={k: int(v[0]) for k, v in levels.items()},
            loans_at_risk={k: int(v[1]) for k, v in levels.items()},
            restructured_outstanding=int(restructured),
            restructured_at_risk={k: int(v[2]) for k, v in levels.items()})
    return out
