"""The raw SQL of the ledger (`services/kernel/ledger.py`): the accounts a posting
touches, read as plain rows, and their running balances written back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from peewee import chunked

from mifin_tui.db.connection import database
from mifin_tui.db.queries import placeholders, rows

_ACCOUNTS = ('SELECT "id", "number", "status", "currency", "normal_side", "allow_negative", '
             '"balance", "gl_account_id" FROM "account" WHERE "id" IN ({})')


def posting_accounts(ids: Iterable[int]) -> list[tuple]:
    """(id, number, status, currency, normal_side, allow_negative, balance, gl_account_id)
    of these accounts; a batch touches thousands, read 500 at a time."""
    out: list[tuple] = []
    for chunk in chunked(sorted(set(ids)), 500):
        out += rows(_ACCOUNTS.format(placeholders(chunk)), chunk)
    return out


def run_many(sql: str, params: Sequence[Sequence[Any]]) -> None:
    """One statement executed for every tuple of `params` (executemany), with the bound
    database's parameter marker, as `run`."""
    if params:
        database.cursor().executemany(sql.replace("?", database.param), list(params))


def set_balances(balances: Sequence[tuple[int, int]]) -> None:
    """Write (balance, account id) pairs."""
    run_many('UPDATE "account" SET "balance" = ? WHERE "id" = ?', balances)
