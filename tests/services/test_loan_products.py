"""Loan products: validation of every field at once, the usury refusal with its figures,
audit, and the terms other areas build loans from."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from mifin_tui.db.models import AuditLog, LoanProduct
from mifin_tui.services.kernel import regulators
from mifin_tui.services.kernel.errors import PermissionDenied, ValidationError
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.products import ProductSpec

WEEKLY = ProductSpec(code="hebdo", name="Crédit hebdomadaire", currency="USD",
                     amount_min=30_000, amount_max=300_000, term_min=12, term_max=52,
                     rate_min_bp=1200, rate_max_bp=3000, rate_default_bp=2400,
                     fee_kind="percent", fee_value=200, round_to=5, savings_bp=1000,
                     penalty_kind="daily", penalty_value=10, penalty_grace_days=3,
                     min_membership_months=6, min_deposits=6, deposits_window_months=6,
                     max_debt_to_income_bp=3000)


def test_create_get_and_audit(admin, make_user):
    made = loan_products.create(admin, WEEKLY)
    assert made.code == "HEBDO" and made.active
    got = loan_products.get(made.id)
    assert got == made
    assert got.allocation_order == ("penalties", "interest", "principal")
    entry = AuditLog.select().where(AuditLog.action == "loan_product.create").get()
    assert entry.entity_id == "HEBDO"
    assert [p.code for p in loan_products.list_products(make_user("cashier"))] == ["HEBDO"]
    assert [p.code for p in loan_products.all_products(admin)] == ["HEBDO"]


def test_every_bad_field_is_named_at_once_and_nothing_written(admin):
    bad = dataclasses.replace(WEEKLY, code="", name=" ", currency="XOF", amount_min=0,
                              amount_max=-1, term_min=0, rate_default_bp=5000,
                              allocation_order=("principal", "interest"), fee_kind="x",
                              gl_interest="nope", min_deposits=3, deposits_window_months=0)
    with pytest.raises(ValidationError) as exc:
        loan_products.create(admin, bad)
    assert set(exc.value.errors) >= {"code", "name", "currency", "amount_min", "amount_max",
                                     "term_min", "rate_default_bp", "allocation_order",
                                     "fee_kind", "gl_interest", "deposits_window_months"}
    assert LoanProduct.select().count() == 0


def test_duplicate_code_is_refused(admin):
    loan_products.create(admin, WEEKLY)
    with pytest.raises(ValidationError) as exc:
        loan_products.create(admin, dataclasses.replace(WEEKLY, code="HEBDO "))
    assert "code" in exc.value.errors


def test_update_audits_what_changed_and_retire(admin, make_user):
    made = loan_products.create(admin, WEEKLY)
    loan_products.update(admin, made.id, dataclasses.replace(WEEKLY, rate_default_bp=2000))
    entry = AuditLog.select().where(AuditLog.action == "loan_product.update").get()
    assert '"rate_default_bp": 2000' in entry.after and "name" not in entry.after
    loan_products.set_active(admin, made.id, False)
    assert loan_products.list_products(make_user("loan_officer")) == []
    assert [p.active for p in loan_products.all_products(admin)] == [False]
    assert not loan_products.get(made.id).active


def test_only_the_administrator_manages_products(make_user):
    officer = make_user("loan_officer")
    with pytest.raises(PermissionDenied):
        loan_products.create(officer, WEEKLY)


def test_a_product_above_the_usury_rate_is_refused_with_the_figures():
    profile = regulators.get_profile("bceao")  # usury 24 % on the TEG
    spec = dataclasses.replace(WEEKLY, currency="XOF", amount_min=50_000,
                               amount_max=500_000, rate_max_bp=2400, rate_default_bp=2000,
                               fee_value=300)
    errors = loan_products.validate(spec, profile)
    message = errors["rate_max_bp"]
    # The worst corner: the smallest amount over the shortest term, 3 % fees on 12 weeks.
    assert "50,000 FCFA" in message and "12 instalments" in message
    assert "24.00%" in message and "TEG reaches" in message
    fine = dataclasses.replace(spec, rate_max_bp=1800, fee_value=0, rate_default_bp=1500)
    assert loan_products.validate(fine, profile) == {}


def test_terms_for_checks_the_limits_and_carries_the_product(admin):
    made = loan_products.create(admin, WEEKLY)
    product = loan_products.get(made.id)
    terms = loan_products.terms_for(product, 100_000, 26, None, date(2026, 11, 23))
    assert (terms.annual_rate_bp, terms.fee_deducted, terms.round_to, terms.frequency) == (
        2400, 2000, 5, "weekly")
    schedule = engine.build(terms)
    assert sum(r.principal for r in schedule.installments) == 100_000
    with pytest.raises(ValidationError) as exc:
        loan_products.terms_for(product, 10, 100, 9000, date(2026, 11, 23))
    assert set(exc.value.errors) == {"amount", "term", "rate"}


def test_simulate_follows_the_holidays_and_the_profile(admin, make_user):
    from mifin_tui.services.kernel import calendar

    calendar.add_holiday(admin, date(2026, 11, 30), "Test")
    cashier = make_user("cashier")
    schedule = loan_products.simulate(cashier, engine.ScheduleTerms(
        100_000, "USD", 2400, 4, start=date(2026, 11, 23)))
    assert schedule.installments[0].due_date == date(2026, 12, 1)
    assert schedule.terms.teg_method == "proportional"


def _monthly(rate_max_bp: int) -> ProductSpec:
    # No fees, rounded to 25 FCFA: the schedule's rounding lifts the TEG of a 24.00 %
    # loan to 24.0004 %.
    return ProductSpec(code="MENS", name="Mensuel", currency="XOF", amount_min=50_000,
                       amount_max=500_000, term_min=3, term_max=24, rate_min_bp=1000,
                       rate_max_bp=rate_max_bp, rate_default_bp=1500, fee_kind="fixed",
                       fee_value=0, round_to=25, frequency="monthly")


def test_usury_is_compared_at_the_basis_point():
    profile = regulators.get_profile("bceao")  # usury 24.00 %
    at = _monthly(2400)
    # The exact TEG is a hair above 24 % (rounding to the minor unit)...
    teg, _amount, _term = max(loan_products._corner_tegs(at, "proportional"))
    assert Decimal("0.24") < teg < Decimal("0.24005")
    # ... and 24.00 % at the basis point: allowed.
    assert loan_products.validate(at, profile) == {}
    above = loan_products.validate(_monthly(2401), profile)
    assert "24.01%" in above["rate_max_bp"] and "24.00%" in above["rate_max_bp"]


def test_a_fixed_fee_taking_the_smallest_amount_is_a_field_error():
    profile = regulators.get_profile("bceao")
    spec = dataclasses.replace(_monthly(2000), fee_value=50_000)  # = amount_min
    errors = loan_products.validate(spec, profile)
    assert set(errors) == {"fee_value"} and "50,000 FCFA" in errors["fee_value"]
    assert loan_products.validate(dataclasses.replace(spec, fee_value=49_999), profile).get(
        "fee_value") is None


def test_actuarial_teg_is_compounded_and_chosen_in_the_settings(admin, make_user):
    from mifin_tui.services.kernel import institution, settings

    # 100,000 over 12 months at 24 %, no fees: 2 % a month. Proportional: 12 x 2 % =
    # 24 %; actuarial: 1.02^12 - 1 = 26.824 % (the hand figure, to the rounding of the
    # instalments to the minor unit).
    terms = engine.ScheduleTerms(100_000, "USD", 2400, 12, start=date(2026, 1, 5),
                                 frequency="monthly")
    proportional = engine.build(terms).teg
    actuarial = engine.build(dataclasses.replace(terms, teg_method="actuarial")).teg
    assert abs(proportional - Decimal("0.24")) < Decimal("0.0001")
    assert abs(actuarial - (Decimal("1.02") ** 12 - 1)) < Decimal("0.0001")

    # The institution chooses among the methods its profile allows.
    cashier = make_user("cashier")
    assert institution.teg_method() == "proportional"  # the BCC profile's own
    settings.change(admin, "teg_method", "actuarial")
    assert institution.teg_method() == "actuarial"
    schedule = loan_products.simulate(cashier, terms)
    assert schedule.terms.teg_method == "actuarial" and schedule.teg == actuarial
    assert loan_products._profile().teg_method == "actuarial"  # what create/update check
    with pytest.raises(ValidationError) as exc:
        settings.change(admin, "teg_method", "daily")
    assert "proportional, actuarial" in exc.value.errors["teg_method"]


def test_the_usury_check_follows_the_chosen_method():
    # 22 % a year monthly: 22.00 % proportional, 24.36 % actuarial (1 + 0.22/12)^12 - 1
    # (a little more on the smallest loan, whose instalments round to the franc).
    bceao = regulators.get_profile("bceao")
    spec = dataclasses.replace(_monthly(2200), rate_default_bp=2000, round_to=1)
    assert loan_products.validate(spec, bceao) == {}
    actuarial = dataclasses.replace(bceao, teg_method="actuarial")
    assert "TEG reaches" in loan_products.validate(spec, actuarial)["rate_max_bp"]
    corners = {(a, t): teg for teg, a, t in loan_products._corner_tegs(spec, "actuarial")}
    hand = (1 + Decimal("0.22") / 12) ** 12 - 1  # 24.359 %
    assert abs(corners[(500_000, 24)] - hand) < Decimal("0.0001")
