"""The gérant's portfolio reports on the reports screen: a demo loan paid out and left
35 days unpaid; choose PAR, see the figures, print them (PDF read back)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from textual.widgets import Select

from mifin_tui.app import MifinApp
from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanInstallment
from mifin_tui.screens.reports.reports import ReportsScreen
from mifin_tui.services.kernel import auth
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.reports import portfolio
from tests.tui.conftest import SIZE, login
from tests.tui.test_counter import counter, pdf_text  # noqa: F401
from tests.tui.test_loan_life import approved_demo_loan, users_of
from tests.tui.test_reports_screen import _open_reports

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def _late_loan(counter, days: int) -> Loan:  # noqa: F811
    loan_id = approved_demo_loan(counter, "Commerce de pagnes", "Vente de pagnes", "Étal vu")
    loan_disbursement.disburse(auth.login(*users_of(counter, "caissier1")), loan_id)
    loan = Loan.get_by_id(loan_id)
    rows = list(loan.installments.order_by(LoanInstallment.no))
    shift = rows[0].due_date - (loan.disbursed_on - timedelta(days=days))
    with write_transaction():
        for r in rows:
            r.due_date = r.due_date - shift
            r.save()
    return loan


async def test_par_shown_and_printed_for_the_manager(counter):  # noqa: F811
    loan = _late_loan(counter, 35)
    day = loan.disbursed_on
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, *users_of(counter, "gerant"))
        await _open_reports(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        names = [s.name for s in screen.specs]
        assert {"portfolio", "par", "classification", "arrears"} <= set(names)
        select = screen.query_one("#report", Select)
        await pilot.press("down")
        await pilot.pause()
        for _ in range(names.index("par")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == "par"
        for name in ("date", "branch", "product", "officer", "zone"):
            assert screen.query_one(f"#row-{name}").display, name
        assert not screen.query_one("#row-account").display
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.table
        assert table is not None and table.name == "par"
        s = portfolio.par(day)
        principal = portfolio.outstanding(day)[loan.id]
        assert principal == 40_000 and s.at_risk["par30"] >= principal
        assert [r[2] for r in table.rows[:3]] == [s.at_risk[k] for k in portfolio.PAR_LEVELS]
        assert {r[3] for r in table.rows[:3]} == {s.outstanding}

        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
    printed = sorted(counter["documents"].glob("*.pdf"))
    assert len(printed) == 1
    text = pdf_text(printed[0])
    assert "Portfolio at risk" in text and "PAR30 (more than 30 days)" in text
