"""What a printed document says, as plain data.

Services fill these from the ledger; `printers/` lays them out. This module
imports nothing but the standard library and the message markers, so printers can use
it without touching the database (an import-linter contract checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from mifin_tui.i18n import N_

# A loan's remaining figures, labelled alike on the repayment screen, the disbursement
# slip (BS), the repayment voucher (BR) and its reversal.
REMAINING_LABELS = (
    ("principal", N_("Principal outstanding")),
    ("total_due", N_("Total still due with future interest")),
    ("payoff", N_("Payoff today")),
)


@dataclass(frozen=True)
class Remaining:
    """What a loan still owes: its principal outstanding, everything the schedule still
    holds (future interest included), and the amount that closes it on the day (the
    early payoff: future interest not charged). Computed by one engine function
    (`loans.engine.allocation.remaining`)."""

    currency: str
    principal: int
    total_due: int
    payoff: int

    def lines(self, translate: Callable[[str], str]) -> tuple[AmountLine, ...]:
        """The three figures with their labels in the language of `translate`."""
        return tuple(AmountLine(translate(label), getattr(self, key))
                     for key, label in REMAINING_LABELS)


def local_time(moment: datetime, zone: tzinfo | str) -> datetime:
    """A stored moment (UTC, naive or aware) as the wall clock of `zone` (the institution's
    `timezone` setting, a name or a tzinfo): the one conversion every printed "printed at"
    and "posted at" goes through."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)


@dataclass(frozen=True)
class AmountLine:
    """A labelled amount inside a voucher (e.g. principal / interest / penalty of a BR)."""

    label: str
    amount: int


@dataclass(frozen=True)
class VoucherDoc:
    """A cash voucher: BE (in), BS (out), BR (repayment), TC (vault <-> till transfer)."""

    institution: str
    branch_code: str
    branch_name: str
    series: str
    title: str  # e.g. "BON D'ENTRÉE CAISSE", already in the document's language
    number: str
    business_date: date
    posted_at: datetime  # local time of the posting
    currency: str
    amount: int  # minor units
    amount_words: str
    purpose: str
    party_label: str  # "Déposant", "Bénéficiaire", ...
    party_name: str
    party_id: str = ""
    account_number: str | None = None
    account_holder: str | None = None
    balance_after: int | None = None  # only where the account is the client's
    breakdown: tuple[AmountLine, ...] = ()
    cashier: str = ""
    till: str = ""
    signatures: tuple[str, ...] = ()
    copies: tuple[str, ...] = ()  # one label per copy: "Exemplaire client", ...
    duplicate: bool = False
    language: str = "fr"
    reversal_of: str | None = None
    # a voucher that moves a loan: its remaining figures after it, labelled
    remaining: tuple[AmountLine, ...] = ()
    approved_by: str = ""  # who authorised a payment above the cashier's limit
    # printed under a QR code of itself: anyone can check the slip against the books
    # (`mifin verify-receipt`, chain.receipt_code)
    receipt_code: str = ""


@dataclass(frozen=True)
class CashJournalLine:
    number: str
    time: str
    label: str
    account: str
    amount_in: int
    amount_out: int
    balance: int
    cashier: str = ""


@dataclass(frozen=True)
class CashJournalDoc:
    """The journal de caisse of a till (or a whole branch) for one business day."""

    institution: str
    branch_code: str
    branch_name: str
    scope: str  # the till's name, or the branch
    business_date: date
    currency: str
    opening_balance: int
    lines: tuple[CashJournalLine, ...]
    total_in: int
    total_out: int
    closing_balance: int
    counted_opening: int | None = None
    counted_closing: int | None = None
    difference: int | None = None
    difference_note: str = ""
    cashiers: tuple[str, ...] = ()
    printed_by: str = ""
    printed_at: datetime | None = None
    copies: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()
    language: str = "fr"
    extra: dict[str, str] = field(default_factory=dict)
