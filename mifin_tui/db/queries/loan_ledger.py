"""Where a loan sits in the ledger: its own account (the product's portfolio GL) and its
sub-accounts, numbered "<loan account number>/<GL code>", one per class account the
closing moved it to and one for its reserved interest."""

from __future__ import annotations

from collections.abc import Sequence

from mifin_tui.db.queries import rows, rows_in

# The main account first (code ''), then its sub-accounts: the number range
# "N/" <= number < "N0" holds exactly "N/...", and the unique index on number serves it.
_POSITION = (
    'WITH m AS (SELECT l."id" AS loan, a."id" AS acc, a."number" AS num, '
    'a."balance" AS bal FROM "loan" l JOIN "account" a ON a."id" = l."account_id" '
    'WHERE l."id" IN ({ids})) '
    "SELECT loan, acc, bal, '', num FROM m UNION ALL "
    'SELECT m.loan, a."id", a."balance", g."code", coalesce(g."key", \'\') FROM m '
    'JOIN "account" a ON a."number" >= m.num || \'/\' AND a."number" < m.num || \'0\' '
    'JOIN "gl_account" g ON g."id" = a."gl_account_id" ORDER BY 1, 4')


def positions(ids: Sequence[int]) -> list[tuple]:
    """(loan id, account id, balance, GL code, GL key) of these loans' sub-accounts and
    (loan id, account id, balance, '', account number) of their own, by loan."""
    return rows_in(_POSITION, ids)


def reclass_candidates(branch_id: int, states: Sequence[str], cursor: int, limit: int,
                       performing: Sequence[str]) -> list[tuple]:
    """The next `limit` loans after `cursor` the reclassing may have to move: in these
    states and classified outside `performing` or restructured, or in any state with a
    sub-account that holds something. (id, state, classification, restructured,
    product id)."""
    marks = ", ".join("?" for _ in states)
    keep = ", ".join("?" for _ in performing) or "''"
    return rows(
        'SELECT l."id", l."state", l."classification", l."restructured", l."product_id" '
        'FROM "loan" l JOIN "account" a ON a."id" = l."account_id" '
        # a closed loan account takes no posting: such a loan waits for the accountant
        'WHERE l."branch_id" = ? AND l."id" > ? AND a."status" = \'active\' '
        f'AND ((l."state" IN ({marks}) AND (l."classification" NOT IN ({keep}) '
        'OR l."restructured")) '
        'OR EXISTS (SELECT 1 FROM "account" s WHERE s."number" >= a."number" || \'/\' '
        'AND s."number" < a."number" || \'0\' AND s."balance" <> 0)) '
        'ORDER BY l."id" LIMIT ?',
        (branch_id, cursor, *states, *performing, limit))


def open_receivable(ids: Sequence[int]) -> dict[int, int]:
    """{loan id: interest accrued to the receivable and not yet paid}."""
    return dict(rows_in(
        'SELECT "loan_id", sum(CASE WHEN "interest_accrued" > "interest_paid" '
        'THEN "interest_accrued" - "interest_paid" ELSE 0 END) FROM '
        '"loan_installment" WHERE "loan_id" IN ({ids}) GROUP BY "loan_id"', ids))


def classifications(ids: Sequence[int]) -> dict[int, str]:
    """{loan id: its classification at the last closing}."""
    return dict(rows_in('SELECT "id", "classification" FROM "loan" WHERE "id" IN ({ids})',
                        ids))


def loan_refs(ids: Sequence[int]) -> list[tuple]:
    """(id, number, branch id, member id, currency, account id) of these loans."""
    return rows_in('SELECT "id", "number", "branch_id", "member_id", "currency", '
                   '"account_id" FROM "loan" WHERE "id" IN ({ids})', ids)
