"""A credit file without dead ends (issue 19), keys pressed at 80x24 by the demo's users:
the agent's application fails a rule, a second application for the same member and
product is refused with the first one's number, the gérant overrides from his list, the
agent goes on from the loan card (submit, visit, committee), the committee gives three
opinions (amount and comment apart, one of them from the card), the gérant decides
with the whole file under his eyes, the cashier pays it from the card. The database is
checked after each step; the decision screen's detail is scrolled to its last
instalment by keys alone."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Loan, LoanEligibility, LoanOpinion, LoanProduct, Member
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.screens.loans.card import LoanCardScreen
from mifin_tui.screens.loans.committee import OpinionDialog
from mifin_tui.screens.loans.decisions import LoanDecisionsScreen
from mifin_tui.screens.loans.visit import VisitDialog
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import auth
from mifin_tui.services.loans import views as loan_views
from tests.tui.conftest import SIZE, choose_entry, sign, type_text
from tests.tui.test_counter import counter, pdfs, settle, sign_in  # noqa: F401
from tests.tui.test_loan_life import (
    _borrower,
    _highlight,
    approved_demo_loan,
    choose_product,
    users_of,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def screen_text(app: MifinApp) -> str:
    """What the 80x24 terminal shows now, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def in_sight(app: MifinApp, selector: str) -> bool:
    """The widget is shown inside the 24 lines (not scrolled or pushed off the screen)."""
    region = app.screen.query_one(selector).region
    return region.height > 0 and 0 <= region.y and region.bottom <= SIZE[1]


async def fill_application(app, pilot, member: Member, amount: str) -> None:
    await choose_entry(app, pilot, "loan_application")
    await type_text(pilot, member.number)
    await pilot.pause()
    assert member.surname.upper() in str(app.screen.query_one("#member-name").render()).upper()
    await pilot.press("enter")
    await choose_product(pilot, "HEBDO")
    for text in (amount, "26", "Commerce de pagnes au marché", "Vente de pagnes", "900",
                 "800"):
        await type_text(pilot, text)
        await pilot.press("enter")
    await pilot.press("f2")
    await pilot.pause()


async def open_card(app, pilot, number: str) -> None:
    await choose_entry(app, pilot, "loan_card")
    await type_text(pilot, number)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, LoanCardScreen) and app.screen.card is not None


async def test_override_then_every_step_from_the_card_to_the_disbursement(counter):  # noqa: F811
    member, _acc = _borrower()
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")

    # 1. the agent: the application fails a rule (the demo's members are young)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await fill_application(app, pilot, member, "500")
        loan_id = app.screen.loan_id
        assert loan_id is not None, [e.message for e in app.screen.query("FieldError")
                                     if e.message]
        number = Loan.get_by_id(loan_id).number
        assert number in str(app.screen.query_one("#lapp-status").render())
        # the amounts were written out in the product's currency as typed
        assert app.screen.query_one("#amount").value == "500.00 USD"
        await pilot.press("f5")
        await pilot.pause()
        error = app.screen.query_one("#error-form")
        assert "Not eligible" in error.message and in_sight(app, "#error-form")
        # a second application for the same member and product is refused, naming the first
        await pilot.press("escape")
        await pilot.pause()
        await fill_application(app, pilot, member, "300")
        assert app.screen.loan_id is None
        refusal = app.screen.query_one("#error-product").message
        assert number in refusal, refusal
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.amount_requested, loan.product_id) == ("draft", 50_000, hebdo.id)
    assert LoanEligibility.select().where((LoanEligibility.loan == loan_id)
                                          & (LoanEligibility.passed == False)).exists()  # noqa: E712
    assert Loan.select().where(Loan.member == member.id).count() == 1

    # 2. the gérant: the draft is in his list for his override only
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "loan_decisions")
        await _highlight(app, pilot, loan_id)
        assert app.screen.check_action("approve", ()) is False
        assert app.screen.check_action("reject", ()) is False
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "Commerçante connue du comité")
        await pilot.press("enter")
        await pilot.pause()
        assert "overridden" in str(app.screen.query_one("#loans-result").render())
        assert loan_id not in [r.id for r in app.screen.rows]  # nothing left for him now
    loan = Loan.get_by_id(loan_id)
    assert loan.override_reason == "Commerçante connue du comité" and loan.state == "draft"

    # 3. the agent goes on from the loan card: submit, home visit, committee
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await open_card(app, pilot, number)
        assert "F5 Submit" in str(app.screen.query_one("#lcard-next").render())
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert Loan.get_by_id(loan_id).state == "submitted"
        assert "submitted" in str(app.screen.query_one("#lcard-result").render())
        assert in_sight(app, "#lcard-result")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, VisitDialog)
        await pilot.press("enter", "enter")  # favourable, no conditions
        await type_text(pilot, "Étal au marché, stock vu")
        await pilot.press("enter")
        await pilot.pause()
        assert Loan.get_by_id(loan_id).state == "visited"
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "committee" in str(app.screen.query_one("#lcard-result").render())
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "committee" and loan.visit_findings == "Étal au marché, stock vu"

    # 4. the committee: two from their screen, one from the card; amount and comment apart
    for username, proposed, comment, from_card in (
            ("comite1", None, "Bonne activité", False),
            ("comite2", "450", "Stock modeste", False),
            ("comite3", None, "Cliente sérieuse", True)):
        app = MifinApp()
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, counter, username)
            if from_card:
                await open_card(app, pilot, number)
                await pilot.press("f4")
            else:
                await choose_entry(app, pilot, "loan_committee")
                await _highlight(app, pilot, loan_id)
                await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, OpinionDialog)
            await pilot.press("enter")  # favourable, as the key said
            if proposed is not None:
                app.screen.query_one("#amount_proposed").input.action_select_all()
                await type_text(pilot, proposed)
            await pilot.press("enter")
            await type_text(pilot, comment)
            await pilot.press("enter")
            await pilot.pause()
            assert not isinstance(app.screen, OpinionDialog)
    given = {(o.user.username, o.opinion, o.amount_proposed, o.comment)
             for o in LoanOpinion.select().where(LoanOpinion.loan == loan_id)}
    assert given == {("comite1", "favourable", 50_000, "Bonne activité"),
                     ("comite2", "favourable", 45_000, "Stock modeste"),
                     ("comite3", "favourable", 50_000, "Cliente sérieuse")}

    # 5. the gérant decides with the whole file in his detail
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await open_card(app, pilot, number)
        await pilot.press("f6")  # "Decide": his decision screen on this file
        await pilot.pause()
        assert isinstance(app.screen, LoanDecisionsScreen)
        assert app.screen.current.id == loan_id
        detail = str(app.screen.query_one("#loan-detail").render())
        for seen in ("Override by", "Commerçante connue du comité", "Stock modeste",
                     "comite2", "450.00", "Étal au marché", "history", "Schedule:"):
            assert seen in detail, seen
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "approved" and loan.amount_approved == 50_000

    # 6. the cashier pays it from the card
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await open_card(app, pilot, number)
        await pilot.press("f8")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.current.loan_id == loan_id
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "disbursed" and loan.disbursed_on is not None
    assert any("BS" in p.name for p in pdfs(counter["receipts"]))
    assert check.run().ok


async def test_the_decision_detail_scrolls_to_the_last_instalment_by_keys(counter):  # noqa: F811
    loan_id = approved_demo_loan(counter, "Taxi-moto", "Taxi-moto", "Moto vue", approve=False)
    gerant = auth.login(*users_of(counter, "gerant"))
    last = loan_views.schedule_of(gerant, loan_id).installments[-1]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "loan_decisions")
        await _highlight(app, pilot, loan_id)
        from mifin_tui.widgets.formatting import fmt_date

        line = f"{last.no:>3}  {fmt_date(last.due_date)}"
        assert line not in screen_text(app)  # below the room under the list
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#loan-detail-box")
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert line in text, text
        assert len(text.splitlines()) == SIZE[1]


async def test_the_agent_edits_a_draft_from_its_card_and_it_is_checked_again(counter):  # noqa: F811
    from mifin_tui.db.models import AuditLog
    from mifin_tui.services.loans import applications as loan_applications

    agent = auth.login(*users_of(counter, "agent"))
    member, acc = _borrower()
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    loan_id = loan_applications.apply(agent, loan_applications.Application(
        member_id=member.id, product_id=hebdo.id, amount=100_000, term=26, purpose="Pagnes",
        linked_account_id=acc.id, activity="Vente de pagnes", monthly_income=90_000))
    number = Loan.get_by_id(loan_id).number
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await open_card(app, pilot, number)
        await pilot.press("f4")
        await pilot.pause()
        from mifin_tui.screens.loans.application import LoanApplicationScreen

        assert isinstance(app.screen, LoanApplicationScreen) and app.screen.loan_id == loan_id
        assert app.screen.query_one("#amount").value == "1,000.00 USD"
        # the cursor is on the amount: the member and the product of a file stay
        app.screen.query_one("#amount").input.action_select_all()
        await type_text(pilot, "400")
        await pilot.press("enter")
        await pilot.press("f2")
        await pilot.pause()
        assert "Changes recorded" in str(app.screen.query_one("#lapp-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoanCardScreen)
        assert "400.00" in str(app.screen.query_one("#lcard-summary").render())
    loan = Loan.get_by_id(loan_id)
    assert (loan.amount_requested, loan.member_id, loan.product_id) == (40_000, member.id,
                                                                        hebdo.id)
    rule = LoanEligibility.get((LoanEligibility.loan == loan_id)
                               & (LoanEligibility.rule == "amount"))
    assert '"amount":40000' in rule.detail
    assert AuditLog.select().where((AuditLog.action == "loan.edit")
                                   & (AuditLog.entity_id == number)).count() == 1
