"""The demo's months of loan history: loans in every state of their servicing, arrears
in every bucket from the real closings, the books balanced, the same from one seed."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui.db.models import BusinessDay, Loan, LoanClassification, LoanPenalty, Repayment
from mifin_tui.services import check, demo


def _digest() -> list[tuple]:
    loans = [(x.number, x.state, x.days_past_due, x.amount_requested)
             for x in Loan.select().order_by(Loan.number)]
    paid = [(r.business_date, r.channel, r.amount)
            for r in Repayment.select().order_by(Repayment.id)]
    return loans + paid


def test_demo_history_shows_the_loans_whole_life(db_path):
    result = demo.build(members=20, seed=5)
    days = BusinessDay.select().count()
    assert days > 70  # about four months of closings
    first = BusinessDay.select().order_by(BusinessDay.date).first().date
    assert result.business_date - first > timedelta(days=110)
    states = {loan.state for loan in Loan.select()}
    assert {"draft", "committee", "approved", "rejected", "active", "in_arrears",
            "closed", "written_off"} <= states
    restructured = Loan.get(Loan.restructured == True)  # noqa: E712
    assert restructured.state in ("active", "in_arrears")
    late = sorted(x.days_past_due for x in Loan.select().where(Loan.state == "in_arrears"))
    assert any(1 <= d <= 30 for d in late), late
    assert any(31 <= d <= 90 for d in late), late
    assert any(d > 90 for d in late), late
    channels = {r.channel for r in Repayment.select()}
    assert {"mobile_money", "auto_debit"} <= channels
    assert LoanPenalty.select().exists()  # the closing charged the late ones
    # the month-end rows the PAR trend reads: at least three months
    months = {(c.business_date.year, c.business_date.month)
              for c in LoanClassification.select()}
    assert len(months) >= 3
    assert check.run().ok


def test_demo_history_is_the_same_from_one_seed(tmp_path):
    from mifin_tui import db

    digests = []
    for n in range(2):
        db.open_database(tmp_path / f"d{n}.db")
        try:
            demo.build(members=20, seed=9, history_months=1)
            digests.append(_digest())
        finally:
            db.close()
    assert digests[0] == digests[1] and len(digests[0]) > 20
