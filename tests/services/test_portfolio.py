"""The portfolio at a date: outstanding, days past due and PAR rebuilt from the schedule
and the repayments' allocations, on loans built through the services."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui.db.models import Loan, LoanInstallment
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.reports import portfolio
from tests.services.test_loans import approved, world  # noqa: F401
from tests.services.test_repayments import age


def _disbursed(w, amount: int) -> int:
    loan_id = approved(w, amount=amount)
    loan_disbursement.disburse(w["cashier"], loan_id)
    return loan_id


def test_outstanding_days_past_due_and_par_at_dates(world):
    on_time = _disbursed(world, 100_000)
    late = _disbursed(world, 60_000)
    rows = age(late, 3)  # its first three instalments are due on the business day
    day = Loan.get_by_id(late).disbursed_on
    late_rows = list(LoanInstallment.select().where(LoanInstallment.loan == late)
                     .order_by(LoanInstallment.no))
    principal = {lid: sum(r.principal_due for r in LoanInstallment.select()
                          .where(LoanInstallment.loan == lid)) for lid in (on_time, late)}
    assert principal[on_time] == 100_000 and principal[late] == 60_000

    # On the day the third instalment falls due the first is 2 weeks late.
    assert portfolio.outstanding(day) == principal
    dpd = portfolio.days_past_due(day)
    assert dpd == {on_time: 0, late: (day - late_rows[0].due_date).days}
    assert dpd[late] == 14

    s = portfolio.par(day)
    assert (s.loans, s.outstanding) == (2, 160_000)
    assert s.at_risk == {"par1": 60_000, "par30": 0, "par90": 0}
    assert s.loans_at_risk == {"par1": 1, "par30": 0, "par90": 0}
    assert s.ratio_bp("par1") == 3750  # 60,000 / 160,000

    # 17 days later the first instalment is 31 days late: PAR30; 16 days later, not yet.
    later = day + timedelta(days=17)
    assert portfolio.par(later).at_risk["par30"] == 60_000
    assert portfolio.par(later - timedelta(days=1)).at_risk["par30"] == 0
    assert portfolio.days_past_due(later)[late] == 31

    # Before the disbursement there is no portfolio; a filter on another product, none.
    empty = portfolio.par(rows[0].due_date - timedelta(days=400))
    assert (empty.loans, empty.outstanding, empty.ratio_bp("par30")) == (0, 0, 0)
    trend = portfolio.par_trend(portfolio.month_ends(later, 3))
    assert [t.day for t in trend][-1] == later and len(trend) == 3

    # Filters: a zone no borrower lives in, a product code; unknown codes are refused.
    assert portfolio.par(day, portfolio.Filters(zone="Nowhere")).loans == 0
    assert portfolio.par(day, portfolio.Filters(product="HEBDO")).outstanding == 160_000
    import pytest

    from mifin_tui.services.kernel.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        portfolio.par(day, portfolio.Filters(officer="nobody", branch="XXX"))
    assert set(err.value.errors) == {"officer", "branch"}
