"""`mifin demo`: wall time and peak memory of the default demo, and where the time goes.

    python bench/demo.py                      # the default size (60 members, 4 months)
    python bench/demo.py --members 120 --months 6

Runs the build in this process on a fresh file in a temp dir, with a timer around each
part (the history's loan work, the counter days, the closings), then prints the wall
time, the peak resident set (ru_maxrss) and the split. For the real command with its
PDF reports: `/usr/bin/time -v mifin --db /tmp/x.db demo --no-open`. Prints figures;
asserts nothing. Goal (#11): under ~20 s and ~150 MB for the default size.

Measured on 2 December 2026, 2 cores shared with 7 other jobs (load ~11): the build took
31.5 s of CPU (30.3 user + 1.2 system; 273 s wall at 11 % of a core), peak RSS 55 MB;
the split by wall time: 87 closings 47 % (1.5 s each under that load), the history's
loan work 24 %, the 8 busy counter days 16 %. `/usr/bin/time -v mifin demo --no-open`
at the same time: 33.6 s of CPU (32.3 + 1.3), 99 MB peak (the closing PDFs).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--months", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from mifin_tui import db
    from mifin_tui.demo import build as demo
    from mifin_tui.demo import closing as demo_closing
    from mifin_tui.demo import history as demo_history

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t
                calls[name] += 1
        return wrapper

    demo_closing.close_day = timed("closings", demo_closing.close_day)
    demo_history.History.day = timed("history loan work", demo_history.History.day)
    demo._counter_day = timed("counter days", demo._counter_day)
    with tempfile.TemporaryDirectory() as tmp:
        db.open_database(Path(tmp) / "demo.db")
        t0 = time.perf_counter()
        result = demo.build(members=args.members, seed=args.seed,
                            history_months=args.months)
        total = time.perf_counter() - t0
        db.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"members {args.members}, business date {result.business_date}, "
          f"{result.transactions} transactions")
    print(f"total {total:.1f} s, peak RSS {rss:.0f} MB")
    for name in sorted(spent, key=spent.get, reverse=True):
        print(f"  {name:<18} {spent[name]:6.1f} s  ({calls[name]} calls, "
              f"{spent[name] / calls[name] * 1000:.0f} ms each)")


if __name__ == "__main__":
    main()
