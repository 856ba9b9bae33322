"""The fiche d'adhésion as plain data, for `printers/member_form.py` (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class MemberFormDoc:
    institution: str
    branch_code: str
    branch_name: str
    title: str  # already in the document's language
    number: str
    joined_on: date
    kind_label: str
    status_label: str
    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (heading, (label, value))
    payments: tuple[tuple[str, str, str], ...]  # (label, amount, voucher number)
    signatures: tuple[str, ...]
    printed_by: str
    printed_at: datetime
    duplicate: bool = False
    language: str = "fr"
