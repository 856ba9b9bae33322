"""The nightly closing's interest accrual (#10), per the product's `accrual`: "daily"
books each day the interest earned so far in the instalment's period (receivable /
income), "due_date" books the instalment's whole interest on its due date. Interest paid
before it was accrued went to income already (the repayment credits the receivable only
up to what was accrued), so the accrual books only what neither accrual nor payment has
covered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from mifin_tui.db.queries import closing as queries
from mifin_tui.db.queries import loan_ledger as loan_queries
from mifin_tui.i18n import _
from mifin_tui.services.closing.steps import Batch, StepRun
from mifin_tui.services.kernel import accounts, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date, stored_date
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans.risk import loan_ledger
from mifin_tui.services.loans.states import SERVICED


def accrued_target(interest_due: int, start: date | None, due_date: date, day: date,
                   accrual: str) -> int:
    """The interest of an instalment earned by the end of `day`: all of it from its due
    date; before, with daily accrual, the share of the days elapsed since the period's
    start (the previous due date, or the disbursement), rounded down."""
    if day >= due_date:
        return interest_due
    if accrual != "daily" or start is None or day <= start:
        return 0
    period = (due_date - start).days
    return interest_due * (day - start).days // period if period > 0 else interest_due


def _reserving(loan_ids: set[int]) -> set[int]:
    """Those of these loans whose class reserves their interest (the profile's
    `reserve_interest_from`), as the last closing classified them."""
    if not loan_ids:
        return set()
    prof = loan_ledger.profile()
    if not prof.reserve_interest_from:
        return set()
    return {i for i, c in loan_queries.classifications(sorted(loan_ids)).items()
            if prof.reserves_interest(c)}


def _accrual_candidates(branch_id: int, day: date, cursor: int, limit: int) -> list[int]:
    return queries.accrual_candidates(branch_id, SERVICED, day, cursor, limit)


@requires("day.close")
def accrue_interest(ctx: Context, loan_ids: Sequence[int], day: date) -> dict[str, int]:
    """Book the interest earned and not yet booked of `loan_ids` through `day`, one OD per
    currency and pair of accounts; inside the caller's write transaction. Per currency."""
    rows = queries.accrual_rows(loan_ids, day)
    reserving = _reserving({r[10] for r in rows})
    by_pair: dict[tuple[str, str, str], int] = defaultdict(int)
    # a doubtful loan's interest is not income: receivable / its reserved interest
    reserved: dict[tuple[int, str, str], int] = defaultdict(int)
    updates = []
    for (inst_id, cur, accrual, gl_income, gl_recv, due, accrued, paid, due_on,
         start, loan_id) in rows:
        target = accrued_target(due, stored_date(start), stored_date(due_on), day, accrual)
        covered = max(accrued, paid)
        if target > covered:
            if loan_id in reserving:
                reserved[(loan_id, cur, gl_recv)] += target - covered
            else:
                by_pair[(cur, gl_recv, gl_income)] += target - covered
            updates.append((target, inst_id))
    if updates:
        queries.set_accrued(updates)
    amounts: dict[str, int] = defaultdict(int)
    if reserved:
        loans = list(loan_ledger.loan_refs([k[0] for k in reserved]).values())
        accs = loan_ledger.sub_accounts(loans, loan_ledger.profile().gl_keys[
            loan_ledger.RESERVED_KEY], day)
        pairs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for (loan_id, cur, gl_recv), amount in sorted(reserved.items()):
            pairs[(cur, gl_recv)].append((accs[loan_id], amount))
        ledger.post_many(ctx, [ledger.Posting(
            "loan_interest_accrual",
            _("Interest accrued and reserved on doubtful loans, {day}").format(
                day=format_date(day)),
            [ledger.Line(accounts.internal_account(ctx.branch_id, gl_recv, cur).id,
                         debit=sum(a for _i, a in items)),
             *(ledger.Line(acc, credit=a) for acc, a in items)],
            "OD") for (cur, gl_recv), items in sorted(pairs.items())])
        for (_l, cur, _g), amount in reserved.items():
            amounts[cur] += amount
    for (cur, gl_recv, gl_income), amount in sorted(by_pair.items()):
        ledger.post(ctx, kind="loan_interest_accrual",
                    label=_("Interest accrued on loans, {day}").format(
                        day=format_date(day)),
                    lines=[ledger.Line(accounts.internal_account(ctx.branch_id, gl_recv,
                                                                 cur).id, debit=amount),
                           ledger.Line(accounts.internal_account(ctx.branch_id, gl_income,
                                                                 cur).id, credit=amount)],
                    voucher_series="OD")
        amounts[cur] += amount
    return dict(amounts)


def interest_step(r: StepRun) -> None:

    def fetch(cursor: int, limit: int) -> list[int]:
        return _accrual_candidates(r.branch_id, r.day, cursor, limit)

    def process(ids: Sequence[int]) -> Batch:
        return Batch(cursor=ids[-1], items=len(ids),
                     amounts=accrue_interest(r.ctx, ids, r.day))

    r.batches(fetch, process)


def describe_interest(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                      items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_("Interest accrued on {n} loans: {amount} (receivable / income).").format(
        n=items, amount=format_amount(amount, cur, language))
        for cur, amount in sorted(amounts.items()) if amount]
    return out or [_("No interest to accrue.")]
