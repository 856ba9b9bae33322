"""A loan application's eligibility: the product's rules checked one by one against the
member (membership, deposits, compulsory savings, arrears, debt-to-income), stored rule
by rule, checked again on request, and the gérant's override of failed rules.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    AccountHold,
    Entry,
    JournalTransaction,
    Loan,
    LoanEligibility,
    LoanInstallment,
    Member,
)
from mifin_tui.i18n import N_, _, current_language, ngettext
from mifin_tui.services.kernel import audit
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError
from mifin_tui.services.kernel.money import format_amount, format_percent
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan
from mifin_tui.services.loans.terms import (
    due_dates_of,
    monthly_payment,
    months_between,
    schedule_terms,
)
from mifin_tui.services.savings import balances as savings_balances

RULE_LABELS: dict[str, str] = {
    "membership": N_("Membership length"),
    "deposits": N_("Regular deposits"),
    "activity": N_("Declared activity"),
    "compulsory_savings": N_("Compulsory savings"),
    "no_arrears": N_("No loan in arrears"),
    "amount": N_("Amount within the product"),
    "term": N_("Term within the product"),
    "debt_to_income": N_("Debt-to-income ratio"),
}


def rule_label(rule: str) -> str:
    return _(RULE_LABELS.get(rule, rule))


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


# Rules whose stored message counts something: its plural form in the reader's language
# (the stored row keeps the English message id, as every rule's).
_PLURALS = {
    "{count} deposits in {months} months, {need} required": lambda a: ngettext(
        "{count} deposit in {months} months, {need} required",
        "{count} deposits in {months} months, {need} required", int(a.get("count", 0))),
}


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
        plural = _PLURALS.get(self.message)
        text = plural(self.args) if plural and self.args else _(self.message)
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


def months_before(day: date, months: int) -> date:
    """The day `months` months before `day` (the 28th at most: every month has one)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, 28))


def required_savings(product: loan_products.ProductSpec, amount: int) -> int:
    """The compulsory savings a loan of `amount` needs (a percent of it, rounded up)."""
    return -(-amount * product.savings_bp // 10_000)


def arrears_days(member_id: int, today: date, exclude_loan: int | None = None) -> int:
    """Days since the oldest unpaid due date of the member's outstanding loans (0: none)."""
    query = (LoanInstallment.select(LoanInstallment.due_date).join(Loan)
             .where((Loan.member == member_id) & Loan.state.in_(states.SERVICED)
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


def other_loans_monthly(loan: Loan, today: date) -> int:
    """What the member's other outstanding loans (same currency) cost a month: the largest
    instalment still unpaid of each, brought to a month by its product's frequency (a
    seasonal plan: what is left spread over the months left)."""
    total = 0
    for other in Loan.select().where((Loan.member == loan.member_id) & (Loan.id != loan.id)
                                     & Loan.state.in_(states.SERVICED)
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
            total += -(-sum(left) // max(1, months_between(today, last)))
        else:
            total += -(-max(left) * per_year // 12)
    return total


def evaluate(loan: Loan, today: date) -> list[RuleResult]:
    """Every eligibility rule of the loan's product, with what was found."""
    product = loan_products.get(loan.product_id)
    member = Member.get_by_id(loan.member_id)
    cur = loan.currency
    out: list[RuleResult] = []
    months = months_between(member.joined_on, today)
    out.append(RuleResult("membership", months >= product.min_membership_months,
                          N_("{months} months of membership, {need} required"),
                          {"months": months, "need": product.min_membership_months}))
    if product.min_deposits:
        since = months_before(today, product.deposits_window_months)
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
        sched = engine.build(schedule_terms(product, loan.amount_requested,
                                            loan.term_requested, loan.rate_bp, today,
                                            due_dates_of(loan)))
        others = other_loans_monthly(loan, today)
        payment = monthly_payment(sched) + others
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


def store_results(loan: Loan, results: list[RuleResult]) -> None:
    """Replace the loan's stored results by `results`; inside a write transaction."""
    LoanEligibility.delete().where(LoanEligibility.loan == loan.id).execute()
    LoanEligibility.insert_many([
        {"loan": loan.id, "rule": r.rule, "passed": r.passed, "detail": r.stored()}
        for r in results]).execute()


@requires("loan.apply")
def check_eligibility(ctx: Context, loan_id: int) -> list[RuleResult]:
    """Check the rules again (after a deposit, a hold...) and store the results."""
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if loan.state not in states.UNDECIDED:
            raise Conflict(_("The eligibility is checked before the decision only."))
        results = evaluate(loan, business_today(ctx))
        store_results(loan, results)
        audit.record(ctx, "loan.eligibility", "loan", loan.number,
                     after={r.rule: r.passed for r in results})
    return results


@requires("loan.override")
def override_eligibility(ctx: Context, loan_id: int, reason: str) -> None:
    """The gérant lets an application with failed rules go on, giving his reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the override.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if loan.state not in states.UNDECIDED:
            raise Conflict(_("The eligibility is overridden before the decision only."))
        if loan.created_by_id == ctx.user_id:
            raise PermissionDenied(_("You entered this application: another person must "
                                     "override its eligibility."))
        failed = [r.rule for r in LoanEligibility.select().where(
            (LoanEligibility.loan == loan.id) & (LoanEligibility.passed == False))]  # noqa: E712
        before = {"override_by": loan.override_by_id, "override_reason": loan.override_reason}
        loan.override_by = ctx.user_id
        loan.override_reason = reason.strip()[:250]
        loan.save()
        audit.record(ctx, "loan.override", "loan", loan.number, before=before,
                     after={"override_by": ctx.user_id, "override_reason":
                            loan.override_reason, "failed_rules": failed})
