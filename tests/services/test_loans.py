"""The loan's life in the service layer: application and eligibility rule by rule, visit,
committee, maker-checker and the delegation limit for every role, disbursement with its
ledger lines, the waiting list, cancellation and the same-day reversal."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    AccountHold,
    AuditLog,
    Entry,
    JournalTransaction,
    Loan,
    LoanEvent,
    LoanInstallment,
    Member,
)
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.kernel import accounts, ledger, settings
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError
from mifin_tui.services.kernel.permissions import ROLES
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.loans import terms as loan_terms
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.products import ProductSpec
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import opening as savings_opening
from tests.conftest import FIRST_DAY
from tests.services.test_savings import product as savings_product

USD = "USD"
SPEC = ProductSpec(code="HEBDO", name="Crédit hebdomadaire", currency=USD,
                   amount_min=30_000, amount_max=300_000, term_min=12, term_max=52,
                   rate_min_bp=1800, rate_max_bp=3000, rate_default_bp=2400,
                   fee_kind="percent", fee_value=200, fee_timing="deducted", savings_bp=1000,
                   min_membership_months=6, min_deposits=3, deposits_window_months=6,
                   max_debt_to_income_bp=3500)


@pytest.fixture
def world(admin, make_user):
    """A funded vault, cashier with 2,000 USD in till, officer, committee of three, gérant,
    accountant; a borrower of a year with four deposits; a guarantor with savings."""
    users = {r: make_user(r) for r in ("cashier", "loan_officer", "manager", "accountant")}
    users["committee"] = [make_user("committee") for _ in range(3)]
    cashier = users["cashier"]
    with db.write_transaction():
        vault = tills.vault_of(admin.branch_id)
        capital = accounts.internal_account(admin.branch_id, "share_capital", USD)
        ledger.post(admin, kind="capital", label="Capital",
                    lines=[ledger.Line(tills.cash_account(vault, USD).id, debit=5_000_000),
                           ledger.Line(capital.id, credit=5_000_000)])
        borrower = members.create_row(admin, {"surname": "Mbuyi", "first_name": "Agathe"},
                                      FIRST_DAY - timedelta(days=400))
        guarantor = members.create_row(admin, {"surname": "Tshala", "first_name": "Rose"},
                                       FIRST_DAY - timedelta(days=800))
        newcomer = members.create_row(admin, {"surname": "Ngoy", "first_name": "Paul"},
                                      FIRST_DAY - timedelta(days=30))
        # small supplies pass at once here; the default (every transfer waits for a
        # second person, #21) is tested in test_cash_controls
        settings.put("transfer_approval_limit", {USD: 500_000})
    till = tills.list_tills(cashier)[1]
    tills.open_session(cashier, till.id, {})
    transfers.request(cashier, transfers.SUPPLY, USD, 200_000, "float")
    free = savings_product("free").id
    acc = savings_opening.open_account(cashier, borrower.id, free,
                                       opening_deposit=10_000).account.id
    for _ in range(3):
        savings_deposits.deposit(cashier, acc, 10_000, party_name="Agathe", purpose="Épargne")
    g_acc = savings_opening.open_account(cashier, guarantor.id, free,
                                         opening_deposit=60_000).account.id
    n_acc = savings_opening.open_account(cashier, newcomer.id, free,
                                         opening_deposit=5_000).account.id
    product = loan_products.create(admin, SPEC)
    return dict(users, admin=admin, borrower=borrower, guarantor=guarantor,
                newcomer=newcomer, account=acc, g_account=g_acc, n_account=n_acc,
                product=product)


def another_product(w, code: str) -> int:
    """A product like the world's own: a member has one open application per product, so a
    test that needs two open files of one member takes them in two products."""
    return loan_products.create(w["admin"], dataclasses.replace(SPEC, code=code,
                                                                name=f"Crédit {code}")).id


def application(w, amount=100_000, term=26, member="borrower", **kw):
    acc = {"borrower": "account", "newcomer": "n_account", "guarantor": "g_account"}[member]
    values = dict(member_id=w[member].id, product_id=w["product"].id, amount=amount,
                  term=term, purpose="Commerce de pagnes au marché Gambela",
                  linked_account_id=w[acc], activity="Vente de pagnes",
                  monthly_income=200_000, project_estimate=150_000)
    values.update(kw)
    return loan_applications.Application(**values)


def to_committee(w, **kw) -> int:
    officer = w["loan_officer"]
    loan_id = loan_applications.apply(officer, application(w, **kw))
    loan_applications.submit(officer, loan_id)
    loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo",
                                   "Étal au marché, stock vu", "favourable")
    loan_applications.send_to_committee(officer, loan_id)
    return loan_id


def opinions(w, loan_id, amount=100_000, kind="favourable"):
    for member in w["committee"]:
        loan_decision.give_opinion(member, loan_id, kind, amount if kind == "favourable" else None,
                                   "Activité rentable" if kind == "favourable" else "Dossier léger")


def approved(w, amount=None, **kw) -> int:
    if amount is not None:
        kw.setdefault("amount", amount)
    loan_id = to_committee(w, **kw)
    opinions(w, loan_id, amount or kw.get("amount", 100_000))
    loan_decision.approve(w["manager"], loan_id, amount=amount)
    return loan_id


def state(loan_id) -> str:
    return Loan.get_by_id(loan_id).state


def test_application_opens_a_loan_account_with_check_digits_and_passes_every_rule(world):
    loan_id = loan_applications.apply(world["loan_officer"], application(world))
    loan = Loan.get_by_id(loan_id)
    acc = Account.get_by_id(loan.account_id)
    assert loan.number == acc.number and acc.kind == "loan"
    assert acc.number.split("-")[1] == "30" and acc.gl_account.key == "loans_outstanding"
    card = loan_views.card(world["committee"][0], loan_id)
    rules = {r.rule: r.passed for r in card.eligibility}
    assert rules == {"membership": True, "deposits": True, "activity": True,
                     "compulsory_savings": True, "no_arrears": True, "amount": True,
                     "term": True, "debt_to_income": True}
    assert card.state == "draft" and card.events[0].to_state == "draft"
    assert AuditLog.get(AuditLog.action == "loan.apply").username == \
        world["loan_officer"].username


def test_each_failed_rule_is_stored_with_what_was_found(world):
    officer = world["loan_officer"]
    loan_id = loan_applications.apply(officer, application(world, member="newcomer", activity="",
                                                           monthly_income=10_000))
    results = {r.rule: r for r in loan_views.card(officer, loan_id).eligibility}
    assert not results["membership"].passed and "0 months" in results["membership"].detail
    assert not results["deposits"].passed and "1 deposit in" in results["deposits"].detail
    assert not results["activity"].passed
    assert not results["compulsory_savings"].passed  # 50 USD for 100 USD required
    assert not results["debt_to_income"].passed
    assert results["no_arrears"].passed and results["amount"].passed


def test_the_stored_rules_read_in_the_language_of_who_looks(world):
    """loan_eligibility.detail keeps the English message id with its raw figures (minor
    units, basis points): the same to an auditor whoever checked it; each screen shows
    it in its user's language, amounts and rates written that way."""
    import json

    from mifin_tui.db.models import LoanEligibility
    from mifin_tui.i18n import set_language

    officer = world["loan_officer"]
    loan_id = loan_applications.apply(officer, application(world, member="newcomer", amount=250_000,
                                                           monthly_income=10_000))
    stored = {r.rule: json.loads(r.detail)
              for r in LoanEligibility.select().where(LoanEligibility.loan == loan_id)}
    assert stored["membership"]["msg"] == "{months} months of membership, {need} required"
    assert stored["amount"]["args"]["amount"] == {"amount": 250_000, "currency": "USD"}
    assert stored["debt_to_income"]["args"]["limit"] == {"bp": SPEC.max_debt_to_income_bp}
    try:
        set_language("fr")
        fr = {r.rule: r.detail for r in loan_views.card(officer, loan_id).eligibility}
        set_language("en")
        en = {r.rule: r.detail for r in loan_views.card(officer, loan_id).eligibility}
    finally:
        set_language("en")
    assert "mois d'adhésion" in fr["membership"] and "months" not in fr["membership"]
    assert "2 500,00" in fr["amount"] and "produit" in fr["amount"]
    assert "2,500.00 USD (product:" in en["amount"]
    assert "on the linked account" in en["compulsory_savings"]
    assert "sur le compte" in fr["compulsory_savings"]
    limit = SPEC.max_debt_to_income_bp
    assert f"{limit // 100},{limit % 100:02d} %" in fr["debt_to_income"]
    assert f"{limit // 100}.{limit % 100:02d}%" in en["debt_to_income"]
    assert "," not in en["debt_to_income"].split("at most")[1]


def test_a_rule_stored_as_plain_text_still_shows():
    rule = loan_eligibility.RuleResult.from_stored("membership", True, "12 months of membership")
    assert rule.detail == "12 months of membership"


def test_failed_rules_block_the_submission_until_the_manager_overrides(world):
    officer, manager = world["loan_officer"], world["manager"]
    loan_id = loan_applications.apply(officer, application(world, member="newcomer"))
    with pytest.raises(ValidationError) as exc:
        loan_applications.submit(officer, loan_id)
    assert "Membership length" in exc.value.errors["eligibility"]
    assert state(loan_id) == "draft"
    with pytest.raises(ValidationError):
        loan_eligibility.override_eligibility(manager, loan_id, "  ")
    with pytest.raises(PermissionDenied):
        loan_eligibility.override_eligibility(officer, loan_id, "moi")
    loan_eligibility.override_eligibility(manager, loan_id, "Membre connu du conseil, commerçante")
    loan_applications.submit(officer, loan_id)
    assert state(loan_id) == "submitted"
    row = AuditLog.get(AuditLog.action == "loan.override")
    assert row.username == manager.username and "membership" in row.after


def test_bad_application_names_every_bad_field_and_writes_nothing(world):
    before = Loan.select().count(), Account.select().count()
    with pytest.raises(ValidationError) as exc:
        loan_applications.apply(world["loan_officer"], application(world, amount=10_000, term=60,
                                                        purpose=" ", linked_account_id=None))
    assert set(exc.value.errors) == {"amount", "term", "purpose", "linked_account"}
    with pytest.raises(ValidationError) as exc:
        loan_applications.apply(world["loan_officer"], application(world,
                                                        linked_account_id=world["g_account"]))
    assert "linked_account" in exc.value.errors
    assert (Loan.select().count(), Account.select().count()) == before


def test_first_loan_needs_the_home_visit_before_the_committee(world):
    officer = world["loan_officer"]
    loan_id = loan_applications.apply(officer, application(world))
    loan_applications.submit(officer, loan_id)
    with pytest.raises(ValidationError, match="home visit"):
        loan_applications.send_to_committee(officer, loan_id)
    loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Vu", "favourable")
    loan_applications.send_to_committee(officer, loan_id)
    assert [e.to_state for e in LoanEvent.select().where(LoanEvent.loan == loan_id)
            .order_by(LoanEvent.id)] == ["draft", "submitted", "visited", "committee"]


def test_transitions_outside_the_table_are_refused(world):
    officer, manager = world["loan_officer"], world["manager"]
    loan_id = loan_applications.apply(officer, application(world))
    with pytest.raises(Conflict):
        loan_applications.send_to_committee(officer, loan_id)  # draft -> committee
    with pytest.raises(Conflict):
        loan_decision.approve(manager, loan_id)  # draft -> approved
    with pytest.raises(Conflict):
        loan_disbursement.disburse(world["cashier"], loan_id)
    with pytest.raises(Conflict):
        loan_decision.give_opinion(world["committee"][0], loan_id, "favourable", 100_000)
    with db.write_transaction(), pytest.raises(Conflict):
        loan_lifecycle.move(officer, Loan.get_by_id(loan_id), "closed")
    assert state(loan_id) == "draft"
    assert set(loan_states.TRANSITIONS["approved"]) == {"disbursed", "cancelled"}


def test_committee_opinions_one_each_per_round_and_never_the_maker(world, make_user):
    loan_id = to_committee(world)
    first = world["committee"][0]
    loan_decision.give_opinion(first, loan_id, "favourable", 90_000, "Bon dossier")
    with pytest.raises(Conflict):
        loan_decision.give_opinion(first, loan_id, "adjourned", None, "encore")
    with pytest.raises(ValidationError) as exc:
        loan_decision.give_opinion(world["committee"][1], loan_id, "unfavourable", None, "")
    assert "comment" in exc.value.errors
    with pytest.raises(ValidationError):
        loan_decision.give_opinion(world["committee"][1], loan_id, "favourable", 500_000, "")
    both = make_user("loan_officer", "committee")
    own = loan_applications.apply(both, application(world, member="guarantor"))
    loan_eligibility.override_eligibility(world["manager"], own,
                                          "Une seule épargne, ancienne membre")
    loan_applications.submit(both, own)
    loan_applications.record_visit(both, own, FIRST_DAY, "X", "Vu", "favourable")
    loan_applications.send_to_committee(both, own)
    with pytest.raises(PermissionDenied, match="entered"):
        loan_decision.give_opinion(both, own, "favourable", 100_000)
    # the gérant decides only on a full committee (3 by default, a setting)
    with pytest.raises(ValidationError, match="1 opinions of the 3"):
        loan_decision.approve(world["manager"], loan_id)
    settings.put("loan_committee_size", 1)
    loan_decision.approve(world["manager"], loan_id, amount=90_000, term=24)
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.amount_approved, loan.term_approved) == ("approved", 90_000, 24)


def test_back_to_committee_opens_a_new_round(world):
    loan_id = to_committee(world)
    opinions(world, loan_id, kind="adjourned")
    loan_decision.back_to_committee(world["manager"], loan_id, "Revoir le devis")
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.committee_round) == ("committee", 2)
    with pytest.raises(ValidationError, match="0 opinions"):
        loan_decision.approve(world["manager"], loan_id)
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    assert state(loan_id) == "approved"


def test_approval_freezes_the_terms_and_stores_the_schedule(world):
    loan_id = approved(world, amount=80_000)
    loan = Loan.get_by_id(loan_id)
    rows = list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))
    assert len(rows) == 26 and sum(r.principal_due for r in rows) == 80_000
    assert all(r.principal_paid == r.interest_paid == 0 for r in rows)
    assert loan.fees == 1_600 and loan.teg_bp > loan.rate_bp
    # the product changes afterwards: the loan keeps its terms
    loan_products.update(world["admin"], world["product"].id,
                         SPEC.__class__(**{**SPEC.__dict__, "fee_value": 500}))
    assert loan_terms.frozen_terms(Loan.get_by_id(loan_id)).fee_deducted == 1_600
    with pytest.raises(ValidationError):
        loan_decision.approve(world["manager"], to_committee(world), amount=120_000)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_manager_approves_and_never_what_he_entered(world, make_user, role):
    loan_id = to_committee(world)
    opinions(world, loan_id)
    user = make_user(role)
    if role == "manager":
        loan_decision.approve(user, loan_id)
        assert state(loan_id) == "approved"
    else:
        with pytest.raises(PermissionDenied):
            loan_decision.approve(user, loan_id)
        with pytest.raises(PermissionDenied):
            loan_decision.reject(user, loan_id, "non")
        assert state(loan_id) == "committee"


def test_the_maker_never_approves_even_as_manager(world, make_user):
    both = make_user("loan_officer", "manager")
    loan_id = loan_applications.apply(both, application(world))
    loan_applications.submit(both, loan_id)
    loan_applications.record_visit(both, loan_id, FIRST_DAY, "X", "Vu", "favourable")
    loan_applications.send_to_committee(both, loan_id)
    opinions(world, loan_id)
    for decide in (lambda: loan_decision.approve(both, loan_id),
                   lambda: loan_decision.reject(both, loan_id, "non"),
                   lambda: loan_decision.back_to_committee(both, loan_id, "revoir")):
        with pytest.raises(PermissionDenied, match="maker-checker"):
            decide()
    assert state(loan_id) == "committee"


def test_above_the_delegation_limit_the_board_decides_through_the_admin(world, make_user):
    settings.put("loan_delegation_limit", {"USD": 150_000})
    loan_id = to_committee(world, amount=200_000)
    opinions(world, loan_id, 200_000)
    with pytest.raises(PermissionDenied, match="delegation limit"):
        loan_decision.approve(world["manager"], loan_id)
    loan_decision.approve(world["manager"], loan_id, amount=150_000)  # lowered to his limit
    assert Loan.get_by_id(loan_id).amount_approved == 150_000
    other = to_committee(world, amount=200_000, product_id=another_product(world, "HEBDO2"))
    opinions(world, other, 200_000)
    for role in ROLES:
        if role != "admin":
            with pytest.raises(PermissionDenied):
                loan_decision.record_board_decision(make_user(role), other, True, "PV CA 12/2026")
    with pytest.raises(ValidationError):
        loan_decision.record_board_decision(world["admin"], other, True, " ")
    small = to_committee(world, amount=100_000, product_id=another_product(world, "HEBDO3"))
    opinions(world, small)
    with pytest.raises(Conflict, match="manager decides"):
        loan_decision.record_board_decision(world["admin"], small, True, "PV CA 12/2026")
    loan_decision.record_board_decision(world["admin"], other, True, "PV CA 12/2026")
    loan = Loan.get_by_id(other)
    assert (loan.state, loan.board_reference, loan.decided_by_id) == (
        "approved", "PV CA 12/2026", world["admin"].user_id)


def test_rejection_needs_a_reason(world):
    loan_id = to_committee(world)
    opinions(world, loan_id, kind="unfavourable")
    with pytest.raises(ValidationError):
        loan_decision.reject(world["manager"], loan_id, "")
    loan_decision.reject(world["manager"], loan_id, "Capacité de remboursement insuffisante")
    assert state(loan_id) == "rejected"
    with pytest.raises(Conflict):
        loan_lifecycle.cancel(world["loan_officer"], loan_id, "x")


def _entries(txn_id):
    return sorted((Account.get_by_id(e.account_id).kind, e.debit, e.credit)
                  for e in Entry.select().where(Entry.txn == txn_id))


def test_cash_disbursement_posts_the_bs_the_fees_and_rebases_the_schedule(world):
    loan_id = approved(world)
    cashier = world["cashier"]
    till_before = tills.cash_account(tills.require_session(cashier, USD).till, USD).balance
    result = loan_disbursement.disburse(cashier, loan_id)
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "disbursed" and result.voucher.voucher_number.startswith("BS")
    assert (result.principal, result.fees, result.paid_out) == (100_000, 2_000, 98_000)
    assert _entries(loan.disbursement_txn_id) == [("cash", 0, 98_000), ("loan", 98_000, 0)]
    assert _entries(loan.fee_txn_id) == [("internal", 0, 2_000), ("loan", 2_000, 0)]
    assert Account.get_by_id(loan.account_id).balance == 100_000
    assert tills.cash_account(tills.require_session(cashier, USD).till, USD).balance == \
        till_before - 98_000
    first = LoanInstallment.get((LoanInstallment.loan == loan_id) & (LoanInstallment.no == 1))
    assert first.due_date >= FIRST_DAY + timedelta(days=7)
    # compulsory savings blocked on the linked account
    hold = AccountHold.get(AccountHold.process == f"loan:{loan.number}")
    assert (hold.account_id, hold.amount, hold.status) == (world["account"], 10_000, "active")
    with pytest.raises(Conflict, match="already"):
        loan_disbursement.disburse(cashier, loan_id)
    assert check.run().ok


def test_disbursement_to_savings_with_guarantor_and_collateral_holds(world):
    officer = world["loan_officer"]
    loan_id = to_committee(world)
    loan_applications.add_guarantor(officer, loan_id, world["guarantor"].id, 40_000)
    loan_applications.add_collateral(officer, loan_id, "goods", 300_000,
                                     description="Moto Haojue 125, carte rose 4471")
    with pytest.raises(ValidationError):
        loan_applications.add_guarantor(officer, loan_id, world["borrower"].id, 10_000)
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    before = Account.get_by_id(world["account"]).balance
    loan_disbursement.disburse(world["cashier"], loan_id, mode="savings")
    loan = Loan.get_by_id(loan_id)
    assert _entries(loan.disbursement_txn_id) == [
        ("internal", 0, 2_000), ("loan", 100_000, 0), ("savings", 0, 98_000)]
    assert Account.get_by_id(world["account"]).balance == before + 98_000
    card = loan_views.card(officer, loan_id)
    assert card.guarantors[0].held and card.collateral[0].description.startswith("Moto")
    g_hold = AccountHold.get(AccountHold.account == world["g_account"])
    assert (g_hold.amount, g_hold.process) == (40_000, f"loan:{loan.number}")
    guarantees = loan_views.member_guarantees(officer, world["guarantor"].id)
    assert guarantees[0].loan_number == loan.number and guarantees[0].held


def test_disbursement_from_a_till_in_another_currency_or_closed_is_refused(world, make_user):
    loan_id = approved(world)
    other = make_user("cashier")
    with pytest.raises(ValidationError, match="till"):
        loan_disbursement.disburse(other, loan_id)
    assert state(loan_id) == "approved"
    for role in ROLES:
        if role != "cashier":
            with pytest.raises(PermissionDenied):
                loan_disbursement.disburse(make_user(role), loan_id)


def test_waiting_list_by_approval_date_and_payable_after_a_vault_transfer(world):
    cashier = world["cashier"]
    first = approved(world, amount=200_000)
    second = approved(world, amount=200_000, product_id=another_product(world, "HEBDO2"))
    waiting = loan_disbursement.waiting_list(cashier)
    assert [w.loan_id for w in waiting] == [first, second]
    assert all(w.till_can_pay for w in waiting)
    loan_disbursement.disburse(cashier, first)
    waiting = loan_disbursement.waiting_list(cashier)
    assert [(w.loan_id, w.till_can_pay) for w in waiting] == [(second, False)]
    assert loan_disbursement.waiting_list(world["manager"])[0].loan_id == second
    vouchers = JournalTransaction.select().count()
    with pytest.raises(ValidationError, match="waiting list"):
        loan_disbursement.disburse(cashier, second)
    assert JournalTransaction.select().count() == vouchers and state(second) == "approved"
    transfers.request(cashier, transfers.SUPPLY, USD, 200_000, "décaissement")
    assert loan_disbursement.waiting_list(cashier)[0].till_can_pay
    # the second loan's compulsory savings (20 USD) must be there to block too
    savings_deposits.deposit(cashier, world["account"], 10_000, party_name="Agathe",
                             purpose="Épargne")
    loan_disbursement.disburse(cashier, second)
    assert loan_disbursement.waiting_list(cashier) == []


def test_cancel_before_disbursement_only(world):
    loan_id = approved(world)
    with pytest.raises(PermissionDenied):
        loan_lifecycle.cancel(world["cashier"], loan_id, "x")
    loan_lifecycle.cancel(world["loan_officer"], loan_id, "Le membre renonce")
    assert state(loan_id) == "cancelled"
    other = approved(world)
    loan_disbursement.disburse(world["cashier"], other)
    with pytest.raises(Conflict):
        loan_lifecycle.cancel(world["manager"], other, "trop tard")


def test_same_day_reversal_undoes_the_ledger_and_the_holds(world):
    officer = world["loan_officer"]
    loan_id = to_committee(world)
    loan_applications.add_guarantor(officer, loan_id, world["guarantor"].id, 40_000)
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    loan_disbursement.disburse(world["cashier"], loan_id)
    with pytest.raises(PermissionDenied):
        loan_disbursement.reverse_disbursement(world["cashier"], loan_id, "erreur")
    loan_disbursement.reverse_disbursement(world["manager"], loan_id, "Erreur de membre")
    loan = Loan.get_by_id(loan_id)
    assert loan.state == "approved" and loan.disbursement_txn_id is None
    assert Account.get_by_id(loan.account_id).balance == 0
    assert AccountHold.select().where(AccountHold.status == "active").count() == 0
    assert JournalTransaction.select().where(JournalTransaction.kind == "reversal").count() == 2
    assert AuditLog.get(AuditLog.action == "loan.approved", AuditLog.username ==
                        world["manager"].username).entity_id == loan.number
    assert check.run().ok
    loan_disbursement.disburse(world["cashier"], loan_id)  # paid again, properly
    assert state(loan_id) == "disbursed"


def test_a_loan_in_arrears_makes_the_member_ineligible(world):
    loan_id = approved(world)
    loan_disbursement.disburse(world["cashier"], loan_id)
    LoanInstallment.update(due_date=FIRST_DAY - timedelta(days=10)).where(
        (LoanInstallment.loan == loan_id) & (LoanInstallment.no == 1)).execute()
    again = loan_applications.apply(world["loan_officer"], application(world, amount=50_000))
    rule = next(r for r in loan_views.card(world["manager"], again).eligibility
                if r.rule == "no_arrears")
    assert not rule.passed and "10 days" in rule.detail
    history = loan_views.member_history(world["manager"], again)
    assert (history.loans, history.outstanding_loans, history.arrears_days) == (1, 1, 10)
    assert [ln.state for ln in loan_views.member_loans(world["cashier"],
                                                       world["borrower"].id)] == [
        "draft", "disbursed"]


def test_fees_collected_up_front_take_a_be_voucher(world):
    spec = loan_products.get(world["product"].id)
    upfront = {f: getattr(spec, f) for f in ProductSpec.__dataclass_fields__}
    upfront["fee_timing"] = "upfront"
    loan_products.update(world["admin"], world["product"].id, ProductSpec(**upfront))
    loan_id = approved(world)
    result = loan_disbursement.disburse(world["cashier"], loan_id)
    assert (result.paid_out, result.fees) == (100_000, 2_000)
    assert result.voucher.voucher_number.startswith("BS")
    assert result.fee_voucher.voucher_number.startswith("BE")
    loan = Loan.get_by_id(loan_id)
    assert _entries(loan.fee_txn_id) == [("cash", 2_000, 0), ("internal", 0, 2_000)]
    assert Account.get_by_id(loan.account_id).balance == 100_000
    assert check.run().ok


def test_no_demission_while_a_loan_or_a_guarantee_is_under_way(world):
    from mifin_tui.services.members import card as member_card

    manager = world["manager"]
    loan_id = loan_applications.apply(world["loan_officer"], application(world))
    loan_applications.add_guarantor(world["loan_officer"], loan_id, world["guarantor"].id, 50_000)
    number = Loan.get_by_id(loan_id).number
    with pytest.raises(ValidationError, match=f"loans under way: {number}"):
        member_card.request_resignation(manager, world["borrower"].id, "Déménage à Lubumbashi")
    with pytest.raises(ValidationError, match=f"guarantees loans still outstanding: {number}"):
        member_card.request_resignation(manager, world["guarantor"].id, "Quitte la COOPEC")
    assert Member.get_by_id(world["borrower"].id).status != "left"
    loan_lifecycle.cancel(world["loan_officer"], loan_id, "Le membre renonce")
    with pytest.raises(ValidationError, match="at zero"):  # his savings are still there
        member_card.request_resignation(manager, world["borrower"].id, "Déménage à Lubumbashi")
