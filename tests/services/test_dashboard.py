"""The gérant's dashboard: every figure checked against what the test set up by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mifin_tui import db
from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanInstallment, Till
from mifin_tui.demo import build as demo
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import auth, business_day
from mifin_tui.services.kernel.errors import PermissionDenied
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.reports import dashboard


def _users(result):
    return {u.username: auth.login(u.username, u.password) for u in result.users}


def _rest(loan: Loan) -> int:
    return sum(i.principal_due - i.principal_paid
               for i in LoanInstallment.select().where(LoanInstallment.loan == loan.id))


def test_dashboard_figures(db_path):
    # No months of history (under 20 members): the figures by hand. 1 December 2026.
    result = demo.build(members=14, seed=11, today=date(2026, 12, 1))
    ctx = _users(result)
    today = business_day.open_date(ctx["gerant"].branch_id)
    serviced = list(Loan.select().where(Loan.state.in_(loan_states.SERVICED)))
    assert len(serviced) == 2  # demo_loans_life: one paid in cash, one to savings
    first, second = serviced
    # The first loan's first instalment falls today (a loan paid out a week ago), and
    # its borrower pays it by mobile money.
    with write_transaction():
        LoanInstallment.update(due_date=today).where(
            (LoanInstallment.loan == first.id) & (LoanInstallment.no == 1)).execute()
    paid = repayments.due(ctx["caissier1"], first.id).due_today.total
    repayments.repay(ctx["caissier1"], first.id, paid, channel="mobile_money",
                     reference="MP-DASH-1")
    # The second was paid out 55 days ago and its first instalment, due 50 days ago, is
    # unpaid: 19 days late at the end of the month before last (not at risk), 49 at the
    # end of last month and 50 today (at risk).
    with write_transaction():
        Loan.update(disbursed_on=today - timedelta(days=55)).where(
            Loan.id == second.id).execute()
        LoanInstallment.update(due_date=today - timedelta(days=50)).where(
            (LoanInstallment.loan == second.id) & (LoanInstallment.no == 1)).execute()
        # The past is rewritten by hand after the demo's closings recorded their month
        # ends: their snapshots no longer hold, the trend rebuilds those months.
        db.database.execute_sql('DELETE FROM "par_snapshot"')

    # The working day begins with the tills closed: the first cashier opens his with
    # the count of what it holds.
    c01_till = Till.get(Till.code == "C01")
    tills.open_session(ctx["caissier1"], c01_till.id, {
        cur: tills.breakdown(bal, cur) for cur, bal in tills.till_balances(c01_till).items()})

    d = dashboard.build(ctx["gerant"])
    first, second = Loan.get_by_id(first.id), Loan.get_by_id(second.id)
    principal = [first.amount_approved, second.amount_approved]
    assert d.currency == "USD" and d.business_date == today
    assert d.loans_serviced == 2
    assert d.outstanding == _rest(first) + _rest(second)
    assert d.outstanding < sum(principal)  # the repayment paid some principal
    assert d.at_risk == _rest(second) == second.amount_approved
    assert today == date(2026, 12, 1)
    ends = [date(2026, 10, 31), date(2026, 11, 30), today]
    rest2 = second.amount_approved
    # demo_loans_life pays both out on the last day replayed, Monday 30 November: the
    # first is outstanding whole at the end of November
    november = rest2 + first.amount_approved
    assert first.disbursed_on == date(2026, 11, 30)
    assert [(p.day, p.at_risk, p.outstanding, p.ratio_bp) for p in d.par_trend] == [
        (ends[0], 0, rest2, 0),
        (ends[1], rest2, november, (rest2 * 20_000 + november) // (2 * november)),
        (today, rest2, d.outstanding, (rest2 * 20_000 + d.outstanding) // (2 * d.outstanding))]
    assert d.disbursed_this_month == 0
    # the first, paid out on 30 November (the second's date was moved to October)
    assert d.disbursed_last_month == first.amount_approved
    assert d.collected_this_month == paid > 0 and d.collected_last_month == 0
    assert d.waiting_decision == 1  # the application in committee
    assert d.waiting_cash == 1  # the approved loan on the waiting list
    assert d.arrears_count == 1
    assert [(a.loan_number, a.days_past_due, a.outstanding) for a in d.arrears] == [
        (second.number, 50, second.amount_approved)]
    by_code = {t.code: t for t in d.tills}
    assert set(by_code) >= {"C01", "C02"}
    c01 = tills.till_balances(Till.get(Till.code == "C01"))
    assert by_code["C01"].balances == c01 and by_code["C01"].open_by == "caissier1"


def test_dashboard_needs_the_reports_right(db_path):
    result = demo.build(members=6, seed=2)
    with pytest.raises(PermissionDenied):
        dashboard.build(_users(result)["caissier1"])
