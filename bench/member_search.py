"""Member search at scale: p50/p95 of `members.search` among 200,000 members.

    python bench/member_search.py                 # 200,000 members, 400 searches
    python bench/member_search.py --members 50000 --searches 1000

The members are built by SQL in one transaction (keys made by the same functions as
the adhésion, the FTS5 index kept by its triggers), then the picker's searches are
timed: name fragments with and without accents, member numbers, phones, ID numbers,
account numbers. Prints figures; asserts nothing about time.
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


def build(path: Path, count: int, seed: int) -> None:
    from mifin_tui import db
    from mifin_tui.db.bulk import insert_rows
    from mifin_tui.db.models import Member
    from mifin_tui.demo.names import random_person
    from mifin_tui.services.admin import institution
    from mifin_tui.services.members import register as members

    db.open_database(path)
    admin = institution.initialize(
        name="COOPEC Bench", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Bench",
        admin_password="Kalamu-pass-2026", first_day=date(2026, 11, 23))
    rng = random.Random(seed)
    started = time.perf_counter()
    with db.write_transaction():
        batch = []
        for n in range(1, count + 1):
            p = random_person(rng, "bcc")
            fields = {k: p[k] for k in ("surname", "postname", "first_name", "sex",
                                        "birth_date", "phone", "id_number", "city")}
            fields["kind"] = "person"
            batch.append(members.row_values(f"KIN-{n:06d}", admin.branch_id, fields,
                                            date(2020, 1, 1), admin.user_id,
                                            "2026-11-23 08:00:00"))
            if len(batch) == 5000:
                insert_rows(Member, batch)
                batch = []
        insert_rows(Member, batch)
    print(f"built {count} members in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--searches", type=int, default=400)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    from mifin_tui import db
    from mifin_tui.db.models import Member
    from mifin_tui.services.kernel.context import Context
    from mifin_tui.services.kernel.permissions import permissions_for
    from mifin_tui.services.members import register as members

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build(path, args.members, args.seed)
        ctx = Context(1, "bench", "Bench", frozenset({"cashier"}), 1, "KIN",
                      permissions=permissions_for({"cashier"}))
        rng = random.Random(args.seed + 1)
        sample = list(Member.select().order_by(Member.id).limit(5000))
        kinds = {"name fragment": [], "two words": [], "accented upper": [], "number": [],
                 "phone": [], "id number": []}
        for i in range(args.searches):
            m = rng.choice(sample)
            kind = list(kinds)[i % len(kinds)]
            text = {
                "name fragment": m.surname[:rng.randint(2, 5)],
                "two words": f"{m.surname[:4]} {m.first_name[:3]}",
                "accented upper": (m.first_name or m.surname).upper(),
                "number": m.number[-rng.randint(3, 6):],
                "phone": "0" + members.digits(m.phone)[3:][:rng.randint(4, 9)],
                "id number": m.id_number[:rng.randint(4, 10)],
            }[kind]
            t0 = time.perf_counter()
            found = members.search(ctx, text, limit=8)
            kinds[kind].append((time.perf_counter() - t0) * 1000)
            assert found, text
        every = sorted(t for times in kinds.values() for t in times)
        print(f"{args.members} members, {len(every)} searches (limit 8)")
        for kind, times in kinds.items():
            times.sort()
            print(f"  {kind:<15} p50 {statistics.median(times):6.2f} ms   "
                  f"p95 {times[int(len(times) * 0.95) - 1]:6.2f} ms")
        print(f"  {'all':<15} p50 {statistics.median(every):6.2f} ms   "
              f"p95 {every[int(len(every) * 0.95) - 1]:6.2f} ms")
        db.close()


if __name__ == "__main__":
    main()
