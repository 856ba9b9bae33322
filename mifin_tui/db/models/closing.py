"""The end-of-day closing: its runs and their steps."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel
from mifin_tui.db.models.kernel import Branch, User


class ClosingRun(BaseModel):
    """One nightly closing of a branch's business day, from its checks to the next day."""

    branch = pw.ForeignKeyField(Branch, backref="+")
    business_date = pw.DateField()
    next_date = pw.DateField()
    status = pw.CharField(default="running")  # running | done
    started_at = pw.DateTimeField()
    started_by = pw.ForeignKeyField(User, backref="+")
    finished_at = pw.DateTimeField(null=True)
    warnings = pw.TextField(default="[]")  # JSON: checks that warn without blocking

    class Meta:
        indexes = ((("branch", "business_date"), True),)


class ClosingStep(BaseModel):
    """A step's progress, written in the same transaction as the step's postings."""

    run = pw.ForeignKeyField(ClosingRun, backref="steps")
    key = pw.CharField()
    position = pw.IntegerField()
    status = pw.CharField(default="pending")  # pending | done | skipped
    cursor = pw.BigIntegerField(default=0)  # the last id (or key) a batch finished
    batches = pw.IntegerField(default=0)
    items = pw.IntegerField(default=0)
    amounts = pw.TextField(default="{}")  # JSON {currency: minor units}
    detail = pw.TextField(default="{}")  # JSON: what the report says of the step
    started_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("run", "key"), True),)
