"""What the savings documents say, as plain data (standard library only, so printers
may import it): the statement (relevé) of a period and the passbook's new lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StatementLine:
    business_date: date
    voucher: str
    label: str
    debit: int  # out of the account (withdrawal)
    credit: int  # into the account (deposit)
    balance: int
    cashier: str = ""


@dataclass(frozen=True)
class StatementDoc:
    institution: str
    branch_code: str
    branch_name: str
    account_number: str
    holder: str
    product: str
    currency: str
    start: date
    end: date
    opening_balance: int
    lines: tuple[StatementLine, ...]
    total_debit: int
    total_credit: int
    closing_balance: int
    printed_by: str = ""
    language: str = "fr"


@dataclass(frozen=True)
class PassbookDoc:
    """New lines of a passbook, to print from line `first_line` of the open page.

    `lines_per_page` comes from the page format (A5 or A6); a line beyond it goes to the
    top of the next page of the book."""

    account_number: str
    holder: str
    currency: str
    page_format: str  # A5 | A6
    lines_per_page: int
    first_line: int  # 1-based line of the open page where printing starts
    lines: tuple[StatementLine, ...]
    language: str = "fr"
