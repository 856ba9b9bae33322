"""The raw SQL of the repayments' writer (`services/loans/repayment_writer.py`): the
instalment rows a repayment plans from, and the paid amounts it adds to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mifin_tui.db.queries import rows_in, run_many

INSTALMENT_COLUMNS = ("loan_id", "id", "no", "due_date", "principal_due", "interest_due",
                      "fees_due", "penalties_due", "principal_paid", "interest_paid",
                      "fees_paid", "penalties_paid", "interest_accrued", "paid_on")


def instalments(loan_ids: Sequence[int]) -> list[tuple]:
    """The instalments of these loans, by loan and number, as INSTALMENT_COLUMNS."""
    cols = ", ".join(f'"{c}"' for c in INSTALMENT_COLUMNS)
    return rows_in(f'SELECT {cols} FROM "loan_installment" WHERE "loan_id" IN '
                   '({ids}) ORDER BY "loan_id", "no"', sorted(set(loan_ids)))


def add_paid(updates: Sequence[tuple[int, int, int, int, Any, int]]) -> None:
    """(principal, interest, fees, penalties paid, paid_on, instalment id): the amounts
    added to what the instalment has paid, its `paid_on` set as given."""
    run_many('UPDATE "loan_installment" SET "principal_paid" = "principal_paid" + ?, '
             '"interest_paid" = "interest_paid" + ?, "fees_paid" = "fees_paid" + ?, '
             '"penalties_paid" = "penalties_paid" + ?, "paid_on" = ? WHERE "id" = ?',
             updates)
