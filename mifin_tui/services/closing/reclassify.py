"""The nightly closing's reclassing in the ledger (#20), after the ageing has classified
the loans (`closing.ageing`: the loan's `classification` and `restructured` are the
closing's classification, read here, never recomputed).

For every loan whose class account changed, one OD moves its whole outstanding from
where it sits to the account of its class (sound -> arrears / doubtful / restructured,
and back when cured: `loans.loan_ledger.class_code`), so that the trial balance shows
sound and doubtful loans apart; the loan's principal accounts always sum to its
outstanding.

Then the reserved interest: from the bucket the profile names
(`reserve_interest_from`, with its text in `reserved_interest_source`), the interest
accrued and unpaid of the loan is not income but reserved on the loan's
reserved-interest account. The accrual books it there directly
(`closing.interest`); here the reserve is brought to what it must be: when the loan
turns doubtful, the accrued and unpaid interest taken to income before is moved to the
reserve (debit income); when cash came in (the receivable fell) or the loan is cured or
repaid, what the reserve no longer covers goes to income. So interest of a doubtful
loan reaches income only when it is collected, on the evening of its collection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from mifin_tui.db.models import Loan, LoanProduct
from mifin_tui.db.queries import loan_ledger as queries
from mifin_tui.i18n import _
from mifin_tui.services.closing.steps import Batch, StepRun
from mifin_tui.services.kernel import accounts, audit, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import loan_ledger
from mifin_tui.services.loans.states import SERVICED


def _performing(prof: Any) -> list[str]:
    return ["", *(b.key for b in prof.arrears_buckets if b.category == "performing")]


@requires("day.close")
def reclassify(ctx: Context, day: date, cursor: int, limit: int
               ) -> tuple[int | None, int, dict[str, int], dict[str, Any]]:
    """Move the next `limit` candidate loans after `cursor` to their class account and
    bring their reserved interest to what it must be; inside the caller's write
    transaction. (last id, loans looked at, principal moved per currency,
    {"moves": ["number: 201 -> 291", ...], "reserved": {cur: change}})."""
    prof = loan_ledger.profile()
    rows = queries.reclass_candidates(ctx.branch_id, SERVICED, cursor, limit,
                                      _performing(prof))
    if not rows:
        return None, 0, {}, {}
    ids = [r[0] for r in rows]
    pos = loan_ledger.positions(ids)
    receivable = queries.open_receivable(ids)
    loans = {lo.id: lo for lo in Loan.select().where(Loan.id.in_(ids))}
    income_keys: dict[int, str] = {}
    postings: list[ledger.Posting] = []
    moved: dict[str, int] = defaultdict(int)
    reserved: dict[str, int] = defaultdict(int)
    moves: list[str] = []
    internal: dict[tuple[str, str], int] = {}

    def internal_id(key: str, cur: str) -> int:
        if (key, cur) not in internal:
            internal[(key, cur)] = accounts.internal_account(ctx.branch_id, key, cur).id
        return internal[(key, cur)]

    for loan_id, state, classification, restructured, product_id in rows:
        loan, p = loans[loan_id], pos[loan_id]
        serviced = state in SERVICED
        code = (loan_ledger.class_code(prof, classification, bool(restructured))
                if serviced else None)
        target = p.main_id if code is None else loan_ledger.sub_account(loan, code, day)
        sources = [(acc, bal) for acc, bal in p.principal_accounts if acc != target and bal]
        total = sum(bal for _a, bal in sources)
        if sources and total > 0:
            where = max(sources, key=lambda s: s[1])[0]
            lines = [ledger.Line(target, debit=total)]
            lines += [ledger.Line(acc, credit=bal) if bal > 0
                      else ledger.Line(acc, debit=-bal) for acc, bal in sources]
            frm = next((c for c, (a, _b) in p.subs.items() if a == where), "")
            to = code or ""
            moves.append(f"{loan.number}: {_code_or_own(frm)} -> {_code_or_own(to)}")
            postings.append(ledger.Posting(
                "loan_reclassification",
                _("Loan {number} reclassified: {frm} to {to}").format(
                    number=loan.number, frm=_code_or_own(frm), to=_code_or_own(to))[:250],
                lines, "OD"))
            moved[loan.currency] += total
        reserve = (receivable.get(loan_id, 0)
                   if serviced and prof.reserves_interest(classification) else 0)
        delta = reserve - p.reserved_balance
        if delta:
            if product_id not in income_keys:
                income_keys[product_id] = LoanProduct.get_by_id(product_id).gl_interest
            income = internal_id(income_keys[product_id], loan.currency)
            account = (p.reserved[0] if p.reserved
                       else loan_ledger.reserved_account(loan, day))
            lines = ([ledger.Line(income, debit=delta), ledger.Line(account, credit=delta)]
                     if delta > 0 else
                     [ledger.Line(account, debit=-delta), ledger.Line(income, credit=-delta)])
            label = (_("Loan {number}: accrued interest reserved") if delta > 0
                     else _("Loan {number}: reserved interest released to income"))
            postings.append(ledger.Posting("loan_interest_reserve",
                                           label.format(number=loan.number)[:250],
                                           lines, "OD"))
            reserved[loan.currency] += delta
    if postings:
        ledger.post_many(ctx, postings)
    return rows[-1][0], len(rows), dict(moved), {"moves": moves,
                                                 "reserved": dict(reserved)}


def _code_or_own(code: str) -> str:
    return code or _("sound")


def reclassify_step(r: StepRun) -> None:

    # Like the ageing: fetch does the batch's work, process records it.
    def fetch(cursor: int, limit: int) -> list[tuple[Any, ...]]:
        last, n, moved, info = reclassify(r.ctx, r.day, cursor, limit)
        return [] if last is None else [(last, n, moved, info)]

    def process(done: Sequence[tuple[Any, ...]]) -> Batch:
        last, n, moved, info = done[0]
        moves = (list(r.detail.get("moves", [])) + info["moves"])[:30]
        count = r.detail.get("moved", 0) + len(info["moves"])
        reserve = dict(r.detail.get("reserved", {}))
        for cur, delta in info["reserved"].items():
            reserve[cur] = reserve.get(cur, 0) + delta
        if info["moves"]:
            audit.record(r.ctx, "closing.loan_reclassification", "business_day",
                         r.day.isoformat(), after={"moves": info["moves"]},
                         business_date=r.day)
        return Batch(cursor=last, items=n, amounts=moved,
                     detail={"moves": moves, "moved": count, "reserved": reserve})

    r.batches(fetch, process)


def describe_reclassify(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                        items: int, amounts: Mapping[str, int]) -> list[str]:
    out = []
    if detail.get("moved"):
        out.append(_("{n} loans moved to the account of their class: {loans}").format(
            n=detail["moved"], loans=", ".join(detail.get("moves", []))))
    for cur, amount in sorted(amounts.items()):
        if amount:
            out.append(_("Outstanding moved between class accounts: {amount}").format(
                amount=format_amount(amount, cur, language)))
    for cur, delta in sorted(detail.get("reserved", {}).items()):
        if delta:
            out.append((_("Interest reserved: {amount}") if delta > 0 else
                        _("Reserved interest taken to income: {amount}")).format(
                amount=format_amount(abs(delta), cur, language)))
    return out or [_("No loan changed class account.")]
