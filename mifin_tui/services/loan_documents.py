"""What a printed repayment schedule says, as plain data (the simulator's print-out now,
the loan contract's annex later). Pure: printers import it without the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mifin_tui.services.schedule import Schedule


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
