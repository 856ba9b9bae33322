"""Dates are written dd/mm/yyyy in both languages: the CLDR short date (Babel's locale
data) of every country Mifin's regulator profiles serve, French- and English-speaking.
(Plain `en` is the United States' M/d/yy, which no branch uses.) If CLDR changed one of
them, this test names it."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date, get_date_format

from mifin_tui.services.kernel import dates
from mifin_tui.widgets.formatting import fmt_date

# DR Congo, UEMOA and CEMAC members, and the English-speaking West African countries
LOCALES = ("fr_CD", "fr_SN", "fr_CI", "fr_BF", "fr_ML", "fr_NE", "fr_TG", "fr_BJ",
           "fr_CM", "fr_GA", "fr_CG", "fr_TD", "fr_CF", "en_NG", "en_GH", "en_LR", "en_SL",
           "en_GM")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_date_format_is_the_cldr_short_date_of_the_region(locale: str) -> None:
    assert get_date_format("short", locale=locale).pattern == "dd/MM/y"
    for day in (date(2026, 1, 5), date(2026, 12, 31)):
        assert fmt_date(day) == format_date(day, "dd/MM/yyyy", locale=locale)
        for language in dates.DATE_LOCALES:
            assert dates.format_date(day, language) == fmt_date(day)


@pytest.mark.parametrize("text", ["07/12/2026", "7/12/2026", "07.12.2026", "07-12-2026",
                                  "07122026", "2026-12-07", " 07/12/2026 "])
def test_a_date_is_read_as_the_screens_write_it_and_in_iso(text: str) -> None:
    assert dates.parse_date(text) == date(2026, 12, 7)


@pytest.mark.parametrize("text", ["31/02/2026", "2026-02-31", "12/2026", "tomorrow", ""])
def test_a_wrong_date_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(ValueError) as err:
        dates.parse_date(text)
    assert str(err.value)
