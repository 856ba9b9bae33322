"""What `import mifin_tui.app` costs, and who costs it (python -X importtime).

    python bench/import_time.py                 # mifin_tui.app, top 15
    python bench/import_time.py mifin_tui.cli --top 25

Prints the total, the time by top-level package (sum of each module's own
time), and the modules with the largest own and cumulative times. The median of
--runs runs (the first run after an install also compiles .pyc files: it is
made once, unmeasured). Figures only.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

# As installed: byte-code cached (PYTHONDONTWRITEBYTECODE, set in some shells, would
# count the compilation of mifin's own modules on every run), in a private folder.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "mifin-import-time-pyc")

LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def measure(module: str) -> tuple[float, list[tuple[str, int, int, int]]]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, env=ENV)
    wall = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    rows = []
    for line in proc.stderr.splitlines():
        match = LINE.match(line)
        if match:
            own, cumulative, indent, name = match.groups()
            rows.append((name, int(own), int(cumulative), len(indent) // 2))
    return wall, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", default="mifin_tui.app")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    measure(args.module)  # warm: .pyc files, the disk cache
    runs = [measure(args.module) for _ in range(args.runs)]
    walls = [w for w, _ in runs]
    # keep the run whose wall time is the median, for a consistent breakdown
    wall, rows = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    baseline = statistics.median(measure("sys")[0] for _ in range(3))
    total_us = sum(own for _, own, _, _ in rows)
    print(f"python -X importtime -c 'import {args.module}': "
          f"median wall {statistics.median(walls):.0f} ms "
          f"(interpreter alone {baseline:.0f} ms); imports {total_us / 1000:.0f} ms "
          f"in {len(rows)} modules")

    by_package: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for name, own, _, _ in rows:
        by_package[name.split(".")[0]] += own
        counts[name.split(".")[0]] += 1
    print(f"\nby top-level package (own time summed), top {args.top}:")
    for pkg, us in sorted(by_package.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {us / 1000:7.1f} ms  {counts[pkg]:4d} modules  {pkg}")

    print(f"\nlargest own time, top {args.top}:")
    for name, own, _cum, _depth in sorted(rows, key=lambda r: -r[1])[: args.top]:
        print(f"  {own / 1000:7.1f} ms  {name}")

    print(f"\nlargest cumulative time of modules imported by mifin_tui, top {args.top}:")
    seen = set()
    ours = []
    for i, (name, _own, cum, depth) in enumerate(rows):
        # rows come children first; a module's importer is the next row less indented
        parent = next((r[0] for r in rows[i + 1:] if r[3] < depth), "")
        if parent.startswith(("mifin_tui", "printers")) and not name.startswith(
                ("mifin_tui", "printers")) and name not in seen:
            seen.add(name)
            ours.append((name, cum, parent))
    for name, cum, parent in sorted(ours, key=lambda r: -r[1])[: args.top]:
        print(f"  {cum / 1000:7.1f} ms  {name}  (from {parent})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
