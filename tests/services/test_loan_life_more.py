"""The rest of the loan's life in the service layer (#8): applications by a cashier where
the institution allows it, the guarantee hold as a product setting, the visit's
recommendation, the due dates of a seasonal application, the debt-to-income ratio over
all the member's loans and the member's history the gérant reads."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from mifin_tui import menu
from mifin_tui.db.models import AccountHold, AuditLog, Loan, LoanInstallment
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.errors import PermissionDenied, ValidationError
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import terms as loan_terms
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.engine import schedule as engine
from tests.conftest import FIRST_DAY
from tests.services.test_loans import (  # noqa: F401
    SPEC,
    application,
    approved,
    opinions,
    to_committee,
    world,
)


def test_a_cashier_applies_only_where_the_institution_allows_it(world):
    cashier = world["cashier"]
    with pytest.raises(PermissionDenied):
        loan_applications.apply(cashier, application(world))
    assert "loan_application" not in [e.id for e in menu.entries_for(cashier)]
    assert Loan.select().count() == 0
    settings.change(world["admin"], "loan_cashier_applications", 1)
    loan_id = loan_applications.apply(cashier, application(world))
    loan_applications.add_guarantor(cashier, loan_id, world["guarantor"].id, 20_000)
    assert Loan.get_by_id(loan_id).created_by_id == cashier.user_id
    assert "loan_application" in [e.id for e in menu.entries_for(cashier)]
    [row] = AuditLog.select().where(AuditLog.action == "loan.apply")
    assert row.username == cashier.username
    # the setting opens the application only: deciding stays the gérant's
    with pytest.raises(PermissionDenied):
        loan_decision.approve(cashier, loan_id)
    settings.change(world["admin"], "loan_cashier_applications", 0)
    with pytest.raises(PermissionDenied):
        loan_applications.apply(cashier, application(world))


def test_a_product_without_the_guarantee_hold_blocks_no_guarantor_savings(world):
    admin, officer = world["admin"], world["loan_officer"]
    loan_products.update(admin, world["product"].id,
                         dataclasses.replace(SPEC, guarantee_hold=False))
    assert loan_products.get(world["product"].id).guarantee_hold is False
    loan_id = to_committee(world)
    loan_applications.add_guarantor(officer, loan_id, world["guarantor"].id, 40_000)
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    loan_disbursement.disburse(world["cashier"], loan_id)
    assert not AccountHold.select().where(AccountHold.account == world["g_account"]).exists()
    # the borrower's compulsory savings are still blocked: that rule is the product's own
    assert AccountHold.select().where(AccountHold.account == world["account"]).exists()


def test_the_visit_records_a_chosen_recommendation_and_its_conditions(world):
    officer = world["loan_officer"]
    loan_id = loan_applications.apply(officer, application(world))
    loan_applications.submit(officer, loan_id)
    with pytest.raises(ValidationError) as bad:
        loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Vu", "ok")
    assert "recommendation" in bad.value.errors
    with pytest.raises(ValidationError) as bad:
        loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Vu", "conditional")
    assert "conditions" in bad.value.errors
    assert Loan.get_by_id(loan_id).state == "submitted"
    loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Étal vu",
                                   "Sous conditions", "Un second garant")
    card = loan_views.card(world["manager"], loan_id)
    assert card.visit_recommendation == "conditional: Un second garant"
    assert loan_applications.visit_recommendation_text(card.visit_recommendation) == \
        "Favourable with conditions: Un second garant"


def _seasonal(world) -> int:
    spec = dataclasses.replace(SPEC, code="SAISON", name="Campagne", frequency="seasonal",
                               term_min=1, term_max=3, max_debt_to_income_bp=None,
                               savings_bp=0)
    return loan_products.create(world["admin"], spec).id


def _weekday(day: date) -> date:
    return day + timedelta(days=(2 - day.weekday()))  # the Wednesday of its week


def test_a_seasonal_application_keeps_the_due_dates_the_officer_gave(world):
    product_id = _seasonal(world)
    officer = world["loan_officer"]
    dates = (_weekday(FIRST_DAY + timedelta(days=100)),
             _weekday(FIRST_DAY + timedelta(days=230)))
    for bad, _why in (((dates[0],), "2 instalments"), ((dates[1], dates[0]), "follow"),
                     ((FIRST_DAY - timedelta(days=1), dates[1]), "after today")):
        with pytest.raises(ValidationError) as exc:
            loan_applications.apply(officer, application(world, term=2, product_id=product_id,
                                                         due_dates=bad))
        assert "due_dates" in exc.value.errors
    with pytest.raises(ValidationError) as exc:  # a weekly product has its own dates
        loan_applications.apply(officer, application(world, due_dates=dates))
    assert "seasonal" in exc.value.errors["due_dates"]
    loan_id = loan_applications.apply(officer, application(world, term=2, product_id=product_id,
                                                           due_dates=dates))
    loan_applications.submit(officer, loan_id)
    loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Champ vu", "favourable")
    loan_applications.send_to_committee(officer, loan_id)
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    rows = LoanInstallment.select().where(LoanInstallment.loan == loan_id).order_by(
        LoanInstallment.no)
    assert tuple(r.due_date for r in rows) == dates
    # paid out a week later, the harvest dates stay where the officer put them
    later = loan_terms.frozen_terms(Loan.get_by_id(loan_id), FIRST_DAY + timedelta(days=7))
    assert later.due_dates == dates
    loan_disbursement.disburse(world["cashier"], loan_id)
    assert tuple(i.due_date for i in loan_views.schedule_of(
        world["manager"], loan_id).installments) == dates


def test_debt_to_income_counts_the_instalments_of_the_members_other_loans(world):
    first = approved(world)
    loan_disbursement.disburse(world["cashier"], first)
    largest = max(i.principal_due + i.interest_due + i.fees_due for i in
                  LoanInstallment.select().where(LoanInstallment.loan == first))
    others = -(-largest * 52 // 12)
    officer = world["loan_officer"]
    probe = Loan.get_by_id(loan_applications.apply(officer, application(world, amount=50_000)))
    assert loan_eligibility.other_loans_monthly(probe, FIRST_DAY) == others
    product = loan_products.get(world["product"].id)
    alone = loan_terms.monthly_payment(engine.build(loan_terms.schedule_terms(
        product, 50_000, 26, probe.rate_bp, FIRST_DAY)))
    # an income at which the new loan alone passes the 35 % and both together do not
    income = (alone + others) * 10_000 // 3_501
    assert alone * 10_000 // income <= 3_500
    # one open application per member and product: the probe goes before the real one
    loan_lifecycle.cancel(officer, probe.id, "Simulation")
    loan_id = loan_applications.apply(officer, application(world, amount=50_000,
                                                           monthly_income=income))
    rule = next(r for r in loan_views.card(world["manager"], loan_id).eligibility
                if r.rule == "debt_to_income")
    assert not rule.passed
    assert loan_lifecycle.money(alone + others, "USD") in rule.detail
    assert loan_lifecycle.money(others, "USD") in rule.detail
    # a member without another loan, same figures: the rule passes
    alone_id = loan_applications.apply(officer, application(world, member="guarantor",
                                                            amount=50_000, monthly_income=income))
    rule = next(r for r in loan_views.card(world["manager"], alone_id).eligibility
                if r.rule == "debt_to_income")
    assert rule.passed


def test_the_managers_history_shows_past_loans_with_their_worst_arrears(world):
    first = approved(world)
    loan_disbursement.disburse(world["cashier"], first)
    i1, i2 = (LoanInstallment.select().where(LoanInstallment.loan == first)
              .order_by(LoanInstallment.no).limit(2))
    # the first instalment was paid 7 days late, the second is 5 days late now
    LoanInstallment.update(due_date=FIRST_DAY - timedelta(days=10),
                           paid_on=FIRST_DAY - timedelta(days=3),
                           principal_paid=i1.principal_due, interest_paid=i1.interest_due,
                           fees_paid=i1.fees_due).where(LoanInstallment.id == i1.id).execute()
    LoanInstallment.update(due_date=FIRST_DAY - timedelta(days=5)).where(
        LoanInstallment.id == i2.id).execute()
    again = loan_applications.apply(world["loan_officer"], application(world, amount=50_000))
    h = loan_views.member_history(world["manager"], again)
    assert (h.arrears_days, h.max_arrears_days) == (5, 7)
    [past] = h.past_loans
    assert (past.number, past.amount, past.max_arrears_days) == (
        Loan.get_by_id(first).number, 100_000, 7)
    assert h.months_with_deposit == 1 and h.deposits_6_months == 4
