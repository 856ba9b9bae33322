"""Translations: every message in the code has its French, and the .mo files are fresh."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "mifin_tui" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _messages_in_code() -> set[str]:
    found: set[str] = set()
    for package in ("mifin_tui", "printers"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(lang: str):
    with open(LOCALE / lang / "LC_MESSAGES" / "mifin.po", "rb") as fh:
        return read_po(fh)


def test_french_catalogue_translates_every_message_in_the_code():
    catalog = _catalog("fr")
    missing = sorted(m for m in _messages_in_code()
                     if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, (f"{len(missing)} messages without French (run scripts/i18n, then "
                         f"translate): {missing[:10]}")


def test_english_catalogue_lists_every_message():
    catalog = _catalog("en")
    missing = sorted(m for m in _messages_in_code() if catalog.get(m) is None)
    assert not missing, f"run scripts/i18n: {missing[:10]}"


def test_translations_keep_their_placeholders():
    for message in _catalog("fr"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert set(PLACEHOLDER.findall(ids[0])) == set(PLACEHOLDER.findall(strings[0])), \
            message.id


def test_compiled_catalogues_match_their_sources():
    for lang in ("fr", "en"):
        with open(LOCALE / lang / "LC_MESSAGES" / "mifin.mo", "rb") as fh:
            compiled = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        expected = {m.id: m.string for m in _catalog(lang)
                    if m.id and m.string and not isinstance(m.id, tuple)}
        actual = {k: v for k, v in compiled.items() if k and isinstance(k, str)}
        assert actual == expected, f"{lang}: run scripts/i18n compile"


def test_french_is_the_default_language():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "from mifin_tui.i18n import _; print(_('Enter your "
         "password.'))"], capture_output=True, text=True, check=True).stdout
    assert out.strip() != "Enter your password."


def test_an_empty_message_stays_empty_in_every_language():
    # gettext answers "" with the catalogue's header: an unset field once showed it
    from mifin_tui.i18n import _, set_language, translator

    for lang in ("fr", "en"):
        set_language(lang)
        assert _("") == ""
        assert translator(lang)("") == ""
