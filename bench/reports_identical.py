"""Golden reports: every report of `mifin report --list`, as CSV, byte for byte the same
at two revisions.

    python bench/reports_identical.py                    # 84b2a45 against the working tree
    python bench/reports_identical.py --base main --head HEAD --members 40 --keep /tmp/gold

For each side (a revision checked out with `git worktree add` into a temp dir, or this
working tree), the real command builds the demo institution on the same seed under the
same clock, then exports each report as `mifin report NAME --format csv`: with no
option (the open day, the periods' defaults), over the whole history (--from the first
business day --to the open day) and up to the middle of it. The statement and the account
sheet take the busiest savings account, the sheet also the cash GL account 571. The
files are compared by their values, one line per export, a summary, exit 1 on any
difference, a report missing on one side or a command that failed.

Values, not bytes: from #19 on a CSV is written for the user's spreadsheet (a byte
order mark; in French ";" and "1234,50" in major units; before, "," and 123450 in minor
units; a text cell that a spreadsheet would run as a formula now starts with "'"). Each
file is read with the csv module (its own delimiter), every amount brought back to an
integer without its decimal mark and the formula guard dropped, so a revision before
that change compares with one after it; "identical" still says when the bytes are too.

The demo's history ends "today": both sides run with the wall clock pinned to --today
(kernel.clock's source, found in either layout) so they build the same days. By hand,
MIFIN_DEMO_DATE=27/11/2026 mifin demo builds the same history (from 90b96c6 on). Only the
command line is run, with each side's code first on PYTHONPATH and this interpreter
(or --python); nothing of either side is imported here.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "84b2a45"  # the last commit before issue #18's moves

# Run in each side's interpreter: pin the clock, then call `mifin` once per job (one
# process per side: the demo's modules load once for some sixty exports).
_BOOT = r"""
import importlib, json, sys
from datetime import UTC, date, datetime, time
day = date.fromisoformat(sys.argv[1])
for name in ("mifin_tui.services.kernel.clock", "mifin_tui.services.clock"):
    try:
        clock = importlib.import_module(name)
        break
    except ImportError:
        continue
else:
    raise SystemExit("no clock module in " + repr(sys.path[:2]))
moment = datetime.combine(day, time(17, 0), tzinfo=UTC)
clock._source = lambda: moment
from mifin_tui.cli import main
if sys.argv[2] == "--jobs":
    with open(sys.argv[3]) as f:
        jobs = json.load(f)
    codes = {}
    for key, argv in jobs:
        codes[key] = main(argv)
    with open(sys.argv[4], "w") as f:
        json.dump(codes, f)
    sys.exit(0)
sys.exit(main(sys.argv[2:]))
"""


class Side:
    """One revision's code, its demo database and its exports."""

    def __init__(self, label: str, code: Path, work: Path, python: str, today: date):
        self.label, self.code, self.work = label, code, work
        self.python, self.today = python, today
        self.db = work / "mifin.db"
        self.out = work / "csv"
        self.out.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        # The closing's PDFs and any per-user file land in the side's own folder.
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIFIN_")}
        env.update(PYTHONPATH=str(self.code), HOME=str(self.work),
                   XDG_DATA_HOME=str(self.work / "data"),
                   XDG_CONFIG_HOME=str(self.work / "config"), PYTHONHASHSEED="0")
        return env

    def mifin(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.python, "-c", _BOOT, self.today.isoformat(), "--db", str(self.db), *argv],
            cwd=self.work, env=self.env(), capture_output=True, text=True, check=False)

    def build(self, members: int, seed: int) -> None:
        done = self.mifin("demo", "--no-open", "--members", str(members), "--seed", str(seed))
        if done.returncode:
            raise SystemExit(f"{self.label}: mifin demo failed:\n{done.stderr}")

    def report_names(self) -> list[str]:
        done = self.mifin("report", "--list")
        if done.returncode:
            raise SystemExit(f"{self.label}: mifin report --list failed:\n{done.stderr}")
        return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]

    def export(self, jobs: list[tuple[str, list[str]]]) -> dict[str, int]:
        """Run every job (key, report arguments) with --format csv --output FILE."""
        full = [(key, ["--db", str(self.db), "report", *argv, "--format", "csv",
                       "--output", str(self.out / f"{key}.csv")]) for key, argv in jobs]
        jobs_file, codes_file = self.work / "jobs.json", self.work / "codes.json"
        jobs_file.write_text(json.dumps(full))
        done = subprocess.run(
            [self.python, "-c", _BOOT, self.today.isoformat(), "--jobs", str(jobs_file),
             str(codes_file)],
            cwd=self.work, env=self.env(), capture_output=True, text=True, check=False)
        if done.returncode or not codes_file.exists():
            raise SystemExit(f"{self.label}: the exports failed:\n{done.stderr}")
        return json.loads(codes_file.read_text())


def checkout(rev: str, into: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                    str(into), rev], check=True)
    return into


def remove_checkout(path: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                   check=False, capture_output=True)


def demo_facts(db: Path) -> dict[str, str]:
    """The dates and accounts the exports ask about, read from the built demo."""
    with sqlite3.connect(db) as con:
        first, last = con.execute("SELECT MIN(date), MAX(date) FROM business_day").fetchone()
        account = con.execute(
            "SELECT a.number FROM account a JOIN entry e ON e.account_id = a.id"
            " WHERE a.kind = 'savings' GROUP BY a.id ORDER BY COUNT(*) DESC, a.id LIMIT 1"
        ).fetchone()[0]
    mid = date.fromordinal((date.fromisoformat(first).toordinal()
                            + date.fromisoformat(last).toordinal()) // 2)
    return {"first": first, "open": last, "mid": mid.isoformat(), "account": account}


def jobs_for(names: list[str], facts: dict[str, str]) -> list[tuple[str, list[str]]]:
    whole = ["--from", facts["first"], "--to", facts["open"]]
    half = ["--from", facts["first"], "--to", facts["mid"]]
    jobs: list[tuple[str, list[str]]] = []
    for name in names:
        if name == "statement":
            variants = {"whole": [facts["account"], *whole], "half": [facts["account"], *half]}
        elif name == "account-sheet":
            variants = {"571": ["--account", "571", *whole],
                        "account": ["--account", facts["account"], *whole]}
        else:
            variants = {"default": [], "whole": whole, "half": half}
        jobs += [(f"{name}.{tag}", [name, *argv]) for tag, argv in variants.items()]
    return jobs


_AMOUNT = re.compile(r"-?\d+[.,]\d+")
_GUARDED = re.compile(r"'[=+\-@\t\r]")


def values(data: bytes) -> list[list[str]]:
    """A CSV export's cells whatever its style (see the module's doc)."""
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        cells = []
        for cell in row:
            if _AMOUNT.fullmatch(cell):
                cell = str(int(cell.replace(",", "").replace(".", "")))
            elif _GUARDED.match(cell):
                cell = cell[1:]
            cells.append(cell)
        rows.append(cells)
    return rows


def first_difference(a: bytes, b: bytes) -> str:
    left = a.decode("utf-8", "replace").splitlines()
    right = b.decode("utf-8", "replace").splitlines()
    for line in difflib.unified_diff(left, right, lineterm="", n=0):
        if line.startswith(("-", "+")) and not line.startswith(("---", "+++")):
            return line[:150]
    return f"{len(a)} bytes against {len(b)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=BASE, help=f"base revision (default {BASE})")
    parser.add_argument("--head", help="revision to compare (default: this working tree)")
    parser.add_argument("--members", type=int, default=60, help="demo size (default 60)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 27),
                        help="the pinned wall-clock date, ISO (default 2026-11-27)")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with the dependencies (default: this one)")
    parser.add_argument("--keep", type=Path, help="keep the databases and CSV files here")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="mifin-golden-"))
    work.mkdir(parents=True, exist_ok=True)
    checkouts: list[Path] = []
    try:
        base_code = checkout(args.base, work / "base-code")
        checkouts.append(base_code)
        if args.head:
            head_code = checkout(args.head, work / "head-code")
            checkouts.append(head_code)
        else:
            head_code = ROOT
        sides = [Side(label, code, work / label, args.python, args.today)
                 for label, code in (("base", base_code), ("head", head_code))]
        for side in sides:
            print(f"{side.label}: building the demo ({side.code}) ...", flush=True)
            side.build(args.members, args.seed)
        facts = demo_facts(sides[0].db)
        print("dates and accounts: " + ", ".join(f"{k} {v}" for k, v in facts.items()))
        names = [side.report_names() for side in sides]
        every = list(dict.fromkeys([*names[0], *names[1]]))
        codes = [side.export(jobs_for(side_names, facts))
                 for side, side_names in zip(sides, names, strict=True)]

        same = differ = 0
        for key, argv in jobs_for(every, facts):
            a_code, b_code = codes[0].get(key), codes[1].get(key)
            shown = " ".join(argv[1:])
            if a_code is None or b_code is None:
                verdict = f"MISSING on {'base' if a_code is None else 'head'}"
            elif a_code or b_code:
                verdict = f"FAILED (exit {a_code} / {b_code})"
            else:
                a = (sides[0].out / f"{key}.csv").read_bytes()
                b = (sides[1].out / f"{key}.csv").read_bytes()
                verdict = "DIFFERENT: " + first_difference(a, b)
                if a == b or values(a) == values(b):
                    same += 1
                    lines = a.count(b"\n")
                    word = "identical" if a == b else "same values"
                    print(f"  {key:28} {word} ({len(a)} bytes, {lines} lines)  {shown}")
                    continue
            differ += 1
            print(f"  {key:28} {verdict}  {shown}")
        print(f"{same + differ} exports of {len(every)} reports: {same} the same, "
              f"{differ} different or failed ({args.base} against "
              f"{args.head or 'the working tree'})")
        if args.keep:
            print(f"kept in {work}")
        return 1 if differ else 0
    finally:
        for path in checkouts:
            remove_checkout(path)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
