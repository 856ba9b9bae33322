"""The demo's loans in every state of their life (#8), made through the real services by
the demo's staff: the agent enters, the committee gives its opinions, the gérant decides
(and overrides the deposits rule for members whose savings book is young in the demo),
the cashier pays at the till.

- a draft (taxi-moto), an application in committee with two opinions of three,
- one approved and waiting for the cash (waiting list), one rejected,
- one disbursed in cash and one disbursed to the savings account, with a guarantor and
  goods as collateral.
"""

from __future__ import annotations

from mifin_tui.db.models import Account, LoanProduct, Member
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle

# purpose, activity, amount as a multiple of the product's smallest, term
_LOANS = (
    ("Commerce de pagnes au marché Gambela", "Vente de pagnes wax", 2, 26),
    ("Élevage de porcs à Maluku", "Éleveur, 12 truies", 3, 26),
    ("Moulin à manioc pour le quartier", "Meunière", 4, 24),
    ("Achat d'une moto pour le taxi-moto", "Taxi-moto", 3, 26),
    ("Stock de ciment pour la quincaillerie", "Quincaillier", 2, 20),
    ("Four à pain et sacs de farine", "Boulangère", 2, 16),
)


def _product(currency: str) -> LoanProduct | None:
    return (LoanProduct.select().where((LoanProduct.currency == currency)
                                       & LoanProduct.code.startswith("HEBDO")
                                       & (LoanProduct.active == True))  # noqa: E712
            .first())


def _borrowers(currency: str, count: int, exclude: frozenset[int] | set[int] = frozenset()
               ) -> list[tuple[Member, Account]]:
    """Individual members with the best-filled savings accounts of the currency."""
    query = (Account.select(Account, Member).join(Member)
             .where((Account.kind == "savings") & (Account.currency == currency)
                    & (Account.status == "active") & (Member.kind == "person")
                    & (Member.status != "left"))
             .order_by(Account.balance.desc(), Account.id))
    out: list[tuple[Member, Account]] = []
    seen: set[int] = set()
    for acc in query:
        if acc.member_id in seen or acc.member_id in exclude:
            continue
        seen.add(acc.member_id)
        out.append((acc.member, acc))
        if len(out) == count:
            break
    return out


def build(staff: dict[str, Context], currency: str,
          exclude: frozenset[int] | set[int] = frozenset()) -> dict[str, int]:
    """Add the loans to the demo (today's tills open); returns how many of each state."""
    ctx = staff
    product = _product(currency)
    if product is None:
        return {}
    people = _borrowers(currency, len(_LOANS) + 1, exclude)
    if len(people) < len(_LOANS) + 1:
        return {}
    agent, gerant = ctx["agent"], ctx["gerant"]
    committee = [ctx["comite1"], ctx["comite2"], ctx["comite3"]]
    made: dict[str, int] = {}
    guarantor = people[-1][0]

    def enter(i: int) -> int:
        purpose, activity, times, term = _LOANS[i]
        member, acc = people[i]
        amount = product.amount_min * times
        loan_id = loan_applications.apply(agent, loan_applications.Application(
            member_id=member.id, product_id=product.id, amount=amount, term=term,
            purpose=purpose, linked_account_id=acc.id, activity=activity,
            monthly_income=amount, project_estimate=amount * 3 // 2))
        return loan_id

    def to_committee(loan_id: int) -> None:
        card = loan_eligibility.evaluate(loan_lifecycle.get_loan(loan_id),
                                         loan_lifecycle.business_today(agent))
        if not all(r.passed for r in card):
            loan_eligibility.override_eligibility(gerant, loan_id, "Membre assidu, carnet "
                                                  "d'épargne ouvert récemment")
        loan_applications.submit(agent, loan_id)
        loan_applications.record_visit(agent, loan_id, loan_lifecycle.business_today(agent),
                                       "Agent de crédit",
                                       "Activité vue sur place, stock et clients réguliers",
                                       "favourable")
        loan_applications.send_to_committee(agent, loan_id)

    def opinions(loan_id: int, n: int, favourable: bool = True) -> None:
        amount = loan_lifecycle.get_loan(loan_id).amount_requested
        for member in committee[:n]:
            if favourable:
                loan_decision.give_opinion(member, loan_id, "favourable", amount,
                                           "Activité rentable, épargne régulière")
            else:
                loan_decision.give_opinion(member, loan_id, "unfavourable", None,
                                           "Revenus insuffisants pour l'échéance")

    def count(state: str) -> None:
        made[state] = made.get(state, 0) + 1

    try:
        enter(3)  # the taxi-moto: still a draft
        count("draft")
        pending = enter(1)
        to_committee(pending)
        opinions(pending, 2)
        count("committee")
        rejected = enter(4)
        to_committee(rejected)
        opinions(rejected, 3, favourable=False)
        loan_decision.reject(gerant, rejected, "Capacité de remboursement insuffisante")
        count("rejected")
        cash_loan = enter(0)
        loan_applications.add_collateral(agent, cash_loan, "goods", product.amount_min * 3,
                                         description="Stock de pagnes wax (40 pièces)")
        to_committee(cash_loan)
        opinions(cash_loan, 3)
        loan_decision.approve(gerant, cash_loan)
        savings_loan = enter(5)
        loan_applications.add_guarantor(agent, savings_loan, guarantor.id, product.amount_min // 2)
        to_committee(savings_loan)
        opinions(savings_loan, 3)
        loan_decision.approve(gerant, savings_loan)
        waiting = enter(2)
        to_committee(waiting)
        opinions(waiting, 3)
        loan_decision.approve(gerant, waiting)
        count("approved")
    except MifinError:
        return made  # a tiny demo without the savings to back them: fewer loans
    for loan_id, mode, cashier in ((cash_loan, "cash", ctx["caissier1"]),
                                   (savings_loan, "savings", ctx["caissier2"])):
        try:
            loan_disbursement.disburse(cashier, loan_id, mode)
            count("disbursed")
        except MifinError:
            count("approved")  # stays on the waiting list
    return made
