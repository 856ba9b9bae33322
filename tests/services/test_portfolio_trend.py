"""The PAR trend (one scan for all its dates) against `par` date by date, on loans with
repayments spread over the months, a reversed repayment, a late, a restructured and a
written-off loan."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui import db
from mifin_tui.db.models import Loan, LoanInstallment, Repayment
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import repayments
from mifin_tui.services.reports import portfolio
from tests.services.test_loans import approved, world  # noqa: F401
from tests.services.test_repayments import age


def _disbursed(w, amount: int) -> int:
    loan_id = approved(w, amount=amount)
    # Paid into the borrower's savings: the till holds less than the five loans.
    loan_disbursement.disburse(w["cashier"], loan_id, mode="savings")
    return loan_id


def _due(row: LoanInstallment) -> int:
    return row.principal_due + row.interest_due + row.fees_due


def test_trend_equals_par_at_each_date(world):
    cashier, manager = world["cashier"], world["manager"]
    payer = _disbursed(world, 100_000)
    late = _disbursed(world, 60_000)
    reversed_ = _disbursed(world, 80_000)
    restructured = _disbursed(world, 90_000)
    off = _disbursed(world, 40_000)
    day = Loan.get_by_id(payer).disbursed_on
    rows = {lid: age(lid, 3) for lid in (payer, late, reversed_, restructured, off)}
    # The payer pays its three instalments, the reversed loan its first (reversed
    # later), the late loan nothing; each repayment then dated at its instalment's due
    # date so that the dates of the trend fall between them.
    for row in rows[payer][:3]:
        repayments.repay(cashier, payer, _due(row), party_name="Payeur")
    receipt = repayments.repay(cashier, reversed_, _due(rows[reversed_][0]),
                               party_name="Payeur")
    repayments.reverse(cashier, receipt.repayment_id, "erreur", approver=manager)
    repayments.repay(cashier, restructured, _due(rows[restructured][0]), party_name="P")
    paid = list(Repayment.select().order_by(Repayment.id))
    assert len(paid) == 5
    with db.write_transaction():
        for rep, row in zip(paid, [*rows[payer][:3], rows[reversed_][0],
                                   rows[restructured][0]], strict=True):
            rep.business_date = row.due_date
            if rep.reversed_on is not None:
                rep.reversed_on = row.due_date + timedelta(days=20)
            rep.save()
        # Disbursed a month before the first instalment, as the aged schedule says.
        Loan.update(disbursed_on=rows[payer][0].due_date - timedelta(days=30)).execute()
        r = Loan.get_by_id(restructured)
        r.restructured = True
        r.save()
        loan = Loan.get_by_id(off)
        loan_lifecycle.move(manager, loan, "active", "")
        loan_lifecycle.move(manager, loan, "in_arrears", "late")
        loan_lifecycle.move(manager, loan, "written_off", "uncollectable",
                            written_off_on=day + timedelta(days=100), written_off_amount=40_000,
                            write_off_reason="décès")

    first = rows[payer][0].due_date
    # Every 5 days from before the disbursement to well after the last instalment,
    # unsorted and with a repeated date: the trend answers in the order asked.
    days = [first - timedelta(days=60) + timedelta(days=5 * k) for k in range(80)]
    days = days[::-1] + [days[10], first, rows[reversed_][0].due_date + timedelta(days=20)]
    trend = portfolio.par_trend(days)
    assert trend == [portfolio.par(d) for d in days]
    # Not a trivial comparison: the figures move with the dates (the reversal, the
    # write-off, the ageing into PAR30 and PAR90, the restructured loan apart).
    assert len({(s.loans, s.outstanding) for s in trend}) > 3
    assert {s.at_risk["par30"] > 0 for s in trend} == {True, False}
    assert any(s.at_risk["par90"] for s in trend)
    assert any(s.restructured_at_risk["par1"] for s in trend)
    assert any(s.restructured_outstanding for s in trend)
    assert len({s.loans for s in trend}) >= 3  # before, during, after the write-off
    # Filters reach the trend as they reach par; no dates, no query.
    only = portfolio.Filters(zone="Nowhere")
    assert [s.loans for s in portfolio.par_trend(days[:3], only)] == [0, 0, 0]
    assert portfolio.par_trend([]) == []
