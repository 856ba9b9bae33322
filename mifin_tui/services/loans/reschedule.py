"""Rescheduling a loan (rééchelonnement, #9), maker-checker: the officer asks for a new
term and rate within the product, another user with the approval right (the gérant)
approves or rejects.

At the approval, on the open business day:
- the new schedule is built (`schedule.build`) from the outstanding principal, starting
  today, without grace or fees at disbursement (already taken);
- what was overdue and not principal (interest, fees, penalties of the instalments due,
  interest accrued on the running period, and what an earlier rescheduling carried and
  is still unpaid) stays owed: it is carried onto the first new instalment, never
  capitalised, so no income is recognised by the rescheduling and nothing owed
  disappears however many times the loan is rescheduled; the interest accrued to the
  receivable and unpaid moves with it (the first new instalment's `interest_accrued`),
  so the receivable stays tied to an instalment;
- the unpaid instalment rows are replaced: a row nothing was paid on, and that no
  repayment or penalty refers to, is deleted; any other is cut down to what was paid of it
  (so the allocations and penalties that refer to it stay true); the new rows follow,
  numbered after the kept ones;
- the rows as they were are kept in `loan_reschedule.old_schedule_json`, the new terms in
  `terms_json` (the contract reprint shows the new schedule from them); the loan is marked
  `restructured`, a LoanEvent and an audit row say who and why.
No money moves: the ledger is untouched (the next closing's reclassing,
`closing.reclassify`, moves a rescheduled loan to the profile's restructured account,
BCEAO "immobilisés" / COBAC "restructurées" / BCC "prorogés").
A profile's `max_schedule_extensions` (BCC: once) limits the approved reschedulings.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    AuditLog,
    Loan,
    LoanEvent,
    LoanInstallment,
    LoanPenalty,
    LoanReschedule,
    RepaymentAllocation,
    User,
)
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, clock, institution, regulators
from mifin_tui.services.kernel import calendar as working_calendar
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.arrears import loan_state
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.engine import schedule as sched_engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan
from mifin_tui.services.loans.terms import SEASON_DAYS, terms_json

__all__ = ["RescheduleView", "ReschedulePlan", "approve",
           "current_terms", "history", "pending", "plan", "reject", "request"]

STATE_LABELS = {"pending": N_("Pending"), "approved": N_("Approved"),
                "rejected": N_("Rejected")}


@dataclass(frozen=True)
class ReschedulePlan:
    """What an approval today would do."""

    loan_id: int
    number: str
    currency: str
    day: date
    principal: int          # outstanding principal, the new schedule's amount
    carried: engine.Components  # overdue interest, fees, penalties onto the first instalment
    schedule: sched_engine.Schedule
    first_no: int           # number of the first new instalment

    @property
    def new_total(self) -> int:
        return self.schedule.totals.total + self.carried.total


@dataclass(frozen=True)
class RescheduleView:
    id: int
    loan_id: int
    loan_number: str
    member_name: str
    currency: str
    state: str
    state_word: str
    term: int
    rate_bp: int
    reason: str
    requested_by: str
    requested_by_id: int
    requested_on: date
    decided_by: str
    decision_note: str
    principal: int
    carried: int


def _extras(loan: Loan, rows: list[LoanInstallment]) -> dict[int, tuple[int, int]]:
    """{instalment no: (interest, fees)} a previous rescheduling carried onto it, beyond
    its own schedule's: the first instalment of the last approved rescheduling, its own
    interest and fees rebuilt from that rescheduling's terms."""
    terms = current_terms(loan)
    entry = (AuditLog.select().where((AuditLog.action == "loan.reschedule")
                                     & (AuditLog.entity_id == loan.number))
             .order_by(AuditLog.seq.desc()).first())
    if terms is None or entry is None:
        return {}
    first_no = json.loads(entry.after).get("first_no")
    own = sched_engine.build(terms, check=False).installments[0]
    row = next((r for r in rows if r.no == first_no and r.due_date == own.due_date), None)
    if row is None:
        return {}
    return {row.no: (max(row.interest_due - own.interest, 0), max(row.fees_due - own.fees, 0))}


def _carried(loan: Loan, state: engine.LoanState, day: date, rows: list[LoanInstallment]
             ) -> engine.Components:
    """What the new schedule carries, nothing owed left out however many reschedulings
    came before: the interest, fees and penalties due and unpaid; on the instalments not
    yet due, the interest earned (accrued) of their running period, and whatever an
    earlier rescheduling carried onto them and was not paid yet."""
    due = engine.amount_due(state, day)
    extras = _extras(loan, rows)
    interest, fees, penalties = due.interest, due.fees, due.penalties
    for r in rows:
        if r.due_date <= day or state.instalment(r.no).settled:
            continue
        extra_interest, extra_fees = extras.get(r.no, (0, 0))
        # a payment settles first what was carried (older than the period's interest)
        paid_extra = min(r.interest_paid, extra_interest)
        own_due = r.interest_due - extra_interest
        own_accrued = max(r.interest_accrued - extra_interest, 0)
        interest += (extra_interest - paid_extra
                     + max(min(own_accrued, own_due) - (r.interest_paid - paid_extra), 0))
        fees += max(extra_fees - r.fees_paid, 0)
        penalties += r.penalties_due - r.penalties_paid
    return engine.Components(0, interest, fees, penalties)


def _open_receivable(state: engine.LoanState, rows: list[LoanInstallment]) -> int:
    """The interest accrued to the receivable and unpaid on the rows a rescheduling
    replaces: it moves onto the first new instalment, so that no receivable is left
    tied to no instalment."""
    return sum(max(r.interest_accrued - r.interest_paid, 0) for r in rows
               if not state.instalment(r.no).settled)


def _plan(loan: Loan, term: int, rate_bp: int, day: date) -> ReschedulePlan:
    product = loan_products.get(loan.product_id)
    errors: dict[str, str] = {}
    if not product.term_min <= term <= product.term_max:
        errors["term"] = _("The number of instalments must be between {low} and "
                           "{high}.").format(low=product.term_min, high=product.term_max)
    if not product.rate_min_bp <= rate_bp <= product.rate_max_bp:
        errors["rate"] = _("The rate must be between {low} and {high} basis points.").format(
            low=product.rate_min_bp, high=product.rate_max_bp)
    if errors:
        raise ValidationError(errors)
    state = loan_state(loan)
    principal = engine.outstanding(state).principal
    if principal <= 0:
        raise Conflict(_("Loan {number} has no principal left to reschedule.").format(
            number=loan.number))
    rows = list(LoanInstallment.select().where(LoanInstallment.loan == loan.id)
                .order_by(LoanInstallment.no))
    profile = regulators.get_profile(institution.info().regulator)
    terms = loan_products.terms_for(product, principal, term, rate_bp, day,
                                    calendar=working_calendar.load(),
                                    teg_method=institution.teg_method(profile),
                                    check_limits=False)
    terms = dataclasses.replace(terms, grace_principal=0, grace_interest=0, fee_upfront=0,
                                fee_deducted=0, insurance=0)
    if product.frequency == sched_engine.SEASONAL:
        terms = dataclasses.replace(terms, due_dates=tuple(
            date.fromordinal(day.toordinal() + SEASON_DAYS * k) for k in range(1, term + 1)))
    schedule = sched_engine.build(terms, check=False)
    kept = [r.no for r in rows if _kept(r, state, day)]
    return ReschedulePlan(loan.id, loan.number, loan.currency, day, principal,
                          _carried(loan, state, day, rows), schedule,
                          (max(kept) if kept else 0) + 1)


def _kept(r: LoanInstallment, state: engine.LoanState, day: date) -> bool:
    """A row that stays (settled, partly paid, or referred to by a repayment or penalty)."""
    inst = state.instalment(r.no)
    if inst.settled:
        return True
    paid = r.principal_paid + r.interest_paid + r.fees_paid + r.penalties_paid
    return paid > 0 or _referred(r.id)


def _referred(installment_id: int) -> bool:
    return (RepaymentAllocation.select().where(
        RepaymentAllocation.installment == installment_id).exists()
        or LoanPenalty.select().where(LoanPenalty.installment == installment_id).exists())


def _require_reschedulable(loan: Loan) -> None:
    if loan.state not in states.SERVICED:
        raise Conflict(_("Only an outstanding loan can be rescheduled."))


@requires("loan.apply")
def plan(ctx: Context, loan_id: int, term: int, rate_bp: int | None = None) -> ReschedulePlan:
    """The new schedule a rescheduling approved today would give; nothing written."""
    loan = get_loan(loan_id, ctx)
    _require_reschedulable(loan)
    return _plan(loan, term, loan.rate_bp if rate_bp is None else rate_bp, business_today(ctx))


def _limit(loan: Loan) -> None:
    limit = regulators.get_profile(institution.info().regulator).max_schedule_extensions
    done = (LoanReschedule.select().where((LoanReschedule.loan == loan.id)
                                          & (LoanReschedule.state == "approved")).count())
    if limit is not None and done >= limit:
        raise Conflict(_("Loan {number} was already rescheduled {done} time(s): the "
                         "regulator allows {limit}.").format(number=loan.number, done=done,
                                                             limit=limit))


@requires("loan.apply")
def request(ctx: Context, loan_id: int, term: int, rate_bp: int | None, reason: str) -> int:
    """The officer asks for a rescheduling: checked now, applied at the approval."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rescheduling.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        _require_reschedulable(loan)
        _limit(loan)
        if LoanReschedule.select().where((LoanReschedule.loan == loan.id)
                                         & (LoanReschedule.state == "pending")).exists():
            raise Conflict(_("A rescheduling of loan {number} already waits for a "
                             "decision.").format(number=loan.number))
        rate = loan.rate_bp if rate_bp is None else rate_bp
        day = business_today(ctx)
        p = _plan(loan, term, rate, day)
        row = LoanReschedule.create(
            loan=loan.id, state="pending", term=term, rate_bp=rate, reason=reason.strip()[:250],
            requested_by=ctx.user_id, requested_at=clock.now(), business_date=day,
            principal=p.principal, carried=p.carried.total)
        audit.record(ctx, "loan.reschedule_request", "loan", loan.number,
                     after={"request": row.id, "term": term, "rate_bp": rate,
                            "principal": p.principal, "reason": reason.strip()})
    return row.id


def _request(ctx: Context, request_id: int) -> tuple[LoanReschedule, Loan]:
    row = LoanReschedule.get_or_none(LoanReschedule.id == request_id)
    if row is None:
        raise NotFound(_("No such rescheduling request."))
    loan = get_loan(row.loan_id, ctx)
    if row.state != "pending":
        raise Conflict(_("This rescheduling request was already decided."))
    if row.requested_by_id == ctx.user_id:
        raise PermissionDenied(_("You asked for this rescheduling: another person must "
                                 "decide on it (maker-checker)."))
    return row, loan


def _row_json(r: LoanInstallment) -> dict[str, object]:
    return {"no": r.no, "due_date": r.due_date.isoformat(), "principal_due": r.principal_due,
            "interest_due": r.interest_due, "fees_due": r.fees_due,
            "penalties_due": r.penalties_due, "principal_paid": r.principal_paid,
            "interest_paid": r.interest_paid, "fees_paid": r.fees_paid,
            "penalties_paid": r.penalties_paid, "interest_accrued": r.interest_accrued,
            "paid_on": r.paid_on.isoformat() if r.paid_on else None}


@requires("loan.approve")
def approve(ctx: Context, request_id: int, note: str = "") -> ReschedulePlan:
    """Apply the rescheduling on the open business day (see the module's text)."""
    with write_transaction():
        row, loan = _request(ctx, request_id)
        _require_reschedulable(loan)
        _limit(loan)
        day = business_today(ctx)
        p = _plan(loan, row.term, row.rate_bp, day)
        state = loan_state(loan)
        rows = list(LoanInstallment.select().where(LoanInstallment.loan == loan.id)
                    .order_by(LoanInstallment.no))
        old = [_row_json(r) for r in rows]
        receivable = _open_receivable(state, rows)
        for r in rows:
            if state.instalment(r.no).settled:
                continue
            if _kept(r, state, day):
                LoanInstallment.update(
                    principal_due=r.principal_paid, interest_due=r.interest_paid,
                    fees_due=r.fees_paid, penalties_due=r.penalties_paid,
                    interest_accrued=min(r.interest_accrued, r.interest_paid),
                    paid_on=r.paid_on or day).where(LoanInstallment.id == r.id).execute()
            else:
                LoanInstallment.delete().where(LoanInstallment.id == r.id).execute()
        new_rows = []
        for k, inst in enumerate(p.schedule.installments):
            first = k == 0
            new_rows.append({
                "loan": loan.id, "no": p.first_no + k, "due_date": inst.due_date,
                "principal_due": inst.principal,
                "interest_due": inst.interest + (p.carried.interest if first else 0),
                "fees_due": inst.fees + (p.carried.fees if first else 0),
                "penalties_due": p.carried.penalties if first else 0,
                "interest_accrued": (min(receivable, inst.interest + p.carried.interest)
                                     if first else 0)})
        LoanInstallment.insert_many(new_rows).execute()
        row.state = "approved"
        row.decided_by = ctx.user_id
        row.decided_at = clock.now()
        row.decision_note = note.strip()[:250]
        row.applied_on = day
        row.principal = p.principal
        row.carried = p.carried.total
        row.terms_json = terms_json(p.schedule.terms)
        row.old_schedule_json = json.dumps(old)
        row.save()
        Loan.update(restructured=True).where(Loan.id == loan.id).execute()
        LoanEvent.create(loan=loan.id, from_state=loan.state, to_state=loan.state,
                         user=ctx.user_id, at=clock.now(), business_date=day,
                         note=_("Rescheduled: {term} instalments at {rate} bp — {reason}")
                         .format(term=row.term, rate=row.rate_bp, reason=row.reason)[:250])
        audit.record(ctx, "loan.reschedule", "loan", loan.number,
                     before={"schedule": old},
                     after={"request": row.id, "term": row.term, "rate_bp": row.rate_bp,
                            "principal": p.principal, "carried": p.carried.total,
                            "first_no": p.first_no, "note": note.strip()})
    return p


@requires("loan.approve")
def reject(ctx: Context, request_id: int, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    with write_transaction():
        row, loan = _request(ctx, request_id)
        row.state = "rejected"
        row.decided_by = ctx.user_id
        row.decided_at = clock.now()
        row.decision_note = reason.strip()[:250]
        row.save()
        audit.record(ctx, "loan.reschedule_reject", "loan", loan.number,
                     after={"request": row.id, "reason": reason.strip()})


def _view(row: LoanReschedule) -> RescheduleView:
    from mifin_tui.services.members import register as members

    loan = row.loan
    names = {u.id: u.full_name for u in User.select().where(
        User.id.in_([i for i in (row.requested_by_id, row.decided_by_id) if i]))}
    return RescheduleView(
        row.id, loan.id, loan.number, members.display_name(loan.member), loan.currency,
        row.state, _(STATE_LABELS[row.state]), row.term, row.rate_bp, row.reason,
        names.get(row.requested_by_id, ""), row.requested_by_id, row.business_date,
        names.get(row.decided_by_id, "") if row.decided_by_id else "", row.decision_note,
        row.principal, row.carried)


@requires("loan.read")
def pending(ctx: Context) -> tuple[RescheduleView, ...]:
    """The branch's requests waiting for a decision, oldest first."""
    rows = (LoanReschedule.select().join(Loan)
            .where((LoanReschedule.state == "pending") & (Loan.branch == ctx.branch_id))
            .order_by(LoanReschedule.id))
    return tuple(_view(r) for r in rows)


@requires("loan.read")
def history(ctx: Context, loan_id: int) -> tuple[RescheduleView, ...]:
    loan = get_loan(loan_id, ctx)
    return tuple(_view(r) for r in LoanReschedule.select()
                 .where(LoanReschedule.loan == loan.id).order_by(LoanReschedule.id))


def old_schedule(request_id: int) -> list[dict[str, object]]:
    """The instalment rows as they were before an approved rescheduling."""
    row = LoanReschedule.get_by_id(request_id)
    return json.loads(row.old_schedule_json) if row.old_schedule_json else []


def current_terms(loan: Loan) -> sched_engine.ScheduleTerms | None:
    """The terms of the last approved rescheduling of `loan` (None when never
    rescheduled): the contract's reprint shows this schedule."""
    row = (LoanReschedule.select().where((LoanReschedule.loan == loan.id)
                                         & (LoanReschedule.state == "approved"))
           .order_by(LoanReschedule.id.desc()).first())
    if row is None or not row.terms_json:
        return None
    values = json.loads(row.terms_json)
    values["start"] = date.fromisoformat(values["start"])
    values["first_due"] = (date.fromisoformat(values["first_due"])
                           if values["first_due"] else None)
    values["due_dates"] = tuple(date.fromisoformat(d) for d in values["due_dates"])
    return sched_engine.ScheduleTerms(**values, calendar=working_calendar.load())


@requires("loan.approve")
def request_plan(ctx: Context, request_id: int) -> ReschedulePlan:
    """The new schedule approving the request today would set, for the approver to read
    before deciding (he may not take applications: `plan` is the officer's); nothing
    written."""
    row = LoanReschedule.get_or_none(LoanReschedule.id == request_id)
    if row is None:
        raise NotFound(_("No such rescheduling request."))
    loan = get_loan(row.loan_id, ctx)
    _require_reschedulable(loan)
    return _plan(loan, row.term, row.rate_bp, business_today(ctx))
