"""The auditor's screens on the demo institution: journal, audit log search, verification."""

from __future__ import annotations

from textual.widgets import Static

from mifin_tui.app import MifinApp
from mifin_tui.screens.admin.verify import VerifyScreen
from mifin_tui.services.kernel import ledger
from mifin_tui.widgets import PagedTable
from tests.tui.conftest import SIZE, login, type_text


def auditor(demo_db):
    return next(u for u in demo_db[3].users if u.username == "controleur")


async def test_journal_audit_log_and_verification(demo_db):
    user = auditor(demo_db)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, user.username, user.password)
        await pilot.press("f4")
        await pilot.pause()
        journal = app.screen.query_one(PagedTable)
        newest = ledger.journal(app.ctx, limit=1)[0]
        assert journal.current.id == newest.id  # newest first
        assert 0 < journal.row_count <= PagedTable.PAGE_SIZE  # one page, not the lot

        await pilot.press("escape", "f5")  # the audit log, searched
        await pilot.pause()
        await pilot.press("f2")
        await type_text(pilot, "gerant")
        await pilot.press("enter")
        await pilot.pause()
        rows = app.screen.query_one(PagedTable)
        assert rows.records
        assert all("gerant" in f"{r.username} {r.entity_id} {r.after}" for r in rows.records)

        await pilot.press("escape", "f6")
        await pilot.pause()
        assert isinstance(app.screen, VerifyScreen)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#verify-summary", Static).render())
        assert summary.startswith("OK: ledger balanced"), summary
        assert not app.screen.query_one("#verify-busy").display


async def test_a_receipt_verified_from_the_menu(demo_db):
    """The auditor types a slip's code: the books confirm it; one character off, mistyped."""
    from mifin_tui.db.models import JournalTransaction
    from mifin_tui.services.kernel import chain
    from tests.tui.conftest import choose_entry

    user = auditor(demo_db)
    txn = (JournalTransaction.select().where(JournalTransaction.voucher_number.startswith("BE-"))
           .order_by(JournalTransaction.id.desc()).first())
    code = chain.receipt_code(txn.id)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, user.username, user.password)
        await choose_entry(app, pilot, "verify_receipt")
        await type_text(pilot, code.lower())
        await pilot.press("enter")
        await pilot.pause()
        verdict = str(app.screen.query_one("#receipt-verdict", Static).render())
        assert verdict.startswith("Found and matches"), verdict
        detail = str(app.screen.query_one("#receipt-detail", Static).render())
        assert txn.voucher_number in detail
        await pilot.press("backspace", "backspace", *("A" if code[-2] != "A" else "B"),
                          code[-1], "enter")
        await pilot.pause()
        verdict = str(app.screen.query_one("#receipt-verdict", Static).render())
        assert "mistyped" in verdict, verdict
