"""Snapshots at 80x24 (pytest-textual-snapshot): the login screen and an admin's menu.

Regenerate after a deliberate change of look: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.screens.session.main_menu import MainMenuScreen
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, login


async def log_in_as_admin(pilot) -> None:
    await pilot.pause()  # the login screen mounted and focused before the first key
    await login(pilot, "admin", ADMIN_PASSWORD)
    # a failed login must fail here, not be photographed
    assert isinstance(pilot.app.screen, MainMenuScreen), pilot.app.screen


def test_login_screen(admin, snap_compare):
    assert snap_compare(MifinApp(), terminal_size=SIZE)


def test_main_menu_of_an_administrator(admin, snap_compare):
    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=log_in_as_admin)


def test_main_menu_in_french(admin, snap_compare):
    from mifin_tui.services.admin import users

    users.set_language(admin, "fr")
    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=log_in_as_admin)


def test_add_user_form_with_errors(admin, snap_compare):
    async def bad_input(pilot):
        await log_in_as_admin(pilot)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("9", "f2")
        await pilot.pause()
        assert pilot.app.screen.__class__.__name__ == "AddUserScreen", pilot.app.screen

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=bad_input)
