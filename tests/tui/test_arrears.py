"""Arrears on the demo branch through the screens, keys only: the loan card's arrears
lines, the officer's list and its A4 print (read back with pdftotext), a rescheduling
asked by the agent and approved by the gérant, a write-off proposed by the gérant and
decided by the board (recorded by the administrator), and a recovery with its BR."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Loan,
    LoanInstallment,
    LoanReschedule,
    LoanWriteOff,
    Member,
    Repayment,
)
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.loans.arrears_list import ArrearsListScreen
from mifin_tui.screens.loans.write_off import BoardDecisionDialog
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.loans import disbursement as loan_disbursement
from tests.tui.conftest import SIZE, choose_entry, sign, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle, sign_in  # noqa: F401
from tests.tui.test_loan_life import approved_demo_loan, users_of

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def _late_loan(counter, instalments_late: int = 3) -> Loan:  # noqa: F811
    """A demo loan paid out by caissier1 whose first `instalments_late` instalments are
    past due (as if paid out weeks ago); its member has a phone number."""
    loan_id = approved_demo_loan(counter, "Commerce de pagnes", "Vente de pagnes", "Étal vu")
    loan_disbursement.disburse(auth.login(*users_of(counter, "caissier1")), loan_id)
    loan = Loan.get_by_id(loan_id)
    rows = list(loan.installments.order_by(LoanInstallment.no))
    # Weekly from `instalments_late` weeks before the payout, written out rather than
    # shifted: the schedule moves due dates off weekends and holidays, so a shifted one
    # would be a day more or less late depending on the date the demo was built.
    with write_transaction():
        for r in rows:
            r.due_date = loan.disbursed_on + timedelta(weeks=r.no - 1 - instalments_late)
            r.save()
        Member.update(phone="+243 811 555 777").where(Member.id == loan.member_id).execute()
    return loan


async def _open_loan_card(app, pilot, number: str) -> None:
    await choose_entry(app, pilot, "loan_card")
    await type_text(pilot, number)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_card_and_the_officers_list_show_the_arrears_and_print_them(counter):  # noqa: F811
    loan = _late_loan(counter)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await _open_loan_card(app, pilot, loan.number)
        summary = str(app.screen.query_one("#lcard-summary").render())
        assert "21 days past due" in summary and "3 instalments late" in summary
        await pilot.press("escape")
        await pilot.pause()
        await choose_entry(app, pilot, "member_card")
        app.screen.load(loan.member_id)
        await pilot.pause()
        card = str(app.screen.query_one("#card-guarantees").render())
        assert f"{loan.number}: 21 days past due" in card
        await pilot.press("escape")
        await pilot.pause()
        await choose_entry(app, pilot, "arrears_list")
        assert isinstance(app.screen, ArrearsListScreen)
        await type_text(pilot, "agent")
        await pilot.press("enter", "enter")  # officer, then zone (empty): shown
        await pilot.pause()
        numbers = [r.loan_number for r in app.screen.rows]
        assert loan.number in numbers
        days = [r.days_past_due for r in app.screen.rows]
        assert days == sorted(days, reverse=True)
        await pilot.press("f5")
        await settle(app, pilot)
    [pdf] = [p for p in pdfs(counter["documents"]) if "arrears" in p.name]
    text = pdf_text(pdf)  # documents print in the user's language: English here
    line = next(x for x in text.splitlines() if loan.number in x)
    assert line.split()[0] == "21" and "+243 811 555 777" in text
    assert "field visits" in text


async def test_the_agent_asks_a_rescheduling_and_the_manager_approves_it(counter):  # noqa: F811
    loan = _late_loan(counter)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await choose_entry(app, pilot, "reschedule_request")
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await type_text(pilot, "20")
        await pilot.press("enter", "enter")  # the rate stays
        await type_text(pilot, "Stock perdu dans une inondation")
        await pilot.press("f2")
        await pilot.pause()
        assert "20 instalments from no. 1" in str(
            app.screen.query_one("#resched-plan").render())
        await pilot.press("f10")
        await pilot.pause()
        assert "waits for the manager" in str(app.screen.query_one("#resched-plan").render())
    request = LoanReschedule.get(LoanReschedule.loan == loan.id)
    assert request.state == "pending" and request.term == 20

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "reschedule_decisions")
        assert app.screen.rows[0].loan_number == loan.number
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # shows the new schedule first
        assert LoanReschedule.get_by_id(request.id).state == "pending"
        await pilot.press("enter")
        await pilot.pause()
    assert LoanReschedule.get_by_id(request.id).state == "approved"
    rows = list(LoanInstallment.select().where(LoanInstallment.loan == loan.id))
    assert len(rows) == 20 and Loan.get_by_id(loan.id).restructured
    assert sum(r.principal_due for r in rows) == loan.amount_approved
    assert check.run().ok


async def test_the_manager_proposes_a_write_off_the_board_decides_and_the_cashier_recovers(
        counter):  # noqa: F811
    loan = _late_loan(counter, 5)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "write_off")
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        assert "35 days past due" in str(app.screen.query_one("#wo-info").render())
        await type_text(pilot, "Parti sans laisser d'adresse")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "proposed" in str(app.screen.query_one("#wo-info").render())
    assert Loan.get_by_id(loan.id).state != "written_off"  # one key is not enough
    proposal = LoanWriteOff.get(LoanWriteOff.loan == loan.id)
    assert proposal.state == "pending"

    # the gérant approved the loan himself: the board decides, the administrator records it
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "admin")
        await choose_entry(app, pilot, "write_off_decisions")
        assert [p.id for p in app.screen.pending] == [proposal.id]
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, BoardDecisionDialog)
        await type_text(pilot, "PV CA 2026/07")
        await pilot.press("f2")
        await pilot.pause()
        assert "written off" in str(app.screen.query_one("#wodecide-result").render())
    assert LoanWriteOff.get_by_id(proposal.id).board_reference == "PV CA 2026/07"
    loan = Loan.get_by_id(loan.id)
    assert loan.state == "written_off" and loan.written_off_amount == loan.amount_approved

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "recovery")
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Rose Tshala")
        await pilot.press("enter")
        await type_text(pilot, "50")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
    rep = Repayment.get((Repayment.loan == loan.id) & (Repayment.kind == "recovery"))
    assert rep.amount == 5_000
    [br] = [p for p in pdfs(counter["receipts"]) if "BR" in p.name]
    text = pdf_text(br)
    assert "BON DE REMBOURSEMENT" in text
    assert format_amount(5_000, "USD", "fr", symbol=False) in text
    assert check.run().ok
