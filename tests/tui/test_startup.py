"""The CLI hands the App a path: the login screen is drawn first, the store opens after."""

from __future__ import annotations

from textual.widgets import Static

from mifin_tui import db
from mifin_tui.app import MifinApp
from mifin_tui.screens.session.main_menu import MainMenuScreen
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, login


async def test_the_store_opens_after_the_first_paint_and_the_login_works(admin, db_path):
    db.close()
    app = MifinApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = str(app.screen.query_one("#login-institution", Static).render())
        assert name == "COOPEC Test"
        await login(pilot, "admin", ADMIN_PASSWORD)
        assert isinstance(app.screen, MainMenuScreen)


async def test_a_database_without_an_institution_ends_with_one_clear_line(tmp_path):
    db.close()
    empty = tmp_path / "empty.db"
    empty.touch()
    app = MifinApp(db_path=empty)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1


async def test_the_theme_is_there_before_the_stylesheet_is_first_parsed(admin, monkeypatch):
    """The login screen is drawn in Mifin's theme (or the high-contrast one) without a
    second parse of the stylesheet: setting the theme once the App ran re-parsed every
    CSS source and emptied Textual's parse cache (~60 ms more to the first paint)."""
    from textual.css.stylesheet import Stylesheet

    from mifin_tui.app import HIGH_CONTRAST_THEME, MIFIN_THEME

    reparsed = []
    real = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse",
                        lambda self: (reparsed.append(1), real(self))[1])
    for high_contrast, theme in ((False, MIFIN_THEME), (True, HIGH_CONTRAST_THEME)):
        app = MifinApp(high_contrast=high_contrast)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.theme == theme.name
            assert app.has_class("-high-contrast") is high_contrast
            assert app.screen.styles.background.hex.upper() == theme.background.upper()
            box = app.screen.query_one("#login-box")
            assert box.styles.border_top[0] == ("heavy" if high_contrast else "round")
        assert reparsed == [], "the stylesheet was parsed again before the first paint"
    # The theme can still be switched afterwards (the palette's command).
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_toggle_contrast()
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST_THEME.name
        assert app.screen.styles.background.hex.upper() == "#000000"
