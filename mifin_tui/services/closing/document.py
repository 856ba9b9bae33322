"""What a nightly closing did, as plain data: the screen shows it, the printer prints it.

No database here (printers import it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Finding:
    """A check of the closing that failed (or warns), with what to do about it."""

    check: str  # tills | approvals | ledger
    message: str
    todo: str
    blocking: bool = True


@dataclass(frozen=True)
class StepLine:
    key: str
    label: str
    status: str  # pending | done | skipped
    status_label: str
    items: int
    batches: int
    amounts: dict[str, int]
    notes: tuple[str, ...]
    seconds: float | None


@dataclass(frozen=True)
class TillDifferenceLine:
    till: str
    cashier: str
    moment: str
    currency: str
    counted: int
    book: int
    difference: int
    note: str


@dataclass(frozen=True)
class ClosingReportDoc:
    institution: str
    branch_code: str
    branch_name: str
    business_date: date
    next_date: date
    status: str  # running | done
    started_at: datetime
    finished_at: datetime | None
    started_by: str
    month_end: bool
    year_end: bool
    steps: tuple[StepLine, ...]
    warnings: tuple[Finding, ...]
    till_differences: tuple[TillDifferenceLine, ...]
    backup_path: str
    backup_bytes: int
    language: str = "fr"
    printed_by: str = ""
    extra: dict[str, str] = field(default_factory=dict)
