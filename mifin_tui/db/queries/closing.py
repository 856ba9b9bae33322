"""The raw SQL of the nightly closing's loan steps (`services/closing/`): the loans each
step has work on, picked set-based in batches after a cursor, and what the steps read and
write in bulk. The loan states a step serves are the caller's (`loans.states`), passed
as parameters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from mifin_tui.db.queries import placeholders, rows, rows_in, run_many
from mifin_tui.db.queries.balances import AVAILABLE
from mifin_tui.db.queries.standing_orders import DEBITABLE

# Something of the instalment `i` is still unpaid.
UNPAID = ('(i."principal_due" + i."interest_due" + i."fees_due" + i."penalties_due") > '
          '(i."principal_paid" + i."interest_paid" + i."fees_paid" + i."penalties_paid")')


def _ids(sql: str, params: Sequence[Any]) -> list[int]:
    return [r[0] for r in rows(sql, params)]


def unbalanced_day(branch_id: int, day: date) -> list[tuple[str, int, int]]:
    """(currency, debits, credits) of the day's journal where they differ."""
    return rows('SELECT e."currency", sum(e."debit"), sum(e."credit") FROM "entry" e '
                'JOIN "journal_transaction" t ON t."id" = e."txn_id" '
                'WHERE t."branch_id" = ? AND t."business_date" = ? GROUP BY e."currency" '
                'HAVING sum(e."debit") <> sum(e."credit")', (branch_id, day.isoformat()))


# --- automatic debit --------------------------------------------------------------------


def debit_candidates(branch_id: int, states: Sequence[str], day: date, cursor: int,
                     limit: int) -> list[int]:
    """Loans with something due and unpaid, not yet debited on `day`, whose borrower has
    something available in the loan's currency on an account its debit may take
    (`standing_orders.DEBITABLE`)."""
    d = day.isoformat()
    return _ids(
        f'SELECT l."id" FROM "loan" l WHERE l."branch_id" = ? AND l."state" IN '
        f'({placeholders(states)}) AND l."id" > ? '
        'AND EXISTS (SELECT 1 FROM "loan_installment" i WHERE i."loan_id" = l."id" '
        f'AND i."due_date" <= ? AND {UNPAID}) '
        'AND EXISTS (SELECT 1 FROM "account" a WHERE a."member_id" = l."member_id" '
        'AND a."kind" = \'savings\' AND a."status" = \'active\' '
        f'AND a."currency" = l."currency" AND {AVAILABLE} > 0 AND {DEBITABLE}) '
        'AND NOT EXISTS (SELECT 1 FROM "repayment" r WHERE r."loan_id" = l."id" '
        'AND r."business_date" = ? AND r."channel" = \'auto_debit\') '
        'ORDER BY l."id" LIMIT ?', (branch_id, *states, cursor, d, d, limit))


def debit_loans(ids: Sequence[int]) -> list[tuple]:
    """(id, number, state, member id, currency, product id, account id, linked account
    id, disbursed on) of these loans, by id."""
    return rows('SELECT "id", "number", "state", "member_id", "currency", "product_id", '
                '"account_id", "linked_account_id", "disbursed_on" FROM "loan" '
                f'WHERE "id" IN ({placeholders(ids)}) ORDER BY "id"', ids)


def debited_on(ids: Sequence[int], day: date) -> set[int]:
    """Those of these loans already debited automatically on `day`."""
    return set(_ids(f'SELECT "loan_id" FROM "repayment" WHERE "loan_id" IN '
                    f'({placeholders(ids)}) AND "business_date" = ? '
                    'AND "channel" = \'auto_debit\'', (*ids, day.isoformat())))


def numbers_and_currencies(ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """{loan id: (number, currency)}."""
    return {r[0]: (r[1], r[2]) for r in rows_in(
        'SELECT "id", "number", "currency" FROM "loan" WHERE "id" IN ({ids})', ids)}


# --- penalties --------------------------------------------------------------------------


def penalty_candidates(branch_id: int, states: Sequence[str], day: date, cursor: int,
                       limit: int) -> list[int]:
    """Loans of a product with penalties with an instalment due before `day` whose
    principal or interest is unpaid."""
    return _ids(
        'SELECT l."id" FROM "loan" l JOIN "loan_product" p ON p."id" = l."product_id" '
        f'WHERE l."branch_id" = ? AND l."state" IN ({placeholders(states)}) AND l."id" > ? '
        'AND p."penalty_kind" <> \'none\' AND p."penalty_value" > 0 '
        'AND EXISTS (SELECT 1 FROM "loan_installment" i WHERE i."loan_id" = l."id" '
        'AND i."due_date" < ? AND (i."principal_due" + i."interest_due") > '
        '(i."principal_paid" + i."interest_paid")) ORDER BY l."id" LIMIT ?',
        (branch_id, *states, cursor, day.isoformat(), limit))


def penalty_loans(ids: Sequence[int]) -> list[tuple]:
    """(id, currency, disbursed on, product id) of these loans, by id."""
    return rows('SELECT "id", "currency", "disbursed_on", "product_id" FROM "loan" '
                f'WHERE "id" IN ({placeholders(ids)}) ORDER BY "id"', ids)


def instalments_due_before(ids: Sequence[int], through: date) -> list[tuple]:
    """(loan id, id, no, due date, principal/interest/fees/penalties due, the same paid)
    of these loans' instalments due before `through`, by loan and number."""
    return rows(
        'SELECT "loan_id", "id", "no", "due_date", "principal_due", "interest_due", '
        '"fees_due", "penalties_due", "principal_paid", "interest_paid", "fees_paid", '
        f'"penalties_paid" FROM "loan_installment" WHERE "loan_id" IN ({placeholders(ids)}) '
        'AND "due_date" < ? ORDER BY "loan_id", "no"', (*ids, through.isoformat()))


def add_penalties(updates: Sequence[tuple[int, int]]) -> None:
    """(amount, instalment id): penalties charged to the instalments."""
    run_many('UPDATE "loan_installment" SET "penalties_due" = "penalties_due" + ? '
             'WHERE "id" = ?', updates)


def currencies(ids: Sequence[int]) -> dict[int, str]:
    """{loan id: currency}."""
    return {loan_id: cur for loan_id, (_number, cur) in numbers_and_currencies(ids).items()}


# --- interest accrual -------------------------------------------------------------------


def accrual_candidates(branch_id: int, states: Sequence[str], day: date, cursor: int,
                       limit: int) -> list[int]:
    """Loans with interest neither accrued nor paid that is earned by `day`."""
    return _ids(
        'SELECT l."id" FROM "loan" l JOIN "loan_product" p ON p."id" = l."product_id" '
        f'WHERE l."branch_id" = ? AND l."state" IN ({placeholders(states)}) AND l."id" > ? '
        'AND EXISTS (SELECT 1 FROM "loan_installment" i WHERE i."loan_id" = l."id" '
        'AND i."interest_accrued" < i."interest_due" '
        'AND i."interest_paid" < i."interest_due" '
        'AND (i."due_date" <= ? OR p."accrual" = \'daily\')) ORDER BY l."id" LIMIT ?',
        (branch_id, *states, cursor, day.isoformat(), limit))


def accrual_rows(ids: Sequence[int], day: date) -> list[tuple]:
    """(instalment id, currency, accrual, GL interest, GL receivable, interest due,
    accrued, paid, due date, start of its period, loan id) of the instalments of these
    loans with interest earned by `day` and neither accrued nor paid, by id."""
    return rows(
        'SELECT i."id", l."currency", p."accrual", p."gl_interest", '
        'p."gl_interest_receivable", i."interest_due", i."interest_accrued", '
        'i."interest_paid", i."due_date", coalesce((SELECT max(j."due_date") FROM '
        '"loan_installment" j WHERE j."loan_id" = i."loan_id" AND j."no" < i."no"), '
        'l."disbursed_on"), i."loan_id" FROM "loan_installment" i '
        'JOIN "loan" l ON l."id" = i."loan_id" '
        'JOIN "loan_product" p ON p."id" = l."product_id" '
        f'WHERE i."loan_id" IN ({placeholders(ids)}) '
        'AND i."interest_accrued" < i."interest_due" '
        'AND i."interest_paid" < i."interest_due" '
        # accrued at its due date: the later instalments have nothing yet (most rows)
        'AND (i."due_date" <= ? OR p."accrual" = \'daily\') ORDER BY i."id"',
        (*ids, day.isoformat()))


def set_accrued(updates: Sequence[tuple[int, int]]) -> None:
    """(interest accrued, instalment id)."""
    run_many('UPDATE "loan_installment" SET "interest_accrued" = ? WHERE "id" = ?', updates)


# --- ageing -----------------------------------------------------------------------------


def ageing_rows(branch_id: int, states: Sequence[str], day: date, cursor: int,
                limit: int) -> list[tuple]:
    """The next `limit` loans after `cursor` in these states: (id, number, currency,
    state, classification, provision, days past due, the oldest due date unpaid on
    `day`, the principal outstanding)."""
    return rows(
        'SELECT l."id", l."number", l."currency", l."state", l."classification", '
        'l."provision", l."days_past_due", '
        f'min(CASE WHEN i."due_date" <= ? AND {UNPAID} THEN i."due_date" END), '
        'sum(i."principal_due" - i."principal_paid") '
        'FROM "loan" l JOIN "loan_installment" i ON i."loan_id" = l."id" '
        f'WHERE l."branch_id" = ? AND l."state" IN ({placeholders(states)}) AND l."id" > ? '
        'GROUP BY l."id" ORDER BY l."id" LIMIT ?',
        (day.isoformat(), branch_id, *states, cursor, limit))


def pledged(processes: Sequence[str]) -> dict[str, int]:
    """{hold process: the amount it holds}, active holds only."""
    return dict(rows('SELECT "process", sum("amount") FROM "account_hold" WHERE "status" = '
                     f'\'active\' AND "process" IN ({placeholders(processes)}) '
                     'GROUP BY "process"', processes))


def set_ageing(updates: Sequence[tuple[int, str, int, int]]) -> None:
    """(days past due, classification, provision, loan id)."""
    run_many('UPDATE "loan" SET "days_past_due" = ?, "classification" = ?, "provision" = ? '
             'WHERE "id" = ?', updates)
