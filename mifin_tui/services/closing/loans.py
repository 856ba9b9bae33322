"""The loan steps of the nightly closing (#10, #9): automatic debits, penalties, interest
accrual, arrears ageing with classification and provisions.

Each step works in batches of loans ordered by id (the cursor is the last loan id
handled); a batch's postings, its rows and its progress commit in one transaction, so a
closing killed anywhere and run again posts nothing twice and misses nothing. The rows a
batch works on are picked by set-based SQL; only the loans that have something to do
today are read.

Accounting choices (what a COOPEC auditor expects under the BCC / BCEAO profiles):

- Penalties are charged to the instalment (`loan_penalty` rows, `penalties_due`) as a
  memo, not as income: a penalty is recognised as income (`gl_penalty`) only when it is
  collected, by the repayment. Penalties accrue only on loans already late, i.e. on
  "créances en souffrance", whose unpaid income the prudence principle keeps out of the
  result until it is cashed; booking them to a receivable would also need a matching
  reserve. The closing report lists the amounts charged.
- Interest is accrued per the product's `accrual`: "daily" books each day the interest
  earned so far in the instalment's period (receivable / income), "due_date" books the
  instalment's whole interest on its due date. Interest paid before it was accrued went
  to income already (the repayment credits the receivable only up to what was accrued),
  so the accrual books only what neither accrual nor payment has covered.
- Provisions are booked as the difference from the previous closing, one OD per batch
  and currency: an increase debits provision_expense and credits loan_loss_provisions,
  a decrease debits loan_loss_provisions and credits provision_reversal_income.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mifin_tui.db import database, write_transaction
from mifin_tui.db.bulk import insert_rows, next_id
from mifin_tui.db.models import ClosingRun, Loan, LoanClassification, LoanPenalty
from mifin_tui.i18n import _
from mifin_tui.services.admin import institution
from mifin_tui.services.kernel import accounts, audit, ledger, regulators, settings
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.engine import penalties

if TYPE_CHECKING:
    from mifin_tui.services.closing.steps import StepRun
    from mifin_tui.services.kernel.context import Context

SERVICED = ("disbursed", "active", "in_arrears")
_STATES_SQL = "('disbursed', 'active', 'in_arrears')"
# Something of the instalment is still unpaid.
_UNPAID = ('(i."principal_due" + i."interest_due" + i."fees_due" + i."penalties_due") > '
           '(i."principal_paid" + i."interest_paid" + i."fees_paid" + i."penalties_paid")')


def _batch():  # noqa: ANN202 - the closing's Batch, imported late (closing imports us)
    from mifin_tui.services.closing.steps import Batch

    return Batch


def _ids(sql: str, params: Sequence[Any]) -> list[int]:
    return [row[0] for row in database.execute_sql(sql, tuple(params)).fetchall()]


# --- automatic debit --------------------------------------------------------------------


def debit_reference(loan_number: str, day: date) -> str:
    """The reference of a loan's automatic debit of `day` (unique, like the row)."""
    return f"AD{day:%Y%m%d}-{loan_number}"


def debit_sources(loan: Loan) -> list[tuple[int, int]]:
    """The accounts an automatic debit takes from, in the set order, with what each has
    available (balance less active holds less the product's minimum balance, as
    `savings.available_balance`): the loan's linked account first, then the member's
    other active savings accounts in the loan's currency, oldest first."""
    rows = database.execute_sql(
        'SELECT a."id", a."balance" - coalesce((SELECT sum(h."amount") FROM "account_hold" h '
        'WHERE h."account_id" = a."id" AND h."status" = \'active\'), 0) '
        '- coalesce(p."min_balance", 0) FROM "account" a '
        'LEFT JOIN "savings_account" s ON s."account_id" = a."id" '
        'LEFT JOIN "savings_product" p ON p."id" = s."product_id" '
        'WHERE a."member_id" = ? AND a."kind" = \'savings\' AND a."status" = \'active\' '
        'AND a."currency" = ? ORDER BY a."id" <> ?, a."id"',
        (loan.member_id, loan.currency, loan.linked_account_id or 0)).fetchall()
    return [(i, max(avail, 0)) for i, avail in rows]


class _Cache:
    """What a batch of debits looks up once: products, internal accounts, the vault."""

    def __init__(self, branch_id: int) -> None:
        self.branch_id = branch_id
        self.products: dict[int, Any] = {}
        self.internal: dict[tuple[str, str], int] = {}
        self.vault: int | None = None

    def product(self, product_id: int) -> Any:
        if product_id not in self.products:
            from mifin_tui.db.models import LoanProduct

            self.products[product_id] = LoanProduct.get_by_id(product_id)
        return self.products[product_id]

    def account(self, gl_key: str, cur: str) -> int:
        if (gl_key, cur) not in self.internal:
            self.internal[(gl_key, cur)] = accounts.internal_account(self.branch_id, gl_key,
                                                                     cur).id
        return self.internal[(gl_key, cur)]

    def vault_id(self) -> int:
        if self.vault is None:
            from mifin_tui.services.cash import tills

            self.vault = tills.vault_of(self.branch_id).id
        return self.vault


@requires("day.close")
def debit_loan(ctx: Context, loan_id: int, day: date, cache: _Cache | None = None
               ) -> tuple[int, int] | None:
    """Take what is due on `day` (due today and overdue) from the borrower's savings, as
    far as their available balances allow: one BR transaction with its reference, a
    repayment row (channel auto_debit) with its allocation rows and the instalments
    settled dated. Inside the caller's write transaction. Returns (amount taken, amount
    still due), or None when nothing was due, nothing available or the loan was already
    debited that day. The batch path (`debit_loans`) with one loan."""
    return debit_loans(ctx, [loan_id], day, cache).get(loan_id)


@dataclass
class _Debit:
    """One loan's automatic debit, planned in Python before the batch is written."""

    loan_id: int
    number: str
    state: str
    currency: str
    member_id: int
    account_id: int
    taken: int
    arrears: int
    lines: list[ledger.Line]
    alloc: engine.Allocation
    inst_ids: dict[int, int]
    paid_on: dict[int, Any]
    reference: str
    label: str
    source_account_id: int
    balance_after: int

    @property
    def moves_state(self) -> bool:
        # the loan becomes active or closed: its moves and audit rows follow its debit
        return self.state == "disbursed" or self.balance_after == 0


def _in(ids: Sequence[Any]) -> str:
    return ",".join("?" * len(ids))


def _sources_of(member_ids: Sequence[int]) -> dict[tuple[int, str], list[list[int]]]:
    """The active savings accounts of these members with what each has available (as
    `debit_sources`), per (member, currency), oldest first."""
    out: dict[tuple[int, str], list[list[int]]] = defaultdict(list)
    members = sorted(set(member_ids))
    for k in range(0, len(members), 500):
        chunk = members[k:k + 500]
        for acc_id, member_id, cur, avail in database.execute_sql(
                'SELECT a."id", a."member_id", a."currency", a."balance" - coalesce((SELECT '
                'sum(h."amount") FROM "account_hold" h WHERE h."account_id" = a."id" AND '
                'h."status" = \'active\'), 0) - coalesce(p."min_balance", 0) FROM "account" a '
                'LEFT JOIN "savings_account" s ON s."account_id" = a."id" '
                'LEFT JOIN "savings_product" p ON p."id" = s."product_id" '
                f'WHERE a."member_id" IN ({_in(chunk)}) AND a."kind" = \'savings\' '
                'AND a."status" = \'active\' ORDER BY a."id"', tuple(chunk)).fetchall():
            out[(member_id, cur)].append([acc_id, avail])
    return out


def _plan_one(row: Sequence[Any], insts: Sequence[Sequence[Any]],
              sources: dict[tuple[int, str], list[list[int]]], day: date,
              cache: _Cache) -> _Debit | None:
    """What `debit_loan` takes from which account and how it is applied; the sources'
    available amounts are lowered by what it takes (a member's next loan sees the
    rest)."""
    loan_id, number, state_, member_id, cur, product_id, account_id, linked, disbursed = row
    state = engine.LoanState(cur, _as_date(disbursed) or date.min, tuple(
        engine.InstalmentState(r[1], _as_date(r[2]), *r[3:11]) for r in insts))
    # interest paid settles first what the accrual booked to the receivable
    open_accrued = {r[1]: max(r[11] - r[8], 0) for r in insts}
    due = engine.amount_due(state, day).total
    if due <= 0:
        return None
    accs = sorted(sources.get((member_id, cur), []), key=lambda a: (a[0] != (linked or 0), a[0]))
    plan = engine.plan_debit(due, [(a[0], max(a[1], 0)) for a in accs])
    if plan.taken <= 0:
        return None
    product = cache.product(product_id)
    alloc = engine.allocate(state, plan.taken, day, engine.AllocationPolicy(
        order=tuple(product.allocation_order.split(",")), excess=engine.EXCESS_REFUSE))
    parts = alloc.applied
    receivable = sum(min(line.interest, open_accrued[line.no]) for line in alloc.lines)
    lines = [ledger.Line(line.account_id, debit=line.amount) for line in plan.lines]
    for gl_key, part in ((None, parts.principal),
                         (product.gl_interest_receivable, receivable),
                         (product.gl_interest, parts.interest - receivable),
                         (product.gl_penalty, parts.penalties), (product.gl_fees, parts.fees)):
        if part:
            lines.append(ledger.Line(account_id if gl_key is None
                                     else cache.account(gl_key, cur), credit=part))
    taken = {line.account_id: line.amount for line in plan.lines}
    for a in accs:
        a[1] -= taken.get(a[0], 0)
    reference = debit_reference(number, day)
    label = _("Automatic debit, loan {number}").format(number=number)
    return _Debit(loan_id, number, state_, cur, member_id, account_id, plan.taken,
                  plan.arrears, lines, alloc, {r[1]: r[0] for r in insts},
                  {r[1]: r[12] for r in insts}, reference, f"{label} ({reference})"[:250],
                  plan.lines[0].account_id, engine.outstanding(alloc.state).total)


def _write(ctx: Context, debits: Sequence[_Debit], day: date, cache: _Cache) -> None:
    """The rows of these planned debits, in a few multi-row statements: the rows
    `repayments.repay_within` would write for the auto_debit channel (the BR transaction
    and its voucher row, the repayment with its allocation rows, the instalments' paid
    amounts and `paid_on`), without building the printable voucher per loan (the BR
    prints from the books). A debit that moves its loan's state must be the last."""
    from mifin_tui.db.models import Member, Repayment, RepaymentAllocation, Voucher
    from mifin_tui.services.loans import applications as loans
    from mifin_tui.services.loans import disbursement as loan_disbursement
    from mifin_tui.services.members import register as members

    posted = ledger.post_many(ctx, [ledger.Posting("loan_repayment", d.label, d.lines, "BR")
                                    for d in debits])
    if any(p.voucher_number is None for p in posted):
        raise RuntimeError("a BR posting came back without its voucher number")
    # the name columns only, as plain rows: a batch names thousands of holders
    holders = {m.id: members.display_name(m) for m in Member.select(
        Member.id, Member.kind, Member.legal_name, Member.surname, Member.postname,
        Member.first_name).where(Member.id.in_(sorted({d.member_id for d in debits})))
        .namedtuples()}
    vouchers, reps, allocs, updates = [], [], [], []
    first = next_id("repayment")
    for k, (d, p) in enumerate(zip(debits, posted, strict=True)):
        vouchers.append({"txn": p.txn_id, "number": p.voucher_number, "series": "BR",
                         "direction": "in", "till": cache.vault_id(), "session": None,
                         "client_account": d.account_id, "currency": d.currency,
                         "amount": d.taken, "party_name": holders[d.member_id],
                         "purpose": d.label})
        parts = d.alloc.applied
        reps.append({"id": first + k, "loan": d.loan_id, "txn": p.txn_id,
                     "business_date": p.business_date, "channel": "auto_debit",
                     "amount": parts.total, "principal": parts.principal,
                     "interest": parts.interest, "fees": parts.fees,
                     "penalties": parts.penalties, "balance_after": d.balance_after,
                     "kind": "repayment", "reference": d.reference,
                     "source_account": d.source_account_id, "created_by": ctx.user_id})
        settled = {i.no for i in d.alloc.state.instalments if i.settled}
        for line in d.alloc.lines:
            inst = d.inst_ids[line.no]
            paid_on = d.paid_on[line.no]
            if line.no in settled and paid_on is None:
                paid_on = p.business_date.isoformat()
            updates.append((line.principal, line.interest, line.fees, line.penalties,
                            paid_on, inst))
            allocs.append({"repayment": first + k, "installment": inst,
                           "principal": line.principal, "interest": line.interest,
                           "fees": line.fees, "penalties": line.penalties})
    insert_rows(Voucher, vouchers)
    insert_rows(Repayment, reps)
    insert_rows(RepaymentAllocation, allocs)
    database.cursor().executemany(
        'UPDATE "loan_installment" SET "principal_paid" = "principal_paid" + ?, '
        '"interest_paid" = "interest_paid" + ?, "fees_paid" = "fees_paid" + ?, '
        '"penalties_paid" = "penalties_paid" + ?, "paid_on" = ? WHERE "id" = ?', updates)
    last, voucher = debits[-1], posted[-1].voucher_number
    if last.moves_state:
        if last.state == "disbursed":
            loan_disbursement.mark_active_within(ctx, last.loan_id, voucher)
        if last.balance_after == 0:
            loans.move(ctx, Loan.get_by_id(last.loan_id), "closed", voucher)
            loan_disbursement.release_within(ctx, last.loan_id)


@requires("day.close")
def debit_loans(ctx: Context, loan_ids: Sequence[int], day: date, cache: _Cache | None = None,
                failed: list[str] | None = None) -> dict[int, tuple[int, int]]:
    """`debit_loan` for a batch of loans, in id order, with the same rows as one call per
    loan: each loan's plan is computed in Python (its schedule and the member's savings
    read for the whole batch at once) and the batch written with a few statements.
    Inside the caller's write transaction. (amount taken, amount still due) per loan
    debited. With `failed`, a loan whose debit is refused (a MifinError) is listed there
    and leaves nothing, the others are debited; without, the error propagates."""
    cache = cache or _Cache(ctx.branch_id)
    ids = sorted(set(loan_ids))
    if not ids:
        return {}
    rows = database.execute_sql(
        'SELECT "id", "number", "state", "member_id", "currency", "product_id", '
        '"account_id", "linked_account_id", "disbursed_on" FROM "loan" '
        f'WHERE "id" IN ({_in(ids)}) ORDER BY "id"', tuple(ids)).fetchall()
    rows = [r for r in rows if r[2] in SERVICED]
    ids = [r[0] for r in rows]
    if not ids:
        return {}
    done_today = set(_ids(
        f'SELECT "loan_id" FROM "repayment" WHERE "loan_id" IN ({_in(ids)}) '
        'AND "business_date" = ? AND "channel" = \'auto_debit\'', (*ids, day.isoformat())))
    insts: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for r in database.execute_sql(
            'SELECT "loan_id", "id", "no", "due_date", "principal_due", "interest_due", '
            '"fees_due", "penalties_due", "principal_paid", "interest_paid", "fees_paid", '
            '"penalties_paid", "interest_accrued", "paid_on" FROM "loan_installment" '
            f'WHERE "loan_id" IN ({_in(ids)}) ORDER BY "loan_id", "no"', tuple(ids)):
        insts[r[0]].append(r[1:])
    sources = _sources_of([r[3] for r in rows])
    out: dict[int, tuple[int, int]] = {}
    pending: list[_Debit] = []

    def write(batch: list[_Debit]) -> None:
        """Write a batch; with `failed`, a refused batch is retried loan by loan."""
        if failed is None:
            _write(ctx, batch, day, cache)
        else:
            try:
                if batch[-1].moves_state:
                    with write_transaction():  # a savepoint: its state moves may refuse
                        _write(ctx, batch, day, cache)
                else:
                    # No savepoint (on a big book, one costs five times the batch's
                    # inserts): without a state move only `ledger.post_many` refuses,
                    # and it refuses before it writes anything.
                    _write(ctx, batch, day, cache)
            except MifinError:
                # one by one, each in its savepoint, from the books as they are then
                for d in batch:
                    try:
                        with write_transaction():
                            got = debit_loans(ctx, [d.loan_id], day, cache)
                    except MifinError as exc:
                        failed.append(f"{d.number}: {exc}"[:200])
                        continue
                    out.update(got)
                return
        for d in batch:
            out[d.loan_id] = (d.taken, d.arrears)

    def flush() -> None:
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        # a debit that moves its loan's state comes last: written on its own, so that a
        # refusal of its move leaves the others written
        moving = [batch.pop()] if batch[-1].moves_state and failed is not None else []
        for part in (batch, moving):
            if part:
                write(part)

    for row in rows:
        if row[0] in done_today:
            continue
        try:
            debit = _plan_one(row, insts[row[0]], sources, day, cache)
        except MifinError as exc:
            if failed is None:
                raise
            failed.append(f"{row[1]}: {exc}"[:200])
            continue
        if debit is None:
            continue
        pending.append(debit)
        if debit.moves_state:
            # its state moves (and a closed loan's released holds) come before the next
            # loan's debit, which then sees the savings as they are
            flush()
            rest = [r[3] for r in rows if r[0] > row[0]]
            sources = _sources_of(rest) if rest else {}
    flush()
    return out


def _holder(member_id: int) -> str:
    from mifin_tui.db.models import Member
    from mifin_tui.services.members import register as members

    return members.display_name(Member.get_by_id(member_id))


def _debit_candidates(branch_id: int, day: date, cursor: int, limit: int) -> list[int]:
    # Loans with something due and unpaid, not yet debited today, whose borrower has
    # something available (balance - active holds - product minimum, as
    # savings.available_balance and debit_sources) on a savings account in the loan's
    # currency: the others are skipped here, in SQL, rather than read one by one (the
    # ageing step still ages them).
    return _ids(
        'SELECT l."id" FROM "loan" l WHERE l."branch_id" = ? AND l."state" IN '
        f'{_STATES_SQL} AND l."id" > ? '
        'AND EXISTS (SELECT 1 FROM "loan_installment" i WHERE i."loan_id" = l."id" '
        f'AND i."due_date" <= ? AND {_UNPAID}) '
        'AND EXISTS (SELECT 1 FROM "account" a WHERE a."member_id" = l."member_id" '
        'AND a."kind" = \'savings\' AND a."status" = \'active\' '
        'AND a."currency" = l."currency" AND a."balance" > coalesce((SELECT sum(h."amount") '
        'FROM "account_hold" h WHERE h."account_id" = a."id" AND h."status" = \'active\'), 0) '
        '+ coalesce((SELECT p."min_balance" FROM "savings_account" s JOIN "savings_product" p '
        'ON p."id" = s."product_id" WHERE s."account_id" = a."id"), 0)) '
        'AND NOT EXISTS (SELECT 1 FROM "repayment" r WHERE r."loan_id" = l."id" '
        'AND r."business_date" = ? AND r."channel" = \'auto_debit\') '
        'ORDER BY l."id" LIMIT ?',
        (branch_id, cursor, day.isoformat(), day.isoformat(), limit))


@requires("day.close")
def debit_due(ctx: Context, day: date, *, batch_size: int = 500) -> dict[str, int]:
    """The automatic debits of `day` outside the closing (one transaction per batch of
    loans): the amounts taken per currency. A rerun takes nothing twice."""
    taken: dict[str, int] = defaultdict(int)
    cursor = 0
    while True:
        with write_transaction():
            ids = _debit_candidates(ctx.branch_id, day, cursor, batch_size)
            if not ids:
                return dict(taken)
            done = debit_loans(ctx, ids, day, _Cache(ctx.branch_id))
            if done:
                currency = dict(database.execute_sql(
                    f'SELECT "id", "currency" FROM "loan" WHERE "id" IN ({_in(list(done))})',
                    tuple(done)).fetchall())
                for loan_id, (amount, _left) in done.items():
                    taken[currency[loan_id]] += amount
            cursor = ids[-1]


def auto_debit(r: StepRun) -> None:
    Batch = _batch()

    def fetch(cursor: int, limit: int) -> list[int]:
        return _debit_candidates(r.branch_id, r.day, cursor, limit)

    def process(ids: Sequence[int]) -> Batch:
        amounts: dict[str, int] = defaultdict(int)
        arrears: dict[str, int] = dict(r.detail.get("arrears", {}))
        failed = list(r.detail.get("failed", []))
        done = debit_loans(r.ctx, ids, r.day, _Cache(r.branch_id), failed)
        info = {row[0]: row[1:] for row in database.execute_sql(
            f'SELECT "id", "number", "currency" FROM "loan" WHERE "id" IN ({_in(list(done))})',
            tuple(done)).fetchall()} if done else {}
        debited = []
        for loan_id in sorted(done):
            number, cur = info[loan_id]
            taken, left = done[loan_id]
            amounts[cur] += taken
            arrears[cur] = arrears.get(cur, 0) + left
            debited.append([number, taken, left])
        items = len(debited)
        if debited:
            audit.record(r.ctx, "closing.auto_debit", "business_day", r.day.isoformat(),
                         after={"debits": debited}, business_date=r.day)
        return Batch(cursor=ids[-1], items=items, amounts=dict(amounts),
                     detail={"arrears": arrears, "failed": failed[:20]})

    r.batches(fetch, process)


def describe_auto_debit(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                        items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_("{n} loans debited from savings: {amount}; still unpaid on them: {left}.").format(
        n=items, amount=format_amount(amount, cur, language),
        left=format_amount(detail.get("arrears", {}).get(cur, 0), cur, language))
        for cur, amount in sorted(amounts.items())]
    out += [_("Not debited: {why}").format(why=why) for why in detail.get("failed", [])]
    return out or [_("No instalment to debit.")]


# --- penalties --------------------------------------------------------------------------


def previous_closed_day(branch_id: int, day: date) -> date:
    """The business day closed before `day` (penalties run over the days since: a weekend
    is charged by Monday's closing), else the day before."""
    prev = (ClosingRun.select(ClosingRun.business_date)
            .where((ClosingRun.branch == branch_id) & (ClosingRun.business_date < day))
            .order_by(ClosingRun.business_date.desc()).first())
    return prev.business_date if prev else day - timedelta(days=1)


def _penalty_candidates(branch_id: int, day: date, cursor: int, limit: int) -> list[int]:
    return _ids(
        'SELECT l."id" FROM "loan" l JOIN "loan_product" p ON p."id" = l."product_id" '
        f'WHERE l."branch_id" = ? AND l."state" IN {_STATES_SQL} AND l."id" > ? '
        'AND p."penalty_kind" <> \'none\' AND p."penalty_value" > 0 '
        'AND EXISTS (SELECT 1 FROM "loan_installment" i WHERE i."loan_id" = l."id" '
        'AND i."due_date" < ? AND (i."principal_due" + i."interest_due") > '
        '(i."principal_paid" + i."interest_paid")) ORDER BY l."id" LIMIT ?',
        (branch_id, cursor, day.isoformat(), limit))


def charge_penalties(loan: Loan, after: date, through: date, day: date) -> dict[int, int]:
    """The penalties of the days after `after` through `through` on one loan, recorded on
    `day`: loan_penalty rows and the instalments' penalties_due. {instalment no: amount}."""
    return charge_batch([loan.id], after, through, day).get(loan.id, {})


def charge_batch(loan_ids: Sequence[int], after: date, through: date, day: date
                 ) -> dict[int, dict[int, int]]:
    """`charge_penalties` for many loans with three queries: {loan id: {no: amount}}."""
    from mifin_tui.db.models import LoanProduct

    marks = ",".join("?" * len(loan_ids))
    loans_rows = database.execute_sql(
        f'SELECT "id", "currency", "disbursed_on", "product_id" FROM "loan" '
        f'WHERE "id" IN ({marks}) ORDER BY "id"', tuple(loan_ids)).fetchall()
    rules: dict[int, penalties.PenaltyRule] = {}
    for pid in {row[3] for row in loans_rows}:
        product = LoanProduct.get_by_id(pid)
        rules[pid] = penalties.rule_from_product(product, cap_amount=product.penalty_cap_amount,
                                                 cap_bp=product.penalty_cap_bp)
    by_loan: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in database.execute_sql(
            'SELECT "loan_id", "id", "no", "due_date", "principal_due", "interest_due", '
            '"fees_due", "penalties_due", "principal_paid", "interest_paid", "fees_paid", '
            f'"penalties_paid" FROM "loan_installment" WHERE "loan_id" IN ({marks}) '
            # penalties run on instalments due before `through` only (penalty_for_days)
            'AND "due_date" < ? ORDER BY "loan_id", "no"',
            (*loan_ids, through.isoformat())).fetchall():
        by_loan[row[0]].append(row)
    out: dict[int, dict[int, int]] = {}
    inserts, updates = [], []
    for loan_id, cur, disbursed_on, pid in loans_rows:
        rows = by_loan.get(loan_id, [])
        ids = {row[2]: row[1] for row in rows}
        state = engine.LoanState(cur, _as_date(disbursed_on) or date.min, tuple(
            engine.InstalmentState(row[2], _as_date(row[3]), *row[4:12]) for row in rows))
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
        database.cursor().executemany(
            'UPDATE "loan_installment" SET "penalties_due" = "penalties_due" + ? '
            'WHERE "id" = ?', updates)
    return out


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return _parse_date(value)


@functools.lru_cache(maxsize=4096)
def _parse_date(text: str) -> date:
    # a closing reads the due dates of a million instalments: a few hundred distinct ones
    return date.fromisoformat(str(text)[:10])


def penalty_step(r: StepRun) -> None:
    Batch = _batch()
    after = previous_closed_day(r.branch_id, r.day)

    def fetch(cursor: int, limit: int) -> list[int]:
        return _penalty_candidates(r.branch_id, r.day, cursor, limit)

    def process(ids: Sequence[int]) -> Batch:
        amounts: dict[str, int] = defaultdict(int)
        charged = charge_batch(ids, after, r.day, r.day)
        if charged:
            currency = dict(database.execute_sql(
                'SELECT "id", "currency" FROM "loan" WHERE "id" IN (%s)'
                % ",".join("?" * len(charged)), tuple(charged)).fetchall())
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


# --- interest accrual -------------------------------------------------------------------


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


def _accrual_candidates(branch_id: int, day: date, cursor: int, limit: int) -> list[int]:
    return _ids(
        'SELECT l."id" FROM "loan" l JOIN "loan_product" p ON p."id" = l."product_id" '
        f'WHERE l."branch_id" = ? AND l."state" IN {_STATES_SQL} AND l."id" > ? '
        'AND EXISTS (SELECT 1 FROM "loan_installment" i WHERE i."loan_id" = l."id" '
        'AND i."interest_accrued" < i."interest_due" '
        'AND i."interest_paid" < i."interest_due" '
        'AND (i."due_date" <= ? OR p."accrual" = \'daily\')) ORDER BY l."id" LIMIT ?',
        (branch_id, cursor, day.isoformat(), limit))


@requires("day.close")
def accrue_interest(ctx: Context, loan_ids: Sequence[int], day: date) -> dict[str, int]:
    """Book the interest earned and not yet booked of `loan_ids` through `day`, one OD per
    currency and pair of accounts; inside the caller's write transaction. Per currency."""
    marks = ",".join("?" * len(loan_ids))
    rows = database.execute_sql(
        'SELECT i."id", l."currency", p."accrual", p."gl_interest", '
        'p."gl_interest_receivable", i."interest_due", i."interest_accrued", '
        'i."interest_paid", i."due_date", coalesce((SELECT max(j."due_date") FROM '
        '"loan_installment" j WHERE j."loan_id" = i."loan_id" AND j."no" < i."no"), '
        'l."disbursed_on") FROM "loan_installment" i JOIN "loan" l ON l."id" = i."loan_id" '
        'JOIN "loan_product" p ON p."id" = l."product_id" '
        f'WHERE i."loan_id" IN ({marks}) AND i."interest_accrued" < i."interest_due" '
        'AND i."interest_paid" < i."interest_due" '
        # accrued at its due date: the later instalments have nothing yet (most rows)
        'AND (i."due_date" <= ? OR p."accrual" = \'daily\') ORDER BY i."id"',
        (*loan_ids, day.isoformat())).fetchall()
    by_pair: dict[tuple[str, str, str], int] = defaultdict(int)
    updates = []
    for (inst_id, cur, accrual, gl_income, gl_recv, due, accrued, paid, due_on,
         start) in rows:
        target = accrued_target(due, date.fromisoformat(str(start)[:10]) if start else None,
                                date.fromisoformat(str(due_on)[:10]), day, accrual)
        covered = max(accrued, paid)
        if target > covered:
            by_pair[(cur, gl_recv, gl_income)] += target - covered
            updates.append((target, inst_id))
    if updates:
        database.cursor().executemany(
            'UPDATE "loan_installment" SET "interest_accrued" = ? WHERE "id" = ?', updates)
    amounts: dict[str, int] = defaultdict(int)
    for (cur, gl_recv, gl_income), amount in sorted(by_pair.items()):
        ledger.post(ctx, kind="loan_interest_accrual",
                    label=_("Interest accrued on loans, {day}").format(
                        day=day.strftime("%d/%m/%Y")),
                    lines=[ledger.Line(accounts.internal_account(ctx.branch_id, gl_recv,
                                                                 cur).id, debit=amount),
                           ledger.Line(accounts.internal_account(ctx.branch_id, gl_income,
                                                                 cur).id, credit=amount)],
                    voucher_series="OD")
        amounts[cur] += amount
    return dict(amounts)


def interest_step(r: StepRun) -> None:
    Batch = _batch()

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


# --- ageing, classification, provisions -------------------------------------------------


def _profile() -> regulators.RegulatorProfile:
    profile = regulators.get_profile(institution.info().regulator)
    rates = settings.get("loan_provision_rates")
    return regulators.with_provision_rates(profile, rates) if rates else profile


def _pledged(numbers: Sequence[str]) -> dict[str, int]:
    """The savings held as collateral or guarantee of each loan (its holds)."""
    if not numbers:
        return {}
    marks = ",".join("?" * len(numbers))
    return {row[0][5:]: row[1] for row in database.execute_sql(
        'SELECT "process", sum("amount") FROM "account_hold" WHERE "status" = \'active\' '
        f'AND "process" IN ({marks}) GROUP BY "process"',
        tuple(f"loan:{n}" for n in numbers)).fetchall()}


@requires("day.close")
def age_loans(ctx: Context, day: date, cursor: int, limit: int, *, month_end: bool
              ) -> tuple[int | None, int, dict[str, int], dict[str, Any]]:
    """Age the next `limit` serviced loans after `cursor`: days past due, active <->
    in_arrears, classification and provision under the regulator profile, the provision
    difference booked, loan_classification rows on change (every loan at month end).
    Inside the caller's write transaction. (last id, loans, provision change per
    currency, {"moves": [...], "classes": {class: n}})."""
    rows = database.execute_sql(
        'SELECT l."id", l."number", l."currency", l."state", l."classification", '
        'l."provision", l."days_past_due", '
        f'min(CASE WHEN i."due_date" <= ? AND {_UNPAID} THEN i."due_date" END), '
        'sum(i."principal_due" - i."principal_paid") '
        'FROM "loan" l JOIN "loan_installment" i ON i."loan_id" = l."id" '
        f'WHERE l."branch_id" = ? AND l."state" IN {_STATES_SQL} AND l."id" > ? '
        'GROUP BY l."id" ORDER BY l."id" LIMIT ?',
        (day.isoformat(), ctx.branch_id, cursor, limit)).fetchall()
    if not rows:
        return None, 0, {}, {}
    profile = _profile()
    pledged = (_pledged([r[1] for r in rows])
               if profile.provisioning_base == "outstanding_less_pledged_deposits" else {})
    changes: dict[str, int] = defaultdict(int)
    history = []
    updates = []
    moves: list[tuple[int, str, str]] = []
    classes: dict[str, int] = defaultdict(int)
    for (loan_id, number, cur, state, old_class, old_prov, old_dpd, oldest,
         principal) in rows:
        dpd = (day - date.fromisoformat(str(oldest)[:10])).days if oldest else 0
        bucket = regulators.bucket_for_days(profile, dpd)
        _base, prov = penalties.provision(principal, pledged.get(number, 0),
                                          profile.provisioning_base, bucket.provision_rate_bp)
        prov = prov or 0
        classes[bucket.key] += 1
        if prov != old_prov:
            changes[cur] += prov - old_prov
        if (dpd, bucket.key, prov) != (old_dpd, old_class, old_prov):
            updates.append((dpd, bucket.key, prov, loan_id))
        if month_end or bucket.key != old_class or prov != old_prov:
            history.append({"loan": loan_id, "business_date": day, "days_past_due": dpd,
                            "classification": bucket.key, "outstanding": principal,
                            "provision": prov})
        late = dpd > 0
        if state in ("active", "disbursed") and late:
            moves.append((loan_id, number, "in_arrears"))
        elif state == "in_arrears" and not late:
            moves.append((loan_id, number, "active"))
    if updates:
        database.cursor().executemany(
            'UPDATE "loan" SET "days_past_due" = ?, "classification" = ?, "provision" = ? '
            'WHERE "id" = ?', updates)
    if history:
        insert_rows(LoanClassification, history, replace=True)
    if moves:
        _move_all(ctx, day, moves, {r[0]: r[3] for r in rows})
    for cur, delta in sorted(changes.items()):
        if delta:
            _book_provision(ctx, cur, delta, day)
    return rows[-1][0], len(rows), dict(changes), {
        "moves": [f"{n}: {to}" for _i, n, to in moves], "classes": dict(classes)}


def _move_all(ctx: Context, day: date, moves: Sequence[tuple[int, str, str]],
              states: Mapping[int, str]) -> None:
    """active <-> in_arrears for a batch of loans: the state and one loan_event per move
    (a loan disbursed, never repaid and late goes through active), in bulk; the step
    audits the batch's moves in one row."""
    from mifin_tui.db.models import LoanEvent
    from mifin_tui.services.kernel import clock

    now = clock.now()
    note = _("Nightly closing: arrears ageing")
    events = []
    for to in ("active", "in_arrears"):
        ids = [loan_id for loan_id, _n, target in moves if target == to]
        if ids:
            Loan.update(state=to).where(Loan.id.in_(ids)).execute()
    for loan_id, _n, to in moves:
        frm = states[loan_id]
        if frm == "disbursed":
            events.append({"loan": loan_id, "from_state": frm, "to_state": "active",
                           "user": ctx.user_id, "at": now, "business_date": day,
                           "note": note})
            frm = "active"
        events.append({"loan": loan_id, "from_state": frm, "to_state": to,
                       "user": ctx.user_id, "at": now, "business_date": day, "note": note})
    insert_rows(LoanEvent, events)


def _book_provision(ctx: Context, cur: str, delta: int, day: date) -> None:
    provisions = accounts.internal_account(ctx.branch_id, "loan_loss_provisions", cur).id
    label = _("Loan-loss provisions at {day}").format(day=day.strftime("%d/%m/%Y"))
    if delta > 0:
        expense = accounts.internal_account(ctx.branch_id, "provision_expense", cur).id
        lines = [ledger.Line(expense, debit=delta), ledger.Line(provisions, credit=delta)]
    else:
        income = accounts.internal_account(ctx.branch_id, "provision_reversal_income", cur).id
        lines = [ledger.Line(provisions, debit=-delta), ledger.Line(income, credit=-delta)]
    ledger.post(ctx, kind="loan_provision", label=label, lines=lines, voucher_series="OD")


def ageing_step(r: StepRun) -> None:
    Batch = _batch()

    # Every serviced loan is aged: fetch returns the batch's result, process records it.
    def fetch(cursor: int, limit: int) -> list[tuple[Any, ...]]:
        last, n, changes, info = age_loans(r.ctx, r.day, cursor, limit,
                                           month_end=r.month_end)
        return [] if last is None else [(last, n, changes, info)]

    def process(done: Sequence[tuple[Any, ...]]) -> Batch:
        last, n, changes, info = done[0]
        moves = (list(r.detail.get("moves", [])) + info["moves"])[:30]
        classes = dict(r.detail.get("classes", {}))
        for key, count in info["classes"].items():
            classes[key] = classes.get(key, 0) + count
        moved = r.detail.get("moved", 0) + len(info["moves"])
        if info["moves"]:
            audit.record(r.ctx, "closing.loan_ageing", "business_day", r.day.isoformat(),
                         after={"moves": info["moves"]}, business_date=r.day)
        return Batch(cursor=last, items=n, amounts=changes,
                     detail={"moves": moves, "moved": moved, "classes": classes})

    r.batches(fetch, process)


def describe_ageing(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                    items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_("{n} loans aged and classified.").format(n=items)]
    classes = detail.get("classes", {})
    if classes:
        out.append(", ".join(f"{k}: {v}" for k, v in sorted(classes.items())))
    if detail.get("moved"):
        out.append(_("{n} loans changed state: {loans}").format(
            n=detail["moved"], loans=", ".join(detail.get("moves", []))))
    for cur, delta in sorted(amounts.items()):
        if delta:
            out.append((_("Provisions increased by {amount}") if delta > 0 else
                        _("Provisions reversed by {amount}")).format(
                amount=format_amount(abs(delta), cur, language)))
    return out
