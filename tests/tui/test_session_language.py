"""The language of a session: `--lang`/MIFIN_LANG holds over the user's stored one, and
the command palette's own words follow the session's language."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from mifin_tui import i18n
from mifin_tui.app import MifinApp
from mifin_tui.cli import _language_asked
from mifin_tui.screens.session.main_menu import MainMenuScreen
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, login, type_text


def test_lang_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("MIFIN_LANG", "fr")
    assert _language_asked(["--lang", "en", "--db", "x"]) == "en"
    assert _language_asked(["--lang=en"]) == "en"
    assert _language_asked(["--db", "x"]) == "fr"
    monkeypatch.setenv("MIFIN_LANG", "klingon")
    assert _language_asked([]) is None


async def test_the_language_chosen_at_start_outlasts_the_login(admin, monkeypatch):
    from mifin_tui.services.admin import users

    users.set_language(admin, "fr")  # his stored preference
    monkeypatch.setattr(i18n, "_chosen", None)  # restored after the test
    i18n.choose_language("en")  # mifin --lang en
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        assert isinstance(app.screen, MainMenuScreen)
        assert i18n.current_language() == "en" and app.ctx.language == "en"
        assert str(app.screen.query_one(".screen-title").render()) == "Main menu"


async def test_the_palette_speaks_the_users_language(admin):
    from mifin_tui.services.admin import users

    users.set_language(admin, "fr")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        placeholder = str(app.screen.query_one(Input).placeholder)
        assert placeholder == i18n._("Find a screen or a command...") != \
            "Find a screen or a command..."
        await type_text(pilot, "zzqx")
        await pilot.pause(0.8)
        commands = app.screen.query_one(CommandList)
        shown = [str(commands.get_option_at_index(i).prompt.renderable)
                 for i in range(commands.option_count)]
        assert shown == [i18n._("No matches found")] and shown != ["No matches found"]
