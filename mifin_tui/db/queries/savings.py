"""The savings area's raw SQL: dormancy, picked and marked set-based at the closing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mifin_tui.db.queries import placeholders, rows, rows_in, run_many


def dormancy_periods() -> list[int]:
    """The distinct dormancy periods (months) of the products that have one."""
    return [row[0] for row in rows(
        'SELECT DISTINCT "dormancy_months" FROM "savings_product" '
        'WHERE "dormancy_months" > 0 ORDER BY 1')]


def dormant_candidates(branch_id: int, months: int, cutoff: date,
                       not_client_moves: Sequence[str]) -> list[tuple[int, str, str]]:
    """(id, number, opened on) of the branch's active, awake savings accounts of products
    dormant after `months` with no movement of their own after `cutoff`: opened by then
    or moved by then. Postings of the kinds in `not_client_moves` are not the client's."""
    marks = placeholders(not_client_moves)
    own_move = ('SELECT 1 FROM "entry" e JOIN "journal_transaction" t ON t."id" = e."txn_id" '
                f'WHERE e."account_id" = a."id" AND t."kind" NOT IN ({marks})')
    return rows(
        'SELECT a."id", a."number", a."opened_on" FROM "account" a '
        'JOIN "savings_account" s ON s."account_id" = a."id" '
        'JOIN "savings_product" p ON p."id" = s."product_id" '
        'WHERE a."branch_id" = ? AND a."kind" = \'savings\' AND a."status" = \'active\' '
        'AND NOT s."dormant" AND p."dormancy_months" = ? '
        f'AND NOT EXISTS ({own_move} AND t."business_date" > ?) '
        f'AND (a."opened_on" <= ? OR EXISTS ({own_move})) ORDER BY a."id"',
        (branch_id, months, *not_client_moves, cutoff.isoformat(), cutoff.isoformat(),
         *not_client_moves))


def last_own_moves(account_ids: list[int], not_client_moves: Sequence[str]
                   ) -> dict[int, str]:
    """The last business date of these accounts' own movements, where they have one."""
    return dict(rows_in(
        'SELECT e."account_id", max(t."business_date") FROM "entry" e '
        'JOIN "journal_transaction" t ON t."id" = e."txn_id" '
        'WHERE e."account_id" IN ({ids}) '
        f'AND t."kind" NOT IN ({placeholders(not_client_moves)}) GROUP BY e."account_id"',
        account_ids, not_client_moves))


def mark_dormant(account_ids: Sequence[int], since: date) -> None:
    run_many('UPDATE "savings_account" SET "dormant" = 1, "dormant_since" = ? '
             'WHERE "account_id" = ?', [(since.isoformat(), i) for i in account_ids])
