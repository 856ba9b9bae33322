"""The CLI hands the App a path: the login screen is drawn first, the store opens after."""

from __future__ import annotations

from textual.widgets import Static

from mifin_tui import db
from mifin_tui.app import MifinApp
from mifin_tui.screens.main_menu import MainMenuScreen
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
