"""The double-entry ledger: post, reverse, read.

`post` is the one door every money movement goes through. It runs inside the
calling service's IMMEDIATE transaction, checks what the database also
enforces (balanced per currency, open business day, currency of each line) so
the user gets a clear message rather than a trigger's, keeps the running
balances, draws the voucher number, seals the transaction and audits it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from mifin_tui.db import database, write_transaction
from mifin_tui.db.bulk import insert_rows, next_id
from mifin_tui.db.models import (
    Counter,
    Entry,
    JournalTransaction,
    LedgerChain,
    TxnSeal,
    User,
    new_uid,
)
from mifin_tui.db.queries import ledger as queries
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, business_day, chain, clock, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires

# What each kind of journal transaction is called on screens and reports.
KIND_LABELS: dict[str, str] = {
    "deposit": N_("Cash deposit"),
    "withdrawal": N_("Cash withdrawal"),
    "opening_balance": N_("Opening balance"),
    "reversal": N_("Reversal"),
    "till_transfer": N_("Vault transfer"),
    "till_difference": N_("Till difference"),
    "cash_difference": N_("Cash difference decided"),
    "cash_difference_repayment": N_("Cash shortage repaid"),
    "capital": N_("Share capital"),
    "manual": N_("Manual entry"),
    "account_transfer": N_("Transfer between accounts"),
    "savings_fee": N_("Withdrawal fee"),
    "savings_interest": N_("Interest on savings"),
    "tontine_commission": N_("Tontine commission"),
    "membership_fee": N_("Membership fee"),
    "account_opening_fee": N_("Account-opening fee"),
    "share_subscription": N_("Share capital paid up"),
    "share_refund": N_("Share capital refunded"),
    "year_end_closing": N_("Year-end closing"),
    "loan_disbursement": N_("Loan disbursement"),
    "loan_fee": N_("Loan fees"),
    "loan_repayment": N_("Loan repayment"),
    "payment_suspense": N_("Payment to allocate"),
    "savings_deposit_transfer": N_("Deposit by mobile money or bank"),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


class InsufficientFunds(MifinError):
    pass


@dataclass(frozen=True)
class Line:
    account_id: int
    debit: int = 0
    credit: int = 0
    label: str = ""


@dataclass(frozen=True)
class PostedLine:
    account_id: int
    account_number: str
    debit: int
    credit: int
    currency: str
    balance_after: int


@dataclass(frozen=True)
class Posted:
    txn_id: int
    uid: str
    business_date: date
    voucher_number: str | None
    label: str
    lines: tuple[PostedLine, ...]


def _check_lines(lines: Sequence[Line]) -> None:
    if len(lines) < 2:
        raise ValidationError({"lines": _("A journal transaction needs at least two lines.")})
    for line in lines:
        for amount in (line.debit, line.credit):
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise TypeError("amounts are integers in minor units")
        if line.debit < 0 or line.credit < 0 or (line.debit > 0) == (line.credit > 0):
            raise ValidationError(
                {"lines": _("Each line is either a debit or a credit, and positive.")}
            )


@dataclass(frozen=True)
class Posting:
    """One journal transaction of a `post_many` batch (the arguments of `post`)."""

    kind: str
    label: str
    lines: Sequence[Line]
    voucher_series: str | None = None
    reverses: int | None = None


def post(
    ctx: Context,
    *,
    kind: str,
    label: str,
    lines: Sequence[Line],
    voucher_series: str | None = None,
    reverses: int | None = None,
) -> Posted:
    """Post one balanced journal transaction; call inside a write transaction. The batch
    of one of `post_many`: a single path writes every transaction of the books."""
    return post_many(ctx, [Posting(kind, label, lines, voucher_series, reverses)])[0]


class _Acc(NamedTuple):
    id: int
    number: str
    status: str
    currency: str
    normal_side: str
    allow_negative: int
    balance: int
    gl_account_id: int


def post_many(ctx: Context, postings: Sequence[Posting]) -> list[Posted]:
    """Post these balanced journal transactions in order, inside the caller's write
    transaction: for each its entries with the running balances, its voucher number
    drawn from its series, its seal and its chained audit row; the same rows, whether
    posted one at a time or thousands at once (a closing's automatic debits), written
    with a few multi-row statements. Every check runs before anything is written (a
    refusal leaves the transaction as it was, without a savepoint: the closing's batch
    debit relies on it)."""
    if not database.in_transaction():
        raise RuntimeError("ledger.post runs inside the operation's write transaction")
    if not postings:
        return []
    for p in postings:
        _check_lines(p.lines)
    # read as plain rows: a batch touches thousands of accounts
    accounts = {row[0]: _Acc(*row) for row in queries.posting_accounts(
        ln.account_id for p in postings for ln in p.lines)}
    for p in postings:
        totals: dict[str, int] = defaultdict(int)
        for line in p.lines:
            acc = accounts.get(line.account_id)
            if acc is None:
                raise NotFound(_("Account {id} does not exist.").format(id=line.account_id))
            if acc.status != "active":
                raise ValidationError(
                    {"account": _("Account {number} is closed.").format(number=acc.number)})
            totals[acc.currency] += line.debit - line.credit
        unbalanced = {cur: t for cur, t in totals.items() if t}
        if unbalanced:
            raise ValidationError({"lines": _("The transaction does not balance in "
                                              "{currencies}.").format(
                currencies=", ".join(sorted(unbalanced)))})
    day = business_day.require_open(ctx.branch_id)
    balances = {acc_id: acc.balance for acc_id, acc in accounts.items()}
    entries = []
    lines_of: list[tuple[PostedLine, ...]] = []
    for p in postings:
        posted = []
        for line in p.lines:
            acc = accounts[line.account_id]
            delta = line.debit - line.credit
            if acc.normal_side == "credit":
                delta = -delta
            balances[acc.id] += delta
            if balances[acc.id] < 0 and not acc.allow_negative:
                raise InsufficientFunds(
                    _("Account {number} cannot go below zero.").format(number=acc.number))
            posted.append(PostedLine(acc.id, acc.number, line.debit, line.credit,
                                     acc.currency, balances[acc.id]))
        lines_of.append(tuple(posted))

    run = business_day.closing_run_id()
    # Voucher numbers: as `numbering.voucher_number` drawn once per posting, a series'
    # counter moved once by the batch's count.
    counts: dict[str, int] = defaultdict(int)
    for p in postings:
        if p.voucher_series:
            if p.voucher_series not in numbering.VOUCHER_SERIES:
                raise ValueError(f"unknown voucher series {p.voucher_series!r}")
            counts[p.voucher_series] += 1
    nxt: dict[str, int] = {}
    for series, n in counts.items():
        name = f"voucher:{series}:{ctx.branch_code}:{day.year}"
        nxt[series] = numbering.next_value(name)
        if n > 1:
            Counter.update(value=Counter.value + (n - 1)).where(Counter.name == name).execute()
    chain.ensure_built()  # before this batch's rows exist: it links the older ones
    first = next_id("journal_transaction")
    txns = []
    out = []
    for k, p in enumerate(postings):
        voucher = None
        if p.voucher_series:
            number = nxt[p.voucher_series]
            nxt[p.voucher_series] += 1
            voucher = f"{p.voucher_series}-{ctx.branch_code}-{day.year}-{number:06d}"
        txn_id = first + k
        txns.append({"id": txn_id, "uid": new_uid(), "branch": ctx.branch_id,
                     "business_date": day, "posted_at": clock.now(), "user": ctx.user_id,
                     "kind": p.kind, "voucher_series": p.voucher_series,
                     "voucher_number": voucher, "label": p.label, "reverses": p.reverses,
                     "closing_run_id": run})
        for n, pl in enumerate(lines_of[k], start=1):
            acc = accounts[pl.account_id]
            entries.append({"txn": txn_id, "line": n, "account": acc.id,
                            "gl_account": acc.gl_account_id, "debit": pl.debit,
                            "credit": pl.credit, "currency": acc.currency,
                            "balance_after": pl.balance_after,
                            "label": p.lines[n - 1].label})
        out.append(Posted(txn_id, txns[-1]["uid"], day, voucher, p.label, lines_of[k]))
    insert_rows(JournalTransaction, txns)
    insert_rows(Entry, entries)
    queries.set_balances([(balance, acc_id) for acc_id, balance in balances.items()
                          if balance != accounts[acc_id].balance])
    insert_rows(TxnSeal, [{"txn": t["id"]} for t in txns])
    insert_rows(LedgerChain, _links(txns, entries))
    # The audit rows `post` writes, one per transaction.
    audit.record_many(ctx, [audit.Record(
        "ledger.post", "journal_transaction", posted.uid, after={
            "kind": p.kind, "voucher": posted.voucher_number, "label": p.label,
            "reverses": p.reverses, "lines": [[pl.account_number, pl.debit, pl.credit,
                                         pl.currency] for pl in posted.lines]})
        for p, posted in zip(postings, out, strict=True)], business_date=day)
    return out


def _links(txns: Sequence[dict], entries: Sequence[dict]) -> list[dict]:
    """The chain links of these new transactions (rows of their insert, in order), after
    the chain's head read under the write lock the caller holds (the chain of the
    transactions before them built first: `chain.ensure_built`)."""
    head = queries.chain_head()
    prev = head[1] if head else chain.GENESIS
    enrolled = chain.enrolment()
    lines_of: dict[int, list[tuple]] = defaultdict(list)
    for e in entries:
        lines_of[e["txn"]].append((e["line"], e["account"], e["debit"], e["credit"],
                                   e["currency"], e["balance_after"], e["label"]))
    out = []
    for t in txns:
        txn = (t["id"], t["uid"], t["branch"], t["business_date"].isoformat(), t["user"],
               t["kind"], t["voucher_number"], t["label"], t["reverses"])
        h = chain.link_hash(chain.ledger_key(t["id"], enrolled), prev, txn, lines_of[t["id"]])
        out.append({"txn": t["id"], "prev_hash": prev, "hash": h})
        prev = h
    return out


@requires("ledger.reverse")
def reverse(ctx: Context, txn_id: int, reason: str) -> Posted:
    """Cancel a transaction by posting its mirror image, pointing to the original."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    with write_transaction():
        original = JournalTransaction.get_or_none(JournalTransaction.id == txn_id)
        if original is None:
            raise NotFound(_("Transaction {id} does not exist.").format(id=txn_id))
        if original.reverses_id is not None:
            raise Conflict(_("A reversal cannot itself be reversed; post a new operation."))
        if JournalTransaction.select().where(JournalTransaction.reverses == txn_id).exists():
            raise Conflict(_("This transaction was already reversed."))
        lines = [
            Line(e.account_id, debit=e.credit, credit=e.debit, label=e.label)
            for e in Entry.select().where(Entry.txn == txn_id).order_by(Entry.line)
        ]
        ref = original.voucher_number or f"#{original.id}"
        label = _("Reversal of {reference}: {reason}").format(reference=ref, reason=reason)
        return post(ctx, kind="reversal", label=label,
                    lines=lines, voucher_series="OD", reverses=txn_id)


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    business_date: date
    voucher_number: str | None
    label: str
    debit: int
    credit: int
    balance_after: int
    username: str


@requires("account.read")
def statement(
    ctx: Context, account_id: int, *, before_entry_id: int | None = None, limit: int = 100
) -> list[StatementLine]:
    """An account's lines, newest first, one page (keyset: fast at any depth)."""
    query = (
        Entry.select(Entry, JournalTransaction, User.username)
        .join(JournalTransaction)
        .join(User)
        .where(Entry.account == account_id)
        .order_by(Entry.id.desc())
        .limit(limit)
    )
    if before_entry_id is not None:
        query = query.where(Entry.id < before_entry_id)
    return [
        StatementLine(e.id, e.txn.business_date, e.txn.voucher_number,
                      e.label or e.txn.label, e.debit, e.credit, e.balance_after,
                      e.txn.user.username)
        for e in query
    ]


@dataclass(frozen=True)
class TxnSummary:
    id: int
    business_date: date
    voucher_number: str | None
    kind: str
    label: str
    username: str
    amount: int
    currency: str
    reverses: int | None


@requires("ledger.read")
def journal(
    ctx: Context, *, before_id: int | None = None, limit: int = 100, day: date | None = None
) -> list[TxnSummary]:
    """The general journal, newest first, a page at a time."""
    query = (
        JournalTransaction.select(JournalTransaction, User.username)
        .join(User)
        .where(JournalTransaction.branch == ctx.branch_id)
        .order_by(JournalTransaction.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(JournalTransaction.id < before_id)
    if day is not None:
        query = query.where(JournalTransaction.business_date == day)
    txns = list(query)
    totals: dict[int, tuple[int, str]] = {}
    if txns:
        for row in (
            Entry.select(Entry.txn, Entry.currency, Entry.debit)
            .where(Entry.txn.in_([t.id for t in txns]) & (Entry.debit > 0))
            .tuples()
        ):
            amount, _cur = totals.get(row[0], (0, row[1]))
            totals[row[0]] = (amount + row[2], row[1])
    return [
        TxnSummary(t.id, t.business_date, t.voucher_number, t.kind, t.label, t.user.username,
                   *totals.get(t.id, (0, "")), t.reverses_id)
        for t in txns
    ]
