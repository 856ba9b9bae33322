"""Loans: products, applications and their decisions, guarantees, schedules,
repayments, penalties, classification and rescheduling."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid
from mifin_tui.db.models.kernel import Branch, User
from mifin_tui.db.models.ledger import Account, JournalTransaction
from mifin_tui.db.models.members import Member
from mifin_tui.db.models.savings import AccountHold


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
    # instalment: each due instalment in full before the next; component: every
    # instalment's first part (by allocation_order), then the next (repayment_engine.SWEEPS)
    allocation_sweep = pw.CharField(max_length=16, default="instalment")
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
    # the guarantors' savings are blocked for what they guarantee, at disbursement
    guarantee_hold = pw.BooleanField(default=True)
    active = pw.BooleanField(default=True)
    created_by = pw.ForeignKeyField(User, null=True, backref="+")
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()


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
    # a seasonal application's own due dates (JSON list of ISO dates; '' otherwise)
    due_dates_json = pw.TextField(default="")
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


class LoanWriteOff(BaseModel):
    """A write-off with two keys (#21): proposed by the gérant or the loan officer, decided
    by another user within the delegation (above the gérant's limit, the board's decision
    recorded by an administrator with its minutes' reference and date)."""

    loan = pw.ForeignKeyField(Loan, backref="write_offs")
    state = pw.CharField(max_length=16, index=True)  # pending | approved | rejected
    reason = pw.CharField()
    principal = pw.BigIntegerField()  # the outstanding principal when proposed
    proposed_by = pw.ForeignKeyField(User, backref="+")
    proposed_at = pw.DateTimeField()
    business_date = pw.DateField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    board_reference = pw.CharField(default="")
    board_date = pw.DateField(null=True)
    txn = pw.ForeignKeyField(JournalTransaction, null=True, backref="+")
