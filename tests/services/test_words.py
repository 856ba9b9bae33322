"""Amounts in words as printed on vouchers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from mifin_tui.services.kernel import words
from mifin_tui.services.kernel.money import CURRENCIES, UnknownCurrency, get_currency
from mifin_tui.services.kernel.words import amount_in_words

CODES = sorted(CURRENCIES)
# Up to 15 integer digits: the largest amount parse_amount accepts, in any currency.
minor_amounts = st.integers(min_value=0, max_value=10**17 - 1)


@pytest.mark.parametrize(
    ("minor", "code", "expected"),
    [
        (0, "XOF", "zéro franc CFA"),
        (1, "XOF", "un franc CFA"),
        (2, "XOF", "deux francs CFA"),
        (21, "XOF", "vingt et un francs CFA"),
        (71, "XAF", "soixante et onze francs CFA"),
        (80, "XOF", "quatre-vingts francs CFA"),
        (81, "XOF", "quatre-vingt-un francs CFA"),
        (100, "XOF", "cent francs CFA"),
        (200, "XOF", "deux cents francs CFA"),
        (201, "XOF", "deux cent un francs CFA"),
        (1000, "XOF", "mille francs CFA"),
        (2000, "XOF", "deux mille francs CFA"),
        (15_000, "XOF", "quinze mille francs CFA"),
        (80_000, "XOF", "quatre-vingt mille francs CFA"),
        (1_000_000, "XOF", "un million de francs CFA"),
        (2_000_000, "XAF", "deux millions de francs CFA"),
        (2_500_000, "XOF", "deux millions cinq cent mille francs CFA"),
        (1_000_001, "XOF", "un million un francs CFA"),
        (1_000_000_000, "XOF", "un milliard de francs CFA"),
        (3_000_000_000, "XOF", "trois milliards de francs CFA"),
        (10**12, "XOF", "un billion de francs CFA"),
        (1250, "USD", "douze dollars américains et cinquante cents"),
        (5, "USD", "zéro dollar américain et cinq cents"),
        (1, "USD", "zéro dollar américain et un cent"),
        (100, "USD", "un dollar américain"),
        (101, "USD", "un dollar américain et un cent"),
        (8080, "USD", "quatre-vingts dollars américains et quatre-vingts cents"),
        (0, "USD", "zéro dollar américain"),
        (100_000_000, "USD", "un million de dollars américains"),
        (100_000_050, "USD", "un million de dollars américains et cinquante cents"),
        (1250, "CDF", "douze francs congolais et cinquante centimes"),
        (101, "CDF", "un franc congolais et un centime"),
        (0, "CDF", "zéro franc congolais"),
    ],
)
def test_french_words(minor: int, code: str, expected: str) -> None:
    assert amount_in_words(minor, code, "fr") == expected


@pytest.mark.parametrize(
    ("minor", "code", "expected"),
    [
        (0, "XOF", "zero CFA francs"),
        (1, "XOF", "one CFA franc"),
        (2, "XAF", "two CFA francs"),
        (15_000, "XOF", "fifteen thousand CFA francs"),
        (1_000_000, "XOF", "one million CFA francs"),
        (2_500_000, "XOF", "two million, five hundred thousand CFA francs"),
        (1250, "USD", "twelve US dollars and fifty cents"),
        (100, "USD", "one US dollar"),
        (101, "USD", "one US dollar and one cent"),
        (5, "USD", "zero US dollars and five cents"),
        (1250, "CDF", "twelve Congolese francs and fifty centimes"),
        (101, "CDF", "one Congolese franc and one centime"),
    ],
)
def test_english_words(minor: int, code: str, expected: str) -> None:
    assert amount_in_words(minor, code, "en") == expected


def test_french_is_the_default() -> None:
    assert amount_in_words(15_000, "XOF") == "quinze mille francs CFA"


@given(minor_amounts, st.sampled_from(CODES), st.sampled_from(["fr", "en"]))
def test_words_never_contain_digits(minor: int, code: str, language: str) -> None:
    text = amount_in_words(minor, code, language)
    assert not any(c.isdigit() for c in text)
    assert text == text.strip() and "  " not in text
    text.encode("latin-1")  # vouchers print on latin-1 thermal fonts


@given(minor_amounts, st.sampled_from(CODES), st.sampled_from(["fr", "en"]))
def test_words_start_with_num2words_spelling_of_the_units(
    minor: int, code: str, language: str
) -> None:
    major, fraction = divmod(minor, 10 ** get_currency(code).decimals)
    text = amount_in_words(minor, code, language)
    prefix = num2words(major, lang=language) + " "
    assert text.startswith(prefix)
    # The number words may hold the conjunction themselves ("soixante et onze",
    # "one hundred and one"), so only look after the spelled units.
    units_and_rest = text[len(prefix) :]
    conjunction = " et " if language == "fr" else " and "
    if fraction:
        _units, _, rest = units_and_rest.partition(conjunction)
        assert rest == num2words(fraction, lang=language) + " " + text.split()[-1]
    else:
        assert conjunction not in units_and_rest


@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(["XOF", "XAF"]))
def test_french_franc_grammar(major: int, code: str) -> None:
    text = amount_in_words(major, code, "fr")
    number = num2words(major, lang="fr")
    if major <= 1:
        assert text == f"{number} franc CFA"
    elif number.split()[-1].rstrip("s") in {"million", "milliard", "billion"}:
        assert text == f"{number} de francs CFA"
    else:
        assert text == f"{number} francs CFA"


@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(["XOF", "XAF"]))
def test_english_franc_grammar(major: int, code: str) -> None:
    text = amount_in_words(major, code, "en")
    assert text.endswith(" CFA franc" if major == 1 else " CFA francs")
    assert " of " not in text


@given(st.integers(min_value=0, max_value=10**15 - 1), st.integers(min_value=1, max_value=99))
def test_usd_always_names_the_dollar_before_the_cents(major: int, cents: int) -> None:
    text = amount_in_words(major * 100 + cents, "USD", "fr")
    unit = "dollar américain" if major <= 1 else "dollars américains"
    if num2words(major, lang="fr").split()[-1].rstrip("s") in {"million", "milliard", "billion"}:
        unit = "de " + unit
    head, tail = text.split(f" {unit} et ")
    assert head == num2words(major, lang="fr")
    assert tail == num2words(cents, lang="fr") + (" cent" if cents == 1 else " cents")


@pytest.mark.parametrize("minor", [-1, -100, -(10**12)])
@pytest.mark.parametrize("code", CODES)
def test_negative_amounts_are_refused(minor: int, code: str) -> None:
    with pytest.raises(ValueError):
        amount_in_words(minor, code)


@pytest.mark.parametrize("bad", [1.0, 12.5, True, "100", None])
def test_non_int_amounts_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(bad, "XOF")  # type: ignore[arg-type]


def test_unknown_currency_and_language_are_refused() -> None:
    with pytest.raises(UnknownCurrency):
        amount_in_words(100, "EUR")
    with pytest.raises(ValueError):
        amount_in_words(100, "XOF", "de")


def test_words_module_never_uses_float() -> None:
    tree = ast.parse(Path(words.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Name) and node.id == "float"), node.lineno
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), node.lineno
        assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), node.lineno
