"""A branch on its last business day of the year, with income, expenses and a till
difference: what a closing has to work on, built the same way every time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mifin_tui import db
from mifin_tui.db.models import User
from mifin_tui.services import accounts, institution, ledger, settings, tills, users

YEAR_END = date(2026, 12, 31)  # a Thursday; the next working day is Friday 1 January
ADMIN_PASSWORD = "Admin-pass-2026"
PASSWORD = "Secret-pass-2026"

# (GL key, currency, amount in minor units): income credited, expenses debited, against
# the vault. Several accounts per GL so that a small batch size makes several batches.
INCOME = [("fee_income", "USD", 12_500), ("fee_income", "USD", 7_500),
          ("penalty_income", "USD", 3_000), ("membership_fee_income", "CDF", 500_000),
          ("fee_income", "CDF", 250_000), ("interest_income_loans", "USD", 40_000)]
EXPENSES = [("interest_expense_savings", "USD", 9_000), ("till_shortage", "USD", 1_500),
            ("interest_expense_savings", "CDF", 120_000), ("write_off_expense", "USD", 2_000)]
# profit: USD 12,500 + 7,500 + 3,000 + 40,000 - 9,000 - 1,500 - 2,000 = 50,500
#         CDF 500,000 + 250,000 - 120,000 = 630,000
PROFIT = {"USD": 50_500, "CDF": 630_000}


def build(path: Path, *, day: date = YEAR_END, batch_size: int = 3,
          backup_dir: Path | None = None):
    """Create the branch in `path` (left open); returns (admin, manager, cashier)."""
    db.open_database(path)
    admin = institution.initialize(
        name="COOPEC Test", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Test",
        admin_password=ADMIN_PASSWORD, first_day=day)
    from mifin_tui.services import auth

    for name, role in (("gerant", "manager"), ("caissier", "cashier")):
        users.add_user(admin, name, f"User {name}", PASSWORD, [role], "en")
    User.update(must_change_password=False).execute()
    manager, cashier = auth.login("gerant", PASSWORD), auth.login("caissier", PASSWORD)
    with db.write_transaction():
        settings.put("closing_batch_size", batch_size)
        if backup_dir is not None:
            settings.put("closing_backup_dir", str(backup_dir))
        vault = tills.vault_of(admin.branch_id)
        for cur, amount in (("USD", 5_000_000), ("CDF", 900_000_000)):
            capital = accounts.internal_account(admin.branch_id, "share_capital", cur)
            ledger.post(admin, kind="capital", label=f"Capital {cur}",
                        lines=[ledger.Line(tills.cash_account(vault, cur).id, debit=amount),
                               ledger.Line(capital.id, credit=amount)])
        for key, cur, amount in INCOME:
            acc = accounts.new_internal_account(admin.branch_id, key, cur)
            ledger.post(admin, kind="manual", label=f"Income {key}",
                        lines=[ledger.Line(tills.cash_account(vault, cur).id, debit=amount),
                               ledger.Line(acc.id, credit=amount)], voucher_series="OD")
        for key, cur, amount in EXPENSES:
            acc = accounts.new_internal_account(admin.branch_id, key, cur)
            ledger.post(admin, kind="manual", label=f"Expense {key}",
                        lines=[ledger.Line(acc.id, debit=amount),
                               ledger.Line(tills.cash_account(vault, cur).id, credit=amount)],
                        voucher_series="OD")
    return admin, manager, cashier


def open_and_close_till(cashier, *, short_by: int = 0) -> None:
    """The cashier works till C01 for the day and closes it, `short_by` cents short."""
    from mifin_tui.db.models import Till

    till = Till.get(Till.code == "C01")
    tills.open_session(cashier, till.id, {})
    counts = {"USD": {}, "CDF": {}}
    if short_by:
        # the till was empty: a count of zero shows no shortage; supply it first
        from mifin_tui.services import transfers

        transfers.request(cashier, transfers.SUPPLY, "USD", 10_000, "float")
        counts["USD"] = tills.breakdown(10_000 - short_by, "USD")
    tills.close_session(cashier, counts, "Note missing" if short_by else "")
