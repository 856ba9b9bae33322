"""The accountant imports a mobile-money statement from the screen: one line finds its
loan and posts, one waits; on Unmatched payments he types the loan number and posts it;
the A4 summary printed is read back from PDF; the database holds each payment once."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import PaymentImportLine, PaymentSuspense, Repayment
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.imports.matching import PaymentMatchingScreen
from mifin_tui.screens.imports.payments import PaymentImportScreen
from mifin_tui.screens.imports.suspense import SuspenseScreen
from mifin_tui.services.admin import check
from mifin_tui.services.kernel.money import get_currency
from tests.tui.conftest import SIZE, choose_entry, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle, sign_in  # noqa: F401
from tests.tui.test_repayment import _due_loan

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def plain(minor: int, currency: str) -> str:
    d = get_currency(currency).decimals
    return f"{minor // 10 ** d}.{minor % 10 ** d:0{d}d}" if d else str(minor)


async def test_accountant_imports_then_matches_by_hand_and_prints(counter, tmp_path):  # noqa: F811
    loan, first = _due_loan(counter)
    day = loan.disbursed_on.strftime("%d/%m/%Y")
    path = tmp_path / "releve.csv"
    interest, principal = (plain(first.interest_due, loan.currency),
                           plain(first.principal_due, loan.currency))
    path.write_text("date;reference;payer;amount;text\n"
                    f"{day};MM-100;;{interest};pret {loan.number}\n"
                    f"{day};MM-101;0700000009;{principal};maman\n"
                    f"{day};MM-102;0700000010;5;inconnu\n", encoding="utf-8")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "comptable")
        await choose_entry(app, pilot, "payment_import")
        screen = app.screen
        assert isinstance(screen, PaymentImportScreen)
        await type_text(pilot, str(path))
        await pilot.press("f2")  # check only
        await settle(app, pilot)
        summary = str(screen.query_one("#import-summary").render())
        assert "dry run" in summary and "matched: 1" in summary
        assert Repayment.select().count() == 0
        await pilot.press("f5")
        await settle(app, pilot)
        summary = str(screen.query_one("#import-summary").render())
        assert "posted: 1" in summary and "unmatched: 2" in summary and "MM-101" in summary
        await pilot.press("f6")
        await settle(app, pilot)

        await pilot.press("f7")
        await pilot.pause()
        matching = app.screen
        assert isinstance(matching, PaymentMatchingScreen)
        assert [r.reference for r in matching.shown] == ["MM-101", "MM-102"]
        await pilot.press("enter")  # the highlighted line: to the number
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # who pays what, on which loan
        assert loan.number in str(app.screen.query_one("#confirm-lines").render())
        await pilot.press("enter")
        await pilot.pause()
        message = str(matching.query_one("#matching-message").render())
        assert "MM-101" in message and loan.number in message
        assert [r.reference for r in matching.shown] == ["MM-102"]

        # #20: the unmatched payment's money waits in suspense; the accountant refunds it
        for _back in range(3):  # back to the main menu
            if app.screen.query("#menu"):
                break
            await pilot.press("escape")
            await pilot.pause()
        await choose_entry(app, pilot, "payment_suspense")
        held = app.screen
        assert isinstance(held, SuspenseScreen)
        assert [(r.reference, r.amount) for r in held.shown] == [
            ("MM-102", 5 * 10 ** get_currency(loan.currency).decimals)]
        await pilot.press("f6", "enter")  # confirmed, but no note: refused at the field
        await pilot.pause()
        assert "how the payer" in str(held.query_one("#error-note").render())
        held.query_one("#note").focus()
        await type_text(pilot, "Renvoyé par l'opérateur")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "MM-102 refunded" in str(held.query_one("#suspense-message").render())
        assert held.shown == []

    assert PaymentSuspense.get(PaymentSuspense.reference == "MM-102").status == "refunded"
    assert PaymentSuspense.get(PaymentSuspense.reference == "MM-101").status == "applied"
    reps = {r.reference: r for r in Repayment.select().where(Repayment.loan == loan.id)}
    # MM-101 waited in suspense from the import: applied from there
    assert {ref[-6:] for ref in reps} == {"MM-100", "MM-101"}
    assert {r.channel for r in reps.values()} == {"mobile_money", "suspense"}
    assert sum(r.amount for r in reps.values()) == first.principal_due + first.interest_due
    row = PaymentImportLine.get(PaymentImportLine.reference == "MM-101")
    assert (row.status, row.matched_by) == ("posted", "manual")
    assert check.run().ok
    [printed] = pdfs(counter["documents"])
    text = pdf_text(printed)
    assert "MM-100" in text and "MM-101" in text and "Import of payments" in text
