"""A cashier's long session keeps nothing of the screens he closed (issue 23).

Textual memoizes a method of each widget's style cache with an lru_cache, whose keys
kept up to 1,024 closed widgets and their drawn lines alive: each deposit left ~0.4 MB
behind. Counted here as live objects, never as time or RSS."""

from __future__ import annotations

import gc

from textual._styles_cache import StylesCache

from mifin_tui.app import MifinApp
from mifin_tui.screens.savings.deposit import DepositScreen
from mifin_tui.screens.session.main_menu import MainMenuScreen
from tests.tui.conftest import SIZE
from tests.tui.test_counter import counter, sign_in  # noqa: F401

ROUNDS = 8


def live_style_caches() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, StylesCache))


async def test_deposit_screens_opened_and_closed_leave_nothing_behind(counter):  # noqa: F811
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        for round_ in range(ROUNDS + 2):
            if round_ == 2:  # the first rounds fill what lives all session (CSS, menus)
                before = live_style_caches()
            await pilot.press("f11")
            await pilot.pause()
            assert isinstance(app.screen, DepositScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainMenuScreen)
        after = live_style_caches()
    # One deposit screen holds some twenty widgets: twelve kept would be ~240.
    assert after - before <= 5, (before, after)
