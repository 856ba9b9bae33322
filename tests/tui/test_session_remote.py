"""What a session gets from where it runs: `--lang`/MIFIN_LANG holds over the user's
stored language, the command palette's own words follow the session's language, and on
the Linux console the focused field is marked over its whole width."""

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


async def test_the_linux_console_marks_the_whole_focused_field(admin, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("MIFIN_HIGH_CONTRAST", raising=False)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.has_class("-linux-console") and not app.high_contrast
        field = app.focused
        region = field.region
        assert field.id == "username" and region.width > 20
        line = app.screen._compositor.render_strips()[region.y]
        cells = []
        for segment in line:
            cells += [segment.style] * len(segment.text)
        styles = cells[region.x:region.right]
        # every cell reversed, on two of the 8 colours every console has: a grey bar
        assert all(s.reverse for s in styles), [(s.reverse, str(s.color)) for s in styles]
        colours = [(s.color.name, s.bgcolor.name) for s in styles]
        assert colours[1] == ("#1a1a1a", "#c4c5b5"), colours  # the cursor
        # the rest in the console's white (ANSI 7) reversed on its black (ANSI 0)
        assert set(colours[:1] + colours[2:]) == {("#c4c5b5", "#1a1a1a")}, colours
