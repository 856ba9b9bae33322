"""What a nightly closing did, as plain data: the screen shows it, the printer prints it.

No database here (printers import it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from mifin_tui.services.loans.states import STATE_LABELS


def class_counts(classes: Mapping[str, int], labels: Mapping[str, str]) -> str:
    """Loans per class in the regulator's words ("Crédits sains : 12"), never its
    codes ("sain: 12"); `labels` maps a class key to its label."""
    return "; ".join(f"{labels.get(key, key)}: {n}" for key, n in
                     sorted(classes.items(), key=lambda kv: list(labels).index(kv[0])
                            if kv[0] in labels else len(labels)))


def state_moves(_: Callable[[str], str], moves: Iterable[str]) -> str:
    """Loans that changed state, "KIN-31-0000045-12: active" as "...: Active" in the
    document's language (`_`)."""
    out = []
    for move in moves:
        number, sep, state = move.rpartition(": ")
        out.append(f"{number}: {_(STATE_LABELS[state])}" if sep and state in STATE_LABELS
                   else move)
    return ", ".join(out)


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


def anchor_heads(anchor: str) -> tuple[str, str, str, str] | None:
    """(ledger seq, ledger hash, audit seq, audit hash) of an anchor line."""
    parts = anchor.split()
    if len(parts) != 8:
        return None
    return parts[3], parts[4], parts[6], parts[7]


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
    # The day's chain heads as the anchor file got them (chain.anchor_line: "DAY BRANCH
    # ledger SEQ HASH audit SEQ HASH"): the gérant signs them, the auditor compares.
    anchor: str = ""
    anchor_file: str = ""
    printed_by: str = ""
    extra: dict[str, str] = field(default_factory=dict)
