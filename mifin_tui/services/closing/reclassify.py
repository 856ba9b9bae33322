"""The nightly closing's reclassing in the ledger (#20), after the ageing has classified
the loans (`closing.ageing`: the loan's `classification` and `restructured` are the
closing's classification, read here, never recomputed).

Every loan whose class account changed has its whole outstanding moved from where it
sits to the account of its class, one OD per class change (from, to, currency) and
batch, a pair of lines per loan (sound -> arrears / doubtful / restructured,
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
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from mifin_tui.db.models import LoanProduct
from mifin_tui.db.queries import loan_ledger as queries
from mifin_tui.i18n import Translator, _
from mifin_tui.services.closing.steps import Batch, StepRun
from mifin_tui.services.kernel import accounts, audit, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans.risk import loan_ledger
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
    loans = loan_ledger.loan_refs(ids)
    # what each loan needs: the class account its principal goes to, the reserve change
    move_to: dict[int, str] = {}  # loan id -> GL code ('' = the loan's own account)
    reserve_delta: dict[int, int] = {}
    for loan_id, state, classification, restructured, _product in rows:
        p, serviced = pos[loan_id], state in SERVICED
        code = (loan_ledger.class_code(prof, classification, bool(restructured))
                if serviced else None) or ""
        held = [c for c, (_a, bal) in p.subs.items() if bal and c != code]
        if (code and p.main_balance) or held:
            move_to[loan_id] = code
        reserve = (receivable.get(loan_id, 0)
                   if serviced and prof.reserves_interest(classification) else 0)
        if reserve != p.reserved_balance:
            reserve_delta[loan_id] = reserve - p.reserved_balance
    target: dict[int, int] = {i: pos[i].main_id for i, c in move_to.items() if not c}
    for code in sorted({c for c in move_to.values() if c}):
        target.update(loan_ledger.sub_accounts(
            [loans[i] for i, c in move_to.items() if c == code], code, day, pos))
    reserve_acc = loan_ledger.sub_accounts(
        [loans[i] for i in reserve_delta], prof.gl_keys[loan_ledger.RESERVED_KEY], day, pos)

    # one OD per class change (from, to, currency), a pair of lines per loan
    groups: dict[tuple[str, str, str], list[ledger.Line]] = defaultdict(list)
    moved: dict[str, int] = defaultdict(int)
    moves: list[str] = []
    for loan_id, code in move_to.items():
        loan, p = loans[loan_id], pos[loan_id]
        sources = [(acc, bal) for acc, bal in p.principal_accounts
                   if acc != target[loan_id] and bal]
        total = sum(bal for _a, bal in sources)
        if total <= 0:
            continue
        where = max(sources, key=lambda s: s[1])[0]
        frm = next((c for c, (a, _b) in p.subs.items() if a == where), "")
        lines = groups[(frm, code, loan.currency)]
        lines.append(ledger.Line(target[loan_id], debit=total))
        lines += [ledger.Line(acc, credit=bal) if bal > 0 else ledger.Line(acc, debit=-bal)
                  for acc, bal in sources]
        moves.append(f"{loan.number}: {_code_or_own(frm)} -> {_code_or_own(code)}")
        moved[loan.currency] += total
    postings = [ledger.Posting(
        "loan_reclassification",
        _("Loans reclassified: {frm} to {to}").format(frm=_code_or_own(frm),
                                                      to=_code_or_own(to))[:250],
        lines, "OD") for (frm, to, _cur), lines in sorted(groups.items())]

    # the reserve: one OD per direction, currency and income account
    income_of = {r[0]: r[4] for r in rows}
    gl_income = {pid: LoanProduct.get_by_id(pid).gl_interest
                 for pid in {income_of[i] for i in reserve_delta}}
    by_side: dict[tuple[bool, str, str], list[tuple[int, int]]] = defaultdict(list)
    reserved: dict[str, int] = defaultdict(int)
    for loan_id, delta in reserve_delta.items():
        cur = loans[loan_id].currency
        by_side[(delta > 0, cur, gl_income[income_of[loan_id]])].append(
            (reserve_acc[loan_id], delta))
        reserved[cur] += delta
    for (up, cur, key), items in sorted(by_side.items()):
        total = sum(abs(d) for _a, d in items)
        income = accounts.internal_account(ctx.branch_id, key, cur).id
        if up:  # interest taken to income before, now reserved
            lines = [ledger.Line(income, debit=total)]
            lines += [ledger.Line(acc, credit=d) for acc, d in items]
            label = _("Accrued interest of doubtful loans reserved")
        else:  # collected, cured or repaid: to income
            lines = [ledger.Line(acc, debit=-d) for acc, d in items]
            lines.append(ledger.Line(income, credit=total))
            label = _("Reserved interest released to income")
        postings.append(ledger.Posting("loan_interest_reserve", label, lines, "OD"))
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


def describe_reclassify(_: Translator, language: str, detail: Mapping[str, Any],
                        items: int, amounts: Mapping[str, int]) -> list[str]:
    out = []
    if detail.get("moved"):
        out.append(_.ngettext(
            "{n} loan moved to the account of its class: {loans}",
            "{n} loans moved to the account of their class: {loans}", detail["moved"]).format(
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
