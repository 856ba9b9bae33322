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
    status = pw.CharField(default="open")  # open | closing | closed
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
    # Lower-cased, accent-free words of number, names, phone and ID, with their compact
    # forms: the member picker's full-text index (member_fts, schema 4) mirrors it.
    search_key = pw.CharField()
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()
    # The rest of the fiche d'adhésion (schema 4).
    civil_status = pw.CharField(default="")
    id_issued_at = pw.CharField(default="")
    id_issued_on = pw.DateField(null=True)
    legal_form = pw.CharField(default="")
    registration = pw.CharField(default="")
    representative = pw.ForeignKeyField("self", null=True, backref="represented")
    representative_name = pw.CharField(default="")
    representative_phone = pw.CharField(default="")
    category = pw.CharField(default="")
    officer = pw.ForeignKeyField(User, null=True, backref="+")
    zone = pw.CharField(default="")
    left_on = pw.DateField(null=True)
    # Folded name and compacted ID number: the duplicate check reads them by index.
    name_key = pw.CharField(default="")
    id_key = pw.CharField(default="", index=True)
    forms_printed = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("name_key", "birth_date"), False),)


class DuplicateRequest(BaseModel):
    """A second record for a person already a member: waits for the gérant's decision.

    Approved, it lets the adhésion of exactly these fields go through once (`member`
    is then the record created)."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    fields = pw.TextField()  # JSON of the fiche as typed
    display_name = pw.CharField()
    duplicate_of = pw.ForeignKeyField(Member, backref="+")
    reason = pw.CharField()
    status = pw.CharField(default="pending", index=True)  # pending | approved | refused | used
    requested_by = pw.ForeignKeyField(User, backref="+")
    requested_at = pw.DateTimeField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    member = pw.ForeignKeyField(Member, null=True, backref="+")


class MemberGroup(BaseModel):
    """A solidarity group (groupe solidaire) or an association of members."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    name = pw.CharField()
    kind = pw.CharField()  # solidarity | association
    meeting_place = pw.CharField(default="")
    status = pw.CharField(default="active")  # active | closed
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()


class GroupMembership(BaseModel):
    group = pw.ForeignKeyField(MemberGroup, backref="memberships")
    member = pw.ForeignKeyField(Member, backref="group_rows")
    role = pw.CharField(max_length=32)  # president | secretary | treasurer | member
    joined_on = pw.DateField()

    class Meta:
        indexes = ((("group", "member"), True),)


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


class LoanProduct(BaseModel):
    """A loan product (settings): limits, interest, fees, penalties, eligibility, GL keys.

    Amounts in the product's currency minor units; rates and percentages in basis points.
    Loans (#8) copy what they use at approval: changing a product never rewrites a loan.
    """

    code = pw.CharField(unique=True, max_length=16)
    name = pw.CharField()
    currency = pw.CharField(max_length=3)
    kind = pw.CharField(max_length=16)  # individual | group
    amount_min = pw.BigIntegerField()
    amount_max = pw.BigIntegerField()
    term_min = pw.IntegerField()  # number of instalments
    term_max = pw.IntegerField()
    frequency = pw.CharField(max_length=16)  # weekly | biweekly | monthly | seasonal
    method = pw.CharField(max_length=16)  # declining | equal_principal | flat
    rate_min_bp = pw.IntegerField()
    rate_max_bp = pw.IntegerField()
    rate_default_bp = pw.IntegerField()
    days_in_year = pw.IntegerField(null=True)  # None: periodic rate; 360 | 365: actual days
    grace_principal = pw.IntegerField(default=0)
    grace_interest = pw.IntegerField(default=0)
    grace_interest_mode = pw.CharField(max_length=16, default="waived")
    round_to = pw.IntegerField(default=1)
    fee_kind = pw.CharField(max_length=16, default="percent")  # fixed | percent
    fee_value = pw.BigIntegerField(default=0)  # minor units, or bp of the amount
    fee_timing = pw.CharField(max_length=16, default="deducted")  # upfront | deducted
    insurance_bp = pw.IntegerField(default=0)
    savings_bp = pw.IntegerField(default=0)  # compulsory savings blocked on the account
    penalty_kind = pw.CharField(max_length=16, default="none")  # none | daily | flat
    penalty_value = pw.BigIntegerField(default=0)  # bp a day of the overdue, or minor units
    penalty_grace_days = pw.IntegerField(default=0)
    allocation_order = pw.CharField(default="penalties,interest,principal")
    min_membership_months = pw.IntegerField(default=0)
    min_deposits = pw.IntegerField(default=0)
    deposits_window_months = pw.IntegerField(default=0)
    max_debt_to_income_bp = pw.IntegerField(null=True)
    gl_portfolio = pw.CharField(default="loans_outstanding")
    gl_interest = pw.CharField(default="interest_income_loans")
    gl_penalty = pw.CharField(default="penalty_income")
    gl_fees = pw.CharField(default="fee_income")
    gl_interest_receivable = pw.CharField(default="interest_receivable")
    excess_policy = pw.CharField(max_length=24, default="refuse")  # repayment_engine.EXCESS_MODES
    accrual = pw.CharField(max_length=16, default="due_date")  # due_date | daily
    penalty_cap_amount = pw.BigIntegerField(null=True)
    penalty_cap_bp = pw.IntegerField(null=True)  # of the instalment's principal + interest
    active = pw.BooleanField(default=True)
    created_by = pw.ForeignKeyField(User, null=True, backref="+")
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()
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


# --- Savings (schema version 5) ------------------------------------------------------


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


class AccountMandate(BaseModel):
    """A person allowed to withdraw on an account: mandataire or a legal person's signatory."""

    account = pw.ForeignKeyField(Account, backref="mandates")
    full_name = pw.CharField()
    id_type = pw.CharField(default="")
    id_number = pw.CharField(default="")
    role = pw.CharField(default="mandataire", max_length=16)  # | signatory
    active = pw.BooleanField(default=True)
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()


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


class Loan(BaseModel):
    """A loan from its application to its closing (#8).

    `account` is the loan's ledger account (GL key loans_outstanding), opened with the
    application so the loan has its number (with check digits) from the first step.
    The terms are frozen at approval in `terms_json`; disbursement re-bases the dates.
    """

    uid = pw.CharField(unique=True, default=new_uid)
    number = pw.CharField(unique=True, max_length=32)
    branch = pw.ForeignKeyField(Branch, backref="+")
    member = pw.ForeignKeyField(Member, backref="loans")
    product = pw.ForeignKeyField(LoanProduct, backref="loans")
    account = pw.ForeignKeyField(Account, backref="+")
    linked_account = pw.ForeignKeyField(Account, null=True, backref="+")
    currency = pw.CharField(max_length=3)
    state = pw.CharField(max_length=16, default="draft")
    amount_requested = pw.BigIntegerField()
    term_requested = pw.IntegerField()
    rate_bp = pw.IntegerField()
    purpose = pw.CharField()
    activity = pw.CharField(default="")
    monthly_income = pw.BigIntegerField(default=0)
    project_estimate = pw.BigIntegerField(default=0)
    override_by = pw.ForeignKeyField(User, null=True, backref="+")
    override_reason = pw.CharField(default="")
    visit_date = pw.DateField(null=True)
    visitor = pw.CharField(default="")
    visit_findings = pw.TextField(default="")
    visit_recommendation = pw.CharField(default="")
    committee_round = pw.IntegerField(default=1)
    amount_approved = pw.BigIntegerField(null=True)
    term_approved = pw.IntegerField(null=True)
    terms_json = pw.TextField(default="")
    teg_bp = pw.IntegerField(null=True)
    fees = pw.BigIntegerField(default=0)
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_reason = pw.CharField(default="")
    board_reference = pw.CharField(default="")
    disbursed_by = pw.ForeignKeyField(User, null=True, backref="+")
    disbursed_on = pw.DateField(null=True)
    disbursement_mode = pw.CharField(default="", max_length=8)  # cash | savings
    disbursement_txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    fee_txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    contracts_printed = pw.IntegerField(default=0)
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()
    # What the last closing found (#10); loan_classification keeps the history.
    days_past_due = pw.IntegerField(default=0)
    classification = pw.CharField(max_length=16, default="")
    provision = pw.BigIntegerField(default=0)
    restructured = pw.BooleanField(default=False)
    written_off_on = pw.DateField(null=True)
    written_off_amount = pw.BigIntegerField(default=0)
    write_off_reason = pw.CharField(default="")

    class Meta:
        indexes = ((("state", "decided_at"), False), (("state", "days_past_due"), False))


class LoanEvent(BaseModel):
    """One step of a loan's life: who moved it from which state to which, when, why."""

    loan = pw.ForeignKeyField(Loan, backref="events")
    from_state = pw.CharField(max_length=16)
    to_state = pw.CharField(max_length=16)
    user = pw.ForeignKeyField(User, backref="+")
    at = pw.DateTimeField()
    business_date = pw.DateField(null=True)
    note = pw.CharField(default="")


class LoanEligibility(BaseModel):
    """The result of one eligibility rule at the last check of the application."""

    loan = pw.ForeignKeyField(Loan, backref="eligibility")
    rule = pw.CharField(max_length=32)
    passed = pw.BooleanField()
    detail = pw.CharField(default="")


class LoanGuarantor(BaseModel):
    loan = pw.ForeignKeyField(Loan, backref="guarantors")
    member = pw.ForeignKeyField(Member, backref="guarantees")
    account = pw.ForeignKeyField(Account, null=True, backref="+")  # savings held
    amount = pw.BigIntegerField()
    hold = pw.ForeignKeyField(AccountHold, null=True, backref="+")


class LoanCollateral(BaseModel):
    loan = pw.ForeignKeyField(Loan, backref="collateral")
    kind = pw.CharField(max_length=8)  # savings | goods
    account = pw.ForeignKeyField(Account, null=True, backref="+")
    description = pw.CharField(default="")
    value = pw.BigIntegerField()
    hold = pw.ForeignKeyField(AccountHold, null=True, backref="+")


class LoanOpinion(BaseModel):
    """A credit committee member's opinion on an application, per committee round."""

    loan = pw.ForeignKeyField(Loan, backref="opinions")
    round = pw.IntegerField()
    user = pw.ForeignKeyField(User, backref="+")
    opinion = pw.CharField(max_length=16)  # favourable | unfavourable | adjourned
    amount_proposed = pw.BigIntegerField(null=True)
    comment = pw.CharField(default="")
    created_at = pw.DateTimeField()

    class Meta:
        indexes = ((("loan", "round", "user"), True),)


class LoanInstallment(BaseModel):
    """The frozen schedule: what is due at each date and what was paid of it (#9)."""

    loan = pw.ForeignKeyField(Loan, backref="installments")
    no = pw.IntegerField()
    due_date = pw.DateField()
    principal_due = pw.BigIntegerField()
    interest_due = pw.BigIntegerField()
    fees_due = pw.BigIntegerField(default=0)
    principal_paid = pw.BigIntegerField(default=0)
    interest_paid = pw.BigIntegerField(default=0)
    fees_paid = pw.BigIntegerField(default=0)
    penalties_due = pw.BigIntegerField(default=0)  # charged by the closing (loan_penalty)
    penalties_paid = pw.BigIntegerField(default=0)
    interest_accrued = pw.BigIntegerField(default=0)  # booked to receivable before due
    paid_on = pw.DateField(null=True)  # the business day it was settled in full

    class Meta:
        indexes = ((("loan", "no"), True), (("due_date",), False))


class Repayment(BaseModel):
    """A loan repayment (#9) and how it was split; the BR voucher prints these.

    `channel`: cash | savings | mobile_money | bank | auto_debit; `kind`: repayment |
    recovery (after write-off). A reversal keeps the row and records the reversing txn."""

    loan = pw.ForeignKeyField(Loan, backref="repayments")
    txn = pw.ForeignKeyField(JournalTransaction, unique=True, backref="+")
    business_date = pw.DateField(index=True)
    channel = pw.CharField(max_length=16)
    amount = pw.BigIntegerField()
    principal = pw.BigIntegerField()
    interest = pw.BigIntegerField()
    fees = pw.BigIntegerField()
    penalties = pw.BigIntegerField()
    balance_after = pw.BigIntegerField()  # what remains on the schedule after it
    kind = pw.CharField(max_length=16, default="repayment")
    reference = pw.CharField(max_length=64, default="")  # operator's; unique per channel
    source_account = pw.ForeignKeyField(Account, null=True, backref="+")
    created_by = pw.ForeignKeyField(User, null=True, backref="+")
    reversal_txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
    reversed_by = pw.ForeignKeyField(User, null=True, backref="+")
    reversed_on = pw.DateField(null=True)
    reversal_reason = pw.CharField(default="")


class RepaymentAllocation(BaseModel):
    """What one repayment paid of one instalment (reversals put back exactly this)."""

    repayment = pw.ForeignKeyField(Repayment, backref="allocations")
    installment = pw.ForeignKeyField(LoanInstallment, backref="allocations")
    principal = pw.BigIntegerField()
    interest = pw.BigIntegerField()
    fees = pw.BigIntegerField()
    penalties = pw.BigIntegerField()


class LoanPenalty(BaseModel):
    """A penalty the closing charged on one instalment for one business day."""

    loan = pw.ForeignKeyField(Loan, backref="penalties")
    installment = pw.ForeignKeyField(LoanInstallment, backref="penalties")
    business_date = pw.DateField(index=True)
    days = pw.IntegerField()
    amount = pw.BigIntegerField()
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")

    class Meta:
        indexes = ((("installment", "business_date"), True),)


class LoanClassification(BaseModel):
    """A loan's days past due, class and provision as a closing found them."""

    loan = pw.ForeignKeyField(Loan, backref="classifications")
    business_date = pw.DateField(index=True)
    days_past_due = pw.IntegerField()
    classification = pw.CharField(max_length=16)
    outstanding = pw.BigIntegerField()
    provision = pw.BigIntegerField()

    class Meta:
        indexes = ((("loan", "business_date"), True),)


class LoanReschedule(BaseModel):
    """A rescheduling asked by the officer and decided by another user (maker-checker).
    `old_schedule_json` keeps the instalment rows as they were before the approval replaced
    the unpaid ones; `terms_json` the terms of the new schedule (for its reprint)."""

    loan = pw.ForeignKeyField(Loan, backref="reschedules")
    state = pw.CharField(max_length=16, index=True)  # pending | approved | rejected
    term = pw.IntegerField()
    rate_bp = pw.IntegerField()
    reason = pw.CharField()
    requested_by = pw.ForeignKeyField(User, backref="+")
    requested_at = pw.DateTimeField()
    business_date = pw.DateField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    applied_on = pw.DateField(null=True)
    principal = pw.BigIntegerField(default=0)  # outstanding principal rescheduled
    carried = pw.BigIntegerField(default=0)    # overdue interest, fees, penalties carried
    terms_json = pw.TextField(default="")
    old_schedule_json = pw.TextField(default="")


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
    LoanProduct,
    SavingsProduct,
    SavingsAccount,
    AccountHold,
    AccountMandate,
    WithdrawalRequest,
    InterestPosting,
    DuplicateRequest,
    MemberGroup,
    GroupMembership,
    ClosingRun,
    ClosingStep,
    Loan,
    LoanEvent,
    LoanEligibility,
    LoanGuarantor,
    LoanCollateral,
    LoanOpinion,
    LoanInstallment,
    Repayment,
    RepaymentAllocation,
    LoanPenalty,
    LoanClassification,
    LoanReschedule,
)
