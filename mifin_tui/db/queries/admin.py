"""The raw SQL of `mifin check` and `mifin backup`: what proves the books are whole.

The checks read the store as it is, under the models: counts, sums and joins that
must agree whatever wrote the rows. The PRAGMAs are SQLite's own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from mifin_tui.db.queries import rows, run

# The tables `check` counts or reads the top id of: table names are not parameters.
_TABLES = frozenset({"account", "entry", "journal_transaction"})


def integrity_check() -> list[tuple]:
    """SQLite's integrity_check on the open database: [("ok",)] when it is sound."""
    return rows("PRAGMA integrity_check")


def foreign_key_check(limit: int) -> list[tuple]:
    """The first rows pointing to a missing parent: (table, rowid, parent, fk index)."""
    return rows("PRAGMA foreign_key_check")[:limit]


def count(table: str) -> int:
    if table not in _TABLES:
        raise ValueError(f"unexpected table {table!r}")
    return rows(f'SELECT count(*) FROM "{table}"')[0][0]


def max_id(table: str) -> int | None:
    if table not in _TABLES:
        raise ValueError(f"unexpected table {table!r}")
    return rows(f'SELECT max("id") FROM "{table}"')[0][0]


def unsealed_transactions(limit: int) -> list[tuple]:
    """(txn id,) of journal transactions without their seal."""
    return rows(
        'SELECT t."id" FROM "journal_transaction" t LEFT JOIN "txn_seal" s '
        'ON s."txn_id" = t."id" WHERE s."txn_id" IS NULL LIMIT ?', (limit,))


def unbalanced_transactions(limit: int) -> list[tuple]:
    """(txn id, currency, debits - credits) of transactions that do not balance."""
    return rows(
        'SELECT "txn_id", "currency", sum("debit") - sum("credit") FROM "entry" '
        'GROUP BY "txn_id", "currency" HAVING sum("debit") <> sum("credit") LIMIT ?',
        (limit,))


def totals_by_currency() -> list[tuple]:
    """(currency, debits, credits) of the whole ledger."""
    return rows(
        'SELECT "currency", sum("debit"), sum("credit") FROM "entry" GROUP BY "currency"')


def balance_mismatches(limit: int) -> list[tuple]:
    """(number, stored balance, balance the entries give, last line's balance) of the
    accounts whose running balance disagrees with its entries or its last line."""
    return rows(
        'WITH sums AS (SELECT a."number" AS number, a."balance" AS balance, '
        '  coalesce(sum(CASE WHEN a."normal_side" = \'debit\' THEN e."debit" - e."credit" '
        '                    ELSE e."credit" - e."debit" END), 0) AS derived, '
        '  (SELECT e2."balance_after" FROM "entry" e2 WHERE e2."account_id" = a."id" '
        '   ORDER BY e2."id" DESC LIMIT 1) AS last '
        '  FROM "account" a LEFT JOIN "entry" e ON e."account_id" = a."id" GROUP BY a."id") '
        'SELECT number, balance, derived, last FROM sums '
        'WHERE balance <> derived OR balance <> coalesce(last, balance) LIMIT ?', (limit,))


def entries_on_another_gl(limit: int) -> list[tuple]:
    """(account number, entry id) of entries whose GL account is not their account's."""
    return rows(
        'SELECT a."number", e."id" FROM "entry" e JOIN "account" a ON a."id" = e."account_id" '
        'WHERE e."gl_account_id" <> a."gl_account_id" LIMIT ?', (limit,))


def digest_entries() -> Iterator[tuple]:
    """Every entry with its transaction, in order, without posting times or uids."""
    return iter(run(
        'SELECT t."id", t."branch_id", t."business_date", t."kind", t."voucher_number", '
        't."label", t."reverses_id", e."line", a."number", e."debit", e."credit", '
        'e."currency", e."balance_after", e."label" FROM "entry" e '
        'JOIN "journal_transaction" t ON t."id" = e."txn_id" '
        'JOIN "account" a ON a."id" = e."account_id" ORDER BY t."id", e."line"'
    ))


def digest_balances() -> Iterator[tuple]:
    """Every account's number, currency, balance and status, by number."""
    return iter(run(
        'SELECT "number", "currency", "balance", "status" FROM "account" ORDER BY "number"'
    ))


# --- a backup's copy: a plain SQLite file, opened on its own connection ----------------

FILE_CHECKS = {"full": "integrity_check", "quick": "quick_check"}


def use_rollback_journal(conn: sqlite3.Connection) -> None:
    """A copy stands alone: no -wal file beside it."""
    conn.execute("PRAGMA journal_mode=DELETE")


def file_check(conn: sqlite3.Connection, check: str) -> tuple | None:
    """SQLite's full or quick check of the file behind `conn`: its first row."""
    return conn.execute(f"PRAGMA {FILE_CHECKS[check]}").fetchone()


# --- the books' evidence: vouchers, and the audit rows of the postings -------------------

def voucher_numbers() -> Iterator[tuple]:
    """(voucher number,) of every journal transaction that has one (streamed)."""
    return iter(run('SELECT "voucher_number" FROM "journal_transaction" '
                    'WHERE "voucher_number" IS NOT NULL'))


def voucher_counters() -> list[tuple]:
    """(counter name, last number drawn) of the voucher series."""
    return rows('SELECT "name", "value" FROM "counter" WHERE "name" LIKE \'voucher:%\'')


_POST_ROWS = ('SELECT "entity_id" FROM "audit_log" WHERE "action" = \'ledger.post\' '
              'AND "entity" = \'journal_transaction\'')


def transactions_without_audit(limit: int) -> list[tuple]:
    """(id, voucher number) of transactions whose posting has no audit row."""
    return rows(
        'SELECT "id", "voucher_number" FROM "journal_transaction" WHERE "uid" IN '
        f'(SELECT "uid" FROM "journal_transaction" EXCEPT {_POST_ROWS}) '
        'ORDER BY "id" LIMIT ?', (limit,))


def audit_without_transaction(limit: int) -> list[tuple]:
    """(seq, after) of the audit rows of postings whose transaction is not in the ledger."""
    return rows(
        'SELECT "seq", "after" FROM "audit_log" WHERE "action" = \'ledger.post\' '
        'AND "entity" = \'journal_transaction\' AND "entity_id" IN '
        f'({_POST_ROWS} EXCEPT SELECT "uid" FROM "journal_transaction") '
        'ORDER BY "seq" LIMIT ?', (limit,))
