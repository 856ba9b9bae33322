"""The dashboard's PAR trend (#20): the month ends the closings recorded give the same
numbers as the portfolio rebuilt from the schedules; today's figures read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mifin_tui.db.models import Branch, LoanReschedule
from mifin_tui.services.kernel import auth, business_day
from mifin_tui.services.reports import dashboard, par_snapshots, portfolio
from tests.services.test_demo_history import history_users, history_world


@pytest.fixture
def history(tmp_path: Path, worlds) -> dict:
    return history_users(worlds.open_copy(("demo-history",), history_world,
                                           tmp_path / "mifin.db"))


def test_trend_from_snapshots_equals_the_rebuilt_trend(history):
    gerant = auth.login("gerant", history["gerant"])
    branch = Branch.get_by_id(gerant.branch_id)
    today = business_day.open_date(branch.id)
    d = dashboard.build(gerant)
    filters = portfolio.Filters(currency=d.currency, branch=branch.code)
    days = portfolio.month_ends(today, 12)
    stored = par_snapshots.stored(branch.id, d.currency, days)
    # The closings of the four months of history recorded their month ends.
    assert len(stored) >= 3 and all(day < today for day in stored)
    assert any(s.at_risk["par30"] for s in stored.values())  # not a trend of zeros
    # A rescheduling replaces the live schedule (and marks the loan restructured): the
    # month ends before it, rebuilt, read the new schedule; the snapshot kept what the
    # closing saw. Only there may they differ, by that loan alone.
    resched = {r.loan_id: r.applied_on for r in LoanReschedule.select().where(
        LoanReschedule.state == "approved")}
    assert resched, "the demo's history has a rescheduled loan"
    rebuilt = portfolio.par_trend(days, filters)  # one scan for all dates (unchanged SQL)
    for day, live in zip(days, rebuilt, strict=True):
        assert portfolio.par(day, filters) == live  # the per-date query, rewritten
        if day not in stored:
            continue
        if all(applied <= day for applied in resched.values()):
            assert stored[day] == live
        else:
            rewritten = {p.loan_id: p for p in portfolio.positions(day, filters)
                         if p.loan_id in resched}
            assert stored[day].outstanding == live.outstanding
            assert live.restructured_outstanding == sum(
                p.principal for p in rewritten.values())
            assert stored[day].at_risk["par1"] - live.at_risk["par1"] == sum(
                p.principal for p in rewritten.values() if p.days_past_due == 0)
    # The dashboard's trend (snapshots, today from the positions) holds the numbers of
    # the trend as it was computed before (every month rebuilt) where no rescheduling
    # rewrote the past, and the snapshots' where one did.
    before = {p.day: p for p in dashboard.par_trend(filters, today)}
    for point in d.par_trend:
        if point.day in stored:
            s = stored[point.day]
            assert (point.at_risk, point.outstanding) == (s.at_risk["par30"], s.outstanding)
        if point.day not in stored or all(a <= point.day for a in resched.values()):
            assert point == before[point.day]
    assert d.par_trend[-1].day == today
    # The profile's other currency is recorded too (zeros when never lent in).
    other = next(c for c in ("CDF", "USD") if c != d.currency)
    other_f = portfolio.Filters(currency=other, branch=branch.code)
    other_stored = par_snapshots.stored(branch.id, other, days)
    assert set(other_stored) == set(stored)
    assert all(s == portfolio.par(day, other_f) for day, s in other_stored.items())
    now = portfolio.par(today, filters)
    assert (d.outstanding, d.at_risk, d.loans_serviced) == (
        now.outstanding, now.at_risk["par30"], now.loans)
    late = [p for p in portfolio.positions(today, filters) if p.days_past_due > 0]
    assert d.arrears_count == len(late) > 0
    assert d.arrears[0].days_past_due == max(p.days_past_due for p in late)


def test_a_snapshot_is_what_the_dashboard_reads(history):
    """A month end with a snapshot is not rebuilt: altering the stored row shows on the
    dashboard (proof the rows are read, not recomputed)."""
    from mifin_tui.db.queries import reports as queries

    gerant = auth.login("gerant", history["gerant"])
    branch = Branch.get_by_id(gerant.branch_id)
    today = business_day.open_date(branch.id)
    currency = dashboard.build(gerant).currency
    days = portfolio.month_ends(today, 12)
    stored = par_snapshots.stored(branch.id, currency, days)
    day = max(stored)
    s = stored[day]
    doubled = portfolio.ParSummary(
        day=day, currency=currency, loans=s.loans, outstanding=s.outstanding * 2,
        at_risk=s.at_risk, loans_at_risk=s.loans_at_risk,
        restructured_outstanding=s.restructured_outstanding,
        restructured_at_risk=s.restructured_at_risk)
    queries.save_par_snapshot(branch.id, currency, day, *par_snapshots.encode(doubled), "x")
    point = next(p for p in dashboard.build(gerant).par_trend if p.day == day)
    assert point.outstanding == s.outstanding * 2


def test_today_read_from_the_paid_columns_equals_the_allocations_rebuilt(history):
    """At the open business day the positions come from the instalments' paid columns (no
    pass over the allocations); rebuilt from the allocations they are the same, loan by
    loan, for every figure, and so is PAR. A day in the past is always rebuilt."""
    gerant = auth.login("gerant", history["gerant"])
    branch = Branch.get_by_id(gerant.branch_id)
    today = business_day.open_date(branch.id)
    filters = portfolio.Filters(branch=branch.code)
    live = portfolio.positions(today, filters, live=True)
    rebuilt = portfolio.positions(today, filters, live=False)
    assert len(live) >= 5 and any(p.days_past_due > 30 for p in live)
    assert live == rebuilt
    assert portfolio.par(today, filters, live=True) == portfolio.par(today, filters,
                                                                     live=False)
    assert portfolio._live(today, None) and not portfolio._live(today.replace(day=1), None)
