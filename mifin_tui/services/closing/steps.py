"""The step interface of the nightly closing: what a step is (`Step`), what one of its
batches did (`Batch`), how it runs (`StepRun.batches` / `once`, progress recorded in the
same transaction as the postings) and the fault hook the resumability tests use.

See `closing` for how a step is written and registered.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from peewee import fn

from mifin_tui.db import write_transaction
from mifin_tui.db.models import ClosingRun, ClosingStep
from mifin_tui.i18n import _
from mifin_tui.services.closing.document import Finding
from mifin_tui.services.kernel import clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import MifinError

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
                day=format_date(day),
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
