"""The available balance of a savings account, in one place: its balance less its
active holds less its product's minimum balance (what a withdrawal or a debit may take;
the pure rule, clamped at zero, is the loan engine's `available_balance`).

`AVAILABLE` is the SQL expression over an account aliased `a`, for the queries that
filter or order by it; `available` gives it for one account and `member_savings` the
parts of it for the savings accounts of many members (the closing's automatic debit)."""

from __future__ import annotations

from collections.abc import Sequence

from mifin_tui.db.queries import rows_in, value

# the parts of the available balance of the account `a`
HOLDS = ('coalesce((SELECT sum(h."amount") FROM "account_hold" h '
         'WHERE h."account_id" = a."id" AND h."status" = \'active\'), 0)')
# a savings account not yet given its savings row keeps the rule of the currency's first
# active free product, as the counter reads it; any other account has no minimum
MINIMUM = ('(CASE WHEN a."kind" = \'savings\' THEN coalesce((SELECT p."min_balance" '
           'FROM "savings_account" s JOIN "savings_product" p ON p."id" = s."product_id" '
           'WHERE s."account_id" = a."id"), (SELECT f."min_balance" FROM "savings_product" f '
           'WHERE f."kind" = \'free\' AND f."currency" = a."currency" AND f."active" '
           'ORDER BY f."id" LIMIT 1), 0) ELSE 0 END)')
AVAILABLE = f'(a."balance" - {HOLDS} - {MINIMUM})'


def available(account_id: int) -> int | None:
    """What may leave the account now (never below zero); None when there is no such
    account."""
    return value(f'SELECT CASE WHEN {AVAILABLE} > 0 THEN {AVAILABLE} ELSE 0 END '
                 'FROM "account" a WHERE a."id" = ?', (account_id,))


def member_savings(member_ids: Sequence[int]) -> list[tuple[int, int, str, int, int, int]]:
    """(account id, member id, currency, balance, holds, minimum balance) of the active
    savings accounts of these members, oldest first."""
    return rows_in(f'SELECT a."id", a."member_id", a."currency", a."balance", {HOLDS}, '
                   f'{MINIMUM} FROM "account" a WHERE a."member_id" IN ({{ids}}) '
                   'AND a."kind" = \'savings\' AND a."status" = \'active\' ORDER BY a."id"',
                   sorted(set(member_ids)))
