"""Durable postings per second: one process, then K processes on one database file.

    python bench/postings.py                      # 2000 postings in 1 process, then 4 x 500
    python bench/postings.py --count 5000 --processes 8
    python bench/postings.py --dir /var/tmp       # where the database file lives (its disk)

Part 2 runs twice: writers waiting in SQLite's busy handler alone, then behind the
first-come write queue (db/write_queue.py); each prints the longest wait for the write
lock (from asking for the transaction to holding it) beside the throughput.

Every posting is one deposit through `ledger.post` inside `write_transaction()`
(BEGIN IMMEDIATE), on the connection every Mifin process uses: WAL,
synchronous=FULL, so each commit is on disk when it returns. Prints figures;
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PASSWORD = "Caisse-pass-2026"


def setup(path: Path, cashiers: int) -> dict:
    from mifin_tui import db
    from mifin_tui.db.models import User
    from mifin_tui.services.admin import institution, users
    from mifin_tui.services.kernel import accounts
    from mifin_tui.services.members import register as members

    db.open_database(path)
    admin = institution.initialize(
        name="COOPEC Bench", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Bench",
        admin_password="Kalamu-pass-2026", first_day=date(2026, 11, 23),
    )
    out = {"cashiers": []}
    for n in range(1, cashiers + 1):
        users.add_user(admin, f"caissier{n}", f"Caissier {n}", PASSWORD, ["cashier"])
    # as if each had chosen his own at his first login (a one-time password opens nothing)
    User.update(must_change_password=False).execute()
    with db.write_transaction():
        for n in range(1, cashiers + 1):
            member = members.create_row(admin, {"surname": f"Membre{n}", "first_name": "B"},
                                        date(2026, 11, 23))
            acc = accounts.open_member_account(member, "savings_free", "USD", "Savings",
                                               date(2026, 11, 23))
            out["cashiers"].append({"user": f"caissier{n}", "account": acc.id})
    db.close()
    return out


def worker(path: str, user: str, account: int, count: int) -> dict:
    """Post `count` deposits; returns timings. Runs in this process."""
    from mifin_tui import db
    from mifin_tui.services.kernel import accounts, auth, ledger

    db.open_database(path)
    pragmas = {p: db.database.execute_sql(f"PRAGMA {p}").fetchone()[0]
               for p in ("journal_mode", "synchronous")}
    ctx = auth.login(user, PASSWORD)
    with db.write_transaction():
        vault = accounts.internal_account(ctx.branch_id, "cash_vault", "USD").id
    # Logged in and warm: wait for the others, so that K processes really post together.
    print("READY", flush=True)
    sys.stdin.readline()
    latencies = []
    waits = []
    start = time.perf_counter()
    for n in range(count):
        t0 = time.perf_counter()
        with db.write_transaction():
            waits.append(time.perf_counter() - t0)  # the write lock is ours from here
            ledger.post(ctx, kind="deposit", label=f"Deposit {n}",
                        lines=[ledger.Line(vault, debit=100 + n % 50),
                               ledger.Line(account, credit=100 + n % 50)],
                        voucher_series="BE")
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    db.close()
    return {"count": count, "elapsed": elapsed, "start": start, "pragmas": pragmas,
            "p50_ms": statistics.median(latencies) * 1000,
            "max_ms": max(latencies) * 1000,
            "wait_max_ms": max(waits) * 1000,
            "wait_p99_ms": sorted(waits)[int(len(waits) * 0.99) - 1] * 1000,
            "p99_ms": sorted(latencies)[int(len(latencies) * 0.99) - 1] * 1000}


def run_processes(path: Path, cashiers: list[dict], each: int,
                  env: dict[str, str] | None = None) -> list[dict]:
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", str(path), c["user"],
                          str(c["account"]), str(each)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env=env)
        for c in cashiers
    ]
    for proc in procs:
        if proc.stdout.readline().strip() != "READY":
            raise SystemExit("a worker did not start")
    for proc in procs:
        proc.stdin.write("GO\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"worker failed with exit {proc.returncode}")
        results.append(json.loads(out))
    return results


def check(path: Path) -> str:
    from mifin_tui import db
    from mifin_tui.services.admin import check as check_service

    db.open_database(path)
    report = check_service.run()
    db.close()
    return "ok" if report.ok else f"FAILED: {report.findings[:3]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="postings in one process")
    parser.add_argument("--processes", type=int, default=4, help="K processes for part 2")
    parser.add_argument("--each", type=int, default=500, help="postings per process, part 2")
    parser.add_argument("--dir", default=None, help="directory of the database files")
    parser.add_argument("--worker", nargs=4, metavar=("DB", "USER", "ACCOUNT", "COUNT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        db_path, user, account, count = args.worker
        print(json.dumps(worker(db_path, user, int(account), int(count))))
        return 0

    with tempfile.TemporaryDirectory(dir=args.dir, prefix="mifin-bench-") as tmp:
        fs = subprocess.run(["df", "-T", tmp], capture_output=True, text=True).stdout
        fstype = fs.splitlines()[-1].split()[1] if fs else "?"
        print(f"database directory: {tmp} ({fstype}); {os.cpu_count()} cores; "
              f"python {sys.version.split()[0]}")

        one = Path(tmp) / "one.db"
        info = setup(one, 1)
        result = run_processes(one, info["cashiers"], args.count)[0]
        rate = result["count"] / result["elapsed"]
        print(f"pragmas: {result['pragmas']}  (synchronous 2 = FULL)")
        print(f"1 process : {result['count']} postings in {result['elapsed']:.2f} s = "
              f"{rate:,.0f} postings/s  (latency p50 {result['p50_ms']:.2f} ms, "
              f"p99 {result['p99_ms']:.2f} ms)  check: {check(one)}")

        # The same K processes twice: SQLite's busy handler alone (MIFIN_WRITE_QUEUE=0),
        # then with the first-come queue in front of BEGIN IMMEDIATE (the default).
        for label, queue in (("busy handler only", "0"), ("first-come queue", "1")):
            many = Path(tmp) / f"many-{queue}.db"
            info = setup(many, args.processes)
            env = {**os.environ, "MIFIN_WRITE_QUEUE": queue}
            results = run_processes(many, info["cashiers"], args.each, env)
            # wall time from the first worker's start to the last worker's end
            first = min(r["start"] for r in results)
            last = max(r["start"] + r["elapsed"] for r in results)
            total = sum(r["count"] for r in results)
            p50 = statistics.median(r["p50_ms"] for r in results)
            p99 = max(r["p99_ms"] for r in results)
            worst_wait = max(r["wait_max_ms"] for r in results)
            wait_p99 = max(r["wait_p99_ms"] for r in results)
            print(f"{args.processes} processes, {label}: {total} postings in "
                  f"{last - first:.2f} s = {total / (last - first):,.0f} postings/s in all  "
                  f"(latency p50 {p50:.2f} ms, worst p99 {p99:.2f} ms)  longest wait for the "
                  f"write lock {worst_wait:.0f} ms (goal <= 1000), worst p99 wait "
                  f"{wait_p99:.1f} ms  check: {check(many)}")
            for n, r in enumerate(results, start=1):
                print(f"   process {n}: {r['count']} in {r['elapsed']:.2f} s "
                      f"({r['count'] / r['elapsed']:,.0f}/s), longest wait "
                      f"{r['wait_max_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
