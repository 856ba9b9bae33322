"""Trial balance and balance sheet on a ledger of N entries (default 2 million).

    python bench/trial_balance.py                  # 2,000,000 entries, 5,000 accounts
    python bench/trial_balance.py --entries 200000 --dir /var/tmp

The ledger is filled with direct SQL inserts (a bench, not a posting path): a year of
business days, deposits and withdrawals between members' savings and the tills, cash
moves with the vault, some fees and expenses; two lines per transaction. Then it times
the registry's reports as a user runs them. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(path: Path, entries: int, n_accounts: int) -> None:
    from mifin_tui import db
    from mifin_tui.db import write_transaction
    from mifin_tui.db.models import Account, GLAccount, User
    from mifin_tui.services.admin import institution as institution_setup
    from mifin_tui.services.kernel import accounts, clock
    from mifin_tui.services.members import register as members

    db.open_database(path)
    admin = institution_setup.initialize(
        name="COOPEC Bench", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Bench",
        admin_password="Kalamu-pass-2026", first_day=date(2026, 1, 2))
    with write_transaction():
        member = members.create_row(admin, {"surname": "Bench"}, date(2025, 1, 1))
        savings = [accounts.open_member_account(member, "savings_free", "USD", "Épargne",
                                                date(2025, 1, 1)).id
                   for _ in range(n_accounts)]
        internal = [accounts.internal_account(admin.branch_id, key, "USD").id
                    for key in ("fee_income", "interest_expense_savings", "bank")]
    cash = [a.id for a in Account.select().where(Account.kind == "cash",
                                                 Account.currency == "USD")]
    gl_of = {a.id: a.gl_account_id for a in Account.select()}
    uid = User.get().id
    days = []
    d = date(2026, 1, 2)
    while len(days) < 250:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    conn = db.database.connection()
    rng = random.Random(1)
    now = clock.now().isoformat()
    conn.execute("BEGIN")
    conn.executemany(
        'INSERT OR IGNORE INTO business_day (branch_id, date, status, opened_at) '
        "VALUES (?, ?, 'open', ?)", [(admin.branch_id, x.isoformat(), now) for x in days])
    txns = entries // 2
    per_day = txns // len(days) + 1
    txn_rows, entry_rows = [], []
    tid = 0
    for x in days:
        for _ in range(per_day):
            tid += 1
            if tid > txns:
                break
            amount = rng.randint(1, 5000) * 100
            r = rng.random()
            if r < 0.85:
                a, b = rng.choice(cash), rng.choice(savings)  # deposit
            elif r < 0.95:
                a, b = internal[2], rng.choice(cash)  # cash to the bank
            elif r < 0.98:
                a, b = rng.choice(savings), internal[0]  # a fee
            else:
                a, b = internal[1], rng.choice(savings)  # interest paid
            txn_rows.append((tid, f"b{tid:012x}", admin.branch_id, x.isoformat(), now, uid,
                             "deposit", f"OD-KIN-2026-{tid:07d}", "Bench"))
            entry_rows.append((tid, 1, a, gl_of[a], amount, 0, "USD", 0, ""))
            entry_rows.append((tid, 2, b, gl_of[b], 0, amount, "USD", 0, ""))
        if len(entry_rows) > 200_000:
            _flush(conn, txn_rows, entry_rows)
    _flush(conn, txn_rows, entry_rows)
    conn.execute("COMMIT")
    del GLAccount


def _flush(conn, txn_rows: list, entry_rows: list) -> None:
    conn.executemany(
        "INSERT INTO journal_transaction (id, uid, branch_id, business_date, posted_at, "
        "user_id, kind, voucher_number, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", txn_rows)
    conn.executemany(
        'INSERT INTO entry (txn_id, line, account_id, gl_account_id, debit, credit, currency, '
        'balance_after, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', entry_rows)
    txn_rows.clear()
    entry_rows.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    from mifin_tui import db
    from mifin_tui.db.models import Entry
    from mifin_tui.services.admin import users
    from mifin_tui.services.kernel import auth
    from mifin_tui.services.reports import registry as report_registry
    from mifin_tui.services.reports.registry import ReportParams

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build(path, args.entries, args.accounts)
        print(f"built {Entry.select().count():,} entries in {time.perf_counter() - t0:.1f} s")
        from mifin_tui.services.kernel import institution

        admin = institution.operator_context()
        users.add_user(admin, "comptable", "Comptable Bench", "Compta-pass-2026",
                       ["accountant"], "fr")
        from mifin_tui.db.models import User

        User.update(must_change_password=False).where(User.username == "comptable").execute()
        ctx = auth.login("comptable", "Compta-pass-2026")
        end = date(2026, 12, 31)
        for name, params in (
                ("trial-balance", ReportParams(date_from=date(2026, 6, 1), date_to=end)),
                ("balance-sheet", ReportParams(date=end)),
                ("income-statement", ReportParams(date_from=date(2026, 1, 1), date_to=end)),
                ("account-sheet", ReportParams(account="572", date_from=date(2026, 11, 1),
                                               date_to=end)),
                ("journal", ReportParams(date_from=date(2026, 12, 1), date_to=date(2026, 12, 1))),
        ):
            t0 = time.perf_counter()
            table = report_registry.run(name, ctx, params)
            print(f"{name:17} {time.perf_counter() - t0:6.2f} s  {len(table.rows):>7,} rows")
        db.close()


if __name__ == "__main__":
    main()
