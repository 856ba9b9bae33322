"""Translations: gettext catalogues under mifin_tui/locale, French by default.

Message ids are English; the French catalogue must be complete (a test checks it).
The active language is process-wide: a Mifin process serves one user at a time,
and the language is switched at login to the user's setting, unless one was chosen for
the process (`mifin --lang`, MIFIN_LANG), which then holds for every session.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

DOMAIN = "mifin"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

# The catalogue of the active language, read by the first `_()` that needs it: the French
# one takes ~8 ms to parse, which `mifin --lang en` (or a user switched to English before
# anything was translated) need not pay at every start.
_translation: gettext.NullTranslations | None = None
_language = DEFAULT_LANGUAGE
# The language asked for when Mifin started (--lang, MIFIN_LANG): it holds for the whole
# process, over the user's stored preference.
_chosen: str | None = None


def set_language(language: str) -> None:
    """Switch every later `_()` call to `language` ("fr" or "en")."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    _translation = None
    _language = language


def choose_language(language: str) -> None:
    """The language of this whole process (--lang, MIFIN_LANG), over the user's own."""
    global _chosen
    set_language(language)
    _chosen = language


def chosen_language() -> str | None:
    """The language chosen for this process, if one was (`choose_language`)."""
    return _chosen


def _active() -> gettext.NullTranslations:
    global _translation
    if _translation is None:
        _translation = _catalogue(_language)
    return _translation


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate `message` into the current language. The empty string stays empty:
    gettext would answer it with the catalogue's header (an unset field on a screen)."""
    return (_translation or _active()).gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return (_translation or _active()).ngettext(singular, plural, n)



@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language],
                               fallback=True)


class Translator:
    """`_` for one language, whatever the user's: documents print in their own. Called
    as `_`; `.ngettext` gives the plural forms in that language ("1 crédit", "2 crédits")."""

    def __init__(self, language: str) -> None:
        self._catalogue = _catalogue(language)

    def __call__(self, message: str) -> str:
        return self._catalogue.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)


def translator(language: str) -> Translator:
    return Translator(language)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (labels in tables)."""
    return message

