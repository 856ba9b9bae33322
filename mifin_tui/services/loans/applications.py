"""A loan application: the member, the product, the amount and term asked, its
guarantors and collateral, and its way to the committee (submission, home visit).

Its eligibility is in `loans.eligibility`, the committee's opinions and the decision in
`loans.decision`, the moves between states and the cancellation in `loans.lifecycle`,
the terms frozen at approval in `loans.terms`; disbursement, the waiting list and the
same-day reversal are in `loans.disbursement`; the read views in `loans.views`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Loan,
    LoanCollateral,
    LoanEvent,
    LoanGuarantor,
    LoanProduct,
    Member,
)
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import accounts, audit, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.eligibility import evaluate, store_results
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan, move, require_state
from mifin_tui.services.members import register as members

VISIT_RECOMMENDATIONS: dict[str, str] = {"favourable": N_("Favourable"),
                                          "unfavourable": N_("Unfavourable"),
                                          "conditional": N_("Favourable with conditions")}
# The French words (as batch scripts and the demo write them) for the same choices.
_VISIT_WORDS = {"favorable": "favourable", "défavorable": "unfavourable",
                "sous conditions": "conditional"}


def visit_recommendation_text(stored: str) -> str:
    """The stored recommendation ("conditional: the conditions") in the user's words."""
    key, _sep, conditions = stored.partition(": ")
    word = _(VISIT_RECOMMENDATIONS[key]) if key in VISIT_RECOMMENDATIONS else stored
    return f"{word}: {conditions}" if key in VISIT_RECOMMENDATIONS and conditions else word


# --- the application ---------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    member_id: int
    product_id: int
    amount: int
    term: int
    purpose: str
    linked_account_id: int | None = None
    activity: str = ""
    monthly_income: int = 0
    project_estimate: int = 0
    rate_bp: int | None = None
    # a seasonal product's due dates, as the officer enters them (one per instalment)
    due_dates: tuple[date, ...] = ()


def _application_errors(app: Application) -> tuple[dict[str, str], Member | None,
                                                     LoanProduct | None]:
    errors: dict[str, str] = {}
    member = Member.get_or_none(Member.id == app.member_id)
    if member is None or member.status == "left":
        errors["member"] = _("Choose a member (a member who left cannot borrow).")
    row = LoanProduct.get_or_none(LoanProduct.id == app.product_id)
    if row is None or not row.active:
        errors["product"] = _("Choose an active loan product.")
    if not app.purpose.strip():
        errors["purpose"] = _("Required.")
    for name in ("monthly_income", "project_estimate"):
        if getattr(app, name) < 0:
            errors[name] = _("Cannot be negative.")
    if row is not None:
        product = loan_products.get(row.id)
        rate = product.rate_default_bp if app.rate_bp is None else app.rate_bp
        try:
            loan_products.terms_for(product, app.amount, app.term, rate)
        except ValidationError as exc:
            errors.update(exc.errors)
        errors.update(_due_date_errors(product, app))
        if app.linked_account_id is None:
            errors["linked_account"] = _("Choose the member's savings account that backs "
                                         "the loan.")
        else:
            acc = Account.get_or_none(Account.id == app.linked_account_id)
            if (acc is None or acc.member_id != app.member_id or acc.kind != "savings"
                    or acc.status != "active"):
                errors["linked_account"] = _("The linked account must be an open savings "
                                             "account of the member.")
            elif acc.currency != product.currency:
                errors["linked_account"] = _("The linked account is in {cur}, the product "
                                             "in {pcur}.").format(cur=acc.currency,
                                                                  pcur=product.currency)
    return errors, member, row


def _due_date_errors(product: loan_products.ProductSpec, app: Application) -> dict[str, str]:
    if not app.due_dates:
        return {}
    if product.frequency != engine.SEASONAL:
        return {"due_dates": _("Due dates are entered for a seasonal product only.")}
    if len(app.due_dates) != app.term:
        return {"due_dates": _("{n} due dates for {term} instalments: one date each.").format(
            n=len(app.due_dates), term=app.term)}
    if any(b <= a for a, b in zip(app.due_dates, app.due_dates[1:], strict=False)):
        return {"due_dates": _("The due dates must follow one another.")}
    if app.due_dates[0] <= clock.today():
        return {"due_dates": _("The first due date must be after today.")}
    return {}


@requires("loan.apply")
def products_for_member(ctx: Context, member_id: int) -> list[loan_products.LoanProductView]:
    """The active products the member can apply for: those in a currency of one of his
    open savings accounts (the account that backs the loan)."""
    currencies = {a.currency for a in Account.select(Account.currency).where(
        (Account.member == member_id) & (Account.kind == "savings")
        & (Account.status == "active"))}
    return [p for p in loan_products.list_products(ctx) if p.currency in currencies]


def open_application(member_id: int, product_id: int) -> Loan | None:
    """The member's application for the product still open (not decided, or approved and
    not yet paid out), if there is one."""
    return (Loan.select().where((Loan.member == member_id) & (Loan.product == product_id)
                                & Loan.state.in_(states.CANCELLABLE))
            .order_by(Loan.id).first())


def _refuse_second_application(member_id: int, product_id: int) -> None:
    """One open application per member and product: a second would be decided twice and
    paid twice. The first one's number is given, to go on with it from the loan card."""
    first = open_application(member_id, product_id)
    if first is not None:
        raise ValidationError({"product": _(
            "This member already has an open application for this product: loan {number} "
            "({state}). Go on with it from the loan card, or cancel it first.").format(
            number=first.number, state=states.state_label(first.state).lower())})


@requires("loan.apply")
def apply(ctx: Context, app: Application) -> int:
    """Record a loan application (state draft) with its eligibility checked rule by rule;
    returns the loan's id. The loan's account and number are opened now."""
    errors, member, row = _application_errors(app)
    if errors:
        raise ValidationError(errors)
    assert member is not None and row is not None
    with write_transaction():
        _refuse_second_application(app.member_id, app.product_id)
        product = loan_products.get(row.id)
        today = business_today(ctx)
        acc = accounts.open_member_account(
            member, product.gl_portfolio, product.currency,
            f"{product.name} - {members.display_name(member)}"[:250], today, kind="loan")
        loan = Loan.create(
            number=acc.number, branch=ctx.branch_id, member=member.id, product=row.id,
            account=acc.id, linked_account=app.linked_account_id, currency=product.currency,
            state="draft", amount_requested=app.amount, term_requested=app.term,
            rate_bp=product.rate_default_bp if app.rate_bp is None else app.rate_bp,
            purpose=app.purpose.strip()[:250], activity=app.activity.strip()[:250],
            monthly_income=app.monthly_income, project_estimate=app.project_estimate,
            due_dates_json=json.dumps([d.isoformat() for d in app.due_dates])
            if app.due_dates else "",
            created_by=ctx.user_id, created_at=clock.now())
        results = evaluate(loan, today)
        store_results(loan, results)
        LoanEvent.create(loan=loan.id, from_state="", to_state="draft", user=ctx.user_id,
                         at=clock.now(), business_date=today, note="")
        audit.record(ctx, "loan.apply", "loan", loan.number, after={
            "member": member.number, "product": product.code, "amount": app.amount,
            "term": app.term, "purpose": loan.purpose,
            "eligibility": {r.rule: r.passed for r in results}})
    return loan.id


# What the eligibility reads of the application: a change to one of them sets aside the
# gérant's override, which was given for the file as it was.
_ASSESSED = ("amount_requested", "term_requested", "rate_bp", "monthly_income",
             "activity", "due_dates_json", "linked_account_id")


@requires("loan.apply")
def update_application(ctx: Context, loan_id: int, app: Application) -> list:
    """Change a draft (the member and the product stay) and check its eligibility again;
    returns the new results. An override stands only while the terms it was given for
    do."""
    errors, _member, _row = _application_errors(app)
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, "draft")
        if app.member_id != loan.member_id or app.product_id != loan.product_id:
            errors["product"] = _("The member and the product of an application stay; "
                                  "cancel it and take a new one to change them.")
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(loan, name) for name in _ASSESSED}
        loan.amount_requested, loan.term_requested = app.amount, app.term
        if app.rate_bp is not None:
            loan.rate_bp = app.rate_bp
        loan.purpose = app.purpose.strip()[:250]
        loan.activity = app.activity.strip()[:250]
        loan.monthly_income, loan.project_estimate = app.monthly_income, app.project_estimate
        loan.linked_account = app.linked_account_id
        loan.due_dates_json = (json.dumps([d.isoformat() for d in app.due_dates])
                               if app.due_dates else "")
        changed = {name: (before[name], getattr(loan, name)) for name in _ASSESSED
                   if before[name] != getattr(loan, name)}
        override_dropped = bool(changed) and bool(loan.override_by_id)
        if override_dropped:
            loan.override_by, loan.override_reason = None, ""
        loan.save()
        results = evaluate(loan, business_today(ctx))
        store_results(loan, results)
        audit.record(ctx, "loan.edit", "loan", loan.number,
                     before={k: v[0] for k, v in changed.items()},
                     after={**{k: v[1] for k, v in changed.items()},
                            "purpose": loan.purpose, "override_dropped": override_dropped,
                            "eligibility": {r.rule: r.passed for r in results}})
    return results


@requires("loan.apply")
def submit(ctx: Context, loan_id: int) -> None:
    """Send the application on: refused while a rule fails and no override was given."""
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, "draft")
        results = evaluate(loan, business_today(ctx))
        failed = [r for r in results if not r.passed]
        if failed and not loan.override_by_id:
            raise ValidationError({"eligibility": _(
                "Not eligible: {rules}. The manager may override with a reason.").format(
                rules="; ".join(f"{r.label} ({r.detail})" for r in failed))})
        store_results(loan, results)
        move(ctx, loan, "submitted")


def first_loan(loan: Loan) -> bool:
    return not Loan.select().where(
        (Loan.member == loan.member_id) & (Loan.id != loan.id)
        & Loan.state.in_(states.PORTFOLIO)).exists()


@requires("loan.apply")
def record_visit(ctx: Context, loan_id: int, visit_date: date, visitor: str, findings: str,
                 recommendation: str, conditions: str = "") -> None:
    """The home visit (before a first loan): date, visitor, findings, and the visitor's
    recommendation (a key of VISIT_RECOMMENDATIONS; "conditional" says its conditions)."""
    errors = {}
    word = recommendation.strip().lower()
    recommendation = _VISIT_WORDS.get(word, word)
    if not visitor.strip():
        errors["visitor"] = _("Required.")
    if not findings.strip():
        errors["findings"] = _("Required.")
    if recommendation not in VISIT_RECOMMENDATIONS:
        errors["recommendation"] = _("Favourable, unfavourable or with conditions.")
    elif recommendation == "conditional" and not conditions.strip():
        errors["conditions"] = _("Say which conditions.")
    if errors:
        raise ValidationError(errors)
    stored = recommendation if recommendation != "conditional" else \
        f"{recommendation}: {conditions.strip()}"
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, "submitted")
        if visit_date > business_today(ctx):
            raise ValidationError({"visit_date": _("The visit cannot be in the future.")})
        move(ctx, loan, "visited", stored[:250], visit_date=visit_date,
             visitor=visitor.strip()[:250], visit_findings=findings.strip(),
             visit_recommendation=stored[:250])


@requires("loan.apply")
def send_to_committee(ctx: Context, loan_id: int) -> None:
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, "submitted", "visited")
        if loan.state == "submitted" and first_loan(loan):
            raise ValidationError({"visit": _("A home visit is required before a member's "
                                              "first loan.")})
        move(ctx, loan, "committee")


# --- guarantors and collateral -----------------------------------------------------------


@requires("loan.apply")
def add_guarantor(ctx: Context, loan_id: int, member_id: int, amount: int,
                  account_id: int | None = None) -> int:
    """A member who guarantees `amount` of the loan; his savings account `account_id` is
    blocked for it at disbursement when the product says so."""
    errors: dict[str, str] = {}
    try:
        positive_amount(amount)
    except ValidationError as exc:
        errors.update(exc.errors)
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, *states.UNDECIDED)
        guarantor = Member.get_or_none(Member.id == member_id)
        if guarantor is None or guarantor.status == "left":
            errors["member"] = _("Choose a member.")
        elif guarantor.id == loan.member_id:
            errors["member"] = _("The borrower cannot guarantee his own loan.")
        elif LoanGuarantor.select().where((LoanGuarantor.loan == loan.id)
                                          & (LoanGuarantor.member == member_id)).exists():
            errors["member"] = _("This member guarantees the loan already.")
        if account_id is None and loan_products.get(loan.product_id).guarantee_hold:
            account_id = _member_savings(member_id, loan.currency)
        if account_id is not None:
            acc = Account.get_or_none(Account.id == account_id)
            if (acc is None or acc.member_id != member_id or acc.kind != "savings"
                    or acc.currency != loan.currency):
                errors["account"] = _("A savings account of the guarantor in {cur}.").format(
                    cur=loan.currency)
        if errors:
            raise ValidationError(errors)
        row = LoanGuarantor.create(loan=loan.id, member=member_id, account=account_id,
                                   amount=amount)
        audit.record(ctx, "loan.guarantor", "loan", loan.number, after={
            "guarantor": guarantor.number, "amount": amount, "account": account_id})
    return row.id


def _member_savings(member_id: int, currency: str) -> int | None:
    acc = (Account.select(Account.id).where((Account.member == member_id)
                                            & (Account.kind == "savings")
                                            & (Account.currency == currency)
                                            & (Account.status == "active"))
           .order_by(Account.id).first())
    return acc.id if acc else None


@requires("loan.apply")
def add_collateral(ctx: Context, loan_id: int, kind: str, value: int, *,
                   description: str = "", account_id: int | None = None) -> int:
    """Collateral: blocked savings (`kind` savings: a hold on `account_id`, the linked
    account by default, at disbursement) or goods (description and value)."""
    errors: dict[str, str] = {}
    if kind not in ("savings", "goods"):
        errors["kind"] = _("Blocked savings or goods.")
    try:
        positive_amount(value, field="value")
    except ValidationError as exc:
        errors.update(exc.errors)
    if kind == "goods" and not description.strip():
        errors["description"] = _("Describe the goods.")
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, *states.UNDECIDED)
        if kind == "savings":
            account_id = account_id or loan.linked_account_id
            acc = Account.get_or_none(Account.id == account_id) if account_id else None
            if acc is None or acc.member_id != loan.member_id or acc.kind != "savings":
                errors["account"] = _("A savings account of the borrower.")
        else:
            account_id = None
        if errors:
            raise ValidationError(errors)
        row = LoanCollateral.create(loan=loan.id, kind=kind, account=account_id,
                                    description=description.strip()[:250], value=value)
        audit.record(ctx, "loan.collateral", "loan", loan.number, after={
            "kind": kind, "value": value, "description": row.description,
            "account": account_id})
    return row.id

