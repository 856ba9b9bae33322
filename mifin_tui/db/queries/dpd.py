"""The SQL side of a loan's days past due and provisioning base
(services/loans/classification.py holds the rule; the closing's ageing and the portfolio
queries build their conditions from here so both read the same rule).
"""

from __future__ import annotations

from collections.abc import Sequence

from mifin_tui.db.queries import rows_in


def owing(alias: str = "i", *, penalties: bool) -> str:
    """The condition "the instalment `alias` still owes what ages a loan" on its live
    columns: principal, interest and fees, and penalties when they age a loan."""
    due = [f'{alias}."principal_due"', f'{alias}."interest_due"', f'{alias}."fees_due"']
    paid = [f'{alias}."principal_paid"', f'{alias}."interest_paid"', f'{alias}."fees_paid"']
    if penalties:
        due.append(f'{alias}."penalties_due"')
        paid.append(f'{alias}."penalties_paid"')
    return f"({' + '.join(due)}) > ({' + '.join(paid)})"


def due_at(alias: str = "i", *, penalties: bool, day_param: str = "?") -> str:
    """What the instalment `alias` asks at a date, of the parts that age a loan: its
    principal, interest and fees, and its penalties less those charged after the date
    (`day_param` the date's placeholder) when penalties age a loan."""
    base = f"{alias}.principal_due + {alias}.interest_due + {alias}.fees_due"
    if not penalties:
        return base
    return (f"{base} + {alias}.penalties_due - COALESCE((SELECT SUM(lp.amount) "
            f"FROM loan_penalty lp WHERE lp.installment_id = {alias}.id "
            f"AND lp.business_date > {day_param}), 0)")


def paid_parts(alias: str = "a", *, penalties: bool) -> str:
    """What an allocation `alias` paid of the parts that age a loan."""
    base = f"{alias}.principal + {alias}.interest + {alias}.fees"
    return f"{base} + {alias}.penalties" if penalties else base


def held_for(processes: Sequence[str]) -> dict[str, int]:
    """{hold process: the amount its active holds keep}."""
    return {r[0]: r[1] for r in rows_in(
        'SELECT "process", sum("amount") FROM "account_hold" WHERE "status" = \'active\' '
        'AND "process" IN ({ids}) GROUP BY "process"', list(processes))}
