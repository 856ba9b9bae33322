"""Manual entries typed by the accountant, validated by the gérant, on the demo."""

from __future__ import annotations

from textual.widgets import OptionList

from mifin_tui.app import MifinApp
from mifin_tui.db.models import AuditLog, Entry, JournalTransaction, ManualEntry
from mifin_tui.screens.accounting.manual_entries import ManualEntriesScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.cash import tills
from tests.tui.conftest import SIZE, login, type_text


async def _open(app: MifinApp, pilot) -> None:
    menu = app.screen.query_one("#menu", OptionList)
    for _ in range(menu.option_count):
        if menu.highlighted is not None and \
                menu.get_option_at_index(menu.highlighted).id == "manual_entries":
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_accountant_enters_and_the_manager_validates(demo_db):
    *_rest, demo = demo_db
    users = {u.username: u for u in demo.users}
    vault = tills.cash_account(tills.vault_of(1), "USD")
    before = ManualEntry.select().count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "comptable", users["comptable"].password)
        await _open(app, pilot)
        screen = app.screen
        assert isinstance(screen, ManualEntriesScreen)
        await type_text(pilot, "Achat de fournitures de bureau")
        await pilot.press("enter", "enter")  # label, currency
        await type_text(pilot, "622")
        await pilot.press("enter")
        await type_text(pilot, "12.50")
        await pilot.press("enter", "enter")  # no credit on this line
        await type_text(pilot, vault.number)
        await pilot.press("enter", "enter")  # no debit on this line
        await type_text(pilot, "12.50")
        await pilot.press("f2")
        await pilot.pause()
        assert "waiting for validation" in str(screen.query_one("#entry-result").render())
        # He cannot validate his own entry.
        screen.query_one("#pending").focus()
        await pilot.press("end", "f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # what will be posted, first
        await pilot.press("enter")
        await pilot.pause()
        assert "yourself" in str(screen.query_one("#error-form").render())
    entry = ManualEntry.select().order_by(ManualEntry.id.desc()).first()
    assert ManualEntry.select().count() == before + 1
    assert entry.status == "pending" and entry.label == "Achat de fournitures de bureau"
    assert [(ln.debit, ln.credit) for ln in entry.lines] == [(1250, 0), (0, 1250)]

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "gerant", users["gerant"].password)
        await _open(app, pilot)
        screen = app.screen
        pending = screen.query_one("#pending", OptionList)
        pending.focus()
        index = [e.id for e in screen.pending].index(entry.id)
        pending.highlighted = index
        await pilot.pause()
        assert "622" in str(screen.query_one("#pending-detail").render())
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert entry.status == "pending"
        await pilot.press("enter")
        await pilot.pause()
        assert "posted: voucher OD-" in str(screen.query_one("#entry-result").render())
    entry = ManualEntry.get_by_id(entry.id)
    assert entry.status == "posted"
    txn = JournalTransaction.get_by_id(entry.txn_id)
    assert txn.kind == "manual" and txn.voucher_number.startswith("OD-")
    assert sorted((e.debit, e.credit) for e in Entry.select().where(Entry.txn == txn.id)) == [
        (0, 1250), (1250, 0)]
    assert AuditLog.select().where(AuditLog.action == "manual_entry.validate",
                                   AuditLog.entity_id == entry.uid).exists()
