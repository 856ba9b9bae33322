"""A cashier process for the end-to-end tests: posts deposits through the services.

    python poster.py setup DB N            institution + N cashiers; prints JSON
    python poster.py post DB USER ACCOUNT COUNT [--wait-go]
                                          COUNT deposits (0: until killed), each
                                          acknowledged on stdout after its commit
                                          ("ACK voucher ticket", the write queue's)

Passwords come on stdin (first line) so they never show in `ps`. With
--wait-go the process logs in, prints READY and waits for a line GO, so that
all cashiers start posting together. The last line is `DONE posted=N errors=M`.
It is a separate program on purpose: the tests run real processes sharing one
database file, as cashiers' terminals do.
"""

from __future__ import annotations

import json
import sys
import traceback
from datetime import date

PASSWORD = "Caisse-pass-2026"
FIRST_DAY = date(2026, 11, 23)


def setup(path: str, cashiers: int) -> None:
    from mifin_tui import db
    from mifin_tui.db.models import User
    from mifin_tui.services.admin import institution, users
    from mifin_tui.services.kernel import accounts
    from mifin_tui.services.members import register as members

    db.open_database(path)
    admin = institution.initialize(
        name="COOPEC Stress", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Stress",
        admin_password="Kalamu-pass-2026", first_day=FIRST_DAY,
        provision_rates={"impaye": 0, "douteux": 0, "contentieux": 0, "irrecuperable": 0},
    )
    out = {"vault": None, "cashiers": []}
    for n in range(1, cashiers + 1):
        users.add_user(admin, f"caissier{n}", f"Caissier {n}", PASSWORD, ["cashier"])
    # as if each had chosen his own at his first login (a one-time password opens nothing)
    User.update(must_change_password=False).execute()
    with db.write_transaction():
        out["vault"] = accounts.internal_account(admin.branch_id, "cash_vault", "USD").id
        for n in range(1, cashiers + 1):
            member = members.create_row(
                admin, {"surname": f"Membre{n}", "first_name": "Test"}, FIRST_DAY)
            acc = accounts.open_member_account(member, "savings_free", "USD", "Free savings",
                                               FIRST_DAY)
            out["cashiers"].append({"user": f"caissier{n}", "account": acc.id})
    db.close()
    print(json.dumps(out), flush=True)


def post(path: str, username: str, account: int, count: int, wait_go: bool) -> int:
    from mifin_tui import db
    from mifin_tui.db import write_queue
    from mifin_tui.db.models import Account
    from mifin_tui.services.kernel import accounts, auth, ledger

    password = sys.stdin.readline().rstrip("\n")
    db.open_database(path)
    ctx = auth.login(username, password)
    with db.write_transaction():
        vault = accounts.internal_account(ctx.branch_id, "cash_vault", "USD").id
    Account.get_by_id(account)  # exists
    queue = write_queue.queue_for(db.database.obj.database)
    if wait_go:
        print("READY", flush=True)
        if sys.stdin.readline().strip() != "GO":
            return 3
    posted = errors = 0
    n = 0
    while count == 0 or n < count:
        n += 1
        amount = 100 + n % 97
        try:
            with db.write_transaction():
                # The write queue's ticket (taken before BEGIN IMMEDIATE), for the test of
                # the order in which the write lock is granted.
                ticket = queue.held_ticket() if queue is not None else None
                result = ledger.post(ctx, kind="deposit", label=f"Deposit {username} {n}",
                                     lines=[ledger.Line(vault, debit=amount),
                                            ledger.Line(account, credit=amount)],
                                     voucher_series="BE")
        except Exception:  # noqa: BLE001 - counted, shown, and the loop goes on
            errors += 1
            traceback.print_exc()
            continue
        posted += 1
        # Acknowledged only once the commit returned: the caller may rely on it.
        print(f"ACK {result.voucher_number} {ticket}", flush=True)
    db.close()
    print(f"DONE posted={posted} errors={errors}", flush=True)
    return 0 if errors == 0 else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["setup"]:
        setup(argv[1], int(argv[2]))
        return 0
    if argv[:1] == ["post"]:
        return post(argv[1], argv[2], int(argv[3]), int(argv[4]), "--wait-go" in argv)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
