"""The cash journal of a busy day: 2,000 vouchers through one till.

    python bench/cash_journal.py [--vouchers 2000]

Builds a day on a fresh database through the real services (deposits and
withdrawals at the counter, each a BE/BS voucher), then times what the gérant
waits for: reading the day's journal from the ledger, and its A4 PDF (two copies).
Goal (issue 4): <= 2 s for the journal of 2,000 vouchers. Prints figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mifin_tui import db  # noqa: E402
from mifin_tui.db.models import Till, User  # noqa: E402
from mifin_tui.services.admin import institution, users
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import journal as cash_journal
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, auth, ledger
from mifin_tui.services.members import register as members

PASSWORD = "Kwilu-pass-2026"


def build(n_vouchers: int) -> tuple[object, date]:
    admin = institution.initialize(
        name="COOPEC Bench", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin",
        admin_password=PASSWORD, first_day=date(2026, 11, 23))
    users.add_user(admin, "caissier", "Caissier Bench", PASSWORD, ["cashier"])
    User.update(must_change_password=False).execute()
    cashier = auth.login("caissier", PASSWORD)
    with db.write_transaction():
        vault = tills.vault_of(admin.branch_id)
        capital = accounts.internal_account(admin.branch_id, "share_capital", "USD")
        ledger.post(admin, kind="capital", label="capital",
                    lines=[ledger.Line(tills.cash_account(vault, "USD").id, debit=10**10),
                           ledger.Line(capital.id, credit=10**10)])
        accs = []
        for i in range(200):
            m = members.create_row(admin, {"surname": f"Membre{i}", "first_name": "Bench"},
                                   date(2026, 1, 1))
            accs.append(accounts.open_member_account(m, "savings_free", "USD", "Épargne",
                                                     date(2026, 1, 1)).id)
    tills.open_session(cashier, Till.get(Till.code == "C01").id, {})
    rng = random.Random(4)
    for i in range(n_vouchers):
        acc = rng.choice(accs)
        if i % 4 == 3 and accounts.Account.get_by_id(acc).balance > 1000:
            cash.cash_out(cashier, acc, 1000, party_name="Bench", purpose="Retrait")
        else:
            cash.cash_in(cashier, acc, rng.randint(1, 500) * 100, party_name="Bench",
                         purpose="Dépôt du marché")
    return cashier, date(2026, 11, 23)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vouchers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="mifin-cj-")) / "bench.db"
    db.open_database(path)
    started = time.perf_counter()
    ctx, day = build(args.vouchers)
    print(f"built {args.vouchers} vouchers through the counter services in "
          f"{time.perf_counter() - started:.1f} s")
    from printers.journal import cash_journal_pdf

    read, pdf = [], []
    for _run in range(args.runs):
        t0 = time.perf_counter()
        doc = cash_journal.cash_journal(ctx, day, "USD", "C01")
        t1 = time.perf_counter()
        data = cash_journal_pdf(doc)
        t2 = time.perf_counter()
        read.append(t1 - t0)
        pdf.append(t2 - t1)
    print(f"journal lines: {len(doc.lines)}, PDF {len(data) // 1024} KB")
    print(f"read the day's journal from the ledger: median {statistics.median(read) * 1000:.0f} ms")
    print(f"A4 PDF, two copies:                     median {statistics.median(pdf) * 1000:.0f} ms")
    total = statistics.median(read) + statistics.median(pdf)
    print(f"total: {total * 1000:.0f} ms (goal <= 2000 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
