"""Allocations and penalty computations per second over 100,000 loans, as the counter, the
automatic debit and the nightly closing call the repayment engine.

    python bench/repayment_engine.py                # 100,000 loans
    python bench/repayment_engine.py --loans 20000

The portfolio: 52-week declining-balance loans of 150,000 FCFA and more at 24 %, disbursed
over the past year (services.schedule), a third of them paid up to date, a third with two
instalments unpaid, a third paid half. Then, on one day, for every loan:
- allocation: the automatic debit planned from three accounts (services.repayment_engine
  .plan_debit) and allocated (allocate, penalties / interest / principal);
- penalties: 0.10 % a day after 3 grace days, capped at 5,000 FCFA an instalment
  (services.penalties.penalty_for_day), and days past due + BCEAO classification.
Prints figures (wall clock and CPU of this process); asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mifin_tui.services.kernel import regulators  # noqa: E402
from mifin_tui.services.loans.engine import allocation as R  # noqa: E402
from mifin_tui.services.loans.engine import penalties as P  # noqa: E402
from mifin_tui.services.loans.engine import schedule  # noqa: E402

DAY = date(2026, 6, 15)


def portfolio(n: int) -> list[R.LoanState]:
    states = []
    for i in range(n):
        terms = schedule.ScheduleTerms(
            principal=150_000 + (i % 1000) * 25, currency="XOF", annual_rate_bp=2400,
            installments=52, frequency=schedule.WEEKLY, method=schedule.DECLINING,
            start=DAY - timedelta(days=7 + i % 300))
        state = R.state_from_schedule(schedule.build(terms, check=False))
        due = R.amount_due(state, DAY).total
        kind = i % 3
        if kind == 0:
            paid = due
        elif kind == 1:
            late = sum(x.remaining_total for x in state.instalments
                       if DAY - timedelta(days=14) < x.due_date <= DAY)
            paid = max(due - late, 0)
        else:
            paid = due // 2
        states.append(R.allocate(state, paid, DAY - timedelta(days=1)).state)
    return states


def timed(label: str, count: int, fn) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<48} {count / wall:>10,.0f}/s wall  {count / cpu:>10,.0f}/s CPU  "
          f"({wall:.2f} s for {count:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loans", type=int, default=100_000)
    args = parser.parse_args()
    t = time.perf_counter()
    states = portfolio(args.loans)
    print(f"portfolio of {len(states):,} loans built in {time.perf_counter() - t:.1f} s")
    accounts = [(1, 20_000), (2, 5_000), (3, 1_500)]
    policy = R.AllocationPolicy(("penalties", "interest", "principal"))
    rule = P.PenaltyRule(P.PER_DAY, 10, 3, cap_amount=5_000)
    profile = regulators.get_profile("bceao")
    n = len(states)

    def allocations() -> None:
        for s in states:
            plan = R.plan_debit(R.amount_due(s, DAY).total, accounts)
            R.allocate(s, plan.taken, DAY, policy)

    def counter() -> None:
        for s in states:
            R.allocate(s, 10_000, DAY, policy)

    def penalty() -> None:
        for s in states:
            P.penalty_for_day(s, DAY, rule)

    def classification() -> None:
        for s in states:
            P.classify(s, DAY, profile)

    timed("auto-debit planned + allocated", n, allocations)
    timed("counter payment of 10,000 allocated", n, counter)
    timed("penalties for the day", n, penalty)
    timed("days past due + classification + provision", n, classification)
    charged = sum(line.amount for s in states for line in P.penalty_for_day(s, DAY, rule))
    print(f"penalties of the day over the portfolio: {charged:,} FCFA; loans past due: "
          f"{sum(1 for s in states if R.days_past_due(s, DAY) > 0):,}")


if __name__ == "__main__":
    main()
