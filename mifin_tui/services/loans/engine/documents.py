"""What a printed repayment schedule says, as plain data (the simulator's print-out now,
the loan contract's annex later). Pure: printers import it without the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans.engine.schedule import Schedule


@dataclass(frozen=True)
class ScheduleDoc:
    institution: str
    branch_code: str
    branch_name: str
    schedule: Schedule
    product: str = ""        # the loan product's name, "" for terms typed by hand
    borrower: str = ""       # the member, when the schedule is for one
    simulation: bool = True  # "SIMULATION - not a contract" on every page
    printed_by: str = ""
    printed_at: datetime | None = None
    language: str = "fr"
    signatures: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleWords:
    """The figures a contract writes out "en toutes lettres"."""

    principal: str
    total_to_repay: str
    cost_of_credit: str


def schedule_words(schedule: Schedule, language: str = "fr") -> ScheduleWords:
    cur = schedule.terms.currency
    return ScheduleWords(amount_in_words(schedule.terms.principal, cur, language),
                         amount_in_words(schedule.totals.total, cur, language),
                         amount_in_words(schedule.cost_of_credit, cur, language))
