"""The decision on a loan application: the credit committee's opinions (one per member
and round), then the gérant's approval or rejection within his delegation limit, or the
board's decision above it, recorded by an administrator with its minutes' reference.

The approver is never the person who entered the application (maker-checker) and
approves only up to the delegation limit of the loan's currency (setting
`loan_delegation_limit`). The approval freezes the terms and the schedule.
"""

from __future__ import annotations

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanOpinion
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import (
    business_today,
    get_loan,
    money,
    move,
    require_state,
)
from mifin_tui.services.loans.terms import due_dates_of, schedule_terms, store_schedule, terms_json

OPINIONS: dict[str, str] = {"favourable": N_("Favourable"),
                            "unfavourable": N_("Unfavourable"),
                            "adjourned": N_("Adjourned")}


# --- the committee -----------------------------------------------------------------------


def committee_size() -> int:
    return int(settings.get("loan_committee_size"))


@requires("loan.opinion")
def give_opinion(ctx: Context, loan_id: int, opinion: str, amount_proposed: int | None,
                 comment: str = "") -> None:
    """A committee member's opinion on an application in committee (one per round)."""
    errors = {}
    if opinion not in OPINIONS:
        errors["opinion"] = _("Favourable, unfavourable or adjourned.")
    if amount_proposed is not None and amount_proposed <= 0:
        errors["amount_proposed"] = _("Enter an amount greater than zero.")
    if opinion == "favourable" and amount_proposed is None:
        errors["amount_proposed"] = _("A favourable opinion proposes an amount.")
    if opinion in ("unfavourable", "adjourned") and not comment.strip():
        errors["comment"] = _("Say why.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, "committee")
        if loan.created_by_id == ctx.user_id:
            raise PermissionDenied(_("You entered this application: you cannot judge it."))
        if amount_proposed is not None and amount_proposed > loan.amount_requested:
            raise ValidationError({"amount_proposed": _(
                "The committee cannot propose more than the {amount} requested.").format(
                amount=money(loan.amount_requested, loan.currency))})
        if LoanOpinion.select().where((LoanOpinion.loan == loan.id)
                                      & (LoanOpinion.round == loan.committee_round)
                                      & (LoanOpinion.user == ctx.user_id)).exists():
            raise Conflict(_("You gave your opinion on this application already."))
        LoanOpinion.create(loan=loan.id, round=loan.committee_round, user=ctx.user_id,
                           opinion=opinion, amount_proposed=amount_proposed,
                           comment=comment.strip()[:250], created_at=clock.now())
        audit.record(ctx, "loan.opinion", "loan", loan.number, after={
            "round": loan.committee_round, "opinion": opinion,
            "amount_proposed": amount_proposed, "comment": comment.strip()})


def opinions_of_round(loan: Loan) -> list[LoanOpinion]:
    return list(LoanOpinion.select().where((LoanOpinion.loan == loan.id)
                                           & (LoanOpinion.round == loan.committee_round))
                .order_by(LoanOpinion.id))


# --- the decision ------------------------------------------------------------------------


def delegation_limit(currency: str) -> int | None:
    limits = settings.get("loan_delegation_limit")
    value = limits.get(currency) if isinstance(limits, dict) else None
    return int(value) if value is not None else None


def _check_decider(ctx: Context, loan: Loan) -> None:
    if loan.created_by_id == ctx.user_id:
        raise PermissionDenied(_("You entered this application: another person must decide "
                                 "on it (maker-checker)."))


def _approve(ctx: Context, loan: Loan, amount: int | None, term: int | None, reason: str,
             board_reference: str = "") -> None:
    amount = loan.amount_requested if amount is None else amount
    term = loan.term_requested if term is None else term
    errors: dict[str, str] = {}
    if amount > loan.amount_requested:
        errors["amount"] = _("The approval may lower the amount, never raise it.")
    if term > loan.term_requested:
        errors["term"] = _("The approval may shorten the term, never lengthen it.")
    product = loan_products.get(loan.product_id)
    today = business_today(ctx)
    try:
        terms = schedule_terms(product, amount, term, loan.rate_bp, today,
                               due_dates_of(loan)[:term])
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    sched = engine.build(terms)
    store_schedule(loan, sched)
    move(ctx, loan, "approved", reason.strip(), amount_approved=amount, term_approved=term,
         terms_json=terms_json(terms), teg_bp=sched.teg_bp, fees=sched.fees_at_disbursement,
         decided_by=ctx.user_id, decided_at=clock.now(), decision_reason=reason.strip()[:250],
         board_reference=board_reference)


def _ready_for_decision(loan: Loan) -> None:
    require_state(loan, "committee")
    have = len(opinions_of_round(loan))
    need = committee_size()
    if have < need:
        raise ValidationError({"opinions": _(
            "The committee has given {have} opinions of the {need} required.").format(
            have=have, need=need)})


@requires("loan.approve")
def approve(ctx: Context, loan_id: int, amount: int | None = None, term: int | None = None,
            reason: str = "") -> None:
    """The gérant approves (amount and term may be lowered), within his delegation limit;
    the terms and the schedule are frozen now."""
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        _check_decider(ctx, loan)
        _ready_for_decision(loan)
        limit = delegation_limit(loan.currency)
        granted = loan.amount_requested if amount is None else amount
        if limit is not None and granted > limit:
            raise PermissionDenied(_(
                "{amount} is above your delegation limit of {limit}: the board decides, and "
                "an administrator records its decision.").format(
                amount=money(granted, loan.currency), limit=money(limit, loan.currency)))
        _approve(ctx, loan, amount, term, reason)


def _reject(ctx: Context, loan: Loan, reason: str, board_reference: str = "") -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    move(ctx, loan, "rejected", reason.strip(), decided_by=ctx.user_id,
         decided_at=clock.now(), decision_reason=reason.strip()[:250],
         board_reference=board_reference)


@requires("loan.approve")
def reject(ctx: Context, loan_id: int, reason: str) -> None:
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        _check_decider(ctx, loan)
        _ready_for_decision(loan)
        _reject(ctx, loan, reason)


@requires("loan.approve")
def back_to_committee(ctx: Context, loan_id: int, reason: str) -> None:
    """Put the application back to the committee: a new round of opinions."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the committee should look at again.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        _check_decider(ctx, loan)
        require_state(loan, "committee")
        move(ctx, loan, "committee", reason.strip(), committee_round=loan.committee_round + 1)


@requires("loan.board")
def record_board_decision(ctx: Context, loan_id: int, approved: bool, reference: str,
                          amount: int | None = None, term: int | None = None,
                          reason: str = "") -> None:
    """The board's decision on a loan above the gérant's limit, recorded by an
    administrator with the reference of its minutes."""
    if not reference.strip():
        raise ValidationError({"reference": _("Give the reference of the board's minutes.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        _check_decider(ctx, loan)
        _ready_for_decision(loan)
        limit = delegation_limit(loan.currency)
        granted = loan.amount_requested if amount is None else amount
        if approved and (limit is None or granted <= limit):
            raise Conflict(_("Within the delegation limit the manager decides."))
        if approved:
            _approve(ctx, loan, amount, term, reason, board_reference=reference.strip())
        else:
            _reject(ctx, loan, reason, board_reference=reference.strip())
