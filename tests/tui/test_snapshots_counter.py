"""Snapshots at 80x24 of a cashier's main screens, in French and in English: his menu, a
deposit with its account found, its confirmation, and the member card.

The branch is built by services on a fixed day (tests/conftest.py FIRST_DAY), so the
pictures do not move with the calendar. Regenerate after a deliberate change of look:
pytest tests/tui/test_snapshots_counter.py --snapshot-update
"""

from __future__ import annotations

import pytest

from mifin_tui.db.models import User
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.savings.deposit import DepositScreen
from mifin_tui.screens.session.main_menu import MainMenuScreen
from mifin_tui.services.savings import accounts as savings_accounts
from tests.conftest import PASSWORD
from tests.services.test_savings import branch  # noqa: F401 - the fixture
from tests.tui.conftest import SIZE, login, type_text

LANGUAGES = ["fr", "en"]


def _speaks(username: str, language: str) -> None:
    User.update(language=language).where(User.username == username).execute()


async def _signed_in(pilot, username: str) -> None:
    await pilot.pause()
    await login(pilot, username, PASSWORD)
    assert isinstance(pilot.app.screen, MainMenuScreen), pilot.app.screen


@pytest.mark.parametrize("language", LANGUAGES)
def test_cashier_menu(branch, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp

    _speaks(branch["cashier"].username, language)

    async def run_before(pilot):
        await _signed_in(pilot, branch["cashier"].username)

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_deposit_and_its_confirmation(branch, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp

    _speaks(branch["cashier"].username, language)
    number = savings_accounts.account_view(branch["cashier"], branch["account"]).number

    async def run_before(pilot):
        await _signed_in(pilot, branch["cashier"].username)
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DepositScreen)
        await type_text(pilot, number)
        await pilot.press("enter", "enter", "enter")
        await type_text(pilot, "250")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmCashScreen), pilot.app.screen

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_card(branch, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp
    from tests.tui.conftest import choose_entry

    _speaks(branch["cashier"].username, language)

    async def run_before(pilot):
        await _signed_in(pilot, branch["cashier"].username)
        await choose_entry(pilot.app, pilot, "member_card")
        await type_text(pilot, "Kabongo")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause()
        assert "Kabongo".upper() in str(pilot.app.screen.query_one("#card-member").render())

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)
