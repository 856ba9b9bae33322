"""The repayments' planner is pure (the counter, the import and the closing's automatic
debit plan with it): no database, no interface; and its split of an allocation into the
BR's credits."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from mifin_tui.services.loans import repayment_plan as plan
from mifin_tui.services.loans.engine import allocation as engine


def test_the_planner_imports_neither_peewee_nor_textual():
    code = ("import sys; import mifin_tui.services.loans.repayment_plan; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('peewee', 'textual', 'rich') or m.startswith('mifin_tui.db'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"the planner pulled in: {out}"


def _rows() -> list[tuple]:
    # loan 1: two instalments of 10,000 + 1,000, the first's interest accrued (600 of it
    # paid already), 100 of penalties on it
    return [(1, 11, 1, "2026-03-02", 10_000, 1_000, 0, 100, 0, 600, 0, 0, 1_000, None),
            (1, 12, 2, "2026-03-09", 10_000, 1_000, 0, 0, 0, 0, 0, 0, 0, None)]


def test_auto_debit_plan_and_credits():
    sched = plan.schedule_of("USD", "2026-02-23", _rows())
    assert sched.ids == {1: 11, 2: 12} and sched.open_accrued == {1: 400, 2: 0}
    day = date(2026, 3, 5)
    got = plan.plan_auto_debit(sched, [(7, 3_000), (8, 20_000)], day,
                               ("penalties", "interest", "principal"))
    assert got is not None
    assert got.debit.taken == 10_500 and got.debit.arrears == 0
    assert [(line.account_id, line.amount) for line in got.debit.lines] == [
        (7, 3_000), (8, 7_500)]
    # 400 of interest settles what was accrued; nothing beyond what is due
    assert plan.credits(got.alloc, sched.open_accrued) == [
        (plan.PRINCIPAL, 10_000), (plan.RECEIVABLE, 400), (plan.PENALTIES, 100)]
    assert engine.outstanding(got.alloc.state).total == 11_000


def test_nothing_due_or_nothing_available():
    sched = plan.schedule_of("USD", "2026-02-23", _rows())
    order = ("penalties", "interest", "principal")
    assert plan.plan_auto_debit(sched, [(7, 5_000)], date(2026, 3, 1), order) is None
    assert plan.plan_auto_debit(sched, [(7, 0)], date(2026, 3, 5), order) is None
