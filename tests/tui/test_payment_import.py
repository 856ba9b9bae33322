"""The accountant imports a mobile-money statement from the screen: one line finds its
loan and posts, one waits; on Unmatched payments he types the loan number and posts it;
the A4 summary printed is read back from PDF; the database holds each payment once."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import PaymentImportLine, Repayment
from mifin_tui.screens.imports.matching import PaymentMatchingScreen
from mifin_tui.screens.imports.payments import PaymentImportScreen
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
                    f"{day};MM-101;0700000009;{principal};maman\n", encoding="utf-8")
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
        assert "posted: 1" in summary and "unmatched: 1" in summary and "MM-101" in summary
        await pilot.press("f6")
        await settle(app, pilot)

        await pilot.press("f7")
        await pilot.pause()
        matching = app.screen
        assert isinstance(matching, PaymentMatchingScreen)
        assert [r.reference for r in matching.shown] == ["MM-101"]
        await pilot.press("enter")  # the highlighted line: to the number
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        message = str(matching.query_one("#matching-message").render())
        assert "MM-101" in message and loan.number in message
        assert matching.shown == []

    reps = {r.reference: r for r in Repayment.select().where(Repayment.loan == loan.id)}
    assert set(reps) == {"MM-100", "MM-101"}
    assert all(r.channel == "mobile_money" for r in reps.values())
    assert sum(r.amount for r in reps.values()) == first.principal_due + first.interest_due
    row = PaymentImportLine.get(PaymentImportLine.reference == "MM-101")
    assert (row.status, row.matched_by) == ("posted", "manual")
    assert check.run().ok
    [printed] = pdfs(counter["documents"])
    text = pdf_text(printed)
    assert "MM-100" in text and "MM-101" in text and "Import of payments" in text
