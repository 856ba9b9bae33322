"""Money, parse_amount and format_amount: examples for every refusal, properties for the rest."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mifin_tui import i18n
from mifin_tui.services.kernel import money
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import (
    CURRENCIES,
    MAX_INTEGER_DIGITS,
    AmountError,
    Currency,
    CurrencyMismatch,
    Money,
    UnknownCurrency,
    format_amount,
    format_money,
    get_currency,
    parse_amount,
    positive_amount,
)

CODES = sorted(CURRENCIES)
LANGUAGES = ("fr", "en")
WHITESPACE_SEPARATORS = (" ", "\u00a0", "\u202f", "\t", "  ")


@pytest.fixture
def english() -> Iterator[None]:
    """Error messages in their English message ids, whatever catalogue exists."""
    previous = i18n.current_language()
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(previous)


# ---------------------------------------------------------------- currencies


def test_currency_table() -> None:
    assert get_currency("XOF") == Currency("XOF", 0, "FCFA")
    assert get_currency("XAF") == Currency("XAF", 0, "FCFA")
    assert get_currency("USD") == Currency("USD", 2, "USD")
    assert get_currency("CDF") == Currency("CDF", 2, "FC")
    assert set(CURRENCIES) == {"XOF", "XAF", "USD", "CDF"}


@pytest.mark.parametrize("code", ["EUR", "xof", "", " XOF", "FCFA"])
def test_unknown_currency(code: str, english: None) -> None:
    with pytest.raises(UnknownCurrency, match="Unknown currency"):
        get_currency(code)


def test_currency_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        CURRENCIES["EUR"] = Currency("EUR", 2, "EUR")  # type: ignore[index]


def test_error_classes_are_value_errors() -> None:
    assert issubclass(AmountError, ValueError)
    assert issubclass(CurrencyMismatch, ValueError)
    assert issubclass(UnknownCurrency, ValueError)


# ---------------------------------------------------------------- Money


money_codes = st.sampled_from(CODES)
amounts = st.integers(min_value=-(10**17), max_value=10**17)


@st.composite
def same_currency_moneys(draw: st.DrawFn, n: int) -> list[Money]:
    code = draw(money_codes)
    return [Money(draw(amounts), code) for _ in range(n)]


@given(same_currency_moneys(3))
def test_addition_is_associative_and_commutative(ms: list[Money]) -> None:
    a, b, c = ms
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b).amount == a.amount + b.amount
    assert (a + b).currency == a.currency


@given(same_currency_moneys(2))
def test_subtraction_and_negation(ms: list[Money]) -> None:
    a, b = ms
    assert a - b == a + (-b)
    assert (a - b).amount == a.amount - b.amount
    assert a - a == Money.zero(a.currency)
    assert -(-a) == a
    assert a + Money.zero(a.currency) == a


@given(same_currency_moneys(2))
def test_ordering_follows_amounts(ms: list[Money]) -> None:
    a, b = ms
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a > b) == (a.amount > b.amount)
    assert (a >= b) == (a.amount >= b.amount)


@given(amounts, amounts, st.sampled_from(CODES), st.sampled_from(CODES))
def test_never_mixes_currencies(x: int, y: int, c1: str, c2: str) -> None:
    assume(c1 != c2)
    a, b = Money(x, c1), Money(y, c2)
    for operation in (
        lambda: a + b,
        lambda: a - b,
        lambda: a < b,
        lambda: a <= b,
        lambda: a > b,
        lambda: a >= b,
    ):
        with pytest.raises(CurrencyMismatch):
            operation()
    # Equality is not an arithmetic: different currencies are simply not equal.
    assert a != b


def test_arithmetic_with_plain_numbers_is_refused() -> None:
    m = Money(100, "XOF")
    with pytest.raises(TypeError):
        m + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        1 - m  # type: ignore[operator]
    with pytest.raises(TypeError):
        m < 5  # type: ignore[operator]


def test_predicates() -> None:
    assert Money.zero("USD") == Money(0, "USD")
    assert Money.zero("USD").is_zero()
    assert not Money.zero("USD").is_positive()
    assert Money(1, "USD").is_positive()
    assert not Money(1, "USD").is_zero()
    assert not Money(-1, "USD").is_positive()
    assert Money(-1, "USD").is_negative()


@pytest.mark.parametrize("bad", [1.0, 1.5, True, False, Decimal("1"), "100", None])
def test_money_refuses_non_int_amounts(bad: object) -> None:
    with pytest.raises(TypeError):
        Money(bad, "XOF")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["EUR", "xof", ""])
def test_money_refuses_unknown_currency(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        Money(1, code)


def test_money_is_frozen_and_hashable() -> None:
    m = Money(1, "XOF")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.amount = 2  # type: ignore[misc]
    assert {m, Money(1, "XOF")} == {m}


def test_money_str_and_format_money() -> None:
    assert str(Money(1_234_567, "XOF")) == "1 234 567 FCFA"
    assert str(Money(-1250, "USD")) == "-12,50 USD"
    assert format_money(Money(1250, "USD"), "en") == "12.50 USD"
    assert format_money(Money(1250, "CDF"), symbol=False) == "12,50"


# ---------------------------------------------------------------- format_amount


@pytest.mark.parametrize(
    ("minor", "code", "language", "expected"),
    [
        (1_234_567, "XOF", "fr", "1 234 567 FCFA"),
        (1_234_567, "XAF", "en", "1,234,567 FCFA"),
        (1250, "USD", "fr", "12,50 USD"),
        (1250, "USD", "en", "12.50 USD"),
        (-1500, "XOF", "fr", "-1 500 FCFA"),
        (-1500, "XOF", "en", "-1,500 FCFA"),
        (5, "USD", "fr", "0,05 USD"),
        (0, "XOF", "fr", "0 FCFA"),
        (0, "CDF", "fr", "0,00 FC"),
        (10000, "CDF", "fr", "100,00 FC"),
        (999, "XOF", "fr", "999 FCFA"),
        (1000, "XOF", "fr", "1 000 FCFA"),
        (123_456_789_012, "USD", "fr", "1 234 567 890,12 USD"),
        (-1, "USD", "en", "-0.01 USD"),
    ],
)
def test_format_examples(minor: int, code: str, language: str, expected: str) -> None:
    assert format_amount(minor, code, language) == expected


def test_format_without_symbol() -> None:
    assert format_amount(15000, "XOF", symbol=False) == "15 000"
    assert format_amount(15000, "XOF", "en", symbol=False) == "15,000"


def test_format_defaults_to_french() -> None:
    assert format_amount(1250, "USD") == "12,50 USD"


@given(st.integers(-(10**17), 10**17), money_codes, st.sampled_from(LANGUAGES), st.booleans())
def test_format_is_printable_on_a_latin1_thermal_printer(
    minor: int, code: str, language: str, symbol: bool
) -> None:
    text = format_amount(minor, code, language, symbol)
    text.encode("latin-1")  # raises if a U+202F or U+2212 slipped in
    assert "\u00a0" not in text
    assert text.startswith("-") == (minor < 0)


@pytest.mark.parametrize("bad", [1.5, 1.0, True, Decimal("12.50"), "1250"])
def test_format_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_amount(bad, "USD")  # type: ignore[arg-type]


def test_format_refuses_unknown_currency_and_language() -> None:
    with pytest.raises(UnknownCurrency):
        format_amount(1, "EUR")
    with pytest.raises(ValueError):
        format_amount(1, "XOF", "de")


# ---------------------------------------------------------------- parse_amount: examples


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("15000", "XOF", 15000),
        ("15 000", "XOF", 15000),
        ("15\u00a0000", "XOF", 15000),
        ("15\u202f000", "XOF", 15000),
        ("15\t000", "XOF", 15000),
        ("  15 000  ", "XOF", 15000),
        ("1 500 000", "XAF", 1_500_000),
        ("15.000", "XOF", 15000),
        ("15,000", "XOF", 15000),
        ("1.500.000", "XOF", 1_500_000),
        ("1,500,000", "XAF", 1_500_000),
        ("15 000 FCFA", "XOF", 15000),
        ("15 000 fcfa", "XOF", 15000),
        ("15000FCFA", "XOF", 15000),
        ("15 000 XOF", "XOF", 15000),
        ("15 000 F", "XOF", 15000),
        ("15 000 F CFA", "XAF", 15000),
        ("1 234,50", "USD", 123450),
        ("1234.50", "USD", 123450),
        ("1234,50", "CDF", 123450),
        ("1.234,50", "USD", 123450),
        ("1,234.50", "USD", 123450),
        ("1.234.567,89", "CDF", 123456789),
        ("1,234,567.89", "USD", 123456789),
        ("1 234 567.89", "USD", 123456789),
        ("12,5", "USD", 1250),
        ("12", "USD", 1200),
        ("0,05", "USD", 5),
        ("12,50 USD", "USD", 1250),
        ("12.50 usd", "USD", 1250),
        ("100 FC", "CDF", 10000),
        ("100,25 CDF", "CDF", 10025),
        ("1,500,000", "USD", 150_000_000),
        ("0", "XOF", 0),
        ("0,00", "USD", 0),
        ("000 015", "XOF", 15),
        ("999 999 999 999 999", "XOF", 999_999_999_999_999),
        ("999999999999999,99", "USD", 99_999_999_999_999_999),
    ],
)
def test_parse_examples(text: str, code: str, expected: int) -> None:
    result = parse_amount(text, code)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "XOF", "Enter an amount"),
        ("   ", "XOF", "Enter an amount"),
        ("\u00a0", "XOF", "Enter an amount"),
        ("FCFA", "XOF", "Enter an amount"),
        ("abc", "XOF", "only digits"),
        ("15 000 abc", "XOF", "only digits"),
        ("15O00", "XOF", "only digits"),  # letter O typed for zero
        ("1e5", "XOF", "only digits"),
        ("$12.50", "USD", "only digits"),
        ("1'000", "XOF", "only digits"),
        ("\uff11\uff12", "XOF", "only digits"),  # full-width digits
        ("\u0661\u0662", "XOF", "only digits"),  # Arabic-Indic digits
        ("2\u00b2", "XOF", "only digits"),  # superscript two passes str.isdigit()
        ("-1500", "XOF", "negative"),
        ("1500-", "XOF", "negative"),
        ("\u22121500", "XOF", "negative"),
        ("- 1 500", "XOF", "negative"),
        ("+1500", "XOF", "without a sign"),
        ("1 23 4", "XOF", "grouped by three"),
        ("1 2345", "XOF", "grouped by three"),
        ("1234 567", "XOF", "grouped by three"),
        ("12 34,50", "USD", "grouped by three"),
        ("1.23.456", "XOF", "grouped by three"),
        ("12.34,50", "USD", "grouped by three"),
        ("1,2345.00", "USD", "grouped by three"),
        ("1 234.567,50", "USD", "not written correctly"),
        ("15000,", "XOF", "not written correctly"),
        ("12.", "USD", "not written correctly"),
        (",50", "USD", "not written correctly"),
        ("12, 50", "USD", "not written correctly"),
        ("12 ,50", "USD", "grouped by three"),
        ("1,234.56,78", "USD", "not written correctly"),
        ("1..5", "XOF", "grouped by three"),
        ("15,5", "XOF", "FCFA amounts have no decimals"),
        ("15000,00", "XOF", "FCFA amounts have no decimals"),
        ("15.0", "XAF", "FCFA amounts have no decimals"),
        ("1234,567", "XOF", "FCFA amounts have no decimals"),
        ("1.234,50", "XOF", "FCFA amounts have no decimals"),
        ("12,500", "USD", "more decimals than USD allows"),
        ("1.500", "USD", "more decimals than USD allows"),
        ("0,001", "CDF", "more decimals than CDF allows"),
        ("1" * (MAX_INTEGER_DIGITS + 1), "XOF", "too large"),
        ("1 000 000 000 000 000", "XOF", "too large"),
        ("1" * (MAX_INTEGER_DIGITS + 1) + ",00", "USD", "too large"),
        ("15 000 USD", "XOF", "in USD; expected XOF"),
        ("15 000 XAF", "XOF", "in XAF; expected XOF"),
        ("12 FCFA", "USD", "in FCFA; expected USD"),
        ("100 FC", "XOF", "in FC; expected XOF"),
    ],
)
def test_parse_refusals(text: str, code: str, message: str, english: None) -> None:
    with pytest.raises(AmountError, match=message):
        parse_amount(text, code)


def test_parse_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency):
        parse_amount("100", "EUR")


def test_parse_refuses_non_string() -> None:
    with pytest.raises(TypeError):
        parse_amount(1500, "XOF")  # type: ignore[arg-type]


def test_leading_zeros_do_not_count_towards_the_digit_limit() -> None:
    assert parse_amount("0" * 20 + "7", "XOF") == 7


# ---------------------------------------------------------------- parse_amount: properties


@given(
    st.integers(min_value=0, max_value=10**13),
    money_codes,
    st.sampled_from(LANGUAGES),
    st.booleans(),
)
def test_format_then_parse_round_trips(minor: int, code: str, language: str, symbol: bool) -> None:
    assert parse_amount(format_amount(minor, code, language, symbol), code) == minor


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    rest = [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join([digits[:head], *rest])


@given(
    st.integers(min_value=0, max_value=10**MAX_INTEGER_DIGITS - 1),
    st.sampled_from(["XOF", "XAF"]),
    st.sampled_from(WHITESPACE_SEPARATORS + (".", ",")),
)
def test_grouped_and_ungrouped_equal_without_decimals(major: int, code: str, sep: str) -> None:
    grouped = _group(str(major), sep)
    assert parse_amount(grouped, code) == parse_amount(str(major), code) == major


@given(
    st.integers(min_value=0, max_value=10**MAX_INTEGER_DIGITS - 1),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["USD", "CDF"]),
    st.sampled_from(
        [(ws, mark) for ws in WHITESPACE_SEPARATORS for mark in (",", ".")]
        + [(".", ","), (",", ".")]
    ),
)
def test_grouped_and_ungrouped_equal_with_decimals(
    major: int, cents: int, code: str, style: tuple[str, str]
) -> None:
    group_sep, mark = style
    fraction = str(cents).zfill(2)
    grouped = _group(str(major), group_sep) + mark + fraction
    expected = major * 100 + cents
    assert parse_amount(grouped, code) == expected
    assert parse_amount(f"{major}{mark}{fraction}", code) == expected
    if cents % 10 == 0:
        # "12,5" is twelve and a half, not twelve and five cents.
        assert parse_amount(f"{major}{mark}{fraction[0]}", code) == expected


@given(st.integers(min_value=1, max_value=10**13), money_codes)
def test_negative_formatted_amounts_are_refused(minor: int, code: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(format_amount(-minor, code), code)


@given(st.text(alphabet="0123456789 ,.\u00a0\u202f-+FCAUSDXO\t", max_size=30), money_codes)
def test_parse_returns_a_non_negative_int_or_amount_error(text: str, code: str) -> None:
    try:
        result = parse_amount(text, code)
    except AmountError:
        return
    assert type(result) is int
    assert 0 <= result < 10 ** (MAX_INTEGER_DIGITS + get_currency(code).decimals)


@given(st.text(max_size=40), money_codes)
def test_parse_of_arbitrary_text_only_raises_amount_error(text: str, code: str) -> None:
    try:
        result = parse_amount(text, code)
    except AmountError as exc:
        assert str(exc)
        return
    assert type(result) is int and result >= 0


@given(st.text(alphabet="0123456789", min_size=1, max_size=MAX_INTEGER_DIGITS), money_codes)
def test_plain_digits_are_whole_units(digits: str, code: str) -> None:
    assert parse_amount(digits, code) == int(digits) * 10 ** get_currency(code).decimals


# ---------------------------------------------------------------- module hygiene

MODULE_SOURCE = Path(money.__file__)


# ---------------------------------------------------------------- positive_amount


@pytest.mark.parametrize("value, currency, expected", [
    (1, None, 1),
    (15000, "XOF", 15000),
    ("15 000", "XOF", 15000),
    ("15 000 FCFA", "XOF", 15000),
    ("12,50", "USD", 1250),
    ("0,01", "CDF", 1),
])
def test_positive_amount_accepts(value: object, currency: str | None, expected: int) -> None:
    assert positive_amount(value, currency) == expected


@pytest.mark.parametrize("value, currency, message", [
    (0, None, "Enter an amount greater than zero."),
    (-5, "XOF", "Enter an amount greater than zero."),
    (True, None, "Enter an amount greater than zero."),
    (12.5, "USD", "Enter an amount greater than zero."),
    (None, None, "Enter an amount greater than zero."),
    # Text is read only when the caller says in which currency.
    ("15000", None, "Enter an amount greater than zero."),
    ("0", "XOF", "Enter an amount greater than zero."),
    ("0,00", "USD", "Enter an amount greater than zero."),
    ("", "XOF", "Enter an amount."),
    ("-15000", "XOF", "Amount cannot be negative."),
    ("12,50", "XOF", "FCFA amounts have no decimals."),
    ("15 000 USD", "XOF", "This amount is in USD; expected XOF."),
])
def test_positive_amount_refuses_at_the_field(value: object, currency: str | None,
                                              message: str, english: None) -> None:
    with pytest.raises(ValidationError) as info:
        positive_amount(value, currency)
    assert info.value.errors == {"amount": message}
    with pytest.raises(ValidationError) as info:
        positive_amount(value, currency, field="line.3.amount")
    assert info.value.errors == {"line.3.amount": message}


# Below 10**15 minor units every currency writes it within MAX_INTEGER_DIGITS.
@given(st.integers(min_value=-(10**17), max_value=10**15 - 1), money_codes, st.booleans())
def test_positive_amount_is_parse_amount_above_zero(minor: int, code: str, as_text: bool
                                                    ) -> None:
    """Typed or in minor units, an amount passes exactly when it is above zero, unchanged."""
    value: object = minor
    if as_text:
        assume(minor >= 0)
        value = format_amount(minor, code)
    if minor > 0:
        assert positive_amount(value, code) == minor
    else:
        with pytest.raises(ValidationError) as info:
            positive_amount(value, code)
        assert set(info.value.errors) == {"amount"}


def test_money_module_never_uses_float() -> None:
    tree = ast.parse(MODULE_SOURCE.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Name) and node.id == "float"), node.lineno
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), node.lineno
        # "/" is true division and yields a float even between ints.
        assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), node.lineno


def test_importing_money_pulls_in_neither_textual_nor_peewee() -> None:
    code = (
        "import sys, mifin_tui.services.kernel.money, mifin_tui.services.kernel.words\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'peewee'))\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_rates_are_written_the_way_each_language_writes_them():
    from mifin_tui.services.kernel.money import format_percent

    assert format_percent(2400, "fr") == "24,00 %"
    assert format_percent(2400, "en") == "24.00%"
    assert format_percent(3505, "fr", decimals=1) == "35,0 %"
    assert format_percent(-125, "en") == "-1.25%"
    with pytest.raises(ValueError):
        format_percent(100, "de")


@given(st.integers(-10**15, 10**15), st.sampled_from(["USD", "CDF", "XOF", "XAF"]),
       st.sampled_from(["fr", "en"]))
def test_amounts_are_written_with_the_locales_marks(minor: int, code: str,
                                                     language: str) -> None:
    """Grouping and decimal marks are those of the language's CLDR data (Babel), the
    French narrow no-break space printed as a space (latin-1 receipts)."""
    from babel.numbers import format_decimal

    decimals = get_currency(code).decimals
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(Decimal(minor).scaleb(-decimals), format=pattern,
                              locale=language).replace("\u202f", " ").replace("\xa0", " ")
    assert format_amount(minor, code, language, symbol=False) == expected.replace("\u2212",
                                                                                  "-")
