"""The loan's life past the happy path, through the screens of those who do it: the
gérant cancels an approved loan and reverses a disbursement made in error from the loan
card, the contract is printed again marked DUPLICATA, and an administrator records the
board's decision on a loan above the gérant's limit. Each is checked in the database, the
ledger, the audit and the printed PDF."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import AuditLog, Entry, JournalTransaction, Loan, LoanProduct
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import auth, settings
from mifin_tui.services.kernel.errors import PermissionDenied
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from tests.tui.conftest import SIZE, choose_entry, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle, sign_in  # noqa: F401
from tests.tui.test_loan_life import _borrower, _highlight, approved_demo_loan, users_of

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def _ctx(counter, name):  # noqa: F811
    return auth.login(*users_of(counter, name))


async def _open_card(app, pilot, number: str) -> None:
    await choose_entry(app, pilot, "loan_card")
    await type_text(pilot, number)
    await pilot.press("enter")
    await pilot.pause()


async def _note(pilot, app, text: str) -> None:
    assert isinstance(app.screen, NoteDialog)
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


def _audit(number: str, action: str) -> list[AuditLog]:
    return list(AuditLog.select().where((AuditLog.entity == "loan")
                                        & (AuditLog.entity_id == number)
                                        & (AuditLog.action == action)))


async def test_the_manager_cancels_an_approved_loan_from_its_card(counter):  # noqa: F811
    loan_id = approved_demo_loan(counter, "Couture", "Couturière", "Atelier vu")
    number = Loan.get_by_id(loan_id).number
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await _open_card(app, pilot, number)
        assert app.screen.check_action("reverse_disbursement", ()) is False
        await pilot.press("f3")
        await pilot.pause()
        await _note(pilot, app, "Le membre renonce au crédit")
        assert "[Cancelled]" in str(app.screen.query_one("#lcard-summary").render())
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "cancelled"
    [row] = _audit(number, "loan.cancelled")
    assert row.username == "gerant" and "renonce" in row.after
    assert loan_id not in [w.loan_id for w in
                           loan_disbursement.waiting_list(_ctx(counter, "gerant"))]


async def test_a_cancellation_without_a_reason_writes_nothing(counter):  # noqa: F811
    loan_id = approved_demo_loan(counter, "Couture", "Couturière", "Atelier vu")
    number = Loan.get_by_id(loan_id).number
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await _open_card(app, pilot, number)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)  # stays open with the message
        assert "reason" in app.screen.query_one("#error-form").message
    assert Loan.get_by_id(loan_id).state == "approved" and not _audit(number, "loan.cancelled")


async def test_the_manager_reverses_a_disbursement_made_in_error_the_same_day(  # noqa: F811
        counter):
    loan_id = approved_demo_loan(counter, "Taxi-moto", "Taxi-moto", "Moto vue")
    loan_disbursement.disburse(_ctx(counter, "caissier1"), loan_id, "cash")
    loan = Loan.get_by_id(loan_id)
    paid_txn = loan.disbursement_txn_id
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await _open_card(app, pilot, loan.number)
        assert app.screen.check_action("cancel_loan", ()) is False
        await pilot.press("f7")
        await pilot.pause()
        await _note(pilot, app, "Payé au mauvais membre")
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "approved" and loan.disbursement_txn_id is None
    [rev] = JournalTransaction.select().where(JournalTransaction.reverses == paid_txn)
    # the loan account is back to nothing: the reversal undid the disbursement's lines
    lines = Entry.select().where(Entry.account == loan.account_id)
    assert sum(e.debit - e.credit for e in lines) == 0
    assert check.run().ok
    [row] = [r for r in _audit(loan.number, "loan.approved") if "mauvais" in r.after]
    assert row.username == "gerant"
    # a cashier may not reverse: the key is not offered to him
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        loan_disbursement.disburse(_ctx(counter, "caissier1"), loan_id, "cash")
        await _open_card(app, pilot, loan.number)
        assert app.screen.check_action("reverse_disbursement", ()) is False


async def test_the_contract_is_reprinted_from_the_card_marked_duplicata(  # noqa: F811
        counter):
    loan_id = approved_demo_loan(counter, "Boulangerie", "Boulanger", "Four vu")
    number = Loan.get_by_id(loan_id).number
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await _open_card(app, pilot, number)
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
    files = [p for p in pdfs(counter["documents"]) if number in p.name]
    assert len(files) == 2, files
    [first] = [p for p in files if "DUPLICATA" not in p.name]
    [second] = [p for p in files if "DUPLICATA" in p.name]
    assert "DUPLICATA" not in pdf_text(first)
    assert "DUPLICATA" in pdf_text(second) and f"N° {number}" in pdf_text(second)
    assert Loan.get_by_id(loan_id).contracts_printed == 2
    assert len(_audit(number, "loan.contract_print")) == 2


def _in_committee_above_the_limit(counter) -> int:  # noqa: F811
    """A 40,000 application through the committee with the gérant's limit set at 300."""
    admin = _ctx(counter, "admin")
    settings.change(admin, "loan_delegation_limit", {"USD": 30_000, "CDF": 560000000,
                                                    "XOF": 1000000, "XAF": 1000000})
    agent = _ctx(counter, "agent")
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    borrower, acc = _borrower()
    loan_id = loan_applications.apply(agent, loan_applications.Application(
        member_id=borrower.id, product_id=hebdo.id, amount=40_000, term=12,
        purpose="Moulin à manioc", linked_account_id=acc.id, activity="Meunier",
        monthly_income=100_000))
    loan_eligibility.override_eligibility(_ctx(counter, "gerant"), loan_id, "Membre connu")
    loan_applications.submit(agent, loan_id)
    loan_applications.record_visit(agent, loan_id, loan_lifecycle.business_today(agent),
                                   "Agent", "Moulin vu", "favourable")
    loan_applications.send_to_committee(agent, loan_id)
    for name in ("comite1", "comite2", "comite3"):
        loan_decision.give_opinion(_ctx(counter, name), loan_id, "favourable", 40_000, "ok")
    return loan_id


async def test_the_administrator_records_the_boards_approval(counter):  # noqa: F811
    loan_id = _in_committee_above_the_limit(counter)
    number = Loan.get_by_id(loan_id).number
    with pytest.raises(PermissionDenied):
        loan_decision.approve(_ctx(counter, "gerant"), loan_id)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "admin")
        await choose_entry(app, pilot, "loan_board")
        await _highlight(app, pilot, loan_id)
        assert "Favourable" in str(app.screen.query_one("#loan-detail").render())
        await pilot.press("f2")
        await pilot.pause()
        await _note(pilot, app, "PV-CA-2026-07 350 12")
        assert not isinstance(app.screen, NoteDialog), [
            e.message for e in app.screen.query("FieldError") if e.message]
        assert number not in [r.number for r in app.screen.rows]
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.amount_approved, loan.term_approved) == ("approved", 35_000, 12)
    assert loan.board_reference == "PV-CA-2026-07"
    [row] = _audit(number, "loan.approved")
    assert row.username == "admin"


async def test_the_administrator_records_the_boards_refusal(counter):  # noqa: F811
    loan_id = _in_committee_above_the_limit(counter)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "admin")
        await choose_entry(app, pilot, "loan_board")
        await _highlight(app, pilot, loan_id)
        await pilot.press("f4")
        await pilot.pause()
        await _note(pilot, app, "PV-CA-2026-08")  # no reason: refused, stays open
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, " Garanties insuffisantes")
        await pilot.press("enter")
        await pilot.pause()
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "rejected" and loan.board_reference == "PV-CA-2026-08"
    assert loan.decision_reason == "Garanties insuffisantes"
