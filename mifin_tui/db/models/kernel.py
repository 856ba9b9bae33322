"""The institution, its branches and tills, users and their roles, settings, gapless
counters, business days, holidays and the audit trail."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid


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
    # The last password an administrator set (new user, reset): who, when, and when the
    # user first logged in with it (shown to the gérant: was it the user?).
    reset_by = pw.CharField(null=True, max_length=64)
    reset_at = pw.DateTimeField(null=True)
    reset_login_at = pw.DateTimeField(null=True)


class UserRole(BaseModel):
    user = pw.ForeignKeyField(User, backref="role_rows", on_delete="CASCADE")
    role = pw.CharField(max_length=32)

    class Meta:
        indexes = ((("user", "role"), True),)


class BusinessDay(BaseModel):
    branch = pw.ForeignKeyField(Branch, backref="days")
    date = pw.DateField()
    status = pw.CharField(default="open")  # open | closing | closed
    opened_at = pw.DateTimeField()
    opened_by = pw.ForeignKeyField(User, null=True, backref="+")
    closed_at = pw.DateTimeField(null=True)
    closed_by = pw.ForeignKeyField(User, null=True, backref="+")

    class Meta:
        indexes = ((("branch", "date"), True),)


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


class Holiday(BaseModel):
    """A public holiday of the institution: no business day, no due date on it."""

    date = pw.DateField(unique=True)
    label = pw.CharField()
    created_by = pw.ForeignKeyField(User, null=True, backref="+")
    created_at = pw.DateTimeField()


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
