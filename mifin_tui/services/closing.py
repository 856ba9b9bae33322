"""The nightly closing (clôture journalière): checks, batch steps, backup, next day.

A closing is a `ClosingRun` per branch and business date, and one `ClosingStep`
row per step holding its progress (cursor, batches, items, amounts per currency,
what the report says). The run:

1. checks the day (tills closed and counted, no blocking approval waiting, the
   day's ledger balanced) and, only if nothing blocks, in the same transaction
   marks the day ``closing``: from then on cashiers are refused ("closing in
   progress") and only the closing's own postings reach the day (the trigger of
   schema 8 and `business_day.require_open` both say so);
2. runs the registered steps, in order, each in batches;
3. backs the database up (verified) and closes the day, opening the next working day.

Kill it at any moment (SIGKILL, power cut) and run it again: it resumes at the
first step not done, at the batch after the last committed one, because every
batch writes its postings and its progress in one write transaction. Only one
closing runs at a time (`db.locks.exclusive`, released by the kernel when its
process dies).

How a step is written (later issues add theirs to `STEPS`, one entry each)::

    def _penalties(r: StepRun) -> None:
        def fetch(cursor: int, limit: int) -> list[Row]:
            # the next rows after `cursor`, ordered by the key the cursor follows
            return list(Instalment.select()....where(Instalment.id > cursor)
                        .order_by(Instalment.id).limit(limit))

        def process(rows: list[Row]) -> Batch:
            # post through ledger.post (inside the batch's transaction) ...
            return Batch(cursor=rows[-1].id, items=len(rows), amounts={"USD": total})

        r.batches(fetch, process)

    STEPS.insert(index_of("year_end"), Step("penalties", N_("Penalties on overdue instalments"),
                                            _penalties, total=_count_overdue))

- `StepRun` gives the step: `ctx` (the gérant's Context), `branch_id`, `day` (the
  date being closed), `next_day`, `month_end`, `year_end`, `batch_size`, `cursor`;
  `r.batches(fetch, process)` loops until `fetch` returns nothing; `r.once(fn)` runs
  a step that is one transaction (work outside the database, such as a file written
  and verified, is done first, then recorded with `r.once(lambda: Batch(...))`).
  Postings go through `ledger.post` as anywhere else: inside the closing they are
  accepted on the day being closed.
- `Step(key, label, run, applies=..., total=..., describe=...)`: `applies(r)` says
  whether the step runs this day (e.g. `lambda r: r.month_end`), else it is recorded
  as skipped; `total(r)` gives the number of items for the progress bar;
  `describe(detail, items, amounts)` turns the recorded figures into the report's lines.
- A service that batches and guards itself (savings interest:
  `savings_interest.post_interest(ctx, period_end)`, `mark_dormant(ctx, on)`) is wired
  as `Step("savings_interest", N_("Savings interest"), lambda r: r.once(lambda:
  Batch(items=savings_interest.post_interest(r.ctx, r.day))), applies=lambda r:
  r.month_end)`: `once` runs it in the step's transaction (a nested `write_transaction`
  becomes a savepoint), so the step and its postings commit together, exactly once.
- Order matters: what posts to income or expense (debits, penalties, accruals,
  interest, provisions) comes before "year_end", which closes those accounts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from peewee import fn

from mifin_tui.db import locks, write_transaction
from mifin_tui.db.models import (
    Account,
    Branch,
    BusinessDay,
    ClosingRun,
    ClosingStep,
    GLAccount,
    JournalTransaction,
    Till,
    TillBalance,
    TillSession,
    TransferRequest,
    TxnSeal,
    User,
)
from mifin_tui.i18n import N_, _, current_language, translator
from mifin_tui.services import (
    accounts,
    audit,
    backup,
    business_day,
    clock,
    institution,
    ledger,
    settings,
)
from mifin_tui.services import closing_savings
from mifin_tui.services.closing_doc import (
    ClosingReportDoc,
    Finding,
    StepLine,
    TillDifferenceLine,
)
from mifin_tui.services.context import Context
from mifin_tui.services.errors import BusinessDayClosed, Conflict, MifinError, NotFound
from mifin_tui.services.money import format_amount
from mifin_tui.services.permissions import requires

T = TypeVar("T")

# A test hook kept in the real code path: "step:batch:moment:action[:path]" makes the
# closing kill itself (SIGKILL) or pause (until `path` is removed) at that batch,
# moment being before_commit or after_commit (or, in the backup, "copied": the copy
# written but not yet under its name). The resumability tests use it.
FAULT_ENV = "MIFIN_CLOSING_FAULT"


class ClosingRefused(MifinError):
    """A check failed: the closing did not start, nothing was written."""

    def __init__(self, day: date, findings: Sequence[Finding]):
        self.day = day
        self.findings = list(findings)
        blocking = [f for f in self.findings if f.blocking]
        super().__init__(
            _("The closing of {day} cannot start: {problems}").format(
                day=day.strftime("%d/%m/%Y"),
                problems=" ".join(f"{f.message} {f.todo}" for f in blocking)))


class ClosingFailed(MifinError):
    """A step failed; the day stays being closed and the closing resumes when run again."""


# --- the step interface ---------------------------------------------------------------


@dataclass
class Batch:
    """What one batch did: recorded with its postings, in the same transaction."""

    cursor: int | None = None  # the key of the last row handled (None: unchanged)
    items: int = 0
    amounts: Mapping[str, int] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    step_key: str
    step_label: str
    position: int  # 1-based
    steps: int
    done: int
    total: int | None


def _always(_r: StepRun) -> bool:
    return True


# describe(_, language, detail, items, amounts): the report's lines of a step, written
# with `_` (the gettext of the report's language: named so that extraction finds the
# messages) from the figures the step recorded.
Describe = Callable[[Callable[[str], str], str, Mapping[str, Any], int, Mapping[str, int]],
                    list[str]]


def _describe_items(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                    items: int, amounts: Mapping[str, int]) -> list[str]:
    return [_("{n} handled.").format(n=items)] if items else []


@dataclass(frozen=True)
class Step:
    key: str
    label: str  # msgid
    run: Callable[[StepRun], None]
    applies: Callable[[StepRun], bool] = _always
    total: Callable[[StepRun], int] | None = None
    describe: Describe = _describe_items


class StepRun:
    """One step of one closing run, as the step's function sees it."""

    def __init__(self, ctx: Context, run: ClosingRun, row: ClosingStep, step: Step,
                 position: int, steps: int, progress: Callable[[Progress], None] | None,
                 batch_size: int) -> None:
        self.ctx = ctx
        self.run_id: int = run.id
        self.branch_id: int = run.branch_id
        self.day: date = run.business_date
        self.next_day: date = run.next_date
        self.year_end = self.next_day.year != self.day.year
        self.month_end = self.year_end or self.next_day.month != self.day.month
        self.batch_size = batch_size
        self.key = step.key
        self._row_id = row.id
        self.cursor: int = row.cursor
        self.batches_done: int = row.batches
        self.items: int = row.items
        self.amounts: dict[str, int] = json.loads(row.amounts)
        self.detail: dict[str, Any] = json.loads(row.detail)
        self._step = step
        self._position = position
        self._steps = steps
        self._progress = progress
        self.total: int | None = None
        self._began = time.monotonic()

    # The three ways a step does its work.
    def batches(self, fetch: Callable[[int, int], Sequence[T]],
                process: Callable[[Sequence[T]], Batch]) -> None:
        """Fetch rows after the cursor and process them, a batch per transaction,
        until `fetch` returns nothing."""
        while True:
            with write_transaction():
                rows = fetch(self.cursor, self.batch_size)
                if not rows:
                    return
                self._record(process(rows))
                _fault(self.key, self.batches_done, "before_commit")
            _fault(self.key, self.batches_done, "after_commit")
            self.report_progress()

    def once(self, work: Callable[[], Batch]) -> None:
        """A step that is one transaction: its work and its being done commit together."""
        with write_transaction():
            self._record(work())
            self._finish()
            _fault(self.key, self.batches_done, "before_commit")
        _fault(self.key, self.batches_done, "after_commit")
        self.report_progress()

    def report_progress(self) -> None:
        if self._progress is not None:
            self._progress(Progress(self.key, _(self._step.label), self._position,
                                    self._steps, self.items, self.total))

    def _record(self, batch: Batch) -> None:
        if batch.cursor is not None:
            self.cursor = batch.cursor
        self.batches_done += 1
        self.items += batch.items
        for cur, amount in batch.amounts.items():
            self.amounts[cur] = self.amounts.get(cur, 0) + amount
        self.detail.update(batch.detail)
        ClosingStep.update(cursor=self.cursor, batches=self.batches_done, items=self.items,
                           amounts=json.dumps(self.amounts, sort_keys=True),
                           detail=json.dumps(self.detail, sort_keys=True)).where(
            ClosingStep.id == self._row_id).execute()

    def _finish(self, status: str = "done") -> None:
        """Mark the step finished, with the time this process spent on it."""
        if status == "done":
            self.detail["seconds"] = round(self.detail.get("seconds", 0)
                                           + time.monotonic() - self._began, 3)
        ClosingStep.update(status=status, finished_at=clock.now(),
                           started_at=fn.COALESCE(ClosingStep.started_at, clock.now()),
                           detail=json.dumps(self.detail, sort_keys=True)).where(
            ClosingStep.id == self._row_id).execute()


def _fault(step: str, batch: int, moment: str) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    parts = spec.split(":", 4)
    if len(parts) < 4 or (parts[0], parts[1], parts[2]) != (step, str(batch), moment):
        return
    if parts[3] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif parts[3] == "pause" and len(parts) == 5:
        marker = Path(parts[4])
        marker.write_text(str(os.getpid()))
        while marker.exists():
            time.sleep(0.02)


# --- the checks ------------------------------------------------------------------------


def _check_tills(branch_id: int, day: date) -> list[Finding]:
    found = []
    for s in (TillSession.select(TillSession, Till, User).join(Till)
              .switch(TillSession).join(User)
              .where((Till.branch == branch_id) & (TillSession.status == "open"))
              .order_by(Till.code)):
        found.append(Finding(
            "tills",
            _("Till {till} is still open (cashier {name}, since {day}).").format(
                till=s.till.code, name=s.cashier.full_name,
                day=s.business_date.strftime("%d/%m/%Y")),
            _("The cashier counts his till and closes it (Close my till)."), True))
    counted = TillBalance.select(TillBalance.session).where(TillBalance.moment == "close")
    for s in (TillSession.select(TillSession, Till).join(Till)
              .where((Till.branch == branch_id) & (TillSession.business_date == day)
                     & (TillSession.status == "closed") & (TillSession.id.not_in(counted)))):
        found.append(Finding(
            "tills", _("Till {till} was closed without a count.").format(till=s.till.code),
            _("Count the till and record the count before closing the day."), True))
    return found


def _pending_transfers(branch_id: int, day: date) -> list[str]:
    out = []
    for r in (TransferRequest.select().where((TransferRequest.branch == branch_id)
                                             & (TransferRequest.status == "pending"))
              .order_by(TransferRequest.id)):
        frm, to = Till.get_by_id(r.from_till_id), Till.get_by_id(r.to_till_id)
        out.append(_("{src} to {dst}: {amount}, requested by {name}").format(
            src=frm.code, dst=to.code, amount=format_amount(r.amount, r.currency,
                                                            current_language()),
            name=User.get_by_id(r.requested_by_id).full_name))
    return out


# Requests that wait for an approval and would change the day if approved; the setting
# closing_pending_approvals says which block the closing and which only warn. Later
# issues add their kinds (loan approvals, ...) here: kind -> (label, what is waiting).
def _pending_manual_entries(branch_id: int, day: date) -> list[str]:
    from mifin_tui.db.models import ManualEntry

    return [_("{label}, entered by {name}").format(
        label=m.label, name=User.get_by_id(m.entered_by_id).full_name)
        for m in ManualEntry.select().where((ManualEntry.branch == branch_id)
                                            & (ManualEntry.status == "pending"))
        .order_by(ManualEntry.id)]


APPROVAL_KINDS: dict[str, tuple[str, Callable[[int, date], list[str]]]] = {
    "vault_transfer": (N_("Vault transfer waiting for approval"), _pending_transfers),
    "savings_withdrawal": (N_("Withdrawal waiting for the manager"),
                           closing_savings.pending_withdrawals),
    "manual_entry": (N_("Manual journal entry waiting for validation"),
                     _pending_manual_entries),
}


def _check_approvals(branch_id: int, day: date) -> list[Finding]:
    modes = settings.get("closing_pending_approvals")
    found = []
    for kind, (label, waiting) in APPROVAL_KINDS.items():
        blocking = modes.get(kind, "block") != "warn"
        for what in waiting(branch_id, day):
            found.append(Finding(
                "approvals", _("{label}: {what}.").format(label=_(label), what=what),
                _("The manager approves or rejects it (Pending approvals).") if blocking
                else _("It stays waiting for the next day."), blocking))
    return found


def _check_ledger(branch_id: int, day: date) -> list[Finding]:
    from mifin_tui.db import database

    found = []
    for cur, debit, credit in database.execute_sql(
        'SELECT e."currency", sum(e."debit"), sum(e."credit") FROM "entry" e '
        'JOIN "journal_transaction" t ON t."id" = e."txn_id" '
        'WHERE t."branch_id" = ? AND t."business_date" = ? GROUP BY e."currency" '
        'HAVING sum(e."debit") <> sum(e."credit")', (branch_id, day.isoformat())).fetchall():
        found.append(Finding(
            "ledger", _("The journal of the day does not balance in {cur}: debits {d}, "
                        "credits {c}.").format(cur=cur, d=debit, c=credit),
            _("Run `mifin check` and call the accountant: the books must be repaired "
              "before the closing."), True))
    unsealed = (JournalTransaction.select(JournalTransaction.id)
                .where((JournalTransaction.branch == branch_id)
                       & (JournalTransaction.business_date == day)
                       & JournalTransaction.id.not_in(TxnSeal.select(TxnSeal.txn)))
                .count())
    if unsealed:
        found.append(Finding(
            "ledger", _("{n} transactions of the day are not sealed.").format(n=unsealed),
            _("Run `mifin check` and call the accountant."), True))
    return found


def checks(branch_id: int, day: date) -> list[Finding]:
    """What stands in the way of closing `day` (blocking) or deserves a word (warning)."""
    return _check_tills(branch_id, day) + _check_approvals(branch_id, day) + \
        _check_ledger(branch_id, day)


@dataclass(frozen=True)
class Preview:
    day: date
    next_day: date
    status: str  # open | closing
    findings: tuple[Finding, ...]
    steps: tuple[str, ...]  # labels of the steps, in order

    @property
    def can_start(self) -> bool:
        return self.status == "closing" or not any(f.blocking for f in self.findings)


@requires("day.close")
def preview(ctx: Context) -> Preview:
    """The day the closing would close, what its checks say now, its steps."""
    day = business_day.open_date(ctx.branch_id)
    if day is None:
        raise BusinessDayClosed(_("No business day is open."))
    closing = business_day.is_closing(ctx.branch_id)
    run = ClosingRun.get_or_none((ClosingRun.branch == ctx.branch_id)
                                 & (ClosingRun.business_date == day))
    nxt = run.next_date if run else business_day.next_working_day(day)
    found = () if closing else tuple(checks(ctx.branch_id, day))
    return Preview(day, nxt, "closing" if closing else "open", found,
                   tuple(_(s.label) for s in STEPS))


# --- the steps -------------------------------------------------------------------------


def _start_checks(r: StepRun) -> None:
    """Done when the run starts, in the transaction that marks the day closing."""


def _describe_checks(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                     items: int, amounts: Mapping[str, int]) -> list[str]:
    n = detail.get("warnings", 0)
    done = _("Tills closed and counted, no blocking approval, the day's journal balanced.")
    return [done] + ([_("{n} warnings (see below).").format(n=n)] if n else [])


def _year_end(r: StepRun) -> None:
    """Close every income and expense account of the branch to the result of the year:
    one OD posting per currency and batch of accounts."""
    gl_ids = _income_and_expense_gls()

    def fetch(cursor: int, limit: int) -> list[Account]:
        # By the GL index: a few dozen accounts among the members' hundreds of thousands.
        return list(Account.select(Account.id, Account.currency, Account.balance,
                                   Account.normal_side)
                    .where((Account.branch == r.branch_id) & Account.gl_account.in_(gl_ids)
                           & (Account.balance != 0) & (Account.id > cursor))
                    .order_by(Account.id).limit(limit))

    def process(rows: Sequence[Account]) -> Batch:
        by_currency: dict[str, list[Account]] = defaultdict(list)
        for acc in rows:
            by_currency[acc.currency].append(acc)
        amounts: dict[str, int] = {}
        for cur, accs in sorted(by_currency.items()):
            lines: list[ledger.Line] = []
            result = 0  # the year's profit in this batch (negative: a loss)
            for acc in accs:
                # The balance goes to the side that brings the account to zero.
                to_debit = (acc.normal_side == "credit") == (acc.balance > 0)
                amount = abs(acc.balance)
                lines.append(ledger.Line(acc.id, debit=amount) if to_debit
                             else ledger.Line(acc.id, credit=amount))
                result += acc.balance if acc.normal_side == "credit" else -acc.balance
            target = accounts.internal_account(r.branch_id, "result_of_year", cur)
            if result > 0:
                lines.append(ledger.Line(target.id, credit=result))
            elif result < 0:
                lines.append(ledger.Line(target.id, debit=-result))
            ledger.post(r.ctx, kind="year_end_closing",
                        label=_("Year {year} closed: income and expenses to the result "
                                "of the year").format(year=r.day.year),
                        lines=lines, voucher_series="OD")
            amounts[cur] = result
        return Batch(cursor=rows[-1].id, items=len(rows), amounts=amounts)

    r.batches(fetch, process)


def _income_and_expense_gls() -> list[int]:
    return [g.id for g in GLAccount.select(GLAccount.id)
            .where(GLAccount.kind.in_(("income", "expense")))]


def _count_year_end(r: StepRun) -> int:
    return (Account.select().where((Account.branch == r.branch_id)
                                   & Account.gl_account.in_(_income_and_expense_gls())
                                   & (Account.balance != 0) & (Account.id > r.cursor)).count()
            + r.items)


def _describe_year_end(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                       items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_("{n} income and expense accounts closed to the result of the year.").format(
        n=items)]
    for cur, amount in sorted(amounts.items()):
        out.append((_("Profit of the year: {amount}") if amount >= 0
                    else _("Loss of the year: {amount}")).format(
            amount=format_amount(abs(amount), cur, language)))
    return out


def closing_folder() -> Path:
    """Where the closing's backups and reports go: the setting, else beside the database."""
    configured = settings.get("closing_backup_dir")
    if configured:
        return Path(configured).expanduser()
    db_file = locks.database_file()
    return db_file.parent / f"{db_file.stem}-closing"


def backup_name(branch_code: str, day: date) -> str:
    return f"{branch_code}-{day.isoformat()}.db"


def report_name(branch_code: str, day: date) -> str:
    return f"{branch_code}-{day.isoformat()}-closing.pdf"


def _prune(folder: Path, branch_code: str, day: date, keep_days: int) -> list[str]:
    """Remove this branch's closing backups older than `keep_days` before `day`."""
    limit = day - timedelta(days=keep_days)
    removed = []
    for path in sorted(folder.glob(f"{branch_code}-????-??-??.db")):
        try:
            taken = date.fromisoformat(path.stem[len(branch_code) + 1:])
        except ValueError:
            continue
        if taken < limit:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _backup(r: StepRun) -> None:
    branch_code = Branch.get_by_id(r.branch_id).code
    folder = closing_folder()
    target = folder / backup_name(branch_code, r.day)
    partial = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db_file = locks.database_file()
        wal = db_file.with_name(db_file.name + "-wal")
        needed = db_file.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        free = shutil.disk_usage(folder).free
        if free < needed:
            raise OSError(_("{free} bytes free, the copy needs {needed}").format(
                free=free, needed=needed))
        # A copy left by a closing killed mid-backup is redone; the name appears only
        # once the copy is whole and verified.
        partial.unlink(missing_ok=True)
        backup.backup_to(partial)
        _fault("backup", r.batches_done + 1, "copied")
        os.replace(partial, target)
    except (OSError, sqlite3.Error, MifinError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise ClosingFailed(
            _("The backup could not be written to {path}: {error}. The day is not closed: "
              "free disk space or correct the backup folder (setting closing_backup_dir), "
              "then run the closing again; it resumes at the backup.").format(
                path=target, error=exc)) from exc
    removed = _prune(folder, branch_code, r.day, settings.get("closing_backup_days"))
    size = target.stat().st_size
    r.once(lambda: Batch(items=1, detail={"path": str(target), "bytes": size,
                                          "removed": len(removed)}))


def _describe_backup(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                     items: int, amounts: Mapping[str, int]) -> list[str]:
    if not detail.get("path"):
        return []
    out = [_("Backup written and verified: {path} ({size} KB).").format(
        path=detail["path"], size=max(1, detail.get("bytes", 0) // 1024))]
    if detail.get("removed"):
        out.append(_("{n} older backups removed.").format(n=detail["removed"]))
    return out


def _close_day(r: StepRun) -> None:
    def work() -> Batch:
        now = clock.now()
        BusinessDay.update(status="closed", closed_at=now, closed_by=r.ctx.user_id).where(
            (BusinessDay.branch == r.branch_id) & (BusinessDay.date == r.day)
            & (BusinessDay.status == "closing")).execute()
        if not BusinessDay.select().where((BusinessDay.branch == r.branch_id)
                                          & (BusinessDay.date == r.next_day)).exists():
            BusinessDay.create(branch=r.branch_id, date=r.next_day, status="open",
                               opened_at=now, opened_by=r.ctx.user_id)
        ClosingRun.update(status="done", finished_at=now).where(
            ClosingRun.id == r.run_id).execute()
        audit.record(r.ctx, "day.close", "business_day", r.day.isoformat(),
                     before={"open": r.day.isoformat()},
                     after={"open": r.next_day.isoformat()}, business_date=r.day)
        return Batch(items=1, detail={"next": r.next_day.isoformat()})

    r.once(work)


def _describe_close(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                    items: int, amounts: Mapping[str, int]) -> list[str]:
    if not detail.get("next"):
        return []
    return [_("Day closed; business day {day} opened.").format(
        day=date.fromisoformat(detail["next"]).strftime("%d/%m/%Y"))]


# The closing's steps, in order. Later steps (automatic debits, penalties, loan interest
# accrual, savings interest at month end, dormancy, classification and provisions) go
# before "year_end": see the module docstring.
STEPS: list[Step] = [
    Step("checks", N_("Checks"), _start_checks, describe=_describe_checks),
    Step("savings_interest", N_("Savings interest"), closing_savings.savings_interest,
         applies=lambda r: r.month_end, total=lambda r: 1,
         describe=closing_savings.describe_interest),
    Step("dormancy", N_("Dormant savings accounts"), closing_savings.dormancy,
         total=lambda r: 1, describe=closing_savings.describe_dormancy),
    Step("year_end", N_("Year end: income and expenses closed to the result"), _year_end,
         applies=lambda r: r.year_end, total=_count_year_end, describe=_describe_year_end),
    Step("backup", N_("Backup of the database"), _backup, total=lambda r: 1,
         describe=_describe_backup),
    Step("close_day", N_("Day closed, next business day opened"), _close_day,
         total=lambda r: 1, describe=_describe_close),
]


def index_of(key: str) -> int:
    return next(i for i, s in enumerate(STEPS) if s.key == key)


# --- the run ---------------------------------------------------------------------------


def _ensure_steps(run: ClosingRun) -> dict[str, ClosingStep]:
    rows = {s.key: s for s in ClosingStep.select().where(ClosingStep.run == run)}
    for position, step in enumerate(STEPS, start=1):
        if step.key not in rows:
            rows[step.key] = ClosingStep.create(run=run, key=step.key, position=position)
    return rows


def _start(ctx: Context, day: date | None) -> ClosingRun:
    """Begin (after the checks) or resume the closing of the branch's current day."""
    with write_transaction():
        current = (BusinessDay.select()
                   .where((BusinessDay.branch == ctx.branch_id)
                          & (BusinessDay.status.in_(("open", "closing"))))
                   .order_by(BusinessDay.date.desc()).first())
        if day is not None and (current is None or current.date != day):
            asked = BusinessDay.get_or_none((BusinessDay.branch == ctx.branch_id)
                                            & (BusinessDay.date == day))
            if asked is not None and asked.status == "closed":
                raise Conflict(_("The day {day} is already closed.").format(
                    day=day.strftime("%d/%m/%Y")))
            raise NotFound(_("The day {day} is not the open business day{open}.").format(
                day=day.strftime("%d/%m/%Y"),
                open=(_(" (the open day is {day})").format(
                    day=current.date.strftime("%d/%m/%Y")) if current else "")))
        if current is None:
            raise BusinessDayClosed(_("No business day is open."))
        if current.status == "closing":
            run = ClosingRun.get((ClosingRun.branch == ctx.branch_id)
                                 & (ClosingRun.business_date == current.date))
            _ensure_steps(run)
            audit.record(ctx, "closing.resume", "business_day", current.date.isoformat(),
                         business_date=current.date)
            return run
        began = time.monotonic()
        found = checks(ctx.branch_id, current.date)
        checked_in = round(time.monotonic() - began, 3)
        if any(f.blocking for f in found):
            raise ClosingRefused(current.date, found)
        nxt = business_day.next_working_day(current.date)
        if BusinessDay.select().where((BusinessDay.branch == ctx.branch_id)
                                      & (BusinessDay.date == nxt)).exists():
            raise Conflict(_("The day {day} already exists.").format(day=nxt.isoformat()))
        warnings = [f.__dict__ for f in found]
        run = ClosingRun.create(branch=ctx.branch_id, business_date=current.date,
                                next_date=nxt, started_at=clock.now(),
                                started_by=ctx.user_id, warnings=json.dumps(warnings))
        BusinessDay.update(status="closing").where(BusinessDay.id == current.id).execute()
        rows = _ensure_steps(run)
        for position, step in enumerate(STEPS, start=1):
            r = StepRun(ctx, run, rows[step.key], step, position, len(STEPS), None, 0)
            if step.key != "checks" and not step.applies(r):
                r._finish("skipped")
        ClosingStep.update(status="done", batches=1, started_at=clock.now(),
                           finished_at=clock.now(),
                           detail=json.dumps({"warnings": len(warnings),
                                              "seconds": checked_in})).where(
            ClosingStep.id == rows["checks"].id).execute()
        audit.record(ctx, "closing.start", "business_day", current.date.isoformat(),
                     before={"status": "open"},
                     after={"status": "closing", "next": nxt.isoformat(),
                            "warnings": len(warnings)},
                     business_date=current.date)
        _fault("checks", 1, "before_commit")
    _fault("checks", 1, "after_commit")
    return run


@requires("day.close")
def run(ctx: Context, *, day: date | None = None,
        progress: Callable[[Progress], None] | None = None) -> ClosingReportDoc:
    """Close the branch's business day (or resume its interrupted closing).

    Refused with ClosingRefused (checks), Conflict (another closing running, a day
    already closed), ClosingFailed (a step failed: run it again to resume).
    Returns the closing report.
    """
    try:
        with locks.exclusive("closing"):
            return _run_locked(ctx, day, progress)
    except locks.LockHeld:
        raise Conflict(_("A closing is already running for this database (another "
                         "session or process). Wait for it to finish.")) from None


def _run_locked(ctx: Context, day: date | None,
                progress: Callable[[Progress], None] | None) -> ClosingReportDoc:
    closing_run = _start(ctx, day)
    batch_size = settings.get("closing_batch_size")
    rows = _ensure_steps(closing_run)
    with business_day.closing_scope(closing_run.id):
        for position, step in enumerate(STEPS, start=1):
            row = ClosingStep.get_by_id(rows[step.key].id)
            r = StepRun(ctx, closing_run, row, step, position, len(STEPS), progress,
                        batch_size)
            if row.status != "pending":
                r.report_progress()
                continue
            if not step.applies(r):
                with write_transaction():
                    r._finish("skipped")
                r.report_progress()
                continue
            r.total = step.total(r) if step.total else None
            r.report_progress()
            step.run(r)
            if ClosingStep.get_by_id(row.id).status == "pending":
                with write_transaction():
                    r._finish()
    return report(ctx, closing_run.business_date)


def _local(value: datetime | str | None) -> datetime | None:
    """A stored moment in the branch's time zone (what the report prints)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(settings.get("timezone")))


RUN_LABELS = {"running": N_("in progress (interrupted?)"), "done": N_("closed")}
STATUS_LABELS = {"pending": N_("to do"), "done": N_("done"), "skipped": N_("not due today")}


@requires("day.close")
def report(ctx: Context, day: date | None = None, *,
           language: str | None = None) -> ClosingReportDoc:
    """The report of the closing of `day` (default: the last closing of the branch), its
    words in `language` (default: the user's; the PDF uses the document language)."""
    language = language or current_language()
    t = translator(language)
    query = ClosingRun.select().where(ClosingRun.branch == ctx.branch_id)
    if day is not None:
        query = query.where(ClosingRun.business_date == day)
    closing_run = query.order_by(ClosingRun.business_date.desc()).first()
    if closing_run is None:
        raise NotFound(_("No closing of that day."))
    by_key = {s.key: s for s in STEPS}
    lines = []
    backup_path, backup_bytes = "", 0
    for row in closing_run.steps.order_by(ClosingStep.position):
        step = by_key.get(row.key)
        detail = json.loads(row.detail)
        amounts = json.loads(row.amounts)
        if row.key == "backup":
            backup_path, backup_bytes = detail.get("path", ""), detail.get("bytes", 0)
        lines.append(StepLine(
            row.key, t(step.label) if step else row.key, row.status,
            t(STATUS_LABELS.get(row.status, row.status)), row.items, row.batches, amounts,
            tuple(step.describe(t, language, detail, row.items, amounts))
            if step and row.status == "done" else (),
            detail.get("seconds")))
    diffs = tuple(
        TillDifferenceLine(b.session.till.code, b.session.cashier.full_name, b.moment,
                           b.currency, b.counted, b.book, b.difference, b.note)
        for b in (TillBalance.select(TillBalance, TillSession, Till, User)
                  .join(TillSession).join(Till).switch(TillSession).join(User)
                  .where((Till.branch == ctx.branch_id)
                         & (TillSession.business_date == closing_run.business_date)
                         & (TillBalance.difference != 0))
                  .order_by(Till.code, TillBalance.id)))
    info = institution.info(ctx.branch_id)
    branch = Branch.get_by_id(ctx.branch_id)
    r_next, r_day = closing_run.next_date, closing_run.business_date
    return ClosingReportDoc(
        institution=info.name, branch_code=branch.code, branch_name=branch.name,
        business_date=r_day, next_date=r_next, status=closing_run.status,
        started_at=_local(closing_run.started_at),
        finished_at=_local(closing_run.finished_at),
        started_by=User.get_by_id(closing_run.started_by_id).full_name,
        month_end=r_next.month != r_day.month or r_next.year != r_day.year,
        year_end=r_next.year != r_day.year, steps=tuple(lines),
        warnings=tuple(Finding(**w) for w in json.loads(closing_run.warnings)),
        till_differences=diffs, backup_path=backup_path, backup_bytes=backup_bytes,
        language=language, printed_by=ctx.full_name)


@requires("day.close")
def history(ctx: Context, limit: int = 30) -> list[tuple[date, str]]:
    """The branch's last closings: (business date, status), newest first."""
    return [(r.business_date, r.status) for r in
            ClosingRun.select().where(ClosingRun.branch == ctx.branch_id)
            .order_by(ClosingRun.business_date.desc()).limit(limit)]

