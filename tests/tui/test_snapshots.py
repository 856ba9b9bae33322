"""Snapshots at 80x24 (pytest-textual-snapshot): the login screen and an admin's menu.

Regenerate after a deliberate change of look: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from mifin_tui.app import MifinApp
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, login


def test_login_screen(admin, snap_compare):
    assert snap_compare(MifinApp(), terminal_size=SIZE)


def test_main_menu_of_an_administrator(admin, snap_compare):
    async def log_in(pilot):
        await login(pilot, "admin", ADMIN_PASSWORD)

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=log_in)


def test_add_user_form_with_errors(admin, snap_compare):
    async def bad_input(pilot):
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("9", "f2")
        await pilot.pause()

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=bad_input)
