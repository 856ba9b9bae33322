"""The loan contract's and the committee minutes' content as plain data: printers import
it without the database (see `loan_contract_doc` for how it is filled)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from mifin_tui.services.loans.engine.schedule import Schedule


@dataclass(frozen=True)
class Hold:
    """An amount blocked on a savings account for the loan (already blocked once the loan
    is paid out, to be blocked at the payout before)."""

    kind: str  # compulsory | guarantee | collateral
    account_number: str
    holder: str
    amount: int


@dataclass(frozen=True)
class PenaltyTerms:
    """The product's late-payment penalty, as the contract states it."""

    kind: str  # none | daily | flat (loan_products.PENALTY_KINDS)
    value: int  # basis points a day of the overdue principal and interest, or minor units
    grace_days: int = 0
    cap_amount: int | None = None
    cap_bp: int | None = None  # of the instalment's principal + interest


@dataclass(frozen=True)
class Guarantee:
    name: str
    member_number: str
    amount: int
    account_number: str  # the savings blocked for it, "" for a personal guarantee


@dataclass(frozen=True)
class Collateral:
    kind: str  # savings | goods
    description: str
    value: int
    account_number: str


@dataclass(frozen=True)
class ContractDoc:
    institution: str
    branch_code: str
    branch_name: str
    number: str
    member_number: str
    member_name: str
    member_identity: str  # ID document, birth, address, phone
    product: str
    purpose: str
    schedule: Schedule
    amount_words: str
    rate_bp: int
    teg_method: str
    fees: int
    linked_account: str
    guarantors: tuple[Guarantee, ...]
    collateral: tuple[Collateral, ...]
    decided_by: str
    decided_on: date | None
    duplicate: bool
    printed_by: str
    printed_at: datetime  # local time of the institution
    copies: int = 2
    language: str = "fr"
    penalty: PenaltyTerms = PenaltyTerms("none", 0)
    savings_bp: int = 0          # compulsory savings, of the amount
    compulsory_savings: int = 0  # the amount blocked for it
    holds: tuple[Hold, ...] = ()
    allocation_order: tuple[str, ...] = ("penalties", "interest", "principal")
    allocation_sweep: str = "instalment"
    excess_policy: str = "refuse"
    place: str = ""              # "Fait à <place>, le <signed_on>"
    signed_on: date | None = None
    regulator: str = ""          # the supervisor named in the dispute clause
    teg_reference: str = ""      # the text defining the TEG (the regulator profile's)
    usury_rate_bp: int | None = None
    usury_reference: str = ""
    amendment: bool = False      # the loan as rescheduled: the schedule as it stands
    teg: Decimal | None = None   # the TEG stated (the schedule's own when None)


@dataclass(frozen=True)
class Opinion:
    user: str
    opinion_word: str
    amount_proposed: int | None
    comment: str


@dataclass(frozen=True)
class MinutesItem:
    number: str
    member_name: str
    product: str
    purpose: str
    amount_requested: int
    term_requested: int
    currency: str
    opinions: tuple[Opinion, ...]
    state_word: str


@dataclass(frozen=True)
class MinutesDoc:
    institution: str
    branch_name: str
    session_date: date
    items: tuple[MinutesItem, ...]
    members: tuple[str, ...]  # the committee members who gave an opinion
    printed_by: str
    printed_at: datetime
    language: str = "fr"
