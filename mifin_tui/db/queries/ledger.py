"""The raw SQL of the ledger (`services/kernel/ledger.py`): the accounts a posting
touches, read as plain rows, and their running balances written back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mifin_tui.db.queries import rows_in, run_many

_ACCOUNTS = ('SELECT "id", "number", "status", "currency", "normal_side", "allow_negative", '
             '"balance", "gl_account_id" FROM "account" WHERE "id" IN ({ids})')


def posting_accounts(ids: Iterable[int]) -> list[tuple]:
    """(id, number, status, currency, normal_side, allow_negative, balance, gl_account_id)
    of these accounts; a batch touches thousands."""
    return rows_in(_ACCOUNTS, sorted(set(ids)))


def set_balances(balances: Sequence[tuple[int, int]]) -> None:
    """Write (balance, account id) pairs."""
    run_many('UPDATE "account" SET "balance" = ? WHERE "id" = ?', balances)
