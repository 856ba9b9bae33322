"""The gérant decides a cashier's shortage on his own screen, at 80x24 (#21)."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, CashDifference
from mifin_tui.screens.cash.till_differences import TillDifferencesScreen
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.services.kernel import accounts
from tests.conftest import PASSWORD
from tests.services.test_cash_controls import close_short
from tests.services.test_counter import branch  # noqa: F401 (a fixture)
from tests.tui.conftest import SIZE, login, type_text


async def test_the_manager_charges_a_shortage_to_expense_with_a_reason(branch):  # noqa: F811
    d = close_short(branch, 1_000)  # 10.00 USD short at C01
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, branch["manager"].username, PASSWORD)
        await app.open_entry("till_differences")
        await pilot.pause()
        assert isinstance(app.screen, TillDifferencesScreen)
        assert str(app.screen.query_one("#differences-count").render()) == \
            "1 difference is still open (F6: all)."
        detail = str(app.screen.query_one("#detail").render())
        assert "SHORTAGE of 10.00 USD at till C01" in detail and "compté deux fois" in detail
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("f2")  # no reason: refused at the note, nothing posted
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert CashDifference.get_by_id(d.id).status == "pending"
        await type_text(pilot, "billet introuvable")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, TillDifferencesScreen)
        assert "Decided: charged to expense." in str(
            app.screen.query_one("#differences-result").render())
    row = CashDifference.get_by_id(d.id)
    assert (row.status, row.decision_note, row.decided_by_id) == \
        ("charged", "billet introuvable", branch["manager"].user_id)
    shortage = accounts.internal_account(branch["admin"].branch_id, "till_shortage", "USD")
    assert Account.get_by_id(shortage.id).balance == 1_000
