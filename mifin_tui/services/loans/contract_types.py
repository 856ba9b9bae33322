"""The loan contract's and the committee minutes' content as plain data: printers import
it without the database (see `loan_contract_doc` for how it is filled)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mifin_tui.services.loans.engine.schedule import Schedule


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
    printed_at: datetime
    copies: int = 2
    language: str = "fr"


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
