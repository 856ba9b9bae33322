"""What the loan contract and the committee's minutes say, as plain data for the printers;
the contract's terms are the ones frozen at approval. The first print is the original (two
copies); every later print is marked DUPLICATA and audited."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    AccountHold,
    Branch,
    Loan,
    LoanCollateral,
    LoanGuarantor,
    LoanInstallment,
    LoanProduct,
    LoanReschedule,
    Member,
)
from mifin_tui.i18n import N_, translator
from mifin_tui.services.kernel import audit, clock, institution, regulators, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.documents import local_time
from mifin_tui.services.kernel.errors import Conflict
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.contract_types import (
    Collateral,
    ContractDoc,
    Guarantee,
    Hold,
    MinutesDoc,
    MinutesItem,
    Opinion,
    PenaltyTerms,
)
from mifin_tui.services.loans.decision import OPINIONS
from mifin_tui.services.loans.eligibility import required_savings
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan
from mifin_tui.services.loans.states import STATE_LABELS
from mifin_tui.services.loans.terms import frozen_terms
from mifin_tui.services.loans.views import card_of
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import standing_orders


def _identity(m: Member, language: str) -> str:
    t = translator(language)
    parts = []
    if m.id_type or m.id_number:
        parts.append(f"{m.id_type} {m.id_number}".strip())
    if m.birth_date:
        born = format_date(m.birth_date, language)
        parts.append(t(N_("born on {date} in {place}")).format(date=born, place=m.birth_place)
                     if m.birth_place else t(N_("born on {date}")).format(date=born))
    address = ", ".join(p for p in (m.address, m.commune, m.city, m.province) if p)
    if address:
        parts.append(address)
    if m.phone:
        parts.append(m.phone)
    return "; ".join(parts)


def _account_holder(account_id: int) -> tuple[str, str]:
    acc = Account.get_by_id(account_id)
    holder = members.display_name(Member.get_by_id(acc.member_id)) if acc.member_id \
        else acc.name
    return acc.number, holder


def _holds(loan: Loan, product: loan_products.LoanProductView) -> tuple[Hold, ...]:
    """Every amount blocked for the loan with its account: the holds in force once it is
    paid out; before, those its payout will set (`disbursement._holds`)."""
    if loan.state in states.SERVICED or loan.state in ("closed", "written_off"):
        out = []
        for h in (AccountHold.select().where(AccountHold.process == f"loan:{loan.number}")
                  .order_by(AccountHold.id)):
            if h.status != "active" and loan.state in states.SERVICED:
                continue
            kind = "compulsory" if h.account_id == loan.linked_account_id else (
                "guarantee" if LoanGuarantor.select().where(
                    (LoanGuarantor.loan == loan.id) & (LoanGuarantor.hold == h.id)).exists()
                else "collateral")
            out.append(Hold(kind, *_account_holder(h.account_id), h.amount))
        return tuple(out)
    planned = []
    if product.guarantee_hold:
        for g in LoanGuarantor.select().where((LoanGuarantor.loan == loan.id)
                                              & LoanGuarantor.account.is_null(False)):
            planned.append(Hold("guarantee", *_account_holder(g.account_id), g.amount))
    for c in LoanCollateral.select().where((LoanCollateral.loan == loan.id)
                                           & (LoanCollateral.kind == "savings")):
        planned.append(Hold("collateral", *_account_holder(c.account_id), c.value))
    need = required_savings(product, loan.amount_approved or 0) \
        if loan.linked_account_id else 0
    if need:
        planned.append(Hold("compulsory", *_account_holder(loan.linked_account_id), need))
    return tuple(planned)


def _amendment(loan: Loan) -> tuple[engine.Schedule, Decimal] | None:
    """A rescheduled loan as it stands: the instalments of its last rescheduling, with
    what it carried onto the first, as rows of a schedule over the principal they repay;
    and the TEG of the rescheduling's own terms. None when never rescheduled."""
    from mifin_tui.services.loans import reschedule

    terms = reschedule.current_terms(loan) if loan.restructured else None
    row = (LoanReschedule.select().where((LoanReschedule.loan == loan.id)
                                         & (LoanReschedule.state == "approved"))
           .order_by(LoanReschedule.id.desc()).first())
    if terms is None or row is None or row.applied_on is None:
        return None
    rows = list(LoanInstallment.select().where((LoanInstallment.loan == loan.id)
                                               & (LoanInstallment.due_date > row.applied_on))
                .order_by(LoanInstallment.no))
    if not rows:
        return None
    principal = sum(r.principal_due for r in rows)
    balance = principal
    insts = []
    for r in rows:
        balance -= r.principal_due
        fees = r.fees_due + r.penalties_due  # penalties carried onto the first
        insts.append(engine.Installment(r.no, r.due_date, r.principal_due, r.interest_due,
                                        fees, r.principal_due + r.interest_due + fees,
                                        balance))
    totals = engine.Totals(principal, sum(i.interest for i in insts),
                           sum(i.fees for i in insts), sum(i.total for i in insts))
    stands = dataclasses.replace(
        terms, principal=principal, installments=len(insts), start=row.applied_on,
        first_due=None, due_dates=tuple(i.due_date for i in insts), fee_upfront=0,
        fee_deducted=0, insurance=0, grace_principal=0, grace_interest=0)
    return engine.Schedule(stands, tuple(insts), totals), engine.build(terms).teg


@requires("loan.read")
def contract(ctx: Context, loan_id: int) -> ContractDoc:
    """The contract of an approved (or disbursed) loan; counts the print, the second and
    later ones being duplicates (audited)."""
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if not loan.terms_json or loan.state not in states.WITH_CONTRACT:
            raise Conflict(_no_contract())
        amended = _amendment(loan)
        if amended is not None:
            sched, teg = amended
        else:
            sched = engine.build(frozen_terms(loan, loan.disbursed_on or None))
            teg = sched.teg
        terms = sched.terms
        card = card_of(loan)
        member = Member.get_by_id(loan.member_id)
        branch = Branch.get_by_id(loan.branch_id)
        duplicate = loan.contracts_printed > 0
        Loan.update(contracts_printed=Loan.contracts_printed + 1).where(
            Loan.id == loan.id).execute()
        audit.record(ctx, "loan.contract_print", "loan", loan.number,
                     before={"printed": loan.contracts_printed},
                     after={"printed": loan.contracts_printed + 1, "duplicate": duplicate})
        info = institution.info(loan.branch_id)
        profile = regulators.get_profile(info.regulator)
        product = loan_products.get(loan.product_id)
        language = settings.get("document_language")
        decider = card.events[-1].user if card.events else ""
        for e in card.events:
            if e.to_state == "approved":
                decider = e.user
        principal = terms.principal
        caps = LoanProduct.get_by_id(product.id)  # the caps are not among the product's settings
        return ContractDoc(
            institution=info.name, branch_code=branch.code, branch_name=branch.name,
            number=loan.number, member_number=member.number,
            member_name=members.display_name(member), member_identity=_identity(member, language),
            product=product.name, purpose=loan.purpose,
            # the figures and their words from the one amount the schedule repays
            schedule=sched, amount_words=amount_in_words(principal, loan.currency, language),
            rate_bp=terms.annual_rate_bp, teg_method=terms.teg_method, fees=loan.fees,
            # the standing orders the member signed for the loan, beside it (#20)
            linked_account=standing_orders.contract_accounts(card.linked_account, loan.id,
                                                             language),
            guarantors=tuple(Guarantee(g.name, g.member_number, g.amount, g.account_number)
                             for g in card.guarantors),
            collateral=tuple(Collateral(c.kind, c.description, c.value, c.account_number)
                             for c in card.collateral), decided_by=decider,
            decided_on=local_time(loan.decided_at, settings.get("timezone")).date()
            if loan.decided_at else None,
            duplicate=duplicate, printed_by=ctx.full_name,
            printed_at=local_time(clock.now(), settings.get("timezone")),
            language=language,
            penalty=PenaltyTerms(product.penalty_kind, product.penalty_value,
                                 product.penalty_grace_days, caps.penalty_cap_amount,
                                 caps.penalty_cap_bp),
            savings_bp=product.savings_bp,
            compulsory_savings=required_savings(product, loan.amount_approved or 0)
            if loan.linked_account_id else 0,
            holds=_holds(loan, product),
            allocation_order=tuple(product.allocation_order),
            allocation_sweep=product.allocation_sweep, excess_policy=product.excess_policy,
            place=branch.city or branch.name,
            signed_on=loan.disbursed_on or business_today(ctx),
            regulator=profile.regulator, teg_reference=profile.teg_definition,
            usury_rate_bp=profile.usury_rate_bp, usury_reference=profile.usury_decision,
            amendment=amended is not None, teg=teg)


def _no_contract() -> str:
    from mifin_tui.i18n import _

    return _("A contract is printed for an approved loan only.")


@requires("loan.read")
def minutes(ctx: Context, loan_ids: list[int]) -> MinutesDoc:
    """The committee's procès-verbal for a list of applications."""
    language = settings.get("document_language")
    tr = translator(language)
    items = []
    names: list[str] = []
    for loan_id in loan_ids:
        c = card_of(get_loan(loan_id, ctx))
        ops = tuple(Opinion(o.user, tr(OPINIONS[o.opinion]), o.amount_proposed, o.comment)
                    for o in c.opinions if o.round == c.committee_round)
        for o in ops:
            if o.user not in names:
                names.append(o.user)
        items.append(MinutesItem(c.number, c.member_name, c.product, c.purpose,
                                 c.amount_requested, c.term_requested, c.currency, ops,
                                 tr(STATE_LABELS[c.state])))
    info = institution.info(ctx.branch_id)

    return MinutesDoc(info.name, info.branch_name, business_today(ctx), tuple(items),
                      tuple(names), ctx.full_name,
                      local_time(clock.now(), settings.get("timezone")), language)
