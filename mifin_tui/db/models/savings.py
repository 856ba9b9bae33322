"""Savings: products, accounts' savings terms, holds, mandataires, withdrawal
requests and interest postings (schema version 5)."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid
from mifin_tui.db.models.kernel import Branch, User
from mifin_tui.db.models.ledger import Account, JournalTransaction


class SavingsProduct(BaseModel):
    """A savings product: its kind, currency and rules (amounts in minor units).

    Kinds: free | scheduled | blocked | tontine | interest. Zero in a limit means "none".
    """

    code = pw.CharField(unique=True, max_length=16)
    name = pw.CharField()
    kind = pw.CharField(max_length=16)
    currency = pw.CharField(max_length=3)
    gl_key = pw.CharField()
    min_opening = pw.BigIntegerField(default=0)
    min_balance = pw.BigIntegerField(default=0)
    deposit_min = pw.BigIntegerField(default=0)
    deposit_max = pw.BigIntegerField(default=0)
    notice_days = pw.IntegerField(default=0)
    withdrawal_max_per_day = pw.BigIntegerField(default=0)
    withdrawal_fee = pw.BigIntegerField(default=0)
    dormancy_months = pw.IntegerField(default=0)
    # scheduled: a planned amount per period (month | week) until a target date
    planned_amount = pw.BigIntegerField(default=0)
    period = pw.CharField(default="month", max_length=8)
    # tontine: a cycle of N days; the commission is M days' contributions
    cycle_days = pw.IntegerField(default=0)
    commission_days = pw.IntegerField(default=0)
    # interest-bearing: annual rate and tax in basis points
    rate_bp = pw.IntegerField(default=0)
    interest_method = pw.CharField(default="min_monthly", max_length=16)  # | daily
    posting_months = pw.IntegerField(default=1)  # 1 monthly, 3 quarterly, 12 yearly
    withholding_bp = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField()


class SavingsAccount(BaseModel):
    """What a savings account adds to its ledger account: product, kind's own fields,
    dormancy, the passbook's last printed line."""

    account = pw.ForeignKeyField(Account, primary_key=True, backref="+")
    product = pw.ForeignKeyField(SavingsProduct, backref="accounts")
    planned_amount = pw.BigIntegerField(default=0)
    target_date = pw.DateField(null=True)
    blocked_until = pw.DateField(null=True)
    collateral = pw.BooleanField(default=False)
    agent = pw.ForeignKeyField(User, null=True, backref="+")
    cycle_start = pw.DateField(null=True)
    dormant = pw.BooleanField(default=False)
    dormant_since = pw.DateField(null=True)
    passbook_entry_id = pw.BigIntegerField(default=0)
    passbook_line = pw.IntegerField(default=0)


class AccountHold(BaseModel):
    """An amount blocked on an account (blocage); released by the process that set it."""

    uid = pw.CharField(unique=True, default=new_uid)
    account = pw.ForeignKeyField(Account, backref="holds")
    amount = pw.BigIntegerField()
    reason = pw.CharField(max_length=16)  # collateral | court_order | dispute | other
    note = pw.CharField(default="")
    process = pw.CharField()  # e.g. "manual", "loan:KIN-30-...", "court"
    status = pw.CharField(default="active", max_length=8)  # active | released
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()
    released_by = pw.ForeignKeyField(User, null=True, backref="+")
    released_at = pw.DateTimeField(null=True)
    release_reason = pw.CharField(default="")


class AccountMandate(BaseModel):
    """A person allowed to withdraw on an account: mandataire or a legal person's signatory."""

    account = pw.ForeignKeyField(Account, backref="mandates")
    full_name = pw.CharField()
    id_type = pw.CharField(default="")
    id_number = pw.CharField(default="")
    role = pw.CharField(default="mandataire", max_length=16)  # | signatory
    # True only once approved and until revoked: the withdrawal reads this alone.
    active = pw.BooleanField(default=True)
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()
    status = pw.CharField(default="active", max_length=10)  # pending | active | rejected | revoked
    # The holder's signed consent (the procuration): when and its document's reference.
    consent_on = pw.DateField(null=True)
    consent_reference = pw.CharField(default="")
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    revoked_by = pw.ForeignKeyField(User, null=True, backref="+")
    revoked_at = pw.DateTimeField(null=True)
    revoke_reason = pw.CharField(default="")


class WithdrawalRequest(BaseModel):
    """A withdrawal that waits: for the gérant (above the limit, dormant account) or for
    its notice date. The cashier pays it once approved and due."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    account = pw.ForeignKeyField(Account, backref="+")
    amount = pw.BigIntegerField()
    party_name = pw.CharField()
    party_id = pw.CharField(default="")
    purpose = pw.CharField()
    reasons = pw.CharField(default="")  # "limit,dormant,notice"
    status = pw.CharField(default="pending", max_length=10)  # | approved | paid | rejected
    payable_on = pw.DateField()
    requested_by = pw.ForeignKeyField(User, backref="+")
    requested_at = pw.DateTimeField()
    business_date = pw.DateField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")


class InterestPosting(BaseModel):
    """Interest of one account for one period: at most one row, so posting is idempotent."""

    account = pw.ForeignKeyField(Account, backref="+")
    period_start = pw.DateField()
    period_end = pw.DateField()
    base = pw.BigIntegerField()  # the balance-days (daily) or summed monthly minimums
    gross = pw.BigIntegerField()
    tax = pw.BigIntegerField()
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    created_at = pw.DateTimeField()

    class Meta:
        indexes = ((("account", "period_end"), True),)


class StandingOrder(BaseModel):
    """A standing order (ordre de prélèvement permanent) the member signed: the closing's
    automatic debit may take this account for the loans it names. Revoked, not deleted."""

    uid = pw.CharField(unique=True, default=new_uid)
    account = pw.ForeignKeyField(Account, backref="+")
    signed_on = pw.DateField()
    note = pw.CharField(default="")
    status = pw.CharField(default="active", max_length=8)  # active | revoked
    recorded_by = pw.ForeignKeyField(User, backref="+")
    recorded_at = pw.DateTimeField()
    business_date = pw.DateField()
    revoked_by = pw.ForeignKeyField(User, null=True, backref="+")
    revoked_at = pw.DateTimeField(null=True)
    revoked_on = pw.DateField(null=True)
    revoke_reason = pw.CharField(default="")


class StandingOrderLoan(BaseModel):
    """A loan a standing order serves, as plain data (savings do not know loans)."""

    order = pw.ForeignKeyField(StandingOrder, backref="loans")
    loan_id = pw.IntegerField()
    loan_number = pw.CharField(max_length=32)
