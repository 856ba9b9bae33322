"""Peewee models: the rows of a Mifin database.

Screens never see these; services turn them into dataclasses. Money columns are
integers in the currency's minor unit, with the currency code beside them.
The schema itself is created by the versioned migrations in `migrations/`, not
by `create_tables`, so that an old branch database can be upgraded in place.

One module per business area (`kernel`, `members`, `ledger`, `cash`, `savings`,
`loans`, `imports`, `closing`); every model is importable from here.
"""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid
from mifin_tui.db.models.cash import (
    TillBalance,
    TillCount,
    TillSession,
    TransferRequest,
    Voucher,
)
from mifin_tui.db.models.closing import (
    ClosingRun,
    ClosingStep,
)
from mifin_tui.db.models.imports import (
    PaymentImport,
    PaymentImportLine,
)
from mifin_tui.db.models.kernel import (
    AuditLog,
    Branch,
    BusinessDay,
    Counter,
    Holiday,
    Institution,
    Setting,
    Till,
    User,
    UserRole,
)
from mifin_tui.db.models.ledger import (
    Account,
    Entry,
    GLAccount,
    JournalTransaction,
    ManualEntry,
    ManualEntryLine,
    TxnSeal,
)
from mifin_tui.db.models.loans import (
    Loan,
    LoanClassification,
    LoanCollateral,
    LoanEligibility,
    LoanEvent,
    LoanGuarantor,
    LoanInstallment,
    LoanOpinion,
    LoanPenalty,
    LoanProduct,
    LoanReschedule,
    Repayment,
    RepaymentAllocation,
)
from mifin_tui.db.models.members import (
    DuplicateRequest,
    GroupMembership,
    Member,
    MemberGroup,
)
from mifin_tui.db.models.savings import (
    AccountHold,
    AccountMandate,
    InterestPosting,
    SavingsAccount,
    SavingsProduct,
    WithdrawalRequest,
)

__all__ = [
    "Account",
    "AccountHold",
    "AccountMandate",
    "AuditLog",
    "BaseModel",
    "Branch",
    "BusinessDay",
    "ClosingRun",
    "ClosingStep",
    "Counter",
    "DuplicateRequest",
    "Entry",
    "GLAccount",
    "GroupMembership",
    "Holiday",
    "Institution",
    "InterestPosting",
    "JournalTransaction",
    "Loan",
    "LoanClassification",
    "LoanCollateral",
    "LoanEligibility",
    "LoanEvent",
    "LoanGuarantor",
    "LoanInstallment",
    "LoanOpinion",
    "LoanPenalty",
    "LoanProduct",
    "LoanReschedule",
    "MODELS",
    "ManualEntry",
    "ManualEntryLine",
    "Member",
    "MemberGroup",
    "PaymentImport",
    "PaymentImportLine",
    "Repayment",
    "RepaymentAllocation",
    "SavingsAccount",
    "SavingsProduct",
    "Setting",
    "Till",
    "TillBalance",
    "TillCount",
    "TillSession",
    "TransferRequest",
    "TxnSeal",
    "User",
    "UserRole",
    "Voucher",
    "WithdrawalRequest",
    "new_uid",
    "pw",
]

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
    PaymentImport,
    PaymentImportLine,
    LoanReschedule,
)
