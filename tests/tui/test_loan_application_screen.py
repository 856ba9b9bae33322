"""The application screen with everything a COOPEC file holds: a seasonal product whose
due dates the officer types, two guarantors and two collateral lines (goods, blocked
savings) added with F3 and F4, then the home visit with a recommendation "with
conditions". Checked in the database and on the gérant's screen."""

from __future__ import annotations

import json
from datetime import timedelta

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, Loan, LoanCollateral, LoanGuarantor, LoanProduct, Member
from mifin_tui.screens.loans.visit import VisitDialog
from mifin_tui.services.kernel import auth, clock
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import views as loan_views
from mifin_tui.widgets.formatting import fmt_date
from tests.tui.conftest import SIZE, choose_entry, type_text
from tests.tui.test_counter import counter, sign_in  # noqa: F401
from tests.tui.test_loan_life import _borrower, choose_product, users_of


async def test_a_seasonal_application_with_two_guarantors_two_collaterals_and_a_visit(
        counter):  # noqa: F811
    agent = auth.login(*users_of(counter, "agent"))
    member, acc = _borrower()
    g1, g2 = (Member.select().where((Member.id != member.id) & (Member.kind == "person"))
              .order_by(Member.id).limit(2))
    start = max(loan_lifecycle.business_today(agent), clock.today())
    # mid-week dates: the schedule moves a due date off a weekend
    dates = [start + timedelta(days=n + (2 - (start + timedelta(days=n)).weekday()))
             for n in (120, 250)]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await choose_entry(app, pilot, "loan_application")
        await type_text(pilot, member.number)
        await pilot.press("enter")
        await choose_product(pilot, "AGRI")
        for text in ("400", "2", "Campagne de maïs", "Agriculteur",
                     "900", "800", " ".join(fmt_date(d) for d in dates),
                     g1.number, "100"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#guarantor").focus()
        await type_text(pilot, g2.number)
        await pilot.press("enter")
        await type_text(pilot, "150")
        await pilot.press("f3")
        await pilot.pause()
        listed = str(app.screen.query_one("#lapp-guarantees").render())
        assert g1.number in listed and g2.number in listed
        app.screen.query_one("#goods").focus()
        await type_text(pilot, "Moto Honda 125")
        await pilot.press("enter")
        await type_text(pilot, "300")
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#goods").focus()
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await type_text(pilot, "50")
        await pilot.press("f2")  # the last line typed goes with the application
        await pilot.pause()
        loan_id = app.screen.loan_id
        assert loan_id is not None, [e.message for e in app.screen.query("FieldError")
                                     if e.message]
    loan = Loan.get_by_id(loan_id)
    assert json.loads(loan.due_dates_json) == [d.isoformat() for d in dates]
    assert sorted((g.member_id, g.amount) for g in
                  LoanGuarantor.select().where(LoanGuarantor.loan == loan_id)) == \
        sorted([(g1.id, 10_000), (g2.id, 15_000)])
    kinds = {(c.kind, c.value, c.description, c.account_id) for c in
             LoanCollateral.select().where(LoanCollateral.loan == loan_id)}
    assert kinds == {("goods", 30_000, "Moto Honda 125", None),
                     ("savings", 5_000, "", acc.id)}
    sched = loan_views.schedule_of(agent, loan_id)
    assert [i.due_date for i in sched.installments] == dates

    # the home visit: favourable with conditions, seen by the gérant
    gerant = auth.login(*users_of(counter, "gerant"))
    loan_eligibility.override_eligibility(gerant, loan_id, "Membre connu du comité")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        # after the override the file goes on from its loan card (issue 19)
        await choose_entry(app, pilot, "loan_card")
        await type_text(pilot, Loan.get_by_id(loan_id).number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")  # the confirmation
        await pilot.pause()
        assert Loan.get_by_id(loan_id).state == "submitted"
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, VisitDialog)
        await pilot.press("down")  # opens the choice
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "Clôturer le champ avant le décaissement")
        await pilot.press("enter")
        await type_text(pilot, "Deux hectares vus, grenier en bon état")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, VisitDialog)
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "visited"
    assert loan.visit_recommendation == "conditional: Clôturer le champ avant le décaissement"
    assert loan.visit_findings == "Deux hectares vus, grenier en bon état"
    card = loan_views.card(gerant, loan_id)
    from mifin_tui.screens.loans.text import card_lines

    text = "\n".join(card_lines(card))
    assert "Recommendation: Favourable with conditions: Clôturer le champ" in text
    assert Account.get_by_id(acc.id).member_id == member.id
    assert LoanProduct.get(LoanProduct.code == "AGRI").guarantee_hold


async def test_a_cashier_takes_an_application_where_the_institution_allows_it(
        counter):  # noqa: F811
    from mifin_tui import menu
    from mifin_tui.services.kernel import settings

    cashier = auth.login(*users_of(counter, "caissier1"))
    assert menu.get("loan_application") not in menu.entries_for(cashier)
    settings.change(auth.login(*users_of(counter, "admin")), "loan_cashier_applications", 1)
    member, _acc = _borrower()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "loan_application")
        await type_text(pilot, member.number)
        await pilot.press("enter")
        await choose_product(pilot, "HEBDO")
        for text in ("300", "12", "Petit commerce", "Boutique", "500", "400"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("f2")
        await pilot.pause()
        loan_id = app.screen.loan_id
        assert loan_id is not None
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.amount_requested, loan.created_by_id) == (
        "draft", 30_000, cashier.user_id)
