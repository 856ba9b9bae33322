"""What the loan contract and the committee's minutes say, as plain data for the printers;
the contract's terms are the ones frozen at approval. The first print is the original (two
copies); every later print is marked DUPLICATA and audited."""

from __future__ import annotations

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Branch, Loan, Member
from mifin_tui.i18n import translator
from mifin_tui.services.kernel import audit, clock, institution, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import Conflict
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.contract_types import (
    Collateral,
    ContractDoc,
    Guarantee,
    MinutesDoc,
    MinutesItem,
    Opinion,
)
from mifin_tui.services.loans.decision import OPINIONS
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan
from mifin_tui.services.loans.states import STATE_LABELS
from mifin_tui.services.loans.terms import frozen_terms
from mifin_tui.services.loans.views import card_of
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import standing_orders


def _identity(m: Member, language: str) -> str:
    parts = []
    if m.id_type or m.id_number:
        parts.append(f"{m.id_type} {m.id_number}".strip())
    if m.birth_date:
        parts.append(f"né(e) le {format_date(m.birth_date, language)}"
                     + (f" à {m.birth_place}" if m.birth_place else ""))
    address = ", ".join(p for p in (m.address, m.commune, m.city, m.province) if p)
    if address:
        parts.append(address)
    if m.phone:
        parts.append(m.phone)
    return "; ".join(parts)


@requires("loan.read")
def contract(ctx: Context, loan_id: int) -> ContractDoc:
    """The contract of an approved (or disbursed) loan; counts the print, the second and
    later ones being duplicates (audited)."""
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if not loan.terms_json or loan.state not in states.WITH_CONTRACT:
            raise Conflict(_no_contract())
        from mifin_tui.services.loans import reschedule

        # A rescheduled loan reprints with its new schedule (the amendment's terms).
        terms = (reschedule.current_terms(loan) if loan.restructured else None) or \
            frozen_terms(loan, loan.disbursed_on or None)
        sched = engine.build(terms)
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
        language = settings.get("document_language")
        decider = card.events[-1].user if card.events else ""
        for e in card.events:
            if e.to_state == "approved":
                decider = e.user
        return ContractDoc(
            institution=info.name, branch_code=branch.code, branch_name=branch.name,
            number=loan.number, member_number=member.number,
            member_name=members.display_name(member), member_identity=_identity(member, language),
            product=loan_products.get(loan.product_id).name, purpose=loan.purpose,
            schedule=sched, amount_words=amount_in_words(loan.amount_approved, loan.currency),
            rate_bp=loan.rate_bp, teg_method=terms.teg_method, fees=loan.fees,
            # the standing orders the member signed for the loan, beside it (#20)
            linked_account=standing_orders.contract_accounts(card.linked_account, loan.id,
                                                             language),
            guarantors=tuple(Guarantee(g.name, g.member_number, g.amount, g.account_number)
                             for g in card.guarantors),
            collateral=tuple(Collateral(c.kind, c.description, c.value, c.account_number)
                             for c in card.collateral), decided_by=decider,
            decided_on=loan.decided_at.date() if loan.decided_at else None,
            duplicate=duplicate, printed_by=ctx.full_name, printed_at=clock.now(),
            language=language)


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
                      tuple(names), ctx.full_name, clock.now(), language)
