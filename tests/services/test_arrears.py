"""Arrears shown live, the officer's list, rescheduling with maker-checker, write-off and
recoveries: on a real SQLite file, through the services, checking rows and ledger."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    AuditLog,
    Entry,
    GLAccount,
    Loan,
    LoanEvent,
    LoanInstallment,
    LoanReschedule,
    LoanWriteOff,
    Member,
    Repayment,
    Voucher,
)
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import accounts, settings
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import arrears, repayments, reschedule, write_off
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from tests.services.test_loans import USD, approved, opinions, to_committee, world  # noqa: F401
from tests.services.test_repayments import age, disbursed


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def test_days_past_due_and_buckets_are_computed_live_from_the_instalments(world):
    loan_id = disbursed(world)
    rows = age(loan_id, 3)  # 1 and 2 overdue, 3 due today
    a = arrears.loan_arrears(world["loan_officer"], loan_id)
    assert a.days_past_due == (a.day - rows[0].due_date).days == 14
    assert a.oldest_due == rows[0].due_date
    assert a.instalments_overdue == 2
    late = sum(r.principal_due + r.interest_due for r in rows[:2])
    assert a.overdue.total == late
    assert [(b.key, b.amount, b.instalments) for b in a.buckets] == [("impaye", late, 2)]
    assert a.outstanding_principal == sum(r.principal_due for r in rows)
    # The closing never ran: the stored figure is still 0, the live one is right.
    assert Loan.get_by_id(loan_id).days_past_due == 0
    # Paying the oldest instalment moves the age to the next one.
    repayments.repay(world["cashier"], loan_id, rows[0].principal_due + rows[0].interest_due,
                     party_name="Agathe")
    a = arrears.loan_arrears(world["loan_officer"], loan_id)
    assert a.days_past_due == 7 and a.instalments_overdue == 1
    (m,) = arrears.member_arrears(world["loan_officer"], world["borrower"].id)
    assert m.loan_id == loan_id and m.days_past_due == 7


def test_a_loan_up_to_date_is_not_in_arrears(world):
    loan_id = disbursed(world)
    age(loan_id, 1)  # the first instalment is due today: not late yet
    assert arrears.loan_arrears(world["cashier"], loan_id).days_past_due == 0
    assert arrears.arrears_list(world["loan_officer"]) == ()


def test_the_officers_list_filters_by_officer_and_zone_with_phones(world):
    officer = world["loan_officer"]
    loan_id = to_committee(world)
    loan_applications.add_guarantor(officer, loan_id, world["guarantor"].id, 40_000)
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    loan_disbursement.disburse(world["cashier"], loan_id)
    rows = age(loan_id, 4)
    with db.write_transaction():
        Member.update(phone="+243 810 000 111", zone="Gambela").where(
            Member.id == world["borrower"].id).execute()
        Member.update(phone="+243 990 222 333").where(
            Member.id == world["guarantor"].id).execute()
    (row,) = arrears.arrears_list(officer)
    assert row.loan_id == loan_id and row.days_past_due == 21
    assert row.phones == ("+243 810 000 111",)
    assert row.guarantor_phones == ("TSHALA Rose +243 990 222 333",)
    assert row.overdue == sum(r.principal_due + r.interest_due for r in rows[:3])
    assert row.officer == officer.full_name and row.zone == "Gambela"
    assert arrears.arrears_list(officer, officer=officer.user_id)[0].loan_id == loan_id
    assert arrears.arrears_list(officer, officer=world["manager"].user_id) == ()
    assert arrears.arrears_list(officer, zone="Gambela")[0].loan_id == loan_id
    assert arrears.arrears_list(officer, zone="Matete") == ()
    # As of the day before the second instalment fell due, it was 7 days late... and
    # before the first was due, not late at all.
    assert arrears.arrears_list(officer, as_of=rows[1].due_date)[0].days_past_due == 7
    assert arrears.arrears_list(officer, as_of=rows[0].due_date) == ()


# --- rescheduling -------------------------------------------------------------------------

def test_rescheduling_is_asked_by_the_officer_and_approved_by_another(world):
    officer, manager = world["loan_officer"], world["manager"]
    loan_id = disbursed(world)
    rows = age(loan_id, 3)
    part = rows[0].interest_due + 1_000  # instalment 1 partly paid, 2 and 3 unpaid
    repayments.repay(world["cashier"], loan_id, part, party_name="Agathe")
    before = _rows(loan_id)
    principal_left = sum(r.principal_due - r.principal_paid for r in before)
    interest_due = sum(r.interest_due - r.interest_paid for r in before[:3])
    plan = reschedule.plan(officer, loan_id, 40)
    assert plan.principal == principal_left and plan.first_no == 2
    assert plan.carried.interest == interest_due
    with pytest.raises(ValidationError) as exc:
        reschedule.request(officer, loan_id, 60, None, "Perte de stock après l'incendie")
    assert "term" in exc.value.errors
    with pytest.raises(ValidationError):
        reschedule.request(officer, loan_id, 40, 5000, "Perte de stock")
    with pytest.raises(ValidationError):
        reschedule.request(officer, loan_id, 40, None, "  ")
    req = reschedule.request(officer, loan_id, 40, 2000, "Perte de stock après l'incendie")
    with pytest.raises(Conflict):
        reschedule.request(officer, loan_id, 30, None, "Deuxième demande")
    with pytest.raises(PermissionDenied):
        reschedule.approve(officer, req)  # no right to approve
    assert [p.id for p in reschedule.pending(manager)] == [req]
    # nothing changed before the approval
    assert [(r.no, r.principal_due) for r in _rows(loan_id)] == [
        (r.no, r.principal_due) for r in before]

    applied = reschedule.approve(manager, req, "Vu au comité")
    assert applied.schedule.terms.annual_rate_bp == 2000
    after = _rows(loan_id)
    assert after[0].no == 1 and after[0].principal_due == after[0].principal_paid == 1_000
    assert after[0].interest_due == after[0].interest_paid and after[0].paid_on is not None
    new = after[1:]
    assert [r.no for r in new] == list(range(2, 42))
    assert sum(r.principal_due for r in new) == principal_left
    assert sum(r.principal_due for r in after) == Loan.get_by_id(loan_id).amount_approved
    assert new[0].due_date > plan.day
    # the overdue interest is carried onto the first new instalment, not capitalised
    assert new[0].interest_due - applied.schedule.installments[0].interest == interest_due
    loan = Loan.get_by_id(loan_id)
    assert loan.restructured and loan.state in ("active", "in_arrears")
    row = LoanReschedule.get_by_id(req)
    assert row.state == "approved" and row.decided_by_id == manager.user_id
    old = json.loads(row.old_schedule_json)
    assert len(old) == 26 and old[1]["principal_due"] == before[1].principal_due
    event = LoanEvent.select().where(LoanEvent.loan == loan_id).order_by(
        LoanEvent.id.desc()).first()
    assert "Rescheduled" in event.note and event.user_id == manager.user_id
    assert arrears.loan_arrears(officer, loan_id).days_past_due == 0
    assert reschedule.current_terms(loan).installments == 40
    doc = loan_contract_doc.contract(officer, loan_id)  # the reprint: the new schedule
    assert len(doc.schedule.installments) == 40
    assert sum(i.principal for i in doc.schedule.installments) == principal_left
    assert doc.schedule.installments[0].due_date == new[0].due_date
    # BCC allows one extension only
    with pytest.raises(Conflict):
        reschedule.request(officer, loan_id, 30, None, "Encore")
    # repayments go on over the new schedule
    d = repayments.due(world["cashier"], loan_id)
    assert d.outstanding == sum(r.principal_due + r.interest_due + r.fees_due
                                + r.penalties_due for r in new)
    assert check.run().ok


def test_the_maker_never_approves_his_own_rescheduling(world, make_user):
    both = make_user("loan_officer", "manager")
    loan_id = disbursed(world)
    age(loan_id, 3)
    req = reschedule.request(both, loan_id, 30, None, "Maladie")
    with pytest.raises(PermissionDenied):
        reschedule.approve(both, req)
    reschedule.reject(world["manager"], req, "Activité arrêtée")
    assert LoanReschedule.get_by_id(req).state == "rejected"
    assert len(_rows(loan_id)) == 26 and not Loan.get_by_id(loan_id).restructured
    with pytest.raises(Conflict):
        reschedule.approve(world["manager"], req)


# --- write-off and recovery ---------------------------------------------------------------

def _gl_balance(key: str) -> int:
    gl = accounts.gl_by_key(key)
    return sum(a.balance for a in Account.select().where(Account.gl_account == gl.id))


def written_off(w, loan_id: int, reason: str) -> write_off.WriteOffResult:
    """Two keys: the officer proposes; the gérant of the world approved the loan, so the
    board decides (recorded by the administrator)."""
    proposal = write_off.propose(w.get("loan_officer") or w["officer"], loan_id, reason)
    res = write_off.record_board_decision(w["admin"], proposal.id, True, "PV CA 2026/07",
                                          Loan.get_by_id(loan_id).disbursed_on)
    assert res is not None
    return res


def test_write_off_is_refused_on_a_loan_not_in_arrears_and_to_others(world):
    loan_id = disbursed(world)
    age(loan_id, 1)
    with pytest.raises(Conflict):
        write_off.propose(world["manager"], loan_id, "Débiteur disparu")
    age(loan_id, 2)
    with pytest.raises(PermissionDenied):
        write_off.propose(world["cashier"], loan_id, "Débiteur disparu")
    with pytest.raises(ValidationError):
        write_off.propose(world["manager"], loan_id, " ")
    assert Loan.get_by_id(loan_id).state == "disbursed"


def test_a_write_off_takes_two_keys(world, make_user):
    """Proposed by one, decided by another gérant within his limit; never by the
    proposer, never by the gérant who approved the loan; the board above the limit."""
    manager, officer = world["manager"], world["loan_officer"]
    other = make_user("manager")
    loan_id = disbursed(world)
    age(loan_id, 3)
    proposal = write_off.propose(manager, loan_id, "Débiteur parti")
    assert [p.id for p in write_off.pending(other)] == [proposal.id]
    with pytest.raises(Conflict, match="already waiting"):
        write_off.propose(officer, loan_id, "Encore")
    with pytest.raises(PermissionDenied, match="You proposed"):
        write_off.decide(manager, proposal.id, True)
    with pytest.raises(PermissionDenied):
        write_off.decide(officer, proposal.id, True)
    assert Loan.get_by_id(loan_id).state == "disbursed"
    with pytest.raises(ValidationError):
        write_off.decide(other, proposal.id, False)  # a refusal says why
    write_off.decide(other, proposal.id, False, "Relancer la caution d'abord")
    assert Loan.get_by_id(loan_id).state == "disbursed"
    # the gérant who approved the loan may not decide on the officer's proposal
    proposal = write_off.propose(officer, loan_id, "Débiteur parti")
    with pytest.raises(PermissionDenied, match="You approved"):
        write_off.decide(manager, proposal.id, True)
    # above the gérant's delegation limit: only the board decides
    settings.change(world["admin"], "loan_delegation_limit", {"USD": 1_000, "CDF": 100_000})
    with pytest.raises(PermissionDenied, match="board"):
        write_off.decide(other, proposal.id, True)
    with pytest.raises(ValidationError):
        write_off.record_board_decision(world["admin"], proposal.id, True, " ",
                                        Loan.get_by_id(loan_id).disbursed_on)
    res = write_off.record_board_decision(world["admin"], proposal.id, True, "PV CA 2026/07",
                                          Loan.get_by_id(loan_id).disbursed_on)
    assert res is not None and Loan.get_by_id(loan_id).state == "written_off"
    row = LoanWriteOff.get_by_id(proposal.id)
    assert (row.state, row.decided_by_id, row.board_reference, row.txn_id) == (
        "approved", world["admin"].user_id, "PV CA 2026/07", res.txn_id)
    actions = [a.action for a in AuditLog.select().where(AuditLog.action.startswith(
        "loan.write_off")).order_by(AuditLog.seq)]
    assert actions == ["loan.write_off_proposed", "loan.write_off_rejected",
                       "loan.write_off_proposed", "loan.write_off", "loan.write_off_approved"]
    assert write_off.pending(other) == []


def test_a_gerant_within_his_limit_writes_off_the_officers_proposal(world, make_user):
    loan_id = disbursed(world)
    age(loan_id, 3)
    proposal = write_off.propose(world["loan_officer"], loan_id, "Débiteur parti")
    res = write_off.decide(make_user("manager"), proposal.id, True)
    assert res is not None and res.voucher_number.startswith("OD")
    assert Loan.get_by_id(loan_id).state == "written_off"


def test_write_off_posts_the_loss_and_recoveries_go_to_their_own_account(world):
    manager, cashier = world["manager"], world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 3)
    repayments.repay(cashier, loan_id, rows[0].principal_due + rows[0].interest_due,
                     party_name="Agathe")
    loan = Loan.get_by_id(loan_id)
    principal = sum(r.principal_due - r.principal_paid for r in _rows(loan_id))
    assert Account.get_by_id(loan.account_id).balance == principal
    expense_before = _gl_balance("write_off_expense")
    res = written_off(world, loan_id, "Débiteur parti sans adresse")
    assert res.voucher_number.startswith("OD")
    assert (res.preview.principal, res.preview.provision_used, res.preview.loss) == (
        principal, 0, principal)
    lines = [(Account.get_by_id(e.account_id).kind, e.debit, e.credit)
             for e in Entry.select().where(Entry.txn == res.txn_id).order_by(Entry.line)]
    assert lines == [("loan", 0, principal), ("internal", principal, 0)]
    from mifin_tui.services.kernel.regulators import get_profile

    keys = get_profile("bcc").gl_keys  # the accounts come from the regulator's profile
    codes = [GLAccount.get_by_id(e.gl_account_id).code
             for e in Entry.select().where(Entry.txn == res.txn_id).order_by(Entry.line)]
    assert codes[1] == keys["write_off_expense"]
    assert Account.get_by_id(loan.account_id).balance == 0
    assert _gl_balance("write_off_expense") == expense_before + principal
    loan = Loan.get_by_id(loan_id)
    assert (loan.state, loan.written_off_amount, loan.write_off_reason) == (
        "written_off", principal, "Débiteur parti sans adresse")
    assert loan.written_off_on == Entry.get(Entry.txn == res.txn_id).txn.business_date
    states = [(e.from_state, e.to_state) for e in
              LoanEvent.select().where(LoanEvent.loan == loan_id).order_by(LoanEvent.id)]
    assert states[-2:] == [("active", "in_arrears"), ("in_arrears", "written_off")]
    with pytest.raises(Conflict):  # no second write-off, no repayment after it
        write_off.propose(manager, loan_id, "Encore")
    with pytest.raises(ValidationError):
        repayments.repay(cashier, loan_id, 1_000, party_name="Agathe")

    income_before = _gl_balance("recoveries_income")
    # what may be recovered: the principal written off and the interest left unpaid on
    # the two instalments due (#20: the member's debt stays whole)
    other = res.preview.unpaid_other
    assert other == sum(r.interest_due - r.interest_paid for r in _rows(loan_id)[1:3]) > 0
    rec = write_off.recover(cashier, loan_id, 10_000, party_name="Rose Tshala")
    assert rec.voucher_number.startswith("BR") and rec.left == principal + other - 10_000
    assert _gl_balance("recoveries_income") == income_before + 10_000
    assert [GLAccount.get_by_id(e.gl_account_id).code for e in Entry.select().where(
        (Entry.txn == rec.txn_id) & (Entry.credit > 0))] == [keys["recoveries_income"]]
    rep = Repayment.get(Repayment.txn == rec.txn_id)
    assert (rep.kind, rep.channel, rep.amount) == ("recovery", "cash", 10_000)
    assert Voucher.get(Voucher.txn == rec.txn_id).amount == 10_000
    assert write_off.recovered(cashier, loan_id) == (10_000, principal + other - 10_000)
    with pytest.raises(ValidationError):
        write_off.recover(cashier, loan_id, principal + other, party_name="Rose Tshala")
    # recovery above the principal: the rest of it, interest included, comes in
    rest = write_off.recover(cashier, loan_id, principal + other - 10_000, party_name="Rose")
    assert rest.left == 0 and rest.recovered == principal + other
    assert _gl_balance("recoveries_income") == income_before + principal + other
    parts = [(r.principal, r.interest) for r in Repayment.select().where(
        (Repayment.loan == loan_id) & (Repayment.kind == "recovery")).order_by(Repayment.id)]
    assert parts == [(10_000, 0), (principal - 10_000, other)]
    with pytest.raises(ValidationError):
        write_off.recover(cashier, loan_id, 1, party_name="Rose Tshala")
    assert check.run().ok


def test_recovery_only_on_a_written_off_loan(world):
    loan_id = disbursed(world)
    with pytest.raises(Conflict):
        write_off.recover(world["cashier"], loan_id, 1_000, party_name="Agathe")
    with pytest.raises(PermissionDenied):
        write_off.recover(world["loan_officer"], loan_id, 1_000, party_name="Agathe")


def test_write_off_uses_the_provision_the_closing_booked(world):
    from mifin_tui.services.kernel import ledger

    loan_id = disbursed(world)
    age(loan_id, 5)
    loan = Loan.get_by_id(loan_id)
    principal = Account.get_by_id(loan.account_id).balance
    with db.write_transaction():  # as the closing's provisioning step would have booked it
        prov = accounts.internal_account(loan.branch_id, "loan_loss_provisions", USD)
        expense = accounts.internal_account(loan.branch_id, "provision_expense", USD)
        ledger.post(world["admin"], kind="provision", label="Provision",
                    lines=[ledger.Line(expense.id, debit=30_000),
                           ledger.Line(prov.id, credit=30_000)])
        Loan.update(provision=30_000).where(Loan.id == loan_id).execute()
    res = written_off(world, loan_id, "Irrécouvrable")
    assert (res.preview.provision_used, res.preview.loss) == (30_000, principal - 30_000)
    assert Account.get_by_id(prov.id).balance == 0
    assert Loan.get_by_id(loan_id).provision == 0
    assert GLAccount.get_by_id(prov.gl_account_id).code
    assert check.run().ok


def test_minimum_days_setting_holds_back_a_young_arrears(world):
    from mifin_tui.services.kernel import settings

    settings.change(world["admin"], "loan_write_off_min_days", 30)
    loan_id = disbursed(world)
    age(loan_id, 3)  # 14 days late
    with pytest.raises(Conflict):
        write_off.propose(world["manager"], loan_id, "Trop tôt")
    rows = _rows(loan_id)
    with db.write_transaction():
        for r in rows:
            r.due_date = r.due_date - timedelta(days=21)
            r.save()
    assert written_off(world, loan_id, "Parti").preview.days_past_due == 35


def test_a_loans_hold_is_released_by_the_loan_or_by_the_gerant_once_it_is_over(world):
    """#21: while the loan runs only its own process frees its collateral; once written
    off, what stays blocked is released by the gérant, with a reason."""
    from mifin_tui.services.savings import holds as savings_holds

    loan_id = disbursed(world)
    age(loan_id, 3)
    number = Loan.get_by_id(loan_id).number
    with db.write_transaction():
        hold = savings_holds.hold_within(world["cashier"], world["account"], 5_000,
                                         "collateral", f"loan:{number}")
    with pytest.raises(PermissionDenied, match="still under way"):
        savings_holds.release_hold(world["manager"], hold.id, "Le membre insiste")
    written_off(world, loan_id, "Débiteur parti")
    with pytest.raises(PermissionDenied):  # the counter never frees a loan's hold
        savings_holds.release_hold(world["cashier"], hold.id, "Le membre insiste")
    done = savings_holds.release_hold(world["manager"], hold.id, "Garantie abandonnée, CA")
    assert (done.status, done.release_reason) == ("released", "Garantie abandonnée, CA")
