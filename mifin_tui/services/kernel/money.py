"""Money: an integer count of a currency's minor unit beside an ISO code.

Floats never appear here: a franc or a cent lost to binary rounding is a ledger that
does not balance. Parsing accepts what a cashier types on a branch keyboard; formatting
produces what a latin-1 thermal printer can print (plain ASCII space for grouping).

This module must stay importable without Textual or Peewee: screens, printers, the CLI
and tests all use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mifin_tui.i18n import _
from mifin_tui.services.kernel.errors import ValidationError

__all__ = [
    "AmountError",
    "CurrencyMismatch",
    "UnknownCurrency",
    "Currency",
    "CURRENCIES",
    "MAX_INTEGER_DIGITS",
    "get_currency",
    "Money",
    "parse_amount",
    "positive_amount",
    "format_amount",
    "format_money",
]

# Fifteen digits before the mark keeps every minor-unit amount (even with 2 decimals,
# 10**17) well inside a signed 64-bit integer, which is what SQLite and PostgreSQL store.
MAX_INTEGER_DIGITS = 15

FORMAT_LANGUAGES = ("fr", "en")


class AmountError(ValueError):
    """Input that is not a valid amount; the message is translated and shown at the field."""


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined or compared."""


class UnknownCurrency(ValueError):
    """A currency code outside CURRENCIES."""


@dataclass(frozen=True)
class Currency:
    code: str
    decimals: int
    symbol: str  # printed after the amount: "15 000 FCFA"


CURRENCIES: Mapping[str, Currency] = MappingProxyType(
    {
        "XOF": Currency("XOF", 0, "FCFA"),
        "XAF": Currency("XAF", 0, "FCFA"),
        "USD": Currency("USD", 2, "USD"),
        "CDF": Currency("CDF", 2, "FC"),
    }
)

# Extra trailing marks a cashier may type after the figures, beyond the symbol and the
# ISO code. "15 000 F" is how amounts are often written in francophone West Africa.
_EXTRA_SUFFIXES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "XOF": ("F CFA", "CFA", "F"),
        "XAF": ("F CFA", "CFA", "F"),
        "USD": ("US$", "$"),
        "CDF": (),
    }
)


def get_currency(code: str) -> Currency:
    """The Currency for an ISO code ("XOF"); codes are exact, upper case."""
    try:
        return CURRENCIES[code]
    except (KeyError, TypeError):
        raise UnknownCurrency(
            _("Unknown currency: {code}. Known currencies: {known}.").format(
                code=code, known=", ".join(CURRENCIES)
            )
        ) from None


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass; True francs is a bug, not an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int of minor units, not {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units: francs for XOF/XAF, cents for USD/CDF
    currency: str

    def __post_init__(self) -> None:
        _require_int(self.amount, "Money.amount")
        get_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_positive(self) -> bool:
        return self.amount > 0

    def is_negative(self) -> bool:
        return self.amount < 0

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(
                _("Cannot combine amounts in {left} and {right}.").format(
                    left=self.currency, right=other.currency
                )
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    # Ordering across currencies has no meaning without a rate, so it raises rather
    # than silently comparing numbers. Equality stays the dataclass one: 1 XOF != 1 USD.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return format_money(self)


# ---------------------------------------------------------------- parsing

_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() also accepts "²" and "١"
_NEGATIVE_SIGNS = frozenset("-\u2212\u2012\u2013\u2014")
_POSITIVE_SIGNS = frozenset("+")
_ASCII_DIGITS_RE = re.compile(r"[0-9]+", re.ASCII)
_WHITESPACE_RUN_RE = re.compile(r"\s+")


def _strip_suffix(text: str, currency: Currency) -> str:
    """Remove a trailing symbol or code of `currency`; refuse one of another currency."""
    def ends_with(suffix: str) -> bool:
        # Compare the tail only: str.upper() may change the length ("ß" -> "SS").
        return len(text) >= len(suffix) and text[-len(suffix) :].upper() == suffix.upper()

    ours = {currency.symbol, currency.code, *_EXTRA_SUFFIXES.get(currency.code, ())}
    # Longest first so "F CFA" is not read as "F" after "... CFA".
    for suffix in sorted(ours, key=len, reverse=True):
        if ends_with(suffix):
            head = text[: len(text) - len(suffix)]
            # "15000F" is fine, but "15 000 XOF" must not match "F" of another word.
            if not head or not head[-1].isalpha():
                return head.rstrip()
    for other in CURRENCIES.values():
        if other.code == currency.code:
            continue
        for suffix in (other.code, other.symbol):
            if suffix == currency.symbol or not ends_with(suffix):
                continue
            head = text[: len(text) - len(suffix)]
            if not head or not head[-1].isalpha():
                raise AmountError(
                    _("This amount is in {other}; expected {currency}.").format(
                        other=suffix, currency=currency.code
                    )
                )
    return text


def _malformed() -> AmountError:
    return AmountError(_("Amount is not written correctly."))


def _bad_grouping() -> AmountError:
    return AmountError(_("Thousands must be grouped by three digits, e.g. 1 234 567."))


def _join_groups(integer: str, separator: str) -> str:
    """Digits of an integer part written with `separator` between groups of three."""
    groups = integer.split(separator)
    if not all(g and _ASCII_DIGITS_RE.fullmatch(g) for g in groups):
        raise _bad_grouping() if len(groups) > 1 else _malformed()
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise _bad_grouping()
    return "".join(groups)


def _integer_digits(integer: str, group_mark: str | None) -> str:
    has_space = " " in integer
    if group_mark is not None and has_space:
        # "1 234.567,50" mixes two grouping styles: refuse rather than guess.
        raise _malformed()
    if group_mark is not None:
        return _join_groups(integer, group_mark)
    if has_space:
        return _join_groups(integer, " ")
    if not _ASCII_DIGITS_RE.fullmatch(integer):
        raise _malformed()
    return integer


def _looks_like_one_thousands_group(head: str, tail: str) -> bool:
    return (
        _ASCII_DIGITS_RE.fullmatch(head) is not None
        and len(head) <= 3
        and _ASCII_DIGITS_RE.fullmatch(tail) is not None
        and len(tail) == 3
    )


def parse_amount(text: str, currency: str) -> int:
    """Read an amount typed by a cashier; return minor units (>= 0).

    Accepted: "15000", "15 000" (any whitespace, NBSP and U+202F included, as thousands
    separator), "1 234,50", "1234.50", "1.234,50", "1,234.50", an optional trailing
    symbol or code ("15 000 FCFA", "12,50 USD"). When both "," and "." appear the last
    one is the decimal mark. With a single "," or ".": for a currency without decimals
    it is grouping when it splits off exactly three digits after one to three ("15.000"),
    otherwise it is the decimal mark. Zero parses to 0; callers decide if it is allowed.

    Raises AmountError (translated message) for anything else.
    """
    cur = get_currency(currency)
    if not isinstance(text, str):
        raise TypeError(f"amount text must be str, not {type(text).__name__}")
    s = text.strip()
    if not s:
        raise AmountError(_("Enter an amount."))
    s = _strip_suffix(s, cur)
    if not s:
        raise AmountError(_("Enter an amount."))
    if any(c in _NEGATIVE_SIGNS for c in s):
        raise AmountError(_("Amount cannot be negative."))
    if any(c in _POSITIVE_SIGNS for c in s):
        raise AmountError(_("Type the amount without a sign."))
    for c in s:
        if not (c in _DIGITS or c in ",." or c.isspace()):
            raise AmountError(_("Amount may contain only digits, spaces and a decimal mark."))
    s = _WHITESPACE_RUN_RE.sub(" ", s)

    commas, dots = s.count(","), s.count(".")
    fraction: str | None = None
    group_mark: str | None = None
    integer = s
    if commas and dots:
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        if s.count(decimal_mark) != 1:
            raise _malformed()
        integer, fraction = s.split(decimal_mark)
    elif commas or dots:
        mark = "," if commas else "."
        if s.count(mark) > 1:
            group_mark = mark  # "1.500.000": several marks can only be grouping
        else:
            head, tail = s.split(mark)
            if cur.decimals == 0 and _looks_like_one_thousands_group(head, tail):
                group_mark = mark
            else:
                integer, fraction = head, tail

    digits = _integer_digits(integer, group_mark)
    if fraction is not None and not _ASCII_DIGITS_RE.fullmatch(fraction):
        raise _malformed()  # "15000," or "12, 50"
    if fraction is not None and cur.decimals == 0:
        raise AmountError(
            _("{currency} amounts have no decimals.").format(currency=cur.symbol)
        )
    if fraction is not None and len(fraction) > cur.decimals:
        raise AmountError(
            _("Amount has more decimals than {currency} allows.").format(currency=cur.code)
        )
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise AmountError(
            _("Amount is too large: at most {digits} digits before the decimal mark.").format(
                digits=MAX_INTEGER_DIGITS
            )
        )
    minor = int(digits) * 10**cur.decimals
    if fraction:
        minor += int(fraction.ljust(cur.decimals, "0"))
    return minor


def positive_amount(value: object, currency: str | None = None, field: str = "amount") -> int:
    """The amount of an operation, in minor units and greater than zero.

    `value` is minor units (an int) or, with `currency`, the text as typed (read by
    parse_amount). Anything else, zero, or a parse refusal is a ValidationError on
    `field`, so every service refuses a bad amount with the same message at the same field.
    """
    if isinstance(value, str) and currency is not None:
        try:
            value = parse_amount(value, currency)
        except AmountError as exc:
            raise ValidationError({field: str(exc)}) from None
    # bool is an int subclass: True is a bug in the caller, not one franc.
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError({field: _("Enter an amount greater than zero.")})
    return value


# ---------------------------------------------------------------- formatting

# French groups digits with a narrow no-break space (U+202F in CLDR): printed as a plain
# space, because receipts go to thermal printers with latin-1 fonts and the same string
# must survive CSV exports and terminals.
_PRINTABLE = str.maketrans({"\u202f": " ", "\xa0": " "})


@functools.cache
def _separators(language: str) -> tuple[str, str]:
    """(group mark, decimal mark) of `language`, from the locale data Babel carries
    (imported at the first amount formatted, not at the login screen)."""
    if language not in FORMAT_LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return (get_group_symbol(language).translate(_PRINTABLE),
            get_decimal_symbol(language).translate(_PRINTABLE))


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def format_amount(minor: int, currency: str, language: str = "fr", symbol: bool = True) -> str:
    """Minor units as printed: fr "1 234 567 FCFA", "12,50 USD"; en "1,234,567 FCFA"."""
    _require_int(minor, "minor")
    cur = get_currency(currency)
    if language not in FORMAT_LANGUAGES:
        raise ValueError(f"unsupported language for amounts: {language!r}")
    group_sep, decimal_mark = _separators(language)
    major, fraction = divmod(abs(minor), 10**cur.decimals)
    text = _group(str(major), group_sep)
    if cur.decimals:
        text += decimal_mark + str(fraction).zfill(cur.decimals)
    if minor < 0:
        text = "-" + text  # ASCII hyphen-minus: U+2212 is not in latin-1
    if symbol:
        text += " " + cur.symbol
    return text


def format_money(m: Money, language: str = "fr", symbol: bool = True) -> str:
    return format_amount(m.amount, m.currency, language=language, symbol=symbol)


def format_percent(bp: int, language: str = "fr", decimals: int = 2) -> str:
    """Basis points as a percentage the way `language` writes it: fr "24,00 %",
    en "24.00%" (no space before the sign in English)."""
    _require_int(bp, "bp")
    if language not in FORMAT_LANGUAGES:
        raise ValueError(f"unsupported language for rates: {language!r}")
    if not 0 <= decimals <= 2:
        raise ValueError("a rate in basis points has at most two decimals")
    sign = "-" if bp < 0 else ""
    whole, rest = divmod(abs(bp), 100)
    text = sign + str(whole)
    if decimals:
        text += _separators(language)[1] + f"{rest:02d}"[:decimals]
    return text + (" %" if language == "fr" else "%")
