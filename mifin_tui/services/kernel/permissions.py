"""Roles, permissions, and the gate every service function passes.

The table is data; `requires` both checks it and registers the service so a
test can walk every service against every role.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import PermissionDenied

CASHIER = "cashier"
LOAN_OFFICER = "loan_officer"
COMMITTEE = "committee"
MANAGER = "manager"
ACCOUNTANT = "accountant"
AUDITOR = "auditor"
ADMIN = "admin"

ROLE_LABELS: dict[str, str] = {
    CASHIER: N_("Cashier"),
    LOAN_OFFICER: N_("Loan officer"),
    COMMITTEE: N_("Credit committee member"),
    MANAGER: N_("Branch manager"),
    ACCOUNTANT: N_("Accountant"),
    AUDITOR: N_("Auditor"),
    ADMIN: N_("Administrator"),
}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)

# What each permission lets a user do; the keys are what services ask for.
PERMISSION_LABELS: dict[str, str] = {
    "member.read": N_("Look up members and their accounts"),
    "member.create": N_("Enrol members"),
    "account.read": N_("Look up account balances and history"),
    "ledger.read": N_("Read the general journal"),
    "ledger.post": N_("Post cash operations"),
    "ledger.reverse": N_("Reverse a journal transaction"),
    "day.close": N_("Close the business day"),
    "till.operate": N_("Open and close a till, transfer cash with the vault"),
    "till.manage": N_("Create and retire tills"),
    "transfer.approve": N_("Approve vault transfers above the limit"),
    "voucher.reprint": N_("Reprint a voucher (DUPLICATA)"),
    "vault.count": N_("Count the vault with a billetage"),
    "vault.confirm": N_("Confirm, as the second person, a vault count made by another"),
    "cash_difference.decide": N_("Decide a till or vault difference: the cashier repays, "
                                 "or it is charged to expense or taken to income"),
    "cashjournal.read": N_("Read the cash journal and till differences"),
    "audit.read": N_("Read the audit log"),
    "audit.verify": N_("Verify the ledger and the audit chain"),
    "receipt.verify": N_("Verify a receipt's code against the books"),
    "user.manage": N_("Manage users and roles"),
    "settings.manage": N_("Change the institution's settings"),
    "loan.simulate": N_("Simulate a loan's repayment schedule"),
    "product.manage": N_("Create and change loan products"),
    "savings.products": N_("Configure the savings products"),
    "account.open": N_("Open and close savings accounts"),
    "account.hold": N_("Place and release holds on accounts"),
    "account.mandate": N_("Record the mandataires and signatories of an account"),
    "withdrawal.approve": N_("Approve withdrawals above the limit or on dormant accounts"),
    "passbook.print": N_("Print the passbook"),
    "member.edit": N_("Correct a member's record"),
    "member.approve_duplicate": N_("Approve a second record for a person already a member"),
    "member.leave": N_("Record a member's resignation (démission)"),
    "member.import": N_("Import a member register from a spreadsheet"),
    "payment.import": N_("Import mobile-money and bank statements, match and post them"),
    "group.manage": N_("Create groups and associations and manage their members"),
    "report.accounting": N_("Read the accounting reports: journal, trial balance, account "
                            "sheets, balance sheet, income statement"),
    "report.portfolio": N_("Read the portfolio, risk, savings and member reports (PAR, "
                           "classification, concentration, depositors)"),
    "journal.enter": N_("Enter manual journal entries (drafts waiting for validation)"),
    "journal.validate": N_("Validate or reject manual journal entries entered by others"),
    "chart.manage": N_("Open sub-accounts in the chart of accounts"),
    "loan.read": N_("Look up loans, their schedules and applications"),
    "loan.apply": N_("Take loan applications and record home visits"),
    "loan.opinion": N_("Record the credit committee's opinion on an application"),
    "loan.approve": N_("Approve or reject loans within the delegation limit"),
    "loan.override": N_("Override a failed eligibility rule, with a reason"),
    "loan.board": N_("Record the board's decision on a loan above the delegation limit"),
    "loan.disburse": N_("Disburse approved loans at the till"),
    "loan.cancel": N_("Cancel a loan application before disbursement"),
    "loan.reverse": N_("Reverse a disbursement made in error the same day"),
    "repayment.reverse": N_("Reverse a repayment made in error"),
    "repayment.reverse_approve": N_("Approve the same-day reversal of a repayment"),
    "loan.write_off": N_("Decide on a proposed write-off (passage en perte) within the "
                         "delegation limit"),
    "loan.write_off_propose": N_("Propose the write-off of a loan in arrears"),
    "mandate.approve": N_("Approve or refuse a mandataire recorded at the counter"),
    "member.leave_approve": N_("Approve a member's resignation (démission) before the "
                               "shares are refunded"),
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    CASHIER: frozenset({"member.read", "account.read", "ledger.post", "till.operate",
                        "voucher.reprint", "cashjournal.read", "loan.simulate",
                        # the adhésion is taken at the counter, fees and shares paid there
                        "member.create", "member.leave",
                        "account.open", "account.mandate", "passbook.print",
                        "loan.read", "loan.disburse", "repayment.reverse",
                        "vault.count", "receipt.verify"}),
    LOAN_OFFICER: frozenset({"member.read", "member.create", "account.read", "loan.simulate",
                             "member.edit", "group.manage", "loan.write_off_propose",
                             "loan.read", "loan.apply", "loan.cancel", "report.portfolio"}),
    COMMITTEE: frozenset({"member.read", "account.read", "loan.simulate",
                          "loan.read", "loan.opinion"}),
    MANAGER: frozenset(
        {"member.read", "member.create", "account.read", "ledger.read", "day.close",
         "audit.read", "transfer.approve", "voucher.reprint", "cashjournal.read",
         "loan.simulate", "member.edit", "member.approve_duplicate", "member.leave",
         "group.manage", "account.hold", "account.mandate", "withdrawal.approve",
         "report.accounting", "journal.validate", "report.portfolio",
         "loan.read", "loan.approve", "loan.override", "loan.cancel", "loan.reverse",
         "repayment.reverse_approve", "loan.write_off",
         "vault.count", "vault.confirm", "cash_difference.decide", "receipt.verify",
         "loan.write_off_propose", "mandate.approve", "member.leave_approve"}
    ),
    ACCOUNTANT: frozenset(
        {"member.read", "account.read", "ledger.read", "ledger.reverse", "audit.read",
         "voucher.reprint", "cashjournal.read", "report.accounting", "journal.enter",
         "journal.validate", "chart.manage", "loan.read", "repayment.reverse",
         "payment.import", "report.portfolio", "receipt.verify"}
    ),
    AUDITOR: frozenset(
        {"member.read", "account.read", "ledger.read", "audit.read", "audit.verify",
         "cashjournal.read", "report.accounting", "loan.read", "report.portfolio",
         "receipt.verify"}
    ),
    ADMIN: frozenset({"user.manage", "settings.manage", "audit.read", "till.manage",
                      "product.manage", "member.import", "savings.products",
                      "loan.board"}),
}


def permissions_for(roles: frozenset[str] | set[str]) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(perms)


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


@dataclass(frozen=True)
class RegisteredService:
    name: str
    permission: str
    function: Callable[..., object]


# Every permission-checked service function, by qualified name.
REGISTRY: dict[str, RegisteredService] = {}

P = ParamSpec("P")
R = TypeVar("R")


# Permissions a role holds only where the institution's setting (0/1) says so.
CONDITIONAL: dict[str, tuple[str, str]] = {
    "loan.apply": (CASHIER, "loan_cashier_applications"),
}


def may(ctx: Context, permission: str) -> bool:
    """Whether `ctx` holds `permission`, by its roles or by a setting (CONDITIONAL). A
    context opened with a password an administrator set holds none: that password only
    lets its user choose his own (an administrator cannot act with it)."""
    if ctx.must_change_password:
        return False
    if ctx.can(permission):
        return True
    role, key = CONDITIONAL.get(permission, ("", ""))
    if role and role in ctx.roles:
        from mifin_tui.services.kernel import settings  # settings itself checks permissions

        return bool(settings.get(key))
    return False


def check(ctx: Context, permission: str) -> None:
    if permission not in PERMISSION_LABELS:
        raise ValueError(f"unknown permission {permission!r}")
    if not may(ctx, permission):
        raise PermissionDenied(
            _("You are not allowed to: {what}.").format(what=_(PERMISSION_LABELS[permission]))
        )


def requires(permission: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse the call unless the context (first argument) holds `permission`."""
    if permission not in PERMISSION_LABELS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            ctx = args[0] if args else kwargs.get("ctx")
            if not isinstance(ctx, Context):
                raise TypeError(f"{fn.__qualname__} needs a Context as first argument")
            check(ctx, permission)
            return fn(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        name = f"{fn.__module__}.{fn.__qualname__}"
        REGISTRY[name] = RegisteredService(name, permission, wrapper)
        return wrapper

    return decorate
