"""The demo's months of loan history: loans in every state of their servicing, arrears
in every bucket from the real closings, the books balanced, the same from one seed."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from mifin_tui.db.models import (
    BusinessDay,
    Loan,
    LoanClassification,
    LoanPenalty,
    Repayment,
    Voucher,
)
from mifin_tui.demo import build as demo
from mifin_tui.services.admin import check


def history_world():
    """The demo with its months of history (24 members, seed 5, built on 7 December 2026),
    built once per run for this module, the PAR trend's (test_par_trend_snapshots), the
    report pack screen's and the credit cycle's (test_demo_cycle)."""
    return demo.build(members=24, seed=5, today=date(2026, 12, 7),
                      history_months=demo.HISTORY_MONTHS)


def history_users(world) -> dict[str, str]:
    """{user name: password} of the demo with history."""
    return {u.username: u.password for u in world.users}


def test_demo_history_shows_the_loans_whole_life(tmp_path, worlds):
    result = worlds.open_copy(("demo-history",), history_world, tmp_path / "mifin.db")
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
    assert {"mobile_money", "auto_debit", "cash"} <= channels
    # the cash ones were paid at a till on a busy day, each with its BR voucher
    cash = list(Repayment.select().where(Repayment.channel == "cash"))
    assert all(r.business_date >= result.business_date - timedelta(days=14) for r in cash)
    assert all(Voucher.select().where(Voucher.txn == r.txn).exists() for r in cash)
    assert LoanPenalty.select().exists()  # the closing charged the late ones
    # the month-end rows the PAR trend reads: at least three months
    months = {(c.business_date.year, c.business_date.month)
              for c in LoanClassification.select()}
    assert len(months) >= 3
    assert check.run().ok


_DIGEST = """
import sys
from mifin_tui import db
from mifin_tui.demo import build as demo
from mifin_tui.db.models import Loan, Repayment
db.open_database(sys.argv[1])
demo.build(members=8, seed=9, history_months=1)
for x in Loan.select().order_by(Loan.number):
    print(x.number, x.state, x.days_past_due, x.amount_requested)
for r in Repayment.select().order_by(Repayment.id):
    print(r.business_date, r.channel, r.amount, r.loan_id)
"""


def test_demo_history_is_the_same_from_one_seed(tmp_path):
    """Two `mifin demo` processes (as the command runs: one build per process, each with
    its own hash seed) write the same loans and repayments."""
    runs = [subprocess.Popen([sys.executable, "-c", _DIGEST, str(tmp_path / f"d{n}.db")],
                             stdout=subprocess.PIPE, text=True) for n in range(2)]
    out = [run.communicate(timeout=900)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert out[0] == out[1] and out[0].count("\n") > 8  # loans and repayments
