"""Standing orders and what the closing's automatic debit may take (#20): the loan's
linked account, the member's free savings, and any other account only through an active
standing order naming the loan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from mifin_tui.db.queries import placeholders, rows, rows_in
from mifin_tui.db.queries.balances import HOLDS, MINIMUM

# The savings kind of account a: a savings account not yet given its savings row is a free
# one (the closing adopts it into the free product of its currency).
KIND = ('coalesce((SELECT p."kind" FROM "savings_account" s JOIN "savings_product" p '
        'ON p."id" = s."product_id" WHERE s."account_id" = a."id"), \'free\')')

# Whether loan l's automatic debit may take savings account a.
DEBITABLE = (f'(a."id" = l."linked_account_id" OR {KIND} = \'free\' OR EXISTS (SELECT 1 '
             'FROM "standing_order" o JOIN "standing_order_loan" ol ON ol."order_id" = o."id" '
             'WHERE o."account_id" = a."id" AND o."status" = \'active\' '
             'AND ol."loan_id" = l."id"))')


def debit_sources(member_ids: Sequence[int]) -> list[tuple[int, int, str, str, int, int, int]]:
    """(account id, member id, currency, savings kind, balance, holds, minimum balance) of
    the active savings accounts of these members, oldest first."""
    return rows_in(f'SELECT a."id", a."member_id", a."currency", {KIND}, a."balance", {HOLDS}, '
                   f'{MINIMUM} FROM "account" a WHERE a."member_id" IN ({{ids}}) '
                   'AND a."kind" = \'savings\' AND a."status" = \'active\' ORDER BY a."id"',
                   sorted(set(member_ids)))


def ordered_accounts(loan_ids: Sequence[int]) -> dict[int, set[int]]:
    """{loan id: the accounts an active standing order lets its debit take}."""
    out: dict[int, set[int]] = defaultdict(set)
    for loan_id, account_id in rows_in(
            'SELECT ol."loan_id", o."account_id" FROM "standing_order_loan" ol '
            'JOIN "standing_order" o ON o."id" = ol."order_id" '
            'WHERE o."status" = \'active\' AND ol."loan_id" IN ({ids})', sorted(set(loan_ids))):
        out[loan_id].add(account_id)
    return dict(out)


def member_loans(member_id: int, states: Sequence[str]) -> list[tuple[int, str, str, str]]:
    """(id, number, currency, state) of a member's loans in these states, by id: what a
    standing order may name (plain rows: savings know nothing of loans)."""
    return rows('SELECT "id", "number", "currency", "state" FROM "loan" '
                f'WHERE "member_id" = ? AND "state" IN ({placeholders(states)}) ORDER BY "id"',
                (member_id, *states)) if states else []
