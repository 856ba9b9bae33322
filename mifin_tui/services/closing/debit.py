"""The nightly closing's automatic debit (#10): what is due on a loan (today and
overdue) taken from the borrower's savings, as far as their available balances allow:
its linked account and the member's free savings, any other account only through a
standing order the member signed naming the loan (#20, `savings.standing_orders`).

Each batch of loans (ordered by id, the cursor the last one handled) is planned in Python
by the repayments' pure planner (`loans.repayment_plan`: the loan's schedule, the
member's savings read for the whole batch at once) and written by the repayments' one
writer (`loans.repayment_writer`), the rows a counter repayment on the auto_debit
channel writes (without printing the voucher per loan: the BR prints from the books).
A batch's postings, rows and progress commit together, so a closing killed anywhere and
run again debits nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mifin_tui.db import write_transaction
from mifin_tui.db.models import LoanProduct, Member
from mifin_tui.db.queries import closing as queries
from mifin_tui.db.queries import repayments as instalment_queries
from mifin_tui.db.queries import standing_orders as order_queries
from mifin_tui.i18n import Translator, _
from mifin_tui.services.closing.steps import Batch, StepRun
from mifin_tui.services.kernel import accounts, audit, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import repayment_plan as plan
from mifin_tui.services.loans import repayment_writer as writer
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.risk import loan_ledger
from mifin_tui.services.loans.states import SERVICED
from mifin_tui.services.members import register as members
from mifin_tui.services.savings.products import FREE


def debit_reference(loan_number: str, day: date) -> str:
    """The reference of a loan's automatic debit of `day` (unique, like the row)."""
    return f"AD{day:%Y%m%d}-{loan_number}"


def _sources_of(member_ids: Sequence[int]) -> dict[tuple[int, str], list[list[Any]]]:
    """The savings accounts of these members an automatic debit may look at, with what
    each has available (`db.queries.balances`) and whether it is free savings, per
    (member, currency), oldest first (lists: a batch lowers them as it takes). Which of
    them a given loan may take is `_allowed`."""
    out: dict[tuple[int, str], list[list[Any]]] = defaultdict(list)
    for acc_id, member_id, cur, kind, *parts in order_queries.debit_sources(member_ids):
        out[(member_id, cur)].append([acc_id, engine.available_balance(*parts), kind == FREE])
    return out


def _allowed(accs: Sequence[list[Any]], linked: int | None, ordered: set[int]
             ) -> list[list[Any]]:
    """What a loan's debit may take (DOMAIN.md, standing order): its linked account
    first, the member's free savings, and any other account (programmed, blocked, tontine,
    interest-bearing) only through a standing order naming the loan."""
    mine = [a for a in accs if a[0] == linked or a[2] or a[0] in ordered]
    return sorted(mine, key=lambda a: (a[0] != (linked or 0), a[0]))


class _Cache:
    """What a batch of debits looks up once: products, internal accounts, the vault."""

    def __init__(self, branch_id: int) -> None:
        self.branch_id = branch_id
        self.products: dict[int, Any] = {}
        self.internal: dict[tuple[str, str], int] = {}
        self.vault: int | None = None

    def product(self, product_id: int) -> Any:
        if product_id not in self.products:
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


@dataclass
class _Debit:
    """One loan's automatic debit, planned before the batch is written."""

    number: str
    arrears: int
    item: writer.Planned


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


def _plan_one(row: Sequence[Any], sched: plan.Schedule,
              sources: dict[tuple[int, str], list[list[Any]]], holders: Mapping[int, str],
              day: date, cache: _Cache, ordered: set[int],
              principal: Mapping[int, int]) -> _Debit | None:
    """What `debit_loan` takes from which account and how it is applied; the sources'
    available amounts are lowered by what it takes (a member's next loan sees the
    rest)."""
    loan_id, number, state, member_id, cur, product_id, account_id, linked, _d = row
    accs = _allowed(sources.get((member_id, cur), []), linked, ordered)
    product = cache.product(product_id)
    planned = plan.plan_auto_debit(sched, [(a[0], a[1]) for a in accs], day,
                                   product.allocation_order.split(","),
                                   product.allocation_sweep)
    if planned is None:
        return None
    debit = planned.debit
    lines = [ledger.Line(line.account_id, debit=line.amount) for line in debit.lines]
    # the principal goes where the loan's class put it (loan_ledger), not always its own
    lines += writer.credit_lines(planned.alloc, sched, principal.get(loan_id, account_id),
                                 writer.gl_keys(product),
                                 lambda key: cache.account(key, cur))
    taken = {line.account_id: line.amount for line in debit.lines}
    for a in accs:
        a[1] -= taken.get(a[0], 0)
    reference = debit_reference(number, day)
    label = _("Automatic debit, loan {number}").format(number=number)
    return _Debit(number, debit.arrears, writer.Planned(
        loan_id, state, account_id, cur, sched, planned.alloc, lines, debit.taken,
        f"{label} ({reference})"[:250], "auto_debit", reference, debit.lines[0].account_id,
        holders[member_id], cache.vault_id()))


def _write(ctx: Context, debits: Sequence[_Debit]) -> None:
    """The rows of these planned debits (the repayments' writer); a debit that moves its
    loan's state must be the last."""
    written = writer.write_within(ctx, [d.item for d in debits])
    last = debits[-1].item
    if last.moves_state:
        writer.move_states_within(ctx, last.loan_id, last.loan_state, last.balance_after,
                                  written[-1].posted.voucher_number or "")


def _holders(member_ids: Sequence[int]) -> dict[int, str]:
    # the name columns only, as plain rows: a batch names thousands of holders
    return {m.id: members.display_name(m) for m in Member.select(
        Member.id, Member.kind, Member.legal_name, Member.surname, Member.postname,
        Member.first_name).where(Member.id.in_(sorted(set(member_ids)))).namedtuples()}


@requires("day.close")
def debit_loans(ctx: Context, loan_ids: Sequence[int], day: date, cache: _Cache | None = None,
                failed: list[str] | None = None) -> dict[int, tuple[int, int]]:
    """`debit_loan` for a batch of loans, in id order, with the same rows as one call per
    loan. Inside the caller's write transaction. (amount taken, amount still due) per
    loan debited. With `failed`, a loan whose debit is refused (a MifinError) is listed
    there and leaves nothing, the others are debited; without, the error propagates."""
    cache = cache or _Cache(ctx.branch_id)
    ids = sorted(set(loan_ids))
    rows = [r for r in queries.debit_loans(ids) if r[2] in SERVICED] if ids else []
    ids = [r[0] for r in rows]
    if not ids:
        return {}
    done_today = queries.debited_on(ids, day)
    insts: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for r in instalment_queries.instalments(ids):
        insts[r[0]].append(r)
    sources = _sources_of([r[3] for r in rows])
    orders = order_queries.ordered_accounts(ids)
    holders = _holders([r[3] for r in rows])
    principal = loan_ledger.principal_accounts(ids)
    out: dict[int, tuple[int, int]] = {}
    pending: list[_Debit] = []

    def write(batch: list[_Debit]) -> None:
        """Write a batch; with `failed`, a refused batch is retried loan by loan."""
        if failed is None:
            _write(ctx, batch)
        else:
            try:
                if batch[-1].item.moves_state:
                    with write_transaction():  # a savepoint: its state moves may refuse
                        _write(ctx, batch)
                else:
                    # No savepoint (on a big book, one costs five times the batch's
                    # inserts): without a state move only `ledger.post_many` refuses,
                    # and it refuses before it writes anything.
                    _write(ctx, batch)
            except MifinError:
                # one by one, each in its savepoint, from the books as they are then
                for d in batch:
                    try:
                        with write_transaction():
                            got = debit_loans(ctx, [d.item.loan_id], day, cache)
                    except MifinError as exc:
                        failed.append(f"{d.number}: {exc}"[:200])
                        continue
                    out.update(got)
                return
        for d in batch:
            out[d.item.loan_id] = (d.item.amount, d.arrears)

    def flush() -> None:
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        # a debit that moves its loan's state comes last: written on its own, so that a
        # refusal of its move leaves the others written
        moving = [batch.pop()] if batch[-1].item.moves_state and failed is not None else []
        for part in (batch, moving):
            if part:
                write(part)

    for row in rows:
        if row[0] in done_today:
            continue
        try:
            sched = plan.schedule_of(row[4], row[8], insts[row[0]])
            debit = _plan_one(row, sched, sources, holders, day, cache,
                              orders.get(row[0], set()), principal)
        except MifinError as exc:
            if failed is None:
                raise
            failed.append(f"{row[1]}: {exc}"[:200])
            continue
        if debit is None:
            continue
        pending.append(debit)
        if debit.item.moves_state:
            # its state moves (and a closed loan's released holds) come before the next
            # loan's debit, which then sees the savings as they are
            flush()
            rest = [r[3] for r in rows if r[0] > row[0]]
            sources = _sources_of(rest) if rest else {}
    flush()
    return out


def debit_candidates(branch_id: int, day: date, cursor: int, limit: int) -> list[int]:
    # Loans with something due and unpaid, not yet debited today, whose borrower has
    # something available: the others are skipped here, in SQL, rather than read one by
    # one (the ageing step still ages them).
    return queries.debit_candidates(branch_id, SERVICED, day, cursor, limit)


@requires("day.close")
def debit_due(ctx: Context, day: date, *, batch_size: int = 500) -> dict[str, int]:
    """The automatic debits of `day` outside the closing (one transaction per batch of
    loans): the amounts taken per currency. A rerun takes nothing twice."""
    taken: dict[str, int] = defaultdict(int)
    cursor = 0
    while True:
        with write_transaction():
            ids = debit_candidates(ctx.branch_id, day, cursor, batch_size)
            if not ids:
                return dict(taken)
            done = debit_loans(ctx, ids, day, _Cache(ctx.branch_id))
            if done:
                currency = queries.currencies(list(done))
                for loan_id, (amount, _left) in done.items():
                    taken[currency[loan_id]] += amount
            cursor = ids[-1]


def auto_debit(r: StepRun) -> None:
    def fetch(cursor: int, limit: int) -> list[int]:
        return debit_candidates(r.branch_id, r.day, cursor, limit)

    def process(ids: Sequence[int]) -> Batch:
        amounts: dict[str, int] = defaultdict(int)
        arrears: dict[str, int] = dict(r.detail.get("arrears", {}))
        failed = list(r.detail.get("failed", []))
        done = debit_loans(r.ctx, ids, r.day, _Cache(r.branch_id), failed)
        info = queries.numbers_and_currencies(list(done)) if done else {}
        debited = []
        for loan_id in sorted(done):
            number, cur = info[loan_id]
            taken, left = done[loan_id]
            amounts[cur] += taken
            arrears[cur] = arrears.get(cur, 0) + left
            debited.append([number, taken, left])
        if debited:
            audit.record(r.ctx, "closing.auto_debit", "business_day", r.day.isoformat(),
                         after={"debits": debited}, business_date=r.day)
        return Batch(cursor=ids[-1], items=len(debited), amounts=dict(amounts),
                     detail={"arrears": arrears, "failed": failed[:20]})

    r.batches(fetch, process)


def describe_auto_debit(_: Translator, language: str, detail: Mapping[str, Any],
                        items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_.ngettext(
        "{n} loan debited from savings: {amount}; still unpaid on it: {left}.",
        "{n} loans debited from savings: {amount}; still unpaid on them: {left}.", items).format(
        n=items, amount=format_amount(amount, cur, language),
        left=format_amount(detail.get("arrears", {}).get(cur, 0), cur, language))
        for cur, amount in sorted(amounts.items())]
    out += [_("Not debited: {why}").format(why=why) for why in detail.get("failed", [])]
    return out or [_("No instalment to debit.")]
