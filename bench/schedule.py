"""Schedules per second: a 52-week loan, as the nightly closing and portfolio reports
recompute them.

    python bench/schedule.py                 # 3 rounds of 2 s each
    python bench/schedule.py --seconds 5

Each schedule is services.schedule.build() of a 52-week declining-balance loan of
150,000 FCFA at 24 %, 2 % file fees, instalments rounded up to 25 francs, due dates
moved past the weekend and a dozen holidays; "with TEG" also solves its TEG.
Prints figures; asserts nothing. Goal (issue 7): >= 5,000 schedules/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mifin_tui.services.kernel.working_days import make  # noqa: E402
from mifin_tui.services.loans.engine import schedule  # noqa: E402

HOLIDAYS = [date(2026, m, d) for m, d in ((1, 1), (1, 4), (1, 16), (1, 17), (4, 6), (5, 1),
                                          (5, 17), (6, 30), (8, 1), (11, 1), (12, 25))]


def terms(i: int) -> schedule.ScheduleTerms:
    # A different amount each time, so nothing is cached by accident.
    principal = 150_000 + (i % 1000) * 25
    return schedule.ScheduleTerms(
        principal=principal, currency="XOF", annual_rate_bp=2400, installments=52,
        frequency="weekly", method=schedule.DECLINING, start=date(2026, 1, 5),
        fee_deducted=principal // 50, round_to=25, calendar=make({5, 6}, HOLIDAYS))


def rate(seconds: float, with_teg: bool) -> tuple[float, float]:
    """(schedules per wall-clock second, per CPU second of this process): on a shared
    machine the second is the one that does not count the other processes' turns."""
    count = 0
    end = time.perf_counter() + seconds
    start, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() < end:
        for i in range(100):
            s = schedule.build(terms(count + i))
            if with_teg:
                s.teg  # noqa: B018 - computing it is the point
        count += 100
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for with_teg in (False, True):
        runs = [rate(args.seconds, with_teg) for _ in range(args.rounds)]
        wall, cpu = max(r[0] for r in runs), max(r[1] for r in runs)
        label = "with TEG" if with_teg else "schedule only"
        print(f"52-week loan, {label:13}: {wall:8,.0f} schedules/s wall clock, "
              f"{cpu:8,.0f} per CPU second ({1e6 / cpu:.0f} µs each; best of {args.rounds})")


if __name__ == "__main__":
    main()
