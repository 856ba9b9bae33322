"""The raw SQL of the loans' services: the instalment rows the arrears read in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mifin_tui.db.queries import rows_in

# The columns `installment_rows` gives, in this order.
INSTALLMENT_COLUMNS = ("id", "loan_id", "no", "due_date", "principal_due", "interest_due",
                       "fees_due", "penalties_due", "principal_paid", "interest_paid",
                       "fees_paid", "penalties_paid")


def installment_rows(loan_ids: Sequence[int]) -> list[tuple]:
    """The instalments of these loans as plain tuples of INSTALLMENT_COLUMNS, by loan and
    due date (then number), the due date a `date`. The arrears list reads tens of
    thousands of them: no model objects, whose per-value conversion was most of its time."""
    cols = ", ".join(f'"{c}"' for c in INSTALLMENT_COLUMNS)
    out: list[tuple] = []
    for r in rows_in(f'SELECT {cols} FROM "loan_installment" WHERE "loan_id" IN ({{ids}}) '
                     'ORDER BY "loan_id", "due_date", "no"', loan_ids):
        due = r[3] if isinstance(r[3], date) else date.fromisoformat(str(r[3])[:10])
        out.append((*r[:3], due, *r[4:]))
    return out
