"""The nightly closing of a large branch: 100,000 active loans and 200,000 savings accounts.

    python bench/closing.py [--accounts 200000] [--loans 100000] [--keep DIR]
    python bench/closing.py --scale 10000,50000,100000    # how it grows

`--loans` weekly loans (tests/closing/data.add_loans: each borrower a member with a
savings account linked to the loan, a seventh due today, half in arrears by up to five
weeks, a quarter without savings) count in `--accounts`: the other savings accounts are
plain ones with an opening balance.

Builds the branch by SQL (members, savings accounts with their product, one
opening-balance transaction of two entries per account, sealed; a few dozen income and
expense accounts), all on
31 December so the closing also closes the year. Then runs the real closing
(`services.closing.run`) in a fresh process and prints its wall time, its peak RSS,
the time of each step and the seconds per 10,000 loans of the loan steps.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "Kwilu-pass-2026"
DAY = date(2026, 12, 31)
AMOUNT = 50_000  # each opening balance, in cents


def build(path: Path, n_accounts: int, n_loans: int = 0) -> None:
    from mifin_tui import db
    from mifin_tui.db.models import User
    from mifin_tui.services.admin import institution, users
    from mifin_tui.services.cash import tills
    from mifin_tui.services.kernel import accounts, ledger

    db.open_database(path)
    admin = institution.initialize(
        name="COOPEC Bench", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin",
        admin_password=PASSWORD, first_day=DAY,
        # the rates the BCC's text leaves to the institution, as its gérant fills them
        provision_rates={"impaye": 2500, "douteux": 5000, "contentieux": 7500,
                         "irrecuperable": 10000})
    users.add_user(admin, "gerant", "Gérant Bench", PASSWORD, ["manager"])
    User.update(must_change_password=False).execute()
    with db.write_transaction():
        vault = tills.cash_account(tills.vault_of(admin.branch_id), "USD")
        capital = accounts.internal_account(admin.branch_id, "share_capital", "USD")
        ledger.post(admin, kind="capital", label="capital",
                    lines=[ledger.Line(vault.id, debit=10**9),
                           ledger.Line(capital.id, credit=10**9)])
        for n, key in enumerate(["fee_income", "penalty_income", "interest_income_loans",
                                 "interest_expense_savings", "till_shortage"] * 8):
            acc = accounts.new_internal_account(admin.branch_id, key, "USD")
            income = "income" in key
            lines = ([ledger.Line(vault.id, debit=1_000 + n),
                      ledger.Line(acc.id, credit=1_000 + n)] if income else
                     [ledger.Line(acc.id, debit=500 + n), ledger.Line(vault.id, credit=500 + n)])
            ledger.post(admin, kind="manual", label=key, lines=lines, voucher_series="OD")
        vault_balance = tills.cash_account(tills.vault_of(admin.branch_id), "USD").balance
        gl = accounts.gl_by_key("savings_free").id
        base = db.database.execute_sql('SELECT coalesce(max(id), 0) FROM "member"').fetchone()[0]
        txn0 = db.database.execute_sql(
            'SELECT coalesce(max(id), 0) FROM "journal_transaction"').fetchone()[0]
        now = "2026-12-31 08:00:00+00:00"
        sql = db.database.execute_sql
        series = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                  f"WHERE i < {n_accounts})")
        sql(f'{series} INSERT INTO "member" ("id", "uid", "number", "branch_id", "kind", '
            '"surname", "postname", "first_name", "legal_name", "sex", "birth_place", "phone", '
            '"profession", "address", "commune", "city", "province", "id_type", "id_number", '
            '"joined_on", "status", "search_key", "created_by_id", "created_at") '
            f"SELECT {base} + i, lower(hex(randomblob(16))), printf('KIN-M%07d', i), 1, "
            "'person', 'Membre' || i, '', 'Bench', '', 'F', '', '', '', '', '', '', '', '', '', "
            f"'2026-01-01', 'member', 'membre' || i, 1, '{now}' FROM n")
        acc0 = sql('SELECT coalesce(max(id), 0) FROM "account"').fetchone()[0]
        sql(f'{series} INSERT INTO "account" ("id", "uid", "number", "branch_id", "kind", '
            '"gl_account_id", "member_id", "currency", "name", "normal_side", "allow_negative", '
            '"balance", "status", "opened_on", "created_at") '
            f"SELECT {acc0} + i, lower(hex(randomblob(16))), printf('KIN-21-B%07d', i), 1, "
            f"'savings', {gl}, {base} + i, 'USD', 'Free savings', 'credit', 0, {AMOUNT}, "
            f"'active', '2026-01-01', '{now}' FROM n")
        # each account's savings row, as accounts opened at the counter have them
        free = sql('SELECT "id" FROM "savings_product" WHERE "kind" = \'free\' '
                   'AND "currency" = \'USD\' ORDER BY "id" LIMIT 1').fetchone()[0]
        sql(f'{series} INSERT INTO "savings_account" ("account_id", "product_id", '
            '"planned_amount", "collateral", "dormant", "passbook_entry_id", "passbook_line") '
            f"SELECT {acc0} + i, {free}, 0, 0, 0, 0, 0 FROM n")
        sql(f'{series} INSERT INTO "journal_transaction" ("id", "uid", "branch_id", '
            '"business_date", "posted_at", "user_id", "kind", "voucher_series", '
            '"voucher_number", "label") '
            f"SELECT {txn0} + i, lower(hex(randomblob(16))), 1, '{DAY.isoformat()}', '{now}', 1, "
            "'opening_balance', 'OD', printf('OD-KIN-B-%07d', i), 'Opening balance' FROM n")
        sql(f'{series} INSERT INTO "entry" ("txn_id", "line", "account_id", "gl_account_id", '
            '"debit", "credit", "currency", "balance_after", "label") '
            f"SELECT {txn0} + i, 1, {vault.id}, {vault.gl_account_id}, {AMOUNT}, 0, 'USD', "
            f"{vault_balance} + i * {AMOUNT}, '' FROM n UNION ALL "
            f"SELECT {txn0} + i, 2, {acc0} + i, {gl}, 0, {AMOUNT}, 'USD', {AMOUNT}, '' FROM n")
        sql(f'{series} INSERT INTO "txn_seal" ("txn_id") SELECT {txn0} + i FROM n')
        sql('UPDATE "account" SET "balance" = ? WHERE "id" = ?',
            (vault_balance + n_accounts * AMOUNT, vault.id))
    if n_loans:
        from tests.closing import data

        data.add_loans(admin, n_loans, DAY)
    db.close()


def run_closing(path: Path) -> None:
    """In its own process: the closing alone, its figures as one JSON line."""
    from mifin_tui import db
    from mifin_tui.services.closing import nightly as closing
    from mifin_tui.services.kernel import auth

    db.open_database(path)
    manager = auth.login("gerant", PASSWORD)
    began, cpu = time.perf_counter(), time.process_time()
    doc = closing.run(manager)
    seconds = time.perf_counter() - began
    print(json.dumps({
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "steps": [(s.key, s.status, s.items, s.seconds) for s in doc.steps],
        "backup_mb": round(doc.backup_bytes / 2**20, 1),
    }))


def bench_one(folder: Path, n_accounts: int, n_loans: int) -> dict:
    """Build a branch in `folder` and close its day in a fresh process: the figures."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "branch.db"
    began = time.perf_counter()
    build(path, n_accounts - n_loans, n_loans)
    print(f"built {n_loans:,} loans and {n_accounts:,} savings accounts in "
          f"{time.perf_counter() - began:.1f} s; database {path.stat().st_size / 2**20:.0f} MB",
          flush=True)
    proc = subprocess.run([sys.executable, __file__, "--run", str(path)], capture_output=True,
                          text=True)
    if proc.returncode:
        sys.exit(f"the closing failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def show(result: dict, n_loans: int) -> None:
    print(f"closing: {result['seconds']:.2f} s wall, {result['cpu_seconds']:.2f} s CPU, "
          f"peak RSS {result['peak_rss_mb']} MB (the whole process), "
          f"backup {result['backup_mb']} MB")
    for key, status, items, seconds in result["steps"]:
        print(f"  {key:<16} {status:<8} {items:>8,} items  "
              f"{seconds if seconds is not None else '-'} s")
    loan_steps = [(k, items, sec) for k, _s, items, sec in result["steps"]
                  if k in ("auto_debit", "penalties", "loan_interest", "loan_ageing")]
    for key, items, sec in loan_steps:
        if key == "auto_debit" and items and sec:
            print(f"auto_debit: {sec * 1000 / items:.2f} ms per loan debited")
    if n_loans:
        total = sum(sec or 0 for _k, _i, sec in loan_steps)
        print(f"loan steps: {total:.2f} s, {total * 10_000 / n_loans:.2f} s per 10,000 "
              f"loans; whole closing {result['seconds'] * 10_000 / n_loans:.2f} s per "
              "10,000 loans")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--scale", help="loans at several sizes, e.g. 10000,50000,100000 "
                        "(twice as many savings accounts each): how the closing grows")
    parser.add_argument("--keep", type=Path, help="build in DIR and leave it there")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_closing(args.run)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mifin-bench-closing-"))
    if not args.scale:
        show(bench_one(folder, args.accounts, args.loans), args.loans)
        return
    rows = []
    for n in [int(x) for x in args.scale.split(",")]:
        result = bench_one(folder / str(n), 2 * n, n)
        show(result, n)
        rows.append((n, result))
        if not args.keep:  # three branches would hold 700 MB of disk
            shutil.rmtree(folder / str(n), ignore_errors=True)
    print("\nloans    accounts   wall s   CPU s   s per 10,000 loans   peak RSS MB")
    for n, r in rows:
        print(f"{n:>7,} {2 * n:>9,} {r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f} "
              f"{r['seconds'] * 10_000 / n:>14.2f} {r['peak_rss_mb']:>15}")


if __name__ == "__main__":
    main()
