"""A branch on its last business day of the year, with income, expenses and a till
difference: what a closing has to work on, built the same way every time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mifin_tui import db
from mifin_tui.db.models import LedgerChain, User
from mifin_tui.services.admin import institution, users
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, audit, chain, ledger, settings

YEAR_END = date(2026, 12, 31)  # a Thursday; the next working day is Friday 1 January
ADMIN_PASSWORD = "Kalamu-pass-2026"
# The rates the BCC leaves to the institution, as filled at init (0 %).
BCC_RATES = {"impaye": 0, "douteux": 0, "contentieux": 0, "irrecuperable": 0}
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
        admin_password=ADMIN_PASSWORD, first_day=day, provision_rates=BCC_RATES)
    from mifin_tui.services.kernel import auth

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
    count_vault(cashier, manager)
    return admin, manager, cashier


def login(username: str):
    from mifin_tui.services.kernel import auth

    return auth.login(username, PASSWORD)


def count_vault(counter=None, witness=None) -> None:
    """The vault counted as the books say, by the cashier and confirmed by the gérant:
    what the closing needs of the day (#21). Call again after the vault moved."""
    from mifin_tui.services.cash import vault
    from mifin_tui.services.kernel import auth

    counter = counter or auth.login("caissier", PASSWORD)
    witness = witness or auth.login("gerant", PASSWORD)
    book = tills.till_balances(tills.vault_of(counter.branch_id))
    c = vault.record_count(counter, {cur: tills.breakdown(amount, cur)
                                     for cur, amount in book.items()})
    vault.confirm(witness, c.id)


def open_and_close_till(cashier, *, short_by: int = 0) -> None:
    """The cashier works till C01 for the day and closes it, `short_by` cents short: the
    gérant charges the shortage to expense; the vault is counted again."""
    from mifin_tui.db.models import Till
    from mifin_tui.services.kernel import auth

    till = Till.get(Till.code == "C01")
    tills.open_session(cashier, till.id, {})
    counts = {"USD": {}, "CDF": {}}
    if short_by:
        # the till was empty: a count of zero shows no shortage; supply it first
        from mifin_tui.services.cash import differences, transfers

        manager = auth.login("gerant", PASSWORD)
        t = transfers.request(cashier, transfers.SUPPLY, "USD", 10_000, "float")
        transfers.approve(manager, t.id)
        counts["USD"] = tills.breakdown(10_000 - short_by, "USD")
    tills.close_session(cashier, counts, "Note missing" if short_by else "")
    if short_by:
        held = differences.branch_differences(manager, open_only=True)[0]
        differences.decide(manager, held.id, differences.CHARGE, "Not found")
        count_vault(cashier, manager)


# --- a loan portfolio, built by SQL (the resume test and bench/closing.py) -------------

LOAN_AMOUNT = 120_000  # 12 weekly instalments of 10,000 principal + 1,000 interest
SAVINGS = 30_000       # what each borrower has on his savings account (a quarter: none)


def add_loans(admin, n: int, day, *, accrual: str = "due_date") -> None:
    """`n` active weekly loans of `n` new members, each with a savings account linked to
    the loan, as a migrated portfolio (one opening transaction for the savings, one for
    the loans). Loan i: its last due date `i % 7` days before `day` (0: due today), and
    `(i // 7) % 4` more weeks of instalments due before it; i % 4 in (0, 1): what fell due
    before `day` is paid; 2, 3: unpaid (arrears); 3: no savings either. The product
    charges 0.5 % a day after 3 days' grace, capped at 10 % of the instalment."""
    from mifin_tui.services.loans import products as loan_products
    from mifin_tui.services.loans.products import ProductSpec

    product = loan_products.create(admin, ProductSpec(
        code="HEBDO", name="Crédit hebdomadaire", currency="USD", amount_min=10_000,
        amount_max=10_000_000, term_min=4, term_max=52, rate_min_bp=1000, rate_max_bp=4000,
        rate_default_bp=2400)).id
    sql = db.database.execute_sql
    one = lambda q, p=(): sql(q, p).fetchone()[0]  # noqa: E731
    with db.write_transaction():
        sql('UPDATE "loan_product" SET "penalty_kind" = \'daily\', "penalty_value" = 50, '
            '"penalty_grace_days" = 3, "penalty_cap_bp" = 1000, "accrual" = ? '
            'WHERE "id" = ?', (accrual, product))
        vault = tills.cash_account(tills.vault_of(admin.branch_id), "USD")
        capital = accounts.internal_account(admin.branch_id, "share_capital", "USD")
        ledger.post(admin, kind="capital", label="Portfolio capital",
                    lines=[ledger.Line(vault.id, debit=n * LOAN_AMOUNT),
                           ledger.Line(capital.id, credit=n * LOAN_AMOUNT)])
        vault_balance = one('SELECT "balance" FROM "account" WHERE "id" = ?', (vault.id,))
        m0 = one('SELECT coalesce(max(id), 0) FROM "member"')
        a0 = one('SELECT coalesce(max(id), 0) FROM "account"')
        l0 = one('SELECT coalesce(max(id), 0) FROM "loan"')
        t0 = one('SELECT coalesce(max(id), 0) FROM "journal_transaction"')
        free = one('SELECT "id" FROM "savings_product" WHERE "kind" = \'free\' AND '
                   '"currency" = \'USD\'')
        gl_sav = accounts.gl_by_key("savings_free").id
        gl_loan = accounts.gl_by_key("loans_outstanding").id
        now, d = "2026-01-01 08:00:00+00:00", day.isoformat()
        series = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})"
        sql(f'{series} INSERT INTO "member" ("id", "uid", "number", "branch_id", "kind", '
            '"surname", "postname", "first_name", "legal_name", "sex", "birth_place", "phone", '
            '"profession", "address", "commune", "city", "province", "id_type", "id_number", '
            '"joined_on", "status", "search_key", "created_by_id", "created_at") '
            f"SELECT {m0} + i, printf('m%08d', {m0} + i), printf('KIN-L%07d', i), 1, 'person', "
            "'Emprunteur' || i, '', 'Test', '', 'F', '', '', '', '', '', '', '', '', '', "
            f"'2025-01-01', 'member', 'emprunteur' || i, 1, '{now}' FROM n")
        # savings accounts a0+i, loan accounts a0+n+i
        sql(f'{series} INSERT INTO "account" ("id", "uid", "number", "branch_id", "kind", '
            '"gl_account_id", "member_id", "currency", "name", "normal_side", "allow_negative", '
            '"balance", "status", "opened_on", "created_at") '
            f"SELECT {a0} + i, printf('a%08d', {a0} + i), printf('KIN-21-L%07d', i), 1, "
            f"'savings', {gl_sav}, {m0} + i, 'USD', 'Free savings', 'credit', 0, "
            f"CASE WHEN i % 4 = 3 THEN 0 ELSE {SAVINGS} END, 'active', '2025-01-01', '{now}' "
            "FROM n")
        sql(f'{series} INSERT INTO "savings_account" ("account_id", "product_id", '
            '"planned_amount", "collateral", "dormant", "passbook_entry_id", "passbook_line") '
            f"SELECT {a0} + i, {free}, 0, 0, 0, 0, 0 FROM n")
        # instalment k (1..12) of loan i falls due on day - o - 7 w + 7 (k - 1)
        offset = "(i % 7 + 7 * ((i / 7) % 4))"
        # principal already repaid: the instalments due before `day`, for i % 4 in (0, 1)
        paid_k = f"(CASE WHEN i % 4 < 2 THEN ({offset} + 6) / 7 ELSE 0 END)"
        sql(f'{series} INSERT INTO "account" ("id", "uid", "number", "branch_id", "kind", '
            '"gl_account_id", "member_id", "currency", "name", "normal_side", "allow_negative", '
            '"balance", "status", "opened_on", "created_at") '
            f"SELECT {a0} + {n} + i, printf('a%08d', {a0} + {n} + i), "
            f"printf('KIN-30-L%07d', i), 1, 'loan', {gl_loan}, {m0} + i, 'USD', 'Loan', "
            f"'debit', 0, {LOAN_AMOUNT} - 10000 * {paid_k}, 'active', '2025-01-01', '{now}' "
            "FROM n")
        sql(f'{series} INSERT INTO "loan" ("id", "uid", "number", "branch_id", "member_id", '
            '"product_id", "account_id", "linked_account_id", "currency", "state", '
            '"amount_requested", "term_requested", "rate_bp", "purpose", "activity", '
            '"monthly_income", "project_estimate", "override_reason", "visitor", '
            '"visit_findings", "visit_recommendation", "committee_round", "amount_approved", '
            '"term_approved", "terms_json", "fees", "decision_reason", "board_reference", '
            '"disbursement_mode", "disbursed_on", "contracts_printed", "created_by_id", '
            '"created_at", "days_past_due", "classification", "provision", "restructured", '
            '"written_off_amount", "write_off_reason") '
            f"SELECT {l0} + i, printf('l%08d', {l0} + i), printf('KIN-P%07d', i), 1, {m0} + i, "
            f"{product}, {a0} + {n} + i, {a0} + i, 'USD', 'active', {LOAN_AMOUNT}, 12, 2400, "
            "'Commerce', '', 0, 0, '', '', '', '', 1, "
            f"{LOAN_AMOUNT}, 12, '', 0, '', '', 'savings', "
            f"date('{d}', '-' || ({offset} + 7) || ' days'), 0, 1, '{now}', 0, '', 0, 0, 0, '' "
            "FROM n")
        sql(f'{series}, k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 12) '
            'INSERT INTO "loan_installment" ("loan_id", "no", "due_date", "principal_due", '
            '"interest_due", "fees_due", "principal_paid", "interest_paid", "fees_paid", '
            '"penalties_due", "penalties_paid", "interest_accrued", "paid_on") '
            f"SELECT {l0} + i, k, date('{d}', ((k - 1) * 7 - {offset}) || ' days'), 10000, "
            f"1000, 0, CASE WHEN k <= {paid_k} THEN 10000 ELSE 0 END, "
            f"CASE WHEN k <= {paid_k} THEN 1000 ELSE 0 END, 0, 0, 0, "
            f"CASE WHEN k <= {paid_k} THEN 1000 ELSE 0 END, "
            f"CASE WHEN k <= {paid_k} THEN date('{d}', ((k - 1) * 7 - {offset}) || ' days') END "
            "FROM n, k ORDER BY 1, 2")
        # the opening transactions: savings (credits, the vault's debit) and loans
        savings_total = one(f'SELECT coalesce(sum("balance"), 0) FROM "account" WHERE "id" '
                            f'> {a0} AND "id" <= {a0} + {n}')
        loans_total = one(f'SELECT coalesce(sum("balance"), 0) FROM "account" WHERE "id" '
                          f'> {a0} + {n}')
        for t, kind, label in ((t0 + 1, "opening_balance", "Savings taken over"),
                               (t0 + 2, "opening_balance", "Loan portfolio taken over")):
            sql('INSERT INTO "journal_transaction" ("id", "uid", "branch_id", '
                '"business_date", "posted_at", "user_id", "kind", "voucher_series", '
                '"voucher_number", "label") VALUES (?, ?, 1, ?, ?, 1, ?, NULL, NULL, ?)',
                (t, f"t{t:08d}", d, now, kind, label))
        sql('INSERT INTO "entry" ("txn_id", "line", "account_id", "gl_account_id", "debit", '
            '"credit", "currency", "balance_after", "label") VALUES (?, 1, ?, ?, ?, 0, '
            "'USD', ?, '')", (t0 + 1, vault.id, vault.gl_account_id, savings_total,
                             vault_balance + savings_total))
        sql(f'INSERT INTO "entry" ("txn_id", "line", "account_id", "gl_account_id", "debit", '
            '"credit", "currency", "balance_after", "label") '
            f'SELECT {t0 + 1}, 1 + "id" - {a0}, "id", {gl_sav}, 0, "balance", \'USD\', '
            f'"balance", \'\' FROM "account" WHERE "id" > {a0} AND "id" <= {a0} + {n} '
            'AND "balance" > 0 ORDER BY "id"')
        sql(f'INSERT INTO "entry" ("txn_id", "line", "account_id", "gl_account_id", "debit", '
            '"credit", "currency", "balance_after", "label") '
            f'SELECT {t0 + 2}, "id" - {a0} - {n}, "id", {gl_loan}, "balance", 0, \'USD\', '
            f'"balance", \'\' FROM "account" WHERE "id" > {a0} + {n} ORDER BY "id"')
        sql('INSERT INTO "entry" ("txn_id", "line", "account_id", "gl_account_id", "debit", '
            '"credit", "currency", "balance_after", "label") VALUES (?, ?, ?, ?, 0, ?, '
            "'USD', ?, '')", (t0 + 2, n + 1, vault.id, vault.gl_account_id, loans_total,
                             vault_balance + savings_total - loans_total))
        sql('UPDATE "account" SET "balance" = ? WHERE "id" = ?',
            (vault_balance + savings_total - loans_total, vault.id))
        sql('INSERT INTO "txn_seal" ("txn_id") VALUES (?), (?)', (t0 + 1, t0 + 2))
        # linked in the books' chain and audited, as ledger.post would have
        prev = chain.heads().ledger_hash
        for link in list(chain.links(after_id=t0)):
            prev_link, prev = prev, chain.link_hash(None, prev, link.txn, link.lines)
            LedgerChain.insert(txn=link.txn[0], prev_hash=prev_link, hash=prev).execute()
            audit.record(admin, "ledger.post", "journal_transaction", link.txn[1],
                         after={"kind": link.txn[5], "label": link.txn[7]})
    count_vault()  # the portfolio's opening moved the vault: the day's count again
