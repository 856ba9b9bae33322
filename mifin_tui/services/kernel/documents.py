"""What a printed document says, as plain data.

Services fill these from the ledger; `printers/` lays them out. This module
imports nothing but the standard library, so printers can use it without
touching the database (an import-linter contract checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


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
