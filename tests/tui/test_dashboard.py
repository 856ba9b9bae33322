"""The gérant lands on his dashboard after his login; its figures are the service's."""

from __future__ import annotations

from textual.widgets import Static

from mifin_tui.app import MifinApp
from mifin_tui.screens.reports.dashboard import DashboardScreen, percent
from mifin_tui.screens.session.main_menu import MainMenuScreen
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.reports import dashboard
from tests.tui.conftest import SIZE, type_text


def test_percent():
    """With the decimal mark of the language the figures beside it are written in."""
    from mifin_tui.i18n import current_language, set_language

    before = current_language()
    try:
        set_language("fr")
        assert (percent(0), percent(1234), percent(10_000), percent(5)) == (
            "0,0 %", "12,3 %", "100,0 %", "0,0 %")
        set_language("en")
        assert (percent(1234), percent(259)) == ("12.3%", "2.5%")
    finally:
        set_language(before)


async def test_the_gerant_lands_on_his_dashboard(demo_db):
    _cashier, _ctx, _member, result = demo_db
    gerant = next(u for u in result.users if u.username == "gerant")
    expected = dashboard.build(auth.login(gerant.username, gerant.password))
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, gerant.username)
        await pilot.press("enter")
        await type_text(pilot, gerant.password)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        # The staff of these tests work in English: amounts too ("5,474.22", not "5 474,22").
        assert format_amount(expected.outstanding, expected.currency, "en") in text
        assert f"PAR30 {percent(expected.par_bp)}" in text
        assert "C01" in text and "C02" in text
        assert expected.par_trend[-1].month.strftime("%m/%y") in text  # the chart's axis
        await pilot.press("escape")  # his menu is behind it
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)


async def test_a_cashier_does_not_land_on_it(demo_db):
    cashier, _ctx, _member, _result = demo_db
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, cashier.username)
        await pilot.press("enter")
        await type_text(pilot, cashier.password)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
