"""How long the officer's arrears list takes on a branch with many outstanding loans.

A small demo institution, then N copies of one of its loans (same member and accounts,
a schedule of 26 weekly instalments of which the first `late` are unpaid past due) put
straight into the tables: the list reads only loans, members, instalments and
guarantors, so the copies load it as real loans would. Reported as figures, never
asserted.  Run: python bench/arrears_list.py [loans=5000]
"""

from __future__ import annotations

import pathlib
import random
import sys
import tempfile
import time
import uuid
from datetime import timedelta

from mifin_tui import db
from mifin_tui.db.models import Loan, LoanInstallment
from mifin_tui.demo import build as demo
from mifin_tui.services.kernel import auth
from mifin_tui.services.loans import arrears
from mifin_tui.services.loans import lifecycle as loan_lifecycle


def main(n: int) -> None:
    path = pathlib.Path(tempfile.mkdtemp()) / "bench.db"
    db.open_database(path)
    res = demo.build(members=12, seed=7)
    agent = next(u for u in res.users if u.username == "agent")
    ctx = auth.login(agent.username, agent.password)
    today = loan_lifecycle.business_today(ctx)
    model = Loan.select().first()
    rng = random.Random(1)
    fields = {f: getattr(model, f) for f in Loan._meta.fields if f not in ("id", "uid",
                                                                          "number")}
    fields = {k: (v.id if hasattr(v, "id") and k in Loan._meta.fields
                  and isinstance(Loan._meta.fields[k], db.models.pw.ForeignKeyField)
                  else v) for k, v in fields.items()}
    with db.write_transaction():
        for k in range(n):
            loan = Loan.create(**{**fields, "uid": uuid.uuid4().hex,
                                  "number": f"BENCH{k:07d}", "state": "active",
                                  "disbursed_on": today - timedelta(days=200)})
            late = rng.choice((0, 0, 0, 1, 2, 5, 12))
            start = today - timedelta(days=7 * late)
            LoanInstallment.insert_many([
                {"loan": loan.id, "no": i + 1, "due_date": start + timedelta(days=7 * i),
                 "principal_due": 1_500, "interest_due": 300} for i in range(26)]).execute()
    print(f"{n} loans, {LoanInstallment.select().count()} instalments")
    for _ in range(3):
        t = time.perf_counter()
        rows = arrears.arrears_list(ctx)
        print(f"arrears_list: {len(rows)} loans in arrears in "
              f"{(time.perf_counter() - t) * 1000:.0f} ms")
    t = time.perf_counter()
    table = arrears.arrears_table(ctx)
    print(f"arrears_table: {(time.perf_counter() - t) * 1000:.0f} ms")
    from printers.report import report_pdf

    t = time.perf_counter()
    pdf = report_pdf(table)
    print(f"A4 print: {len(pdf) // 1024} KiB in {(time.perf_counter() - t):.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
