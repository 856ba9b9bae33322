"""PAR, the portfolio reports and the trial balance on 100,000 loans and 2 million entries.

    python bench/portfolio.py                      # 100,000 loans, 2,000,000 entries
    python bench/portfolio.py --loans 10000 --entries 200000 --dir /var/tmp

The database is filled with direct inserts (a bench, not a posting path): the ledger of
bench/trial_balance.py, then members, loans of 12 monthly instalments disbursed over
two years, and their repayments (a BR transaction of two entries, the repayment row and
its allocation per instalment): most borrowers pay each instalment on its due date,
some stop paying at a random instalment, a few repayments are reversed later. Then it
times `portfolio.par` at a date, the 12-month PAR trend rebuilt, the gérant's dashboard
(its past month ends read from the snapshots the month-end closings write, written here
once when missing), the registry's par, portfolio, classification and trial-balance
reports as a user runs them. Prints figures; asserts nothing about time. `--keep DB`
builds once and reuses the file.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

END = date(2026, 11, 30)  # the date of the reports


def _month(day: date, n: int) -> date:
    y, m = divmod(day.month - 1 + n, 12)
    return date(day.year + y, m + 1, min(day.day, 28))


def build_loans(n_loans: int, n_members: int, seed: int = 7) -> int:
    """Members, loans, instalments, repayments with their txn, entries and allocations.
    Returns the number of entries written."""
    from mifin_tui import db
    from mifin_tui.db.bulk import insert_rows
    from mifin_tui.db.models import Account, Branch, Loan, LoanProduct, Member, User
    from mifin_tui.services.kernel import accounts, clock

    branch = Branch.get()
    uid = User.get().id
    now = clock.now()
    rng = random.Random(seed)
    with db.write_transaction():
        loan_acc = accounts.internal_account(branch.id, "loans_outstanding", "USD").id
        officers = [uid]
        insert_rows(LoanProduct, [dict(
            code="MENS", name="Crédit mensuel", currency="USD", kind="individual",
            amount_min=10_000, amount_max=1_000_000, term_min=6, term_max=24,
            frequency="monthly", method="declining", rate_min_bp=1200, rate_max_bp=3000,
            rate_default_bp=2400, created_at=now, updated_at=now)])
        product = LoanProduct.get(LoanProduct.code == "MENS").id
        zones = [f"Zone-{k}" for k in range(12)]
        insert_rows(Member, [dict(
            number=f"B-{k:07d}", branch=branch.id, surname=f"Membre{k}", first_name="Bench",
            sex="F" if k % 2 else "H", joined_on=date(2024, 1, 1), search_key=f"membre{k}",
            created_by=uid, created_at=now, zone=zones[k % len(zones)],
            officer=officers[k % len(officers)]) for k in range(n_members)])
        member_ids = [m.id for m in Member.select(Member.id).where(
            Member.number.startswith("B-"))]
        cash = Account.select().where(Account.kind == "cash", Account.currency == "USD").get()
        gl_cash, gl_loan = cash.gl_account_id, Account.get_by_id(loan_acc).gl_account_id
        loans = []
        for k in range(n_loans):
            start = date(2024, 12, 1) + timedelta(days=rng.randrange(0, 700))
            amount = rng.randint(10, 500) * 1200
            loans.append(dict(
                number=f"BL-{k:08d}", branch=branch.id, member=member_ids[k % len(member_ids)],
                product=product, account=loan_acc, currency="USD",
                state="active", amount_requested=amount, term_requested=12, rate_bp=2400,
                purpose="Bench", created_by=uid, created_at=now, amount_approved=amount,
                term_approved=12, disbursed_on=start, restructured=k % 97 == 0))
        insert_rows(Loan, loans)
    conn = db.database.connection()
    rows = conn.execute("SELECT id, disbursed_on, amount_approved FROM loan "
                        "WHERE number LIKE 'BL-%' ORDER BY id").fetchall()
    top_txn = conn.execute("SELECT COALESCE(MAX(id), 0) FROM journal_transaction").fetchone()[0]
    top_inst = conn.execute("SELECT COALESCE(MAX(id), 0) FROM loan_installment").fetchone()[0]
    stamp = now.isoformat()
    conn.execute("BEGIN")
    # Repayments post to their business day: every date of the two years, open.
    day, days = date(2024, 12, 1), []
    while day <= END:
        days.append((branch.id, day.isoformat(), stamp))
        day += timedelta(days=1)
    conn.executemany("INSERT OR IGNORE INTO business_day (branch_id, date, status, opened_at)"
                     " VALUES (?, ?, 'open', ?)", days)
    inst, txns, entries, reps, allocs = [], [], [], [], []
    tid, iid, rid = top_txn, top_inst, 0
    n_entries = 0
    for loan_id, start, amount in rows:
        start = date.fromisoformat(start) if isinstance(start, str) else start
        stops = rng.randrange(1, 13) if rng.random() < 0.12 else 99
        left = amount
        for no in range(1, 13):
            iid += 1
            due = _month(start, no)
            principal = amount // 12 if no < 12 else left
            left -= principal
            interest = (amount - (no - 1) * (amount // 12)) * 200 // 10000
            if due > END or no >= stops:
                inst.append((iid, loan_id, no, due.isoformat(), principal, interest, 0, 0, 0, 0))
                continue
            tid += 1
            rid += 1
            total = principal + interest
            # A reversal is dated no later than the reports' day, the last business day (as
            # at a branch: nothing is dated after its open day); the instalment's paid
            # columns hold what its repayments still pay, as the posting path keeps them.
            reversed_on = (min(due + timedelta(days=3), END).isoformat()
                           if rng.random() < 0.005 else None)
            paid = (0, 0) if reversed_on else (principal, interest)
            inst.append((iid, loan_id, no, due.isoformat(), principal, interest, 0, *paid, 0))
            txns.append((tid, f"p{tid:012x}", 1, due.isoformat(), stamp, 1, "repayment",
                         f"BR-B-{tid:08d}", "Bench"))
            entries.append((tid, 1, cash.id, gl_cash, total, 0, "USD", 0, ""))
            entries.append((tid, 2, loan_acc, gl_loan, 0, total, "USD", 0, ""))
            reps.append((rid, loan_id, tid, due.isoformat(), "cash", total, principal, interest,
                         0, 0, 0, reversed_on))
            allocs.append((rid, iid, principal, interest, 0, 0))
        if len(inst) > 200_000:
            n_entries += _flush(conn, inst, txns, entries, reps, allocs)
    n_entries += _flush(conn, inst, txns, entries, reps, allocs)
    conn.execute("COMMIT")
    return n_entries


def _flush(conn, inst, txns, entries, reps, allocs) -> int:
    n = len(entries)
    conn.executemany(
        "INSERT INTO loan_installment (id, loan_id, no, due_date, principal_due, interest_due,"
        " fees_due, principal_paid, interest_paid, fees_paid) VALUES (?,?,?,?,?,?,?,?,?,?)",
        inst)
    conn.executemany(
        "INSERT INTO journal_transaction (id, uid, branch_id, business_date, posted_at, "
        "user_id, kind, voucher_number, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", txns)
    conn.executemany(
        "INSERT INTO entry (txn_id, line, account_id, gl_account_id, debit, credit, currency,"
        " balance_after, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)
    conn.executemany(
        "INSERT INTO repayment (id, loan_id, txn_id, business_date, channel, amount, principal,"
        " interest, fees, penalties, balance_after, reversed_on) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", reps)
    conn.executemany(
        "INSERT INTO repayment_allocation (repayment_id, installment_id, principal, interest,"
        " fees, penalties) VALUES (?,?,?,?,?,?)", allocs)
    for rows in (inst, txns, entries, reps, allocs):
        rows.clear()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--keep", metavar="DB", help="build into DB once and reuse it")
    args = parser.parse_args()
    from trial_balance import build

    from mifin_tui import db
    from mifin_tui.db.models import Entry, LoanInstallment, RepaymentAllocation, User
    from mifin_tui.services.admin import users
    from mifin_tui.services.kernel import auth, business_day, institution
    from mifin_tui.services.reports import portfolio
    from mifin_tui.services.reports import registry as report_registry
    from mifin_tui.services.reports.registry import ReportParams

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(args.keep or Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        if args.keep and path.exists():
            db.open_database(path)
        else:
            # Repayments write about 16 entries a loan; the savings ledger fills the rest.
            build(path, max(10_000, args.entries - 16 * args.loans), 5_000)
            print(f"ledger built in {time.perf_counter() - t0:.1f} s", flush=True)
            build_loans(args.loans, max(1, args.loans // 3))
        from mifin_tui.db.models import Loan

        print(f"built {Loan.select().count():,} loans,"
              f" {LoanInstallment.select().count():,} instalments,"
              f" {RepaymentAllocation.select().count():,} allocations,"
              f" {Entry.select().count():,} entries in {time.perf_counter() - t0:.1f} s")
        admin = institution.operator_context()
        if not User.select().where(User.username == "gerant").exists():
            users.add_user(admin, "gerant", "Gérant Bench", "Kasai-pass-2026",
                           ["manager"], "fr")

        User.update(must_change_password=False).where(User.username == "gerant").execute()
        ctx = auth.login("gerant", "Kasai-pass-2026")
        # Wall and CPU seconds: on a shared machine the wall time waits for the others.
        t0, c0 = time.perf_counter(), time.process_time()
        s = portfolio.par(END)
        print(f"{'portfolio.par':17} {time.perf_counter() - t0:6.2f} s"
              f" (cpu {time.process_time() - c0:5.2f} s)  {s.loans:,} loans,"
              f" PAR30 {s.ratio_bp('par30') / 100:.2f} %")
        t0, c0 = time.perf_counter(), time.process_time()
        trend = portfolio.par_trend(portfolio.month_ends(END, 12))
        print(f"{'par trend 12 m':17} {time.perf_counter() - t0:6.2f} s"
              f" (cpu {time.process_time() - c0:5.2f} s)  {len(trend)} dates,"
              f" last = par: {trend[-1] == s}")
        # The gérant's dashboard as it opens: before, with no snapshot (each month end
        # rebuilt, as before #20); then with the month ends the closings record
        # (written here as the closing of each month's last business day does).
        from mifin_tui.db.models import Branch, Institution
        from mifin_tui.services.closing import par_snapshot
        from mifin_tui.services.reports import dashboard, par_snapshots

        branch = Branch.get()
        currency = Institution.get().currency
        today = business_day.open_date(branch.id)
        ends = [d for d in portfolio.month_ends(today, 12) if d < today]
        if len(par_snapshots.stored(branch.id, currency, ends)) < len(ends):
            t0 = time.perf_counter()
            with db.write_transaction():
                for day in ends:
                    par_snapshot.write(branch.id, day)
            print(f"{'snapshots written':17} {time.perf_counter() - t0:6.2f} s"
                  f"  {len(ends)} month ends (one a month, at its closing)")
        t0, c0 = time.perf_counter(), time.process_time()
        board = dashboard.build(ctx)
        print(f"{'dashboard':17} {time.perf_counter() - t0:6.2f} s"
              f" (cpu {time.process_time() - c0:5.2f} s)  at {today}, PAR30"
              f" {board.par_bp / 100:.2f} %, {board.arrears_count:,} late,"
              f" {len(board.par_trend)} months")
        for name, params in (
                ("par", ReportParams(date=END)),
                ("portfolio", ReportParams(date=END)),
                ("classification", ReportParams(date=END)),
                ("trial-balance", ReportParams(date_from=date(2026, 1, 1), date_to=END)),
        ):
            t0, c0 = time.perf_counter(), time.process_time()
            table = report_registry.run(name, ctx, params)
            print(f"{name:17} {time.perf_counter() - t0:6.2f} s"
                  f" (cpu {time.process_time() - c0:5.2f} s)  {len(table.rows):>7,} rows")
        db.close()


if __name__ == "__main__":
    main()
