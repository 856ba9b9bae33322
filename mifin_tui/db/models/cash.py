"""Cash at the counter: till sessions, counts and balances, vouchers, transfers
between tills and the vault."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid
from mifin_tui.db.models.kernel import Branch, Till, User
from mifin_tui.db.models.ledger import Account, JournalTransaction


class TillSession(BaseModel):
    """One cashier working one till on one business day, from count to count."""

    uid = pw.CharField(unique=True, default=new_uid)
    till = pw.ForeignKeyField(Till, backref="sessions")
    cashier = pw.ForeignKeyField(User, backref="+")
    business_date = pw.DateField()
    status = pw.CharField(default="open")  # open | closed
    opened_at = pw.DateTimeField()
    closed_at = pw.DateTimeField(null=True)


class TillCount(BaseModel):
    """The billetage: how many notes and coins of each denomination were counted."""

    session = pw.ForeignKeyField(TillSession, backref="counts")
    moment = pw.CharField(max_length=5)  # open | close
    currency = pw.CharField(max_length=3)
    denomination = pw.BigIntegerField()  # minor units
    quantity = pw.IntegerField()


class TillBalance(BaseModel):
    """Counted cash against the ledger at an opening or a closing, per currency."""

    session = pw.ForeignKeyField(TillSession, backref="balances")
    moment = pw.CharField(max_length=5)  # open | close
    currency = pw.CharField(max_length=3)
    counted = pw.BigIntegerField()
    book = pw.BigIntegerField()
    difference = pw.BigIntegerField()
    note = pw.CharField(default="")
    difference_txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")

    class Meta:
        indexes = ((("session", "moment", "currency"), True),)


class Voucher(BaseModel):
    """What a cash voucher says beyond its ledger lines: who brought or took the cash, why."""

    txn = pw.ForeignKeyField(JournalTransaction, primary_key=True, backref="+")
    number = pw.CharField(unique=True)
    series = pw.CharField(max_length=4)
    direction = pw.CharField(max_length=3)  # in | out | mov
    till = pw.ForeignKeyField(Till, backref="+")
    session = pw.ForeignKeyField(TillSession, null=True, backref="vouchers")
    client_account = pw.ForeignKeyField(Account, null=True, backref="+")
    currency = pw.CharField(max_length=3)
    amount = pw.BigIntegerField()
    party_name = pw.CharField(default="")
    party_id = pw.CharField(default="")
    purpose = pw.CharField(default="")


class VoucherLoanFigures(BaseModel):
    """A loan's remaining figures after a voucher that moved it (the BS of its
    disbursement, a BR), printed on it and on every reprint (cash.vouchers.stamp_loan_figures)."""

    txn = pw.ForeignKeyField(JournalTransaction, primary_key=True, backref="+")
    principal = pw.BigIntegerField()
    total_due = pw.BigIntegerField()
    payoff = pw.BigIntegerField()


class TransferRequest(BaseModel):
    """Cash between the vault and a till (approvisionnement / dégagement).

    Above the approval limit it waits for the gérant; the posting happens at approval.
    """

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    from_till = pw.ForeignKeyField(Till, backref="+")
    to_till = pw.ForeignKeyField(Till, backref="+")
    currency = pw.CharField(max_length=3)
    amount = pw.BigIntegerField()
    reason = pw.CharField(default="")
    status = pw.CharField(default="pending")  # pending | posted | rejected
    requested_by = pw.ForeignKeyField(User, backref="+")
    requested_at = pw.DateTimeField()
    business_date = pw.DateField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")


class VaultCount(BaseModel):
    """The vault counted by one person and confirmed by a second (procès-verbal de
    comptage); the closing needs the day's confirmed count."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    till = pw.ForeignKeyField(Till, backref="+")
    business_date = pw.DateField()
    status = pw.CharField(default="pending")  # pending | confirmed | rejected
    counted_by = pw.ForeignKeyField(User, backref="+")
    counted_at = pw.DateTimeField()
    note = pw.CharField(default="")
    confirmed_by = pw.ForeignKeyField(User, null=True, backref="+")
    confirmed_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")


class VaultCountLine(BaseModel):
    """The vault's billetage, as the counter typed it."""

    count = pw.ForeignKeyField(VaultCount, backref="lines")
    currency = pw.CharField(max_length=3)
    denomination = pw.BigIntegerField()
    quantity = pw.IntegerField()


class VaultCountBalance(BaseModel):
    """The vault's count against its books at the moment of the count, per currency."""

    count = pw.ForeignKeyField(VaultCount, backref="balances")
    currency = pw.CharField(max_length=3)
    counted = pw.BigIntegerField()
    book = pw.BigIntegerField()
    difference = pw.BigIntegerField()

    class Meta:
        indexes = ((("count", "currency"), True),)


class CashDifference(BaseModel):
    """A till or vault count that differed from the books, held in suspense on the
    name of the one who counted until the gérant decides it (cash.differences)."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    cashier = pw.ForeignKeyField(User, backref="+")
    till = pw.ForeignKeyField(Till, backref="+")
    session = pw.ForeignKeyField(TillSession, null=True, backref="+")
    vault_count = pw.ForeignKeyField(VaultCount, null=True, backref="+")
    business_date = pw.DateField()
    currency = pw.CharField(max_length=3)
    amount = pw.BigIntegerField()  # counted - books: below zero a shortage
    note = pw.CharField(default="")
    # pending | receivable (the cashier repays) | repaid | charged (expense) | income
    status = pw.CharField(default="pending")
    txn = pw.ForeignKeyField(JournalTransaction, backref="+")
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    decision_txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    repaid = pw.BigIntegerField(default=0)
