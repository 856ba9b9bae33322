"""Payment files imported from banks and mobile-money operators, line by line."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel
from mifin_tui.db.models.kernel import Branch, User
from mifin_tui.db.models.ledger import Account, JournalTransaction
from mifin_tui.db.models.loans import Loan


class PaymentImport(BaseModel):
    """A statement of a mobile-money operator or a bank imported (#9): who, when, counts."""

    branch = pw.ForeignKeyField(Branch, backref="+")
    channel = pw.CharField(max_length=16)  # mobile_money | bank
    file_name = pw.CharField()
    file_sha256 = pw.CharField(max_length=64, index=True)
    business_date = pw.DateField()
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()
    lines = pw.IntegerField()
    posted = pw.IntegerField()
    unmatched = pw.IntegerField()
    rejected = pw.IntegerField()
    skipped = pw.IntegerField()  # references already imported: nothing added


class PaymentImportLine(BaseModel):
    """One payment of a statement: matched to a loan or a savings account and posted, or
    waiting for the accountant. The reference is unique per channel over every import."""

    payment_import = pw.ForeignKeyField(PaymentImport, column_name="import_id",
                                        backref="rows")
    line_no = pw.IntegerField()
    channel = pw.CharField(max_length=16)
    reference = pw.CharField(max_length=64)
    value_date = pw.DateField()
    payer = pw.CharField(max_length=64)
    amount = pw.BigIntegerField()
    currency = pw.CharField(max_length=3)
    text = pw.CharField()
    status = pw.CharField(max_length=16, index=True)  # matched|unmatched|posted|rejected
    matched_by = pw.CharField(max_length=16)  # reference|text|account|phone|manual|''
    loan = pw.ForeignKeyField(Loan, null=True, backref="+")
    account = pw.ForeignKeyField(Account, null=True, backref="+")
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    reason = pw.CharField(default="")
    posted_by = pw.ForeignKeyField(User, null=True, backref="+")
    posted_on = pw.DateField(null=True)

    class Meta:
        table_name = "payment_import_line"
        indexes = ((("channel", "reference"), True),)


class PaymentSuspense(BaseModel):
    """Money of an imported line held in "paiements reçus à affecter" (at most one per
    line): open until the accountant applies it (to a loan or a savings account) or
    refunds it; the clearing account keeps equal to the statement meanwhile."""

    branch = pw.ForeignKeyField(Branch, backref="+")
    line = pw.ForeignKeyField(PaymentImportLine, unique=True, backref="+")
    channel = pw.CharField(max_length=16)
    reference = pw.CharField(max_length=64)
    payer = pw.CharField(max_length=64)
    amount = pw.BigIntegerField()
    currency = pw.CharField(max_length=3)
    reason = pw.CharField()
    status = pw.CharField(max_length=8)  # open | applied | refunded
    txn = pw.ForeignKeyField(JournalTransaction, backref="+")
    business_date = pw.DateField()
    created_by = pw.ForeignKeyField(User, backref="+")
    settled_txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    settled_by = pw.ForeignKeyField(User, null=True, backref="+")
    settled_on = pw.DateField(null=True)
    target = pw.CharField(max_length=64, default="")
    note = pw.CharField(default="")

    class Meta:
        table_name = "payment_suspense"
