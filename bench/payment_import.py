"""`mifin import payments` on a demo branch: a statement of N lines checked, matched and
posted (one third savings deposits by account number, one third by the member's phone,
one third a loan number in the text, a few unknown), then imported again (all skipped).

    python bench/payment_import.py               # 2,000 lines on a 300-member demo
    python bench/payment_import.py --lines 500 --members 100

Prints the figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2_000)
    parser.add_argument("--members", type=int, default=300)
    args = parser.parse_args()
    from mifin_tui import db
    from mifin_tui.db.models import Account, Loan, Member, User
    from mifin_tui.demo import build as demo
    from mifin_tui.services.imports import payments as payment_import
    from mifin_tui.services.kernel import auth, business_day
    from mifin_tui.services.kernel.money import get_currency

    with tempfile.TemporaryDirectory() as tmp:
        db.open_database(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        demo.build(members=args.members, seed=5)
        print(f"demo of {args.members} members built in {time.perf_counter() - t0:.1f} s")
        accountant = auth.context_for(User.get(User.username == "comptable"))
        day = business_day.require_open(accountant.branch_id).strftime("%d/%m/%Y")
        accs = list(Account.select().where((Account.kind == "savings")
                                           & (Account.status == "active")))
        phones = [m.phone for m in Member.select().where(Member.phone != "")]
        loans = list(Loan.select().where(Loan.state.in_(("active", "disbursed",
                                                         "in_arrears"))))
        rows = ["date;reference;payer;amount;text;currency"]
        for n in range(args.lines):
            kind = n % 3
            if n % 50 == 49:
                rows.append(f"{day};BN-{n};0700000000;1;inconnu;{accs[0].currency}")
            elif kind == 0 or (kind == 2 and not loans):
                acc = accs[n % len(accs)]
                unit = 10 ** get_currency(acc.currency).decimals
                rows.append(f"{day};BN-{n};;{5 * unit // max(unit, 1) * 1};"
                            f"epargne {acc.number};{acc.currency}")
            elif kind == 1:
                rows.append(f"{day};BN-{n};{phones[n % len(phones)]};5;depot;"
                            f"{accs[0].currency}")
            else:
                loan = loans[n % len(loans)]
                rows.append(f"{day};BN-{n};;1;pret {loan.number};{loan.currency}")
        path = Path(tmp) / "releve.csv"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        dry = payment_import.import_payments(accountant, path, "mobile_money", dry_run=True)
        t_dry = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = payment_import.import_payments(accountant, path, "mobile_money")
        t_run = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = payment_import.import_payments(accountant, path, "mobile_money")
        t_again = time.perf_counter() - t0
        counts = {s: done.count(s) for s in ("posted", "unmatched", "rejected")}
        print(f"{args.lines} lines: check+match (dry run) {t_dry:.2f} s; "
              f"import {t_run:.2f} s ({args.lines / t_run:.0f} lines/s) {counts}; "
              f"again {t_again:.2f} s, skipped {again.count('skipped')}; "
              f"dry matched {dry.count('matched')}")


if __name__ == "__main__":
    main()
