"""Dates as people read and type them: one format and one parser for every screen,
document, report and command.

The written form is the language's CLDR short date (Babel), with the year in full, as
vouchers and registers carry it: 07/12/2026 in French and in the English of the regions
served. Babel is read once per language and kept as a strftime pattern, so a closing that
writes 100,000 dates does not ask the locale data 100,000 times, and the login screen
does not load Babel at all.

Standard library only at import (printers use it too).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from mifin_tui.i18n import _

DEFAULT_LANGUAGE = "fr"

# The regions whose short date a language's documents follow. Plain `en` in CLDR is the
# United States' M/d/yy, which no branch uses; the English-speaking countries served
# (Nigeria, Ghana, Liberia, Sierra Leone, the Gambia) write dd/MM/y.
DATE_LOCALES = {"fr": "fr", "en": "en_NG"}

# CLDR field letters -> strftime; the year is always written in full on paper.
_FIELDS = {"d": "%d", "dd": "%d", "M": "%m", "MM": "%m", "y": "%Y", "yy": "%Y", "yyyy": "%Y"}
_TOKEN = re.compile(r"d+|M+|y+|'[^']*'|.")

_SEPARATED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@cache
def date_pattern(language: str = DEFAULT_LANGUAGE) -> str:
    """The strftime pattern of `language`'s short date, from Babel's CLDR data."""
    from babel import Locale
    from babel.dates import get_date_format

    locale = Locale.parse(DATE_LOCALES.get(language, language))
    cldr = get_date_format("short", locale=locale).pattern
    out = []
    for token in _TOKEN.findall(cldr):
        if token in _FIELDS:
            out.append(_FIELDS[token])
        elif token.startswith("'"):
            out.append(token.strip("'").replace("%", "%%"))
        elif token.isalpha():
            raise ValueError(f"unexpected date field {token!r} in {cldr!r} ({language})")
        else:
            out.append(token.replace("%", "%%"))
    return "".join(out)


def format_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """07/12/2026."""
    return day.strftime(date_pattern(language))


def format_datetime(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """07/12/2026 14:05 (the time as the counter's clock reads it, minutes only)."""
    return moment.strftime(date_pattern(language) + " %H:%M")


def stored_date(value: object) -> date | None:
    """A date as the store hands it back: a `date` (peewee), ISO text (raw SQL on SQLite,
    a timestamp's date part included) or None."""
    if value is None or isinstance(value, date):
        return value
    return _iso_date(str(value))


@cache
def _iso_date(text: str) -> date:
    # a closing reads the due dates of a million instalments: a few hundred distinct ones
    return date.fromisoformat(text[:10])


def parse_date(text: str) -> date:
    """A date as a user types it: dd/mm/yyyy (also d/m/yyyy, dd.mm.yyyy, dd-mm-yyyy,
    ddmmyyyy) or ISO yyyy-mm-dd. ValueError with a message for the user otherwise."""
    text = text.strip()
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        match = _SEPARATED.match(text) or _COMPACT.match(text)
        if not match:
            raise ValueError(_("Write the date as dd/mm/yyyy, e.g. 24/11/2026."))
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("This date does not exist.")) from None
