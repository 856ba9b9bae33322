"""The gérant's dashboard: every figure checked against what the test set up by hand."""

from __future__ import annotations

from datetime import date

import pytest

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanClassification, LoanInstallment, Till
from mifin_tui.services import auth, business_day, dashboard, demo, repayments, tills
from mifin_tui.services.errors import PermissionDenied


def _users(result):
    return {u.username: auth.login(u.username, u.password) for u in result.users}


def _rest(loan: Loan) -> int:
    return sum(i.principal_due - i.principal_paid
               for i in LoanInstallment.select().where(LoanInstallment.loan == loan.id))


def test_dashboard_figures(db_path):
    result = demo.build(members=14, seed=11)  # no months of history: figures by hand
    ctx = _users(result)
    today = business_day.open_date(ctx["gerant"].branch_id)
    serviced = list(Loan.select().where(Loan.state.in_(dashboard.SERVICED)))
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
    # The closing found the second 40 days late.
    with write_transaction():
        Loan.update(days_past_due=40).where(Loan.id == second.id).execute()
        # Last month's closing: 1,000.00 healthy and 3,000.00 at 45 days.
        month_end = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 28)
        for loan, dpd, rest in ((first, 0, 100_000), (second, 45, 300_000)):
            LoanClassification.create(loan=loan.id, business_date=month_end,
                                      days_past_due=dpd, classification="x",
                                      outstanding=rest, provision=0)

    d = dashboard.build(ctx["gerant"])
    first, second = Loan.get_by_id(first.id), Loan.get_by_id(second.id)
    principal = [first.amount_approved, second.amount_approved]
    assert d.currency == "USD" and d.business_date == today
    assert d.loans_serviced == 2
    assert d.outstanding == _rest(first) + _rest(second)
    assert d.outstanding < sum(principal)  # the repayment paid some principal
    assert d.at_risk == _rest(second) == second.amount_approved
    assert d.par_bp == second.amount_approved * 10_000 // d.outstanding
    assert [(p.month, p.at_risk, p.outstanding, p.ratio_bp) for p in d.par_trend] == [
        (month_end.replace(day=1), 300_000, 400_000, 7500),
        (today.replace(day=1), d.at_risk, d.outstanding, d.par_bp)]
    assert d.disbursed_this_month == sum(principal)  # both paid out today
    assert d.disbursed_last_month == 0
    assert d.collected_this_month == paid > 0 and d.collected_last_month == 0
    assert d.waiting_decision == 1  # the application in committee
    assert d.waiting_cash == 1  # the approved loan on the waiting list
    assert d.arrears_count == 1
    assert [(a.loan_number, a.days_past_due, a.outstanding) for a in d.arrears] == [
        (second.number, 40, second.amount_approved)]
    by_code = {t.code: t for t in d.tills}
    assert set(by_code) >= {"C01", "C02"}
    c01 = tills.till_balances(Till.get(Till.code == "C01"))
    assert by_code["C01"].balances == c01 and by_code["C01"].open_by == "caissier1"


def test_dashboard_needs_the_reports_right(db_path):
    result = demo.build(members=6, seed=2)
    with pytest.raises(PermissionDenied):
        dashboard.build(_users(result)["caissier1"])
