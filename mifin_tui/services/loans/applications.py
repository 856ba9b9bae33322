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
<<<<<<< HEAD
from mifin_tui.services.savings import balances as savings_balances
=======
>>>>>>> loans

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


<<<<<<< HEAD
def rule_label(rule: str) -> str:
    return _(RULE_LABELS.get(rule, rule))


def money(amount: int, currency: str) -> str:
    return format_amount(amount, currency, language=current_language())


def _money_arg(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


def _percent_arg(bp: int | None) -> dict | str:
    return "-" if bp is None else {"bp": bp}


def _render_arg(value: object) -> object:
    """A stored argument in the current language: amounts and rates formatted its way."""
    language = current_language()
    if isinstance(value, dict) and "currency" in value:
        return format_amount(int(value["amount"]), str(value["currency"]), language=language)
    if isinstance(value, dict) and "bp" in value:
        return format_percent(int(value["bp"]), language)
    return value


@dataclass(frozen=True)
class RuleResult:
    """One eligibility rule's outcome. The detail is kept as its English message id with
    its raw arguments (minor units, basis points): the stored row reads the same to an
    auditor whatever the language of who checked it, and every screen shows it in its
    user's language, amounts and rates formatted that way."""

    rule: str
    passed: bool
    message: str
    args: dict = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        return rule_label(self.rule)

    @property
    def word(self) -> str:
        return _("passed") if self.passed else _("FAILED")

    @property
    def detail(self) -> str:
        text = _(self.message)
        if not self.args:
            return text
        try:
            return text.format(**{k: _render_arg(v) for k, v in self.args.items()})
        except (KeyError, IndexError, ValueError):
            return self.message

    def stored(self) -> str:
        """What loan_eligibility.detail holds: {"msg": English message id, "args": {...}}."""
        return json.dumps({"msg": self.message, "args": self.args}, ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_stored(cls, rule: str, passed: bool, detail: str) -> RuleResult:
        """A stored row back; a row written before the detail was structured is plain
        text, shown as it was written."""
        try:
            data = json.loads(detail)
        except ValueError:
            data = None
        if not isinstance(data, dict) or "msg" not in data:
            return cls(rule, passed, "{text}", {"text": detail})
        return cls(rule, passed, str(data["msg"]), dict(data.get("args") or {}))


# --- helpers inside a write transaction --------------------------------------------------


def _loan(loan_id: int, ctx: Context | None = None) -> Loan:
    loan = Loan.get_or_none(Loan.id == loan_id)
    if loan is None or (ctx is not None and loan.branch_id != ctx.branch_id):
        raise NotFound(_("No such loan."))
    return loan


def _snapshot(loan: Loan) -> dict:
    return {"state": loan.state, "amount_requested": loan.amount_requested,
            "term_requested": loan.term_requested, "amount_approved": loan.amount_approved,
            "term_approved": loan.term_approved}


def move(ctx: Context, loan: Loan, to: str, note: str = "", **changes: object) -> Loan:
    """Move `loan` to state `to` with `changes`; inside the caller's write transaction.
    Refuses any move not in TRANSITIONS."""
    if to not in TRANSITIONS.get(loan.state, frozenset()):
        raise Conflict(_("A loan {state} cannot become {to}.").format(
            state=state_label(loan.state).lower(), to=state_label(to).lower()))
    before = _snapshot(loan)
    for name, value in changes.items():
        setattr(loan, name, value)
    from_state = loan.state
    loan.state = to
    loan.save()
    LoanEvent.create(loan=loan.id, from_state=from_state, to_state=to, user=ctx.user_id,
                     at=clock.now(), business_date=business_day.open_date(ctx.branch_id),
                     note=note[:250])
    after = _snapshot(loan)
    after.update({k: (v if isinstance(v, int | str | None) else str(v))
                  for k, v in changes.items()})
    audit.record(ctx, f"loan.{to}" if from_state != to else "loan.back_to_committee",
                 "loan", loan.number, before=before, after={**after, "note": note})
    return loan


def _today(ctx: Context) -> date:
    return business_day.open_date(ctx.branch_id) or clock.today()


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, 28))


def required_savings(product: loan_products.ProductSpec, amount: int) -> int:
    """The compulsory savings a loan of `amount` needs (a percent of it, rounded up)."""
    return -(-amount * product.savings_bp // 10_000)


def arrears_days(member_id: int, today: date, exclude_loan: int | None = None) -> int:
    """Days since the oldest unpaid due date of the member's outstanding loans (0: none)."""
    query = (LoanInstallment.select(LoanInstallment.due_date).join(Loan)
             .where((Loan.member == member_id) & Loan.state.in_(OUTSTANDING_STATES)
                    & (LoanInstallment.due_date < today)
                    & ((LoanInstallment.principal_paid < LoanInstallment.principal_due)
                       | (LoanInstallment.interest_paid < LoanInstallment.interest_due)
                       | (LoanInstallment.fees_paid < LoanInstallment.fees_due)))
             .order_by(LoanInstallment.due_date).limit(1))
    if exclude_loan is not None:
        query = query.where(Loan.id != exclude_loan)
    row = query.first()
    return (today - row.due_date).days if row else 0


def deposits_since(account_id: int, since: date) -> int:
    """Deposits credited on a savings account since `since` (cash or transfers in)."""
    return (Entry.select().join(JournalTransaction)
            .where((Entry.account == account_id) & (Entry.credit > 0)
                   & JournalTransaction.kind.in_(("deposit", "account_transfer"))
                   & (JournalTransaction.business_date >= since)
                   & JournalTransaction.reverses.is_null())
            .count())


def _terms(product: loan_products.ProductSpec, amount: int, term: int, rate_bp: int,
           start: date, due_dates: tuple[date, ...] = ()) -> engine.ScheduleTerms:
    if product.frequency == engine.SEASONAL and not due_dates:
        due_dates = tuple(date.fromordinal(start.toordinal() + SEASON_DAYS * k)
                          for k in range(1, term + 1))
    profile = regulators.get_profile(institution.info().regulator)
    return loan_products.terms_for(product, amount, term, rate_bp, start, due_dates=due_dates,
                                   calendar=working_calendar.load(),
                                   teg_method=profile.teg_method)


def _monthly_payment(schedule: engine.Schedule) -> int:
    worst = max(i.total for i in schedule.installments)
    per_year = engine.PERIODS_PER_YEAR.get(schedule.terms.frequency)
    if per_year is None:  # seasonal: spread over the months the plan runs
        months = max(1, _months_between(schedule.terms.start,
                                        schedule.installments[-1].due_date))
        return -(-schedule.totals.total // months)
    return -(-worst * per_year // 12)


def other_loans_monthly(loan: Loan, today: date) -> int:
    """What the member's other outstanding loans (same currency) cost a month: the largest
    instalment still unpaid of each, brought to a month by its product's frequency (a
    seasonal plan: what is left spread over the months left)."""
    total = 0
    for other in Loan.select().where((Loan.member == loan.member_id) & (Loan.id != loan.id)
                                     & Loan.state.in_(OUTSTANDING_STATES)
                                     & (Loan.currency == loan.currency)):
        left = [i.principal_due + i.interest_due + i.fees_due
                - i.principal_paid - i.interest_paid - i.fees_paid
                for i in LoanInstallment.select().where(LoanInstallment.loan == other.id)]
        left = [x for x in left if x > 0]
        if not left:
            continue
        per_year = engine.PERIODS_PER_YEAR.get(loan_products.get(other.product_id).frequency)
        if per_year is None:
            last = (LoanInstallment.select(LoanInstallment.due_date)
                    .where(LoanInstallment.loan == other.id)
                    .order_by(LoanInstallment.due_date.desc()).first().due_date)
            total += -(-sum(left) // max(1, _months_between(today, last)))
        else:
            total += -(-max(left) * per_year // 12)
    return total


def evaluate(loan: Loan, today: date) -> list[RuleResult]:
    """Every eligibility rule of the loan's product, with what was found."""
    product = loan_products.get(loan.product_id)
    member = Member.get_by_id(loan.member_id)
    cur = loan.currency
    out: list[RuleResult] = []
    months = _months_between(member.joined_on, today)
    out.append(RuleResult("membership", months >= product.min_membership_months,
                          N_("{months} months of membership, {need} required"),
                          {"months": months, "need": product.min_membership_months}))
    if product.min_deposits:
        since = _months_before(today, product.deposits_window_months)
        count = deposits_since(loan.linked_account_id, since) if loan.linked_account_id else 0
        out.append(RuleResult("deposits", count >= product.min_deposits,
                              N_("{count} deposits in {months} months, {need} required"),
                              {"count": count, "months": product.deposits_window_months,
                               "need": product.min_deposits}))
    activity = loan.activity.strip()
    # The member's own words: not a message id; cut so the stored JSON stays whole.
    out.append(RuleResult("activity", bool(activity), "{text}", {"text": activity[:150]})
               if activity else RuleResult("activity", False, N_("no activity declared")))
    if product.savings_bp:
        need = required_savings(product, loan.amount_requested)
        held = 0
        balance = 0
        if loan.linked_account_id:
            held = sum(h.amount for h in AccountHold.select().where(
                (AccountHold.account == loan.linked_account_id)
                & (AccountHold.status == "active")
                & (AccountHold.process == f"loan:{loan.number}")))
            balance = savings_balances.available_balance(loan.linked_account_id)
        out.append(RuleResult("compulsory_savings", held + balance >= need,
                              N_("{have} on the linked account, {need} required"),
                              {"have": _money_arg(held + balance, cur),
                               "need": _money_arg(need, cur)}))
    late = arrears_days(loan.member_id, today, exclude_loan=loan.id)
    out.append(RuleResult("no_arrears", late == 0, N_("no arrears")) if late == 0
               else RuleResult("no_arrears", False, N_("{days} days in arrears"),
                               {"days": late}))
    out.append(RuleResult(
        "amount", product.amount_min <= loan.amount_requested <= product.amount_max,
        N_("{amount} (product: {low} to {high})"),
        {"amount": _money_arg(loan.amount_requested, cur),
         "low": _money_arg(product.amount_min, cur), "high": _money_arg(product.amount_max, cur)}))
    out.append(RuleResult(
        "term", product.term_min <= loan.term_requested <= product.term_max,
        N_("{term} instalments (product: {low} to {high})"),
        {"term": loan.term_requested, "low": product.term_min, "high": product.term_max}))
    if product.max_debt_to_income_bp is not None:
        sched = engine.build(_terms(product, loan.amount_requested, loan.term_requested,
                                    loan.rate_bp, today, due_dates_of(loan)))
        others = other_loans_monthly(loan, today)
        payment = _monthly_payment(sched) + others
        income = loan.monthly_income
        ratio = payment * 10_000 // income if income > 0 else None
        out.append(RuleResult(
            "debt_to_income", ratio is not None and ratio <= product.max_debt_to_income_bp,
            N_("{payment} a month ({others} of it for other loans) for an income of {income}: "
               "{ratio} (at most {limit})"),
            {"payment": _money_arg(payment, cur), "others": _money_arg(others, cur),
             "income": _money_arg(income, cur), "ratio": _percent_arg(ratio),
             "limit": _percent_arg(product.max_debt_to_income_bp)}))
    return out


def _store_eligibility(loan: Loan, results: list[RuleResult]) -> None:
    LoanEligibility.delete().where(LoanEligibility.loan == loan.id).execute()
    LoanEligibility.insert_many([
        {"loan": loan.id, "rule": r.rule, "passed": r.passed, "detail": r.stored()}
        for r in results]).execute()


=======
>>>>>>> loans
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
def apply(ctx: Context, app: Application) -> int:
    """Record a loan application (state draft) with its eligibility checked rule by rule;
    returns the loan's id. The loan's account and number are opened now."""
    errors, member, row = _application_errors(app)
    if errors:
        raise ValidationError(errors)
    assert member is not None and row is not None
    with write_transaction():
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


# --- reached through this module by code of another branch of #18 ------------------------
# The repayments (services/loans/repayments.py) and the closing (services/closing/loans.py,
# tests/closing/old_debit.py) still call loans._today, .frozen_terms and .state_label on
# this module (.move is imported above for its own use); they are being rewritten on
# their own branch. Once they import lifecycle.business_today, terms.frozen_terms and
# states.state_label, these three lines go.
from mifin_tui.services.loans.states import state_label  # noqa: E402, F401
from mifin_tui.services.loans.terms import frozen_terms  # noqa: E402, F401

_today = business_today
