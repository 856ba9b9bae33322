"""Amounts "en toutes lettres" for vouchers, in French or English.

num2words spells the numbers (its spelling is kept as is, e.g. "quatre-vingts",
"vingt et un", "mille", "un billion" for 10**12 in French long scale); the currency
words are ours because num2words knows neither XOF/XAF nor CDF.

Voucher form chosen for an amount below one unit: the main unit is always written,
"zéro dollar américain et cinq cents", never "cinq cents" alone, because in French
"cinq cents" also reads as 500 and the currency would be missing. A zero fraction
is left out: "douze dollars américains". Output is lower case; the voucher layout
decides capitalisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.i18n import _
from mifin_tui.services.kernel.money import get_currency

__all__ = ["amount_in_words", "WORD_LANGUAGES"]

WORD_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class _Units:
    unit: str
    units: str
    subunit: str = ""
    subunits: str = ""


_UNITS: dict[str, dict[str, _Units]] = {
    "fr": {
        "XOF": _Units("franc CFA", "francs CFA"),
        "XAF": _Units("franc CFA", "francs CFA"),
        "CDF": _Units("franc congolais", "francs congolais", "centime", "centimes"),
        "USD": _Units("dollar américain", "dollars américains", "cent", "cents"),
    },
    "en": {
        "XOF": _Units("CFA franc", "CFA francs"),
        "XAF": _Units("CFA franc", "CFA francs"),
        "CDF": _Units("Congolese franc", "Congolese francs", "centime", "centimes"),
        "USD": _Units("US dollar", "US dollars", "cent", "cents"),
    },
}

# French puts "de" between a number ending on these nouns and the currency:
# "un million de francs CFA", but "deux millions cinq cent mille francs CFA".
_FR_DE_NOUNS = frozenset(
    {"million", "millions", "milliard", "milliards", "billion", "billions", "billiard", "billiards"}
)


def _fr_part(n: int, singular: str, plural: str) -> str:
    from num2words import num2words  # 12 ms of imports: paid at the first voucher

    number = num2words(n, lang="fr")
    # French takes the singular for 0 and 1 ("zéro franc CFA").
    noun = singular if n <= 1 else plural
    if number.split()[-1] in _FR_DE_NOUNS:
        return f"{number} de {noun}"
    return f"{number} {noun}"


def _en_part(n: int, singular: str, plural: str) -> str:
    # English takes the singular for 1 only ("zero CFA francs").
    from num2words import num2words

    return f"{num2words(n, lang='en')} {singular if n == 1 else plural}"


def amount_in_words(minor: int, currency: str, language: str = "fr") -> str:
    """Spell an amount of minor units: 1250 USD -> "douze dollars américains et cinquante cents"."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor must be an int, not {type(minor).__name__}")
    cur = get_currency(currency)
    if language not in WORD_LANGUAGES:
        raise ValueError(f"unsupported language for amounts in words: {language!r}")
    if minor < 0:
        # A voucher never carries a negative amount; a reversal is its own voucher.
        raise ValueError(_("An amount in words cannot be negative."))
    units = _UNITS[language][cur.code]
    part = _fr_part if language == "fr" else _en_part
    conjunction = "et" if language == "fr" else "and"
    major, fraction = divmod(minor, 10**cur.decimals)
    text = part(major, units.unit, units.units)
    if fraction:
        text += f" {conjunction} " + part(fraction, units.subunit, units.subunits)
    return text
