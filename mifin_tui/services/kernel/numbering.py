"""Numbers people type and read: vouchers, members, accounts.

Sequences are drawn from the `counter` table inside the caller's IMMEDIATE
transaction: a posting that fails gives its number back, and two cashiers
never draw the same one. Account numbers carry an ISO 7064 MOD 97-10 check
(the IBAN one): every single-digit typo and every swap of two neighbours is caught.
"""

from __future__ import annotations

import re

from mifin_tui.db import database
from mifin_tui.db.models import Counter

VOUCHER_SERIES = {
    "BE": "bon d'entrée caisse",
    "BS": "bon de sortie caisse",
    "BR": "bon de remboursement",
    "TC": "transfert de caisse",
    "OD": "opération diverse",
    "VI": "ordre de virement",
}


def next_value(name: str) -> int:
    """Increment and return the counter `name`; call inside a write transaction."""
    if not database.in_transaction():
        raise RuntimeError("numbers are drawn inside the operation's transaction")
    updated = Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    if not updated:
        Counter.create(name=name, value=1)
        return 1
    return int(Counter.get_by_id(name).value)


def voucher_number(series: str, branch_code: str, year: int) -> str:
    """Next voucher of a series for a branch and year, e.g. BE-KIN-2026-000042."""
    if series not in VOUCHER_SERIES:
        raise ValueError(f"unknown voucher series {series!r}")
    n = next_value(f"voucher:{series}:{branch_code}:{year}")
    return f"{series}-{branch_code}-{year}-{n:06d}"


def member_number(branch_code: str) -> str:
    return f"{branch_code}-{next_value(f'member:{branch_code}'):06d}"


def member_numbers(branch_code: str, count: int) -> list[str]:
    """`count` consecutive member numbers at once (an import); inside a write transaction."""
    if count <= 0:
        return []
    first = next_value(f"member:{branch_code}")
    if count > 1:
        Counter.update(value=Counter.value + (count - 1)).where(
            Counter.name == f"member:{branch_code}").execute()
    return [f"{branch_code}-{n:06d}" for n in range(first, first + count)]


def _digits_for(text: str) -> int:
    # Letters count as 10..35, as in IBANs, so branch codes take part in the check.
    return int("".join(str(int(ch, 36)) for ch in text))


def check_digits(body: str) -> str:
    return f"{98 - (_digits_for(body) * 100) % 97:02d}"


class MalformedAccountNumber(ValueError):
    """Not shaped like an account number (branch, type, sequence, check)."""


class CheckDigitsMismatch(ValueError):
    """Shaped right, but a digit is wrong: a typing mistake, caught before posting."""


_ACCOUNT_RE = re.compile(r"^([A-Z0-9]{2,8})(\d{2})(\d{7})(\d{2})$")


def account_number(branch_code: str, type_code: int) -> str:
    """Next account number, e.g. KIN-21-0000123-45 (branch, type, sequence, check)."""
    if not 10 <= type_code <= 99:
        raise ValueError("account type code has two digits")
    seq = next_value(f"account:{branch_code}")
    body = f"{branch_code}{type_code:02d}{seq:07d}"
    return f"{branch_code}-{type_code:02d}-{seq:07d}-{check_digits(body)}"


def normalize_account_number(text: str) -> str:
    """Put a typed account number in its printed form, or raise ValueError."""
    compact = re.sub(r"[\s\-./]", "", text).upper()
    match = _ACCOUNT_RE.match(compact)
    if not match:
        raise MalformedAccountNumber(text)
    branch, type_code, seq, check = match.groups()
    if check_digits(f"{branch}{type_code}{seq}") != check:
        raise CheckDigitsMismatch(text)
    return f"{branch}-{type_code}-{seq}-{check}"


def is_valid_account_number(text: str) -> bool:
    try:
        normalize_account_number(text)
    except ValueError:
        return False
    return True
