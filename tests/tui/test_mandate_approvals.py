"""The gérant approves the demo's pending mandataire from his list (#21): F2, the note
dialog, Enter; the proxy is in force and the list says so."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import AccountMandate
from tests.tui.conftest import SIZE, login


async def test_the_gerant_approves_the_pending_mandataire(demo_db):
    *_rest, demo = demo_db
    gerant = next(u for u in demo.users if u.username == "gerant")
    pending = AccountMandate.get(AccountMandate.status == "pending")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, gerant.username, gerant.password)
        await app.open_entry("mandate_approvals")
        await pilot.pause()
        assert app.screen.current.id == pending.id
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        result = str(app.screen.query_one("#mapprovals-result").render())
        assert "may now sign on account" in result, result
    assert AccountMandate.get_by_id(pending.id).status == "active"
