"""The raw SQL of the ledger (`services/kernel/ledger.py`): the accounts a posting
touches, read as plain rows, and their running balances written back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from mifin_tui.db.queries import rows, rows_in, run, run_many

_ACCOUNTS = ('SELECT "id", "number", "status", "currency", "normal_side", "allow_negative", '
             '"balance", "gl_account_id" FROM "account" WHERE "id" IN ({ids})')


def posting_accounts(ids: Iterable[int]) -> list[tuple]:
    """(id, number, status, currency, normal_side, allow_negative, balance, gl_account_id)
    of these accounts; a batch touches thousands."""
    return rows_in(_ACCOUNTS, sorted(set(ids)))


def set_balances(balances: Sequence[tuple[int, int]]) -> None:
    """Write (balance, account id) pairs."""
    run_many('UPDATE "account" SET "balance" = ? WHERE "id" = ?', balances)


def chain_head() -> tuple[int, str] | None:
    """(txn id, hash) of the ledger chain's newest link."""
    found = rows('SELECT "txn_id", "hash" FROM "ledger_chain" ORDER BY "txn_id" DESC LIMIT 1')
    return (found[0][0], found[0][1]) if found else None


def chain_link(txn_id: int) -> tuple[str, str] | None:
    """(prev hash, hash) of a transaction's link."""
    found = rows('SELECT "prev_hash", "hash" FROM "ledger_chain" WHERE "txn_id" = ?',
                 (txn_id,))
    return (found[0][0], found[0][1]) if found else None


def has_transactions() -> bool:
    return bool(rows('SELECT 1 FROM "journal_transaction" LIMIT 1'))


def chain_rows(after_id: int = 0, only_id: int | None = None) -> Iterator[tuple]:
    """Each transaction after `after_id` (or only `only_id`) once per line, in id and line
    order: the transaction's columns a link covers, the line's, then its link's prev hash
    and hash (NULL without a link, or without lines for a line's columns)."""
    where = 't."id" = ?' if only_id is not None else 't."id" > ?'
    return iter(run(
        'SELECT t."id", t."uid", t."branch_id", t."business_date", t."user_id", t."kind", '
        't."voucher_number", t."label", t."reverses_id", '
        'e."line", e."account_id", e."debit", e."credit", e."currency", e."balance_after", '
        'e."label", c."prev_hash", c."hash" FROM "journal_transaction" t '
        'LEFT JOIN "entry" e ON e."txn_id" = t."id" '
        'LEFT JOIN "ledger_chain" c ON c."txn_id" = t."id" '
        f'WHERE {where} ORDER BY t."id", e."line"',
        (only_id if only_id is not None else after_id,)))


def receipt_facts(txn_id: int) -> tuple | None:
    """(voucher number, business date, amount, link hash) of a transaction: its amount
    is its cash voucher's, else the sum of its debits."""
    found = rows(
        'SELECT t."voucher_number", t."business_date", '
        'coalesce((SELECT v."amount" FROM "voucher" v WHERE v."txn_id" = t."id"), '
        '         (SELECT sum(e."debit") FROM "entry" e WHERE e."txn_id" = t."id")), '
        'c."hash" FROM "journal_transaction" t '
        'LEFT JOIN "ledger_chain" c ON c."txn_id" = t."id" WHERE t."id" = ?', (txn_id,))
    return found[0] if found else None


def transaction_by_voucher(number: str) -> tuple | None:
    """(id, reversed by: id and voucher number) of the transaction with this voucher."""
    found = rows(
        'SELECT t."id", r."id", r."voucher_number" FROM "journal_transaction" t '
        'LEFT JOIN "journal_transaction" r ON r."reverses_id" = t."id" '
        'WHERE t."voucher_number" = ?', (number,))
    return found[0] if found else None
