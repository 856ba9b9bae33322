"""The loan's life through the screens of four kinds of users, keys pressed as they would:
the agent takes the application and records the home visit, the three committee members
give their opinions, the gérant approves, the cashier pays it at his till. The BS voucher
and the contract are read back from PDF, the ledger is balanced and the audit names each
step's user."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, AuditLog, Loan, LoanProduct, Member
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.loans.visit import VisitDialog
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import auth
from mifin_tui.services.loans import products as loan_products
from tests.tui.conftest import SIZE, choose_entry, sign, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle, sign_in  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def _borrower() -> tuple[Member, Account]:
    """A demo member with USD savings and no loan yet."""
    busy = {loan.member_id for loan in Loan.select()}
    acc = (Account.select().join(Member)
           .where((Account.kind == "savings") & (Account.currency == "USD")
                  & (Member.kind == "person") & Account.member.not_in(busy))
           .order_by(Account.balance.desc()).first())
    return acc.member, acc


async def choose_product(pilot, code: str) -> None:
    """On the application's product list: open it, type the code, take it, move on."""
    await pilot.press("down")
    await pilot.pause()
    await type_text(pilot, code)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")


async def _highlight(app, pilot, loan_id: int) -> None:
    for _step in range(20):
        cur = app.screen.current
        if cur is not None and getattr(cur, "id", getattr(cur, "loan_id", None)) == loan_id:
            return
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError("loan not in the list")


async def test_application_committee_approval_and_disbursement_by_four_users(  # noqa: F811
        counter):
    users = counter["users"]
    admin = auth.login(users["admin"].username, users["admin"].password)
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    # the demo's members joined weeks ago and their books are young: the product asks
    # neither membership months nor regular deposits here (the rules have service tests)
    spec = loan_products.get(hebdo.id)
    loan_products.update(admin, hebdo.id, loan_products.ProductSpec(**{
        f.name: getattr(spec, f.name) for f in dataclasses.fields(loan_products.ProductSpec)
        if f.name not in ("min_deposits", "deposits_window_months", "min_membership_months")}))
    member, savings_acc = _borrower()

    # 1. the agent
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await choose_entry(app, pilot, "loan_application")
        await type_text(pilot, member.number)
        await pilot.press("enter")
        await choose_product(pilot, "HEBDO")
        for text in ("500", "26", "Commerce de pagnes au marché", "Vente de pagnes", "900",
                     "800"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("f2")
        await pilot.pause()
        loan_id = app.screen.loan_id
        assert loan_id is not None, [(e.id, e.message) for e in app.screen.query("FieldError")
                                     if e.message]
        assert "Eligibility:" in str(app.screen.query_one("#lapp-result").render())
        await pilot.press("f5")
        await pilot.pause()
        # the step's outcome at the top of the screen, in sight at 80x24 (issue 19)
        status = app.screen.query_one("#lapp-status")
        assert "submitted" in str(status.render()), app.screen.query_one("#error-form").message
        assert 0 <= status.region.y and status.region.bottom <= SIZE[1]
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, VisitDialog)
        await pilot.press("enter", "enter")  # favourable, no conditions
        await type_text(pilot, "Boutique au marché, stock vu")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.amount_requested, loan.term_requested) == ("committee", 50_000, 26)
    assert loan.visit_recommendation == "favourable"
    assert loan.visit_findings == "Boutique au marché, stock vu"

    # 2. the committee, one after the other
    for username in ("comite1", "comite2", "comite3"):
        app = MifinApp()
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, counter, username)
            await choose_entry(app, pilot, "loan_committee")
            await _highlight(app, pilot, loan_id)
            await pilot.press("f2")
            await pilot.pause()
            # the opinion, the amount (the 500 requested to start with), the comment
            await pilot.press("enter", "enter")
            await type_text(pilot, "Bonne activité")
            await pilot.press("enter")
            await pilot.pause()
            assert "recorded" in str(app.screen.query_one("#loans-result").render())

    # 3. the gérant approves with one key and a confirmation
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "loan_decisions")
        await _highlight(app, pilot, loan_id)
        detail = str(app.screen.query_one("#loan-detail").render())
        assert "Favourable" in detail and "history" in detail
        assert "Recommendation: Favourable" in detail and "days late" in detail
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert Loan.get_by_id(loan_id).state == "approved"

    # 4. the cashier pays it from the waiting list
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "loan_disburse")
        await _highlight(app, pilot, loan_id)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "disbursed"
    [bs] = [p for p in pdfs(counter["receipts"]) if "BS" in p.name]
    bs_text = pdf_text(bs)
    assert loan.number in bs_text and "490" in bs_text  # 500 less 2 % fees
    [contract] = [p for p in pdfs(counter["documents"]) if "contrat" in p.name]
    text = pdf_text(contract)
    assert text.count(f"CONTRAT DE CRÉDIT N° {loan.number}") >= 2
    assert "cinq cents dollars américains" in text.replace("\n", " ")
    assert check.run().ok
    steps = {r.action: r.username for r in AuditLog.select().where(
        (AuditLog.entity == "loan") & (AuditLog.entity_id == loan.number))}
    assert steps["loan.apply"] == "agent" and steps["loan.committee"] == "agent"
    assert steps["loan.approved"] == "gerant" and steps["loan.disbursed"] == "caissier1"
    opinions = [r.username for r in AuditLog.select().where(
        (AuditLog.action == "loan.opinion") & (AuditLog.entity_id == loan.number))]
    assert sorted(opinions) == ["comite1", "comite2", "comite3"]


async def test_member_card_lists_loans_and_guarantees_and_f7_opens_the_application(  # noqa: F811
        counter):
    from mifin_tui.db.models import LoanGuarantor
    from mifin_tui.screens.loans.application import LoanApplicationScreen
    from mifin_tui.services.loans import applications as loan_applications

    agent = auth.login(*users_of(counter, "agent"))
    borrower, acc = _borrower()
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    loan = Loan.get_by_id(loan_applications.apply(agent, loan_applications.Application(
        member_id=borrower.id, product_id=hebdo.id, amount=60_000, term=26,
        purpose="Élevage de porcs", linked_account_id=acc.id, activity="Éleveur",
        monthly_income=100_000)))
    other = Member.select().where(Member.id != borrower.id).first()
    loan_applications.add_guarantor(agent, loan.id, other.id, 20_000, account_id=None)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await app.open_entry("member_card")
        await pilot.pause()
        await type_text(pilot, borrower.number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#card-loans")
        assert table.row_count >= 1
        assert loan.number in [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, LoanApplicationScreen)
        assert app.screen.query_one("#member").value == borrower.number
    from mifin_tui.services.loans import views as loan_views

    g = LoanGuarantor.get(LoanGuarantor.loan == loan.id)
    given = loan_views.member_guarantees(agent, g.member_id)
    assert given[0].loan_number == loan.number
    assert given[0].amount == 20_000


def approved_demo_loan(counter, purpose: str, activity: str, findings: str,  # noqa: F811
                       approve: bool = True) -> int:
    """A 40,000 loan of a demo member taken through every step by the demo's staff, up to
    the gérant's approval (the product's membership and deposit rules switched off: the
    demo's members joined weeks ago)."""
    from mifin_tui.services.loans import applications as loan_applications
    from mifin_tui.services.loans import decision as loan_decision
    from mifin_tui.services.loans import lifecycle as loan_lifecycle

    def ctx(name):
        return auth.login(*users_of(counter, name))

    agent, admin = ctx("agent"), ctx("admin")
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    spec = loan_products.get(hebdo.id)
    loan_products.update(admin, hebdo.id, loan_products.ProductSpec(**{
        f.name: getattr(spec, f.name) for f in dataclasses.fields(loan_products.ProductSpec)
        if f.name not in ("min_deposits", "deposits_window_months", "min_membership_months")}))
    borrower, acc = _borrower()
    loan_id = loan_applications.apply(agent, loan_applications.Application(
        member_id=borrower.id, product_id=hebdo.id, amount=40_000, term=12,
        purpose=purpose, linked_account_id=acc.id, activity=activity,
        monthly_income=100_000))
    loan_applications.submit(agent, loan_id)
    loan_applications.record_visit(agent, loan_id, loan_lifecycle.business_today(agent),
                                   "Agent", findings, "favourable")
    loan_applications.send_to_committee(agent, loan_id)
    for name in ("comite1", "comite2", "comite3"):
        loan_decision.give_opinion(ctx(name), loan_id, "favourable", 40_000, "ok")
    if approve:  # False: it waits for the gérant's decision
        loan_decision.approve(ctx("gerant"), loan_id)
    return loan_id


def users_of(counter, username):  # noqa: F811
    u = counter["users"][username]
    return u.username, u.password


async def test_the_manager_reads_the_waiting_list_but_cannot_pay(counter):  # noqa: F811
    from mifin_tui.services.loans import disbursement as loan_disbursement

    gerant = auth.login(*users_of(counter, "gerant"))
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "loan_waiting_list")
        assert app.screen.query_one("#loans").row_count == len(
            loan_disbursement.waiting_list(gerant))
        assert app.screen.check_action("pay", ("cash",)) is False


async def test_the_loan_card_shows_the_steps_and_the_schedule(counter):  # noqa: F811
    loan_id = approved_demo_loan(counter, "Taxi-moto", "Taxi-moto", "Moto vue")
    number = Loan.get_by_id(loan_id).number
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "controleur")
        await choose_entry(app, pilot, "loan_card")
        await type_text(pilot, number)
        await pilot.press("enter")
        await pilot.pause()
        summary = str(app.screen.query_one("#lcard-summary").render())
        assert number in summary and "[Approved]" in summary and "Steps:" in summary
        assert "agent" in summary and "gerant" in summary
        assert app.screen.query_one("#lcard-schedule").row_count == 12
