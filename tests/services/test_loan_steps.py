"""A loan file's next steps (issue 19): the one rule that says which steps a user may take
on a loan now, pure over the file's facts, and read from the store along the file's life,
the override path included; one open application per member and product."""

from __future__ import annotations

import dataclasses

import pytest

from mifin_tui.db.models import AuditLog, Loan
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import ROLE_PERMISSIONS
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import steps
from mifin_tui.services.loans import views as loan_views
from tests.conftest import FIRST_DAY
from tests.services.test_loans import application, opinions, world  # noqa: F401

OFFICER, GERANT, COMMITTEE, CASHIER = 10, 20, 30, 40
PERMS = {uid: ROLE_PERMISSIONS[role] for uid, role in (
    (OFFICER, "loan_officer"), (GERANT, "manager"), (COMMITTEE, "committee"),
    (CASHIER, "cashier"))}
DRAFT = steps.FileFacts(state="draft", entered_by=OFFICER, eligible=True, overridden=False,
                        first_loan=True, opinions=0, opinions_needed=3,
                        my_opinion_given=False, within_limit=True)


def offered(facts: steps.FileFacts, user: int) -> tuple[str, ...]:
    return steps.next_steps(facts, user, PERMS[user])


def test_a_draft_that_passes_is_edited_rechecked_submitted_or_cancelled_by_its_officer():
    assert offered(DRAFT, OFFICER) == ("edit", "recheck", "submit", "cancel")
    assert offered(DRAFT, GERANT) == ("cancel",)  # nothing to override
    assert offered(DRAFT, COMMITTEE) == () and offered(DRAFT, CASHIER) == ()


def test_a_failed_draft_waits_for_the_override_then_the_officer_submits_it():
    failed = dataclasses.replace(DRAFT, eligible=False)
    assert offered(failed, OFFICER) == ("edit", "recheck", "cancel")
    assert offered(failed, GERANT) == ("override", "cancel")
    overridden = dataclasses.replace(failed, overridden=True)
    assert offered(overridden, OFFICER) == ("edit", "recheck", "submit", "cancel")
    assert offered(overridden, GERANT) == ("cancel",)


def test_the_maker_never_overrides_judges_or_decides_his_own_file():
    failed = dataclasses.replace(DRAFT, eligible=False, entered_by=GERANT)
    assert "override" not in offered(failed, GERANT)
    ready = dataclasses.replace(DRAFT, state="committee", opinions=3, entered_by=GERANT)
    assert "decide" not in offered(ready, GERANT)
    assert "opinion" not in steps.next_steps(
        dataclasses.replace(ready, entered_by=COMMITTEE), COMMITTEE, PERMS[COMMITTEE])


def test_a_first_loan_needs_the_visit_before_the_committee():
    submitted = dataclasses.replace(DRAFT, state="submitted")
    assert offered(submitted, OFFICER) == ("visit", "cancel")
    assert offered(dataclasses.replace(submitted, first_loan=False), OFFICER) == (
        "visit", "committee", "cancel")
    assert offered(dataclasses.replace(DRAFT, state="visited"), OFFICER) == (
        "committee", "cancel")


def test_the_gerant_decides_once_the_round_is_complete_the_board_above_his_limit():
    committee = dataclasses.replace(DRAFT, state="committee", opinions=2)
    assert offered(committee, COMMITTEE) == ("opinion",)
    assert offered(dataclasses.replace(committee, my_opinion_given=True), COMMITTEE) == ()
    assert offered(committee, GERANT) == ("cancel",)
    ready = dataclasses.replace(committee, opinions=3)
    assert offered(ready, GERANT) == ("decide", "cancel")
    above = dataclasses.replace(ready, within_limit=False)
    # above his limit he may still reject, or approve a lowered amount; the board decides
    assert offered(above, GERANT) == ("decide", "cancel")
    assert steps.next_steps(above, 99, frozenset({"loan.board"})) == ("board",)
    assert steps.next_steps(ready, 99, frozenset({"loan.board"})) == ()


def test_the_cashier_pays_an_approved_loan_and_takes_repayments_after():
    approved = dataclasses.replace(DRAFT, state="approved")
    assert offered(approved, CASHIER) == ("disburse",)
    assert offered(approved, GERANT) == ("cancel",)
    assert offered(dataclasses.replace(DRAFT, state="disbursed"), CASHIER) == ("repay",)
    assert offered(dataclasses.replace(DRAFT, state="disbursed"), GERANT) == ("reverse",)
    for state in ("rejected", "cancelled", "closed"):
        for user in PERMS:
            assert offered(dataclasses.replace(DRAFT, state=state), user) == ()


def test_the_override_path_read_from_the_store(world):  # noqa: F811
    officer, manager = world["loan_officer"], world["manager"]
    loan_id = loan_applications.apply(officer, application(world, member="newcomer"))
    assert steps.steps_for(officer, loan_id) == ("edit", "recheck", "cancel")
    assert steps.steps_for(manager, loan_id) == ("override", "cancel")
    loan_eligibility.override_eligibility(manager, loan_id, "Commerçante connue")
    assert steps.steps_for(officer, loan_id) == ("edit", "recheck", "submit", "cancel")
    assert "override" not in steps.steps_for(manager, loan_id)
    loan_applications.submit(officer, loan_id)
    assert steps.steps_for(officer, loan_id) == ("visit", "cancel")
    loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Vu", "favourable")
    assert steps.steps_for(officer, loan_id) == ("committee", "cancel")
    loan_applications.send_to_committee(officer, loan_id)
    judge = world["committee"][0]
    assert steps.steps_for(judge, loan_id) == ("opinion",)
    assert steps.steps_for(manager, loan_id) == ("cancel",)  # the round is not complete
    opinions(world, loan_id)
    assert steps.steps_for(judge, loan_id) == ()
    assert steps.steps_for(manager, loan_id) == ("decide", "cancel")
    assert [r.id for r in loan_views.to_decide(manager)] == [loan_id]
    loan_decision.approve(manager, loan_id)
    assert steps.steps_for(world["cashier"], loan_id) == ("disburse",)
    assert loan_views.to_decide(manager) == []


def test_the_gerant_list_holds_only_files_he_can_act_on_now(world):  # noqa: F811
    officer, manager = world["loan_officer"], world["manager"]
    passing = loan_applications.apply(officer, application(world))
    failing = loan_applications.apply(officer, application(world, member="newcomer"))
    assert [r.id for r in loan_views.to_decide(manager)] == [failing]
    loan_eligibility.override_eligibility(manager, failing, "Connue")
    assert loan_views.to_decide(manager) == []
    loan_applications.submit(officer, passing)
    loan_applications.record_visit(officer, passing, FIRST_DAY, "K", "Vu", "favourable")
    loan_applications.send_to_committee(officer, passing)
    assert loan_views.to_decide(manager) == []  # no opinion yet
    opinions(world, passing)
    assert [r.id for r in loan_views.to_decide(manager)] == [passing]


def test_a_second_open_application_for_the_same_member_and_product_is_refused(world):  # noqa: F811
    officer = world["loan_officer"]
    first = loan_applications.apply(officer, application(world))
    number = Loan.get_by_id(first).number
    count = Loan.select().count()
    with pytest.raises(ValidationError) as err:
        loan_applications.apply(officer, application(world, amount=50_000))
    assert number in err.value.errors["product"] and "draft" in err.value.errors["product"]
    assert Loan.select().count() == count
    # once the first is cancelled, a new application is taken
    loan_lifecycle.cancel(officer, first, "Erreur de saisie")
    second = loan_applications.apply(officer, application(world, amount=50_000))
    assert second != first
    # another member is not concerned
    loan_applications.apply(officer, application(world, member="newcomer"))


def test_an_approved_loan_not_yet_paid_is_still_open(world):  # noqa: F811
    officer, manager = world["loan_officer"], world["manager"]
    first = loan_applications.apply(officer, application(world))
    loan_applications.submit(officer, first)
    loan_applications.record_visit(officer, first, FIRST_DAY, "K", "Vu", "favourable")
    loan_applications.send_to_committee(officer, first)
    opinions(world, first)
    loan_decision.approve(manager, first)
    with pytest.raises(ValidationError) as err:
        loan_applications.apply(officer, application(world, amount=50_000))
    assert Loan.get_by_id(first).number in err.value.errors["product"]


def test_editing_a_draft_checks_it_again_and_drops_an_override_given_for_other_terms(
        world):  # noqa: F811
    officer, manager = world["loan_officer"], world["manager"]
    loan_id = loan_applications.apply(officer, application(world, member="newcomer"))
    loan_eligibility.override_eligibility(manager, loan_id, "Connue")
    # the purpose only: the override stands
    loan_applications.update_application(officer, loan_id, application(
        world, member="newcomer", purpose="Commerce de beignets"))
    loan = Loan.get_by_id(loan_id)
    assert loan.purpose == "Commerce de beignets" and loan.override_by_id == manager.user_id
    # a new amount: the gérant overrode another file
    results = loan_applications.update_application(officer, loan_id, application(
        world, member="newcomer", amount=40_000))
    loan = Loan.get_by_id(loan_id)
    assert loan.amount_requested == 40_000 and loan.override_by_id is None
    assert not all(r.passed for r in results)
    assert steps.steps_for(manager, loan_id) == ("override", "cancel")
    row = (AuditLog.select().where(AuditLog.action == "loan.edit")
           .order_by(AuditLog.seq.desc()).first())
    assert row.username == officer.username
    with pytest.raises(ValidationError):
        loan_applications.update_application(officer, loan_id, application(
            world, member="borrower"))


def test_without_a_delegation_limit_every_amount_is_within_it(world):  # noqa: F811
    from mifin_tui.services.kernel import settings

    officer = world["loan_officer"]
    loan_id = loan_applications.apply(officer, application(world))
    settings.put("loan_delegation_limit", {})
    assert steps.facts_of(Loan.get_by_id(loan_id), officer.user_id).within_limit
    settings.put("loan_delegation_limit", {"USD": 50_000})
    assert not steps.facts_of(Loan.get_by_id(loan_id), officer.user_id).within_limit


def test_the_card_says_whose_step_the_file_waits_for():
    failed = dataclasses.replace(DRAFT, eligible=False)
    assert "override" in steps.waiting_for(failed)
    assert "submission" in steps.waiting_for(dataclasses.replace(failed, overridden=True))
    assert steps.waiting_for(dataclasses.replace(DRAFT, state="submitted")) == "the home visit"
    committee = dataclasses.replace(DRAFT, state="committee", opinions=2)
    assert steps.waiting_for(committee) == "the committee's opinions (2 of 3)"
    assert steps.waiting_for(dataclasses.replace(committee, opinions=3)) == \
        "the manager's decision"
    assert "board" in steps.waiting_for(dataclasses.replace(committee, opinions=3,
                                                            within_limit=False))
    assert "disbursement" in steps.waiting_for(dataclasses.replace(DRAFT, state="approved"))
    assert steps.waiting_for(dataclasses.replace(DRAFT, state="active")) == ""
