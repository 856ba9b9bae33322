"""The general ledger: GL accounts, customer and internal accounts, journal
transactions and their entries, seals, and the accountant's manual entries."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid
from mifin_tui.db.models.kernel import Branch, Till, User
from mifin_tui.db.models.members import Member


class GLAccount(BaseModel):
    code = pw.CharField(unique=True, max_length=16)
    name = pw.CharField()
    kind = pw.CharField()  # asset | liability | equity | income | expense | off_balance
    # Stored, not derived from kind: provisions are credit-normal asset accounts.
    normal_side = pw.CharField(max_length=6)  # debit | credit
    parent_code = pw.CharField(null=True)
    postable = pw.BooleanField(default=True)
    key = pw.CharField(null=True, unique=True)  # semantic key from the regulator profile


class Account(BaseModel):
    """A ledger account: a client's (savings, loan) or an internal one.

    Each maps to one GL account of the chart; GL balances are the sum of their
    accounts. `balance` is a running balance in the account's natural sign,
    kept in the posting's transaction and proven against entries by `mifin check`.
    """

    uid = pw.CharField(unique=True, default=new_uid)
    number = pw.CharField(unique=True, max_length=32)
    branch = pw.ForeignKeyField(Branch, backref="accounts")
    kind = pw.CharField()  # internal | savings | loan | cash
    gl_account = pw.ForeignKeyField(GLAccount, backref="accounts")
    member = pw.ForeignKeyField(Member, null=True, backref="accounts")
    currency = pw.CharField(max_length=3)
    name = pw.CharField()
    normal_side = pw.CharField(max_length=6)  # debit | credit
    allow_negative = pw.BooleanField(default=False)
    balance = pw.BigIntegerField(default=0)
    status = pw.CharField(default="active")  # active | closed
    opened_on = pw.DateField()
    created_at = pw.DateTimeField()
    till = pw.ForeignKeyField(Till, null=True, backref="accounts")

    class Meta:
        indexes = ((("gl_account", "branch", "currency", "kind"), False),)


class JournalTransaction(BaseModel):
    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    business_date = pw.DateField(index=True)
    posted_at = pw.DateTimeField()
    user = pw.ForeignKeyField(User, backref="+")
    kind = pw.CharField()  # deposit | withdrawal | manual | reversal | ...
    voucher_series = pw.CharField(null=True, max_length=4)
    voucher_number = pw.CharField(null=True, unique=True)
    label = pw.CharField()
    reverses = pw.ForeignKeyField("self", null=True, unique=True, backref="+")
    # Set on the postings of a nightly closing (ClosingRun.id): the only ones a day
    # being closed accepts.
    closing_run_id = pw.IntegerField(null=True, index=True)


class Entry(BaseModel):
    txn = pw.ForeignKeyField(JournalTransaction, backref="entries")
    line = pw.SmallIntegerField()
    account = pw.ForeignKeyField(Account, backref="entries")
    gl_account = pw.ForeignKeyField(GLAccount, backref="+")
    debit = pw.BigIntegerField(default=0)
    credit = pw.BigIntegerField(default=0)
    currency = pw.CharField(max_length=3)
    balance_after = pw.BigIntegerField()
    label = pw.CharField(default="")

    class Meta:
        indexes = (
            (("txn", "line"), True),
            (("account", "id"), False),
        )
        constraints = [
            pw.Check("debit >= 0 AND credit >= 0"),
            pw.Check("(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)"),
        ]


class TxnSeal(BaseModel):
    """A journal transaction is final once sealed; a trigger refuses the seal
    of an unbalanced transaction and any line added after it."""

    txn = pw.ForeignKeyField(JournalTransaction, primary_key=True, backref="+")


class LedgerChain(BaseModel):
    """A sealed transaction's link in the books' hash chain (services/kernel/chain.py):
    its hash covers its lines, user, label, voucher, date, kind and the previous link."""

    txn = pw.ForeignKeyField(JournalTransaction, primary_key=True, backref="+")
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64, unique=True)


class ManualEntry(BaseModel):
    """An accountant's journal entry (opération diverse) waiting for a second person.

    Entered as a draft of balanced lines; another user validates it (then it is posted
    through the ledger with an OD voucher) or rejects it with a reason.
    """

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    currency = pw.CharField(max_length=3)
    label = pw.CharField()
    status = pw.CharField(default="pending")  # pending | posted | rejected
    entered_by = pw.ForeignKeyField(User, backref="+")
    entered_at = pw.DateTimeField()
    business_date = pw.DateField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")


class ManualEntryLine(BaseModel):
    entry = pw.ForeignKeyField(ManualEntry, backref="lines")
    line = pw.SmallIntegerField()
    # A line names a ledger account, or a GL account whose branch internal account is
    # found (or opened) when the entry is posted.
    account = pw.ForeignKeyField(Account, null=True, backref="+")
    gl_account = pw.ForeignKeyField(GLAccount, backref="+")
    debit = pw.BigIntegerField(default=0)
    credit = pw.BigIntegerField(default=0)
    label = pw.CharField(default="")

    class Meta:
        indexes = ((("entry", "line"), True),)
        constraints = [
            pw.Check("debit >= 0 AND credit >= 0"),
            pw.Check("(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)"),
        ]
