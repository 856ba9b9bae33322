"""What the loan screens show: the loan card, the lists of each step's work, the member's
loans and guarantees, the member's history for the gérant. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import (
    Account,
    Loan,
    LoanCollateral,
    LoanEligibility,
    LoanEvent,
    LoanGuarantor,
    LoanInstallment,
    LoanOpinion,
    Member,
    User,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_datetime
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans import steps as loan_steps
from mifin_tui.services.loans.applications import first_loan
from mifin_tui.services.loans.decision import OPINIONS, committee_size, delegation_limit
from mifin_tui.services.loans.eligibility import (
    RuleResult,
    arrears_days,
    deposits_since,
    months_before,
)
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan
from mifin_tui.services.loans.risk import loan_ledger
from mifin_tui.services.loans.states import state_label
from mifin_tui.services.loans.terms import (
    due_dates_of,
    frozen_terms,
    months_between,
    schedule_terms,
)
from mifin_tui.services.members import register as members


@dataclass(frozen=True)
class EventView:
    at: str
    from_state: str
    to_state: str
    state_word: str
    user: str
    note: str


@dataclass(frozen=True)
class InstallmentView:
    no: int
    due_date: date
    principal_due: int
    interest_due: int
    fees_due: int
    principal_paid: int
    interest_paid: int
    fees_paid: int

    @property
    def total_due(self) -> int:
        return self.principal_due + self.interest_due + self.fees_due

    @property
    def total_paid(self) -> int:
        return self.principal_paid + self.interest_paid + self.fees_paid


@dataclass(frozen=True)
class GuarantorView:
    member_id: int
    member_number: str
    name: str
    amount: int
    account_number: str
    held: bool


@dataclass(frozen=True)
class CollateralView:
    kind: str
    description: str
    value: int
    account_number: str
    held: bool


@dataclass(frozen=True)
class OpinionView:
    round: int
    user: str
    opinion: str
    opinion_word: str
    amount_proposed: int | None
    comment: str


@dataclass(frozen=True)
class LoanCard:
    id: int
    number: str
    state: str
    state_word: str
    member_id: int
    member_number: str
    member_name: str
    product_id: int
    product: str
    currency: str
    amount_requested: int
    term_requested: int
    amount_approved: int | None
    term_approved: int | None
    rate_bp: int
    teg_bp: int | None
    fees: int
    purpose: str
    activity: str
    monthly_income: int
    project_estimate: int
    linked_account: str
    entered_by: str
    entered_by_id: int
    override_by: str
    override_reason: str
    visit_date: date | None
    visitor: str
    visit_findings: str
    visit_recommendation: str
    committee_round: int
    decision_reason: str
    board_reference: str
    disbursed_on: date | None
    disbursement_mode: str
    outstanding: int
    first_loan: bool
    eligibility: tuple[RuleResult, ...]
    opinions: tuple[OpinionView, ...]
    events: tuple[EventView, ...]
    installments: tuple[InstallmentView, ...]
    guarantors: tuple[GuarantorView, ...]
    collateral: tuple[CollateralView, ...]
    due_dates: tuple[date, ...] = ()  # a seasonal product's, as the officer entered them

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.eligibility)


def _user(user_id: int | None) -> str:
    if not user_id:
        return ""
    u = User.get_or_none(User.id == user_id)
    return f"{u.full_name} ({u.username})" if u else ""


def _acc_number(account_id: int | None) -> str:
    if not account_id:
        return ""
    acc = Account.get_or_none(Account.id == account_id)
    return acc.number if acc else ""


def card_of(loan: Loan) -> LoanCard:
    member = Member.get_by_id(loan.member_id)
    product = loan_products.get(loan.product_id)
    language = current_language()
    events = tuple(
        EventView(format_datetime(e.at, language), e.from_state, e.to_state,
                  state_label(e.to_state), _user(e.user_id), e.note)
        for e in LoanEvent.select().where(LoanEvent.loan == loan.id).order_by(LoanEvent.id))
    opinions = tuple(
        OpinionView(o.round, _user(o.user_id), o.opinion, _(OPINIONS[o.opinion]),
                    o.amount_proposed, o.comment)
        for o in LoanOpinion.select().where(LoanOpinion.loan == loan.id)
        .order_by(LoanOpinion.round, LoanOpinion.id))
    inst = tuple(
        InstallmentView(i.no, i.due_date, i.principal_due, i.interest_due, i.fees_due,
                        i.principal_paid, i.interest_paid, i.fees_paid)
        for i in LoanInstallment.select().where(LoanInstallment.loan == loan.id)
        .order_by(LoanInstallment.no))
    guarantors = []
    for g in LoanGuarantor.select().where(LoanGuarantor.loan == loan.id).order_by(
            LoanGuarantor.id):
        gm = Member.get_by_id(g.member_id)
        guarantors.append(GuarantorView(gm.id, gm.number, members.display_name(gm), g.amount,
                                        _acc_number(g.account_id), g.hold_id is not None))
    collateral = tuple(
        CollateralView(c.kind, c.description, c.value, _acc_number(c.account_id),
                       c.hold_id is not None)
        for c in LoanCollateral.select().where(LoanCollateral.loan == loan.id)
        .order_by(LoanCollateral.id))
    eligibility = tuple(
        RuleResult.from_stored(r.rule, bool(r.passed), r.detail)
        for r in LoanEligibility.select().where(LoanEligibility.loan == loan.id)
        .order_by(LoanEligibility.id))
    outstanding = (loan_ledger.outstanding(loan.id)
                   if loan.state in states.SERVICED else 0)
    return LoanCard(
        id=loan.id, number=loan.number, state=loan.state, state_word=state_label(loan.state),
        member_id=member.id, member_number=member.number,
        member_name=members.display_name(member), product_id=product.id,
        product=product.name, currency=loan.currency,
        amount_requested=loan.amount_requested, term_requested=loan.term_requested,
        amount_approved=loan.amount_approved, term_approved=loan.term_approved,
        rate_bp=loan.rate_bp, teg_bp=loan.teg_bp, fees=loan.fees, purpose=loan.purpose,
        activity=loan.activity, monthly_income=loan.monthly_income,
        project_estimate=loan.project_estimate,
        linked_account=_acc_number(loan.linked_account_id),
        entered_by=_user(loan.created_by_id), entered_by_id=loan.created_by_id,
        override_by=_user(loan.override_by_id), override_reason=loan.override_reason,
        visit_date=loan.visit_date, visitor=loan.visitor, visit_findings=loan.visit_findings,
        visit_recommendation=loan.visit_recommendation, committee_round=loan.committee_round,
        decision_reason=loan.decision_reason, board_reference=loan.board_reference,
        disbursed_on=loan.disbursed_on, disbursement_mode=loan.disbursement_mode,
        outstanding=outstanding, first_loan=first_loan(loan), eligibility=eligibility,
        opinions=opinions, events=events, installments=inst,
        guarantors=tuple(guarantors), collateral=collateral,
        due_dates=tuple(due_dates_of(loan)))


@requires("loan.read")
def card(ctx: Context, loan_id: int) -> LoanCard:
    return card_of(get_loan(loan_id, ctx))


@requires("loan.read")
def find(ctx: Context, number: str) -> LoanCard:
    from mifin_tui.services.kernel.errors import NotFound

    loan = Loan.get_or_none((Loan.number == number.strip().upper())
                            & (Loan.branch == ctx.branch_id))
    if loan is None:
        raise NotFound(_("No loan {number}.").format(number=number.strip()))
    return card_of(loan)


@dataclass(frozen=True)
class LoanLine:
    id: int
    number: str
    member_number: str
    member_name: str
    product: str
    state: str
    state_word: str
    amount: int
    currency: str
    term: int
    outstanding: int
    opinions: int
    eligible: bool
    entered_by_id: int


def _line(loan: Loan) -> LoanLine:
    member = Member.get_by_id(loan.member_id)
    amount = loan.amount_approved if loan.amount_approved is not None else loan.amount_requested
    term = loan.term_approved if loan.term_approved is not None else loan.term_requested
    outstanding = (loan_ledger.outstanding(loan.id)
                   if loan.state in states.SERVICED else 0)
    opinions = LoanOpinion.select().where((LoanOpinion.loan == loan.id)
                                          & (LoanOpinion.round == loan.committee_round)).count()
    eligible = not LoanEligibility.select().where(
        (LoanEligibility.loan == loan.id) & (LoanEligibility.passed == False)).exists()  # noqa: E712
    return LoanLine(loan.id, loan.number, member.number, members.display_name(member),
                    loan_products.get(loan.product_id).name, loan.state,
                    state_label(loan.state), amount, loan.currency, term, outstanding,
                    opinions, eligible or bool(loan.override_by_id), loan.created_by_id)


@requires("loan.read")
def by_state(ctx: Context, *states: str) -> list[LoanLine]:
    """The branch's loans in these states, oldest first."""
    query = (Loan.select().where((Loan.branch == ctx.branch_id) & Loan.state.in_(states))
             .order_by(Loan.id))
    return [_line(loan) for loan in query]


@requires("loan.read")
def to_decide(ctx: Context) -> list[LoanLine]:
    """What the gérant can act on now, oldest first: drafts whose failed rules wait for his
    override, files whose committee round is complete, within his limit (the board's
    above it), not entered by himself."""
    query = (Loan.select().where((Loan.branch == ctx.branch_id)
                                 & Loan.state.in_(("draft", "committee"))).order_by(Loan.id))
    return [_line(loan) for loan in query
            if {loan_steps.OVERRIDE, loan_steps.DECIDE} & set(loan_steps.steps_of(ctx, loan))]


@requires("loan.read")
def member_loans(ctx: Context, member_id: int) -> list[LoanLine]:
    query = Loan.select().where(Loan.member == member_id).order_by(Loan.id.desc())
    return [_line(loan) for loan in query]


@dataclass(frozen=True)
class GuaranteeLine:
    loan_number: str
    borrower: str
    state_word: str
    amount: int
    currency: str
    held: bool


@requires("loan.read")
def member_guarantees(ctx: Context, member_id: int) -> list[GuaranteeLine]:
    """The guarantees a member gave on others' loans."""
    out = []
    for g in (LoanGuarantor.select().where(LoanGuarantor.member == member_id)
              .order_by(LoanGuarantor.id.desc())):
        loan = Loan.get_by_id(g.loan_id)
        borrower = Member.get_by_id(loan.member_id)
        out.append(GuaranteeLine(loan.number, members.display_name(borrower),
                                 state_label(loan.state), g.amount, loan.currency,
                                 g.hold_id is not None))
    return out


@dataclass(frozen=True)
class PastLoan:
    number: str
    amount: int
    currency: str
    state_word: str
    disbursed_on: date | None
    max_arrears_days: int  # the longest any instalment of it was (or is) late


@dataclass(frozen=True)
class MemberHistory:
    loans: int
    repaid: int
    outstanding_loans: int
    arrears_days: int
    deposits_6_months: int
    months_of_membership: int
    max_arrears_days: int = 0  # over all his past and current loans
    months_with_deposit: int = 0  # of the last 6: how regular his savings are
    past_loans: tuple[PastLoan, ...] = ()


def _max_late(loan_id: int, today: date) -> int:
    """The most days an instalment of the loan was paid late, or is late still."""
    worst = 0
    for i in LoanInstallment.select().where(LoanInstallment.loan == loan_id):
        owed = i.principal_due + i.interest_due + i.fees_due
        paid = i.principal_paid + i.interest_paid + i.fees_paid
        end = i.paid_on if paid >= owed and i.paid_on else (today if paid < owed else None)
        if end is not None:
            worst = max(worst, (end - i.due_date).days)
    return worst


def _months_with_deposit(account_id: int | None, today: date) -> int:
    if not account_id:
        return 0
    months = 0
    for k in range(6):
        # deposits in [start, end): the month k months back, the latest up to today
        start, end = months_before(today, k + 1), months_before(today, k)
        later = deposits_since(account_id, end) if k else 0
        if deposits_since(account_id, start) > later:
            months += 1
    return months


@requires("loan.read")
def member_history(ctx: Context, loan_id: int) -> MemberHistory:
    """The borrower's past: loans, arrears, savings regularity (what the gérant reads)."""
    loan = get_loan(loan_id, ctx)
    today = business_today(ctx)
    others = Loan.select().where((Loan.member == loan.member_id) & (Loan.id != loan.id))

    deposits = (deposits_since(loan.linked_account_id, months_before(today, 6))
                if loan.linked_account_id else 0)
    past = tuple(PastLoan(o.number, o.amount_approved or o.amount_requested, o.currency,
                          state_label(o.state), o.disbursed_on, _max_late(o.id, today))
                 for o in others.where(Loan.disbursed_on.is_null(False)).order_by(Loan.id))
    return MemberHistory(
        max_arrears_days=max((p.max_arrears_days for p in past), default=0),
        months_with_deposit=_months_with_deposit(loan.linked_account_id, today),
        past_loans=past,
        loans=others.count(), repaid=others.where(Loan.state == "closed").count(),
        outstanding_loans=others.where(Loan.state.in_(states.SERVICED)).count(),
        arrears_days=arrears_days(loan.member_id, today), deposits_6_months=deposits,
        months_of_membership=months_between(Member.get_by_id(loan.member_id).joined_on,
                                            today))


@requires("loan.read")
def schedule_of(ctx: Context, loan_id: int) -> engine.Schedule:
    """The frozen schedule of an approved loan (or its simulation before approval)."""
    loan = get_loan(loan_id, ctx)
    if loan.terms_json:
        start = loan.disbursed_on or None
        return engine.build(frozen_terms(loan, start))

    product = loan_products.get(loan.product_id)

    return engine.build(schedule_terms(product, loan.amount_requested, loan.term_requested,
                                       loan.rate_bp, business_today(ctx), due_dates_of(loan)))


@requires("loan.read")
def decision_rules(ctx: Context) -> tuple[int, dict[str, int | None]]:
    """(opinions the committee must give, the gérant's limit per currency)."""
    return committee_size(), {c: delegation_limit(c) for c in ("USD", "CDF", "XOF", "XAF")}


@requires("loan.board")
def board_queue(ctx: Context) -> list[LoanLine]:
    """Applications in committee above the gérant's delegation limit: what the board
    decides and an administrator records (who may not read every loan)."""
    out = []
    for loan in (Loan.select().where((Loan.branch == ctx.branch_id)
                                     & (Loan.state == "committee")).order_by(Loan.id)):
        limit = delegation_limit(loan.currency)
        if limit is None or loan.amount_requested > limit:
            out.append(_line(loan))
    return out


@requires("loan.board")
def board_card(ctx: Context, loan_id: int) -> LoanCard:
    """The card of an application the board decides (see `board_queue`)."""
    return card_of(get_loan(loan_id, ctx))
