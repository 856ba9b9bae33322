"""Peewee models: the rows of a Mifin database.

Screens never see these; services turn them into dataclasses. Money columns are
integers in the currency's minor unit, with the currency code beside them.
The schema itself is created by the versioned migrations in `migrations/`, not
by `create_tables`, so that an old branch database can be upgraded in place.
"""

from __future__ import annotations

import uuid

import peewee as pw

from mifin_tui.db.connection import database


def new_uid() -> str:
    """An id that stays unique when branches' databases are merged at head office."""
    return uuid.uuid4().hex


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Institution(BaseModel):
    name = pw.CharField()
    regulator = pw.CharField()  # bceao | cobac | bcc
    currency = pw.CharField(max_length=3)
    created_at = pw.DateTimeField()


class Branch(BaseModel):
    code = pw.CharField(unique=True, max_length=8)
    name = pw.CharField()
    city = pw.CharField(default="")
    institution = pw.ForeignKeyField(Institution, backref="branches")


class Setting(BaseModel):
    key = pw.CharField(primary_key=True)
    value = pw.TextField()  # JSON


class Counter(BaseModel):
    """Gapless sequences (vouchers, member and account numbers).

    Incremented inside the posting's IMMEDIATE transaction: a failed posting
    rolls its number back, and two cashiers never draw the same one.
    """

    name = pw.CharField(primary_key=True)
    value = pw.BigIntegerField(default=0)


class User(BaseModel):
    uid = pw.CharField(unique=True, default=new_uid)
    username = pw.CharField(unique=True, max_length=64)
    full_name = pw.CharField()
    password_hash = pw.CharField()
    branch = pw.ForeignKeyField(Branch, backref="users")
    language = pw.CharField(default="fr", max_length=8)
    active = pw.BooleanField(default=True)
    locked = pw.BooleanField(default=False)
    failed_attempts = pw.IntegerField(default=0)
    last_failed_at = pw.DateTimeField(null=True)
    must_change_password = pw.BooleanField(default=False)
    created_at = pw.DateTimeField()
    password_changed_at = pw.DateTimeField(null=True)


class UserRole(BaseModel):
    user = pw.ForeignKeyField(User, backref="role_rows", on_delete="CASCADE")
    role = pw.CharField(max_length=32)

    class Meta:
        indexes = ((("user", "role"), True),)


class BusinessDay(BaseModel):
    branch = pw.ForeignKeyField(Branch, backref="days")
    date = pw.DateField()
    status = pw.CharField(default="open")  # open | closed
    opened_at = pw.DateTimeField()
    opened_by = pw.ForeignKeyField(User, null=True, backref="+")
    closed_at = pw.DateTimeField(null=True)
    closed_by = pw.ForeignKeyField(User, null=True, backref="+")

    class Meta:
        indexes = ((("branch", "date"), True),)


class GLAccount(BaseModel):
    code = pw.CharField(unique=True, max_length=16)
    name = pw.CharField()
    kind = pw.CharField()  # asset | liability | equity | income | expense | off_balance
    # Stored, not derived from kind: provisions are credit-normal asset accounts.
    normal_side = pw.CharField(max_length=6)  # debit | credit
    parent_code = pw.CharField(null=True)
    postable = pw.BooleanField(default=True)
    key = pw.CharField(null=True, unique=True)  # semantic key from the regulator profile


class Member(BaseModel):
    uid = pw.CharField(unique=True, default=new_uid)
    number = pw.CharField(unique=True, max_length=32)
    branch = pw.ForeignKeyField(Branch, backref="members")
    kind = pw.CharField(default="person")  # person | legal
    surname = pw.CharField(default="")
    postname = pw.CharField(default="")
    first_name = pw.CharField(default="")
    legal_name = pw.CharField(default="")
    sex = pw.CharField(default="", max_length=1)
    birth_date = pw.DateField(null=True)
    birth_place = pw.CharField(default="")
    phone = pw.CharField(default="")
    profession = pw.CharField(default="")
    address = pw.CharField(default="")
    commune = pw.CharField(default="")
    city = pw.CharField(default="")
    province = pw.CharField(default="")
    id_type = pw.CharField(default="")
    id_number = pw.CharField(default="", index=True)
    joined_on = pw.DateField()
    status = pw.CharField(default="member")  # founder | member | client | left
    # Lower-cased, accent-free "number surname postname first name legal name"
    # so the member picker searches with one indexed LIKE.
    search_key = pw.CharField(index=True)
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()


class Till(BaseModel):
    """The vault (caisse principale) or a till (caisse auxiliaire) of a branch.

    Its cash is the balance of its cash accounts, one per currency, in the
    ledger: there is no separate till counter to drift.
    """

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="tills")
    code = pw.CharField(max_length=16)
    name = pw.CharField()
    kind = pw.CharField(default="till")  # vault | till
    currencies = pw.CharField()  # "USD,CDF"
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField()

    class Meta:
        indexes = ((("branch", "code"), True),)


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


class Holiday(BaseModel):
    """A public holiday of the institution: no business day, no due date on it."""

    date = pw.DateField(unique=True)
    label = pw.CharField()
    created_by = pw.ForeignKeyField(User, null=True, backref="+")
    created_at = pw.DateTimeField()


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


class AuditLog(BaseModel):
    seq = pw.AutoField()
    at = pw.CharField()  # ISO-8601 UTC, kept as text so the hash is stable
    business_date = pw.CharField(null=True)
    user_id = pw.IntegerField(null=True)
    username = pw.CharField()
    branch_code = pw.CharField(default="")
    action = pw.CharField()
    entity = pw.CharField(default="")
    entity_id = pw.CharField(default="")
    before = pw.TextField(default="")
    after = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64, unique=True)


MODELS: tuple[type[BaseModel], ...] = (
    Institution,
    Branch,
    Setting,
    Counter,
    User,
    UserRole,
    BusinessDay,
    GLAccount,
    Member,
    Till,
    Account,
    JournalTransaction,
    Entry,
    TxnSeal,
    TillSession,
    TillCount,
    TillBalance,
    Voucher,
    TransferRequest,
    Holiday,
    ManualEntry,
    ManualEntryLine,
    AuditLog,
)
