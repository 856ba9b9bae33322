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

The modules: `closing_steps` (the step interface: Step, StepRun, Batch, the fault
hook), `closing_checks` (the checks before the start), the business steps one module
each (`debit`, `penalties`, `interest`, `ageing` of the loans, `savings`), `closing_end`
(year end, backup, day closed), this module (the list of steps, the run, preview and report).

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

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from mifin_tui.db import locks, write_transaction
from mifin_tui.db.connection import page_cache
from mifin_tui.db.models import (
    Branch,
    BusinessDay,
    ClosingRun,
    ClosingStep,
    Till,
    TillBalance,
    TillSession,
    User,
)
from mifin_tui.i18n import N_, _, current_language, translator
from mifin_tui.services.closing import ageing, debit, interest, penalties, reclassify
from mifin_tui.services.closing import savings as closing_savings
from mifin_tui.services.closing.checks import (
    APPROVAL_KINDS,
    _describe_checks,
    _start_checks,
    checks,
)
from mifin_tui.services.closing.document import (
    ClosingReportDoc,
    Finding,
    StepLine,
    TillDifferenceLine,
)
from mifin_tui.services.closing.end import (
    _backup,
    _close_day,
    _count_year_end,
    _describe_backup,
    _describe_close,
    _describe_year_end,
    _year_end,
    backup_name,
    closing_folder,
    report_name,
)
from mifin_tui.services.closing.par_snapshot import describe_par_snapshot, par_snapshot_step
from mifin_tui.services.closing.steps import (
    FAULT_ENV,
    Batch,
    ClosingFailed,
    ClosingRefused,
    Describe,
    Progress,
    Step,
    StepRun,
    _fault,
)
from mifin_tui.services.kernel import audit, business_day, clock, institution, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import BusinessDayClosed, Conflict, NotFound
from mifin_tui.services.kernel.permissions import requires

__all__ = ["APPROVAL_KINDS", "FAULT_ENV", "Batch", "ClosingFailed", "ClosingRefused",
           "Describe", "Preview", "Progress", "STEPS", "Step", "StepRun", "backup_name",
           "checks", "closing_folder", "history", "index_of", "preview", "report",
           "report_name", "run"]


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


STEPS: list[Step] = [
    Step("checks", N_("Checks"), _start_checks, describe=_describe_checks),
    Step("auto_debit", N_("Automatic debits of the instalments due"),
         debit.auto_debit, describe=debit.describe_auto_debit),
    Step("penalties", N_("Penalties on overdue instalments"), penalties.penalty_step,
         describe=penalties.describe_penalties),
    Step("loan_interest", N_("Interest accrued on loans"), interest.interest_step,
         describe=interest.describe_interest),
    Step("loan_ageing", N_("Arrears ageing, classification and provisions"),
         ageing.ageing_step, describe=ageing.describe_ageing),
    Step("loan_reclassification", N_("Loans moved to the accounts of their class"),
         reclassify.reclassify_step, describe=reclassify.describe_reclassify),
    Step("par_snapshot", N_("Portfolio at risk at the month end"), par_snapshot_step,
         applies=lambda r: r.month_end, total=lambda r: 1, describe=describe_par_snapshot),
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
                    day=format_date(day)))
            raise NotFound(_("The day {day} is not the open business day{open}.").format(
                day=format_date(day),
                open=(_(" (the open day is {day})").format(
                    day=format_date(current.date)) if current else "")))
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
    # 64 MB of pages: a branch of 100,000 loans closes about a tenth faster; well
    # within the closing's memory goal (300 MB)
    with business_day.closing_scope(closing_run.id), page_cache(64):
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
    backup_path, backup_bytes, anchor, anchor_file = "", 0, "", ""
    for row in closing_run.steps.order_by(ClosingStep.position):
        step = by_key.get(row.key)
        detail = json.loads(row.detail)
        amounts = json.loads(row.amounts)
        if row.key == "backup":
            backup_path, backup_bytes = detail.get("path", ""), detail.get("bytes", 0)
            anchor, anchor_file = detail.get("anchor", ""), detail.get("anchor_file", "")
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
        language=language, printed_by=ctx.full_name, anchor=anchor, anchor_file=anchor_file)


@requires("day.close")
def history(ctx: Context, limit: int = 30) -> list[tuple[date, str]]:
    """The branch's last closings: (business date, status), newest first."""
    return [(r.business_date, r.status) for r in
            ClosingRun.select().where(ClosingRun.branch == ctx.branch_id)
            .order_by(ClosingRun.business_date.desc()).limit(limit)]

