"""The nightly closing's penalties (#10): the days late since the previous closing charged
to the late instalments of loans whose product charges penalties.

Penalties are charged to the instalment (`loan_penalty` rows, `penalties_due`) as a memo,
not as income: a penalty is recognised as income (`gl_penalty`) only when it is
collected, by the repayment. Penalties accrue only on loans already late, i.e. on
"créances en souffrance", whose unpaid income the prudence principle keeps out of the
result until it is cashed; booking them to a receivable would also need a matching
reserve. The closing report lists the amounts charged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import ClosingRun, Loan, LoanPenalty, LoanProduct
from mifin_tui.db.queries import closing as queries
from mifin_tui.services.closing.steps import Batch, StepRun
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.loans import repayment_plan as plan
from mifin_tui.services.loans.engine import penalties
from mifin_tui.services.loans.states import SERVICED


def previous_closed_day(branch_id: int, day: date) -> date:
    """The business day closed before `day` (penalties run over the days since: a weekend
    is charged by Monday's closing), else the day before."""
    prev = (ClosingRun.select(ClosingRun.business_date)
            .where((ClosingRun.branch == branch_id) & (ClosingRun.business_date < day))
            .order_by(ClosingRun.business_date.desc()).first())
    return prev.business_date if prev else day - timedelta(days=1)


def _penalty_candidates(branch_id: int, day: date, cursor: int, limit: int) -> list[int]:
    return queries.penalty_candidates(branch_id, SERVICED, day, cursor, limit)


def charge_penalties(loan: Loan, after: date, through: date, day: date) -> dict[int, int]:
    """The penalties of the days after `after` through `through` on one loan, recorded on
    `day`: loan_penalty rows and the instalments' penalties_due. {instalment no: amount}."""
    return charge_batch([loan.id], after, through, day).get(loan.id, {})


def charge_batch(loan_ids: Sequence[int], after: date, through: date, day: date
                 ) -> dict[int, dict[int, int]]:
    """`charge_penalties` for many loans with three queries: {loan id: {no: amount}}."""
    loans_rows = queries.penalty_loans(loan_ids)
    rules: dict[int, penalties.PenaltyRule] = {}
    for pid in {row[3] for row in loans_rows}:
        product = LoanProduct.get_by_id(pid)
        rules[pid] = penalties.rule_from_product(product, cap_amount=product.penalty_cap_amount,
                                                 cap_bp=product.penalty_cap_bp)
    by_loan: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    # penalties run on instalments due before `through` only (penalty_for_days)
    for row in queries.instalments_due_before(loan_ids, through):
        by_loan[row[0]].append(row)
    out: dict[int, dict[int, int]] = {}
    inserts, updates = [], []
    for loan_id, cur, disbursed_on, pid in loans_rows:
        rows = by_loan.get(loan_id, [])
        ids = {row[2]: row[1] for row in rows}
        state = plan.loan_state(cur, disbursed_on, rows)
        lines = penalties.penalty_for_days(state, after, through, rules[pid])
        if not lines:
            continue
        out[loan_id] = {line.no: line.amount for line in lines}
        for line in lines:
            inserts.append({"loan": loan_id, "installment": ids[line.no],
                            "business_date": day, "days": line.days, "amount": line.amount})
            updates.append((line.amount, ids[line.no]))
    if inserts:
        insert_rows(LoanPenalty, inserts)
        queries.add_penalties(updates)
    return out


def penalty_step(r: StepRun) -> None:
    after = previous_closed_day(r.branch_id, r.day)

    def fetch(cursor: int, limit: int) -> list[int]:
        return _penalty_candidates(r.branch_id, r.day, cursor, limit)

    def process(ids: Sequence[int]) -> Batch:
        amounts: dict[str, int] = defaultdict(int)
        charged = charge_batch(ids, after, r.day, r.day)
        if charged:
            currency = queries.currencies(list(charged))
            for loan_id, per_no in charged.items():
                amounts[currency[loan_id]] += sum(per_no.values())
        return Batch(cursor=ids[-1], items=len(charged), amounts=dict(amounts),
                     detail={"after": after.isoformat()})

    r.batches(fetch, process)


def describe_penalties(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                       items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_("Penalties charged on {n} late loans: {amount} (memo: income when "
             "collected).").format(n=items, amount=format_amount(amount, cur, language))
           for cur, amount in sorted(amounts.items())]
    return out or [_("No penalty to charge.")]
