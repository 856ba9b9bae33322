"""Every service function against every role: permissions are checked in services."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import mifin_tui.services as services_pkg
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import PermissionDenied
from mifin_tui.services.kernel.permissions import (
    PERMISSION_LABELS,
    REGISTRY,
    ROLES,
    permissions_for,
)

# The specification, written apart from the code's table: who may do what.
EXPECTED = {
    "member.read": {"cashier", "loan_officer", "committee", "manager", "accountant", "auditor"},
    "member.create": {"cashier", "loan_officer", "manager"},
    "member.edit": {"loan_officer", "manager"},
    "member.approve_duplicate": {"manager"},
    "member.leave": {"cashier", "manager"},
    "member.import": {"admin"},
    "payment.import": {"accountant"},
    "group.manage": {"loan_officer", "manager"},
    "account.read": {"cashier", "loan_officer", "committee", "manager", "accountant",
                     "auditor"},
    "ledger.read": {"manager", "accountant", "auditor"},
    "ledger.post": {"cashier"},
    "ledger.reverse": {"accountant"},
    "day.close": {"manager"},
    "till.operate": {"cashier"},
    "till.manage": {"admin"},
    "transfer.approve": {"manager"},
    "voucher.reprint": {"cashier", "manager", "accountant"},
    "cashjournal.read": {"cashier", "manager", "accountant", "auditor"},
    "audit.read": {"manager", "accountant", "auditor", "admin"},
    "audit.verify": {"auditor"},
    "receipt.verify": {"cashier", "manager", "accountant", "auditor"},
    "user.manage": {"admin"},
    "settings.manage": {"admin"},
    "loan.simulate": {"cashier", "loan_officer", "committee", "manager"},
    "product.manage": {"admin"},
    "savings.products": {"admin"},
    "account.open": {"cashier"},
    "account.hold": {"manager"},
    "account.mandate": {"cashier", "manager"},
    "withdrawal.approve": {"manager"},
    "passbook.print": {"cashier"},
    "report.accounting": {"manager", "accountant", "auditor"},
    "report.portfolio": {"loan_officer", "manager", "accountant", "auditor"},
    "journal.enter": {"accountant"},
    "journal.validate": {"manager", "accountant"},
    "chart.manage": {"accountant"},
    "loan.read": {"cashier", "loan_officer", "committee", "manager", "accountant", "auditor"},
    "loan.apply": {"loan_officer"},
    "loan.opinion": {"committee"},
    "loan.approve": {"manager"},
    "loan.override": {"manager"},
    "loan.board": {"admin"},
    "loan.disburse": {"cashier"},
    "loan.cancel": {"loan_officer", "manager"},
    "loan.reverse": {"manager"},
    "repayment.reverse_approve": {"manager"},
    "repayment.reverse": {"cashier", "accountant"},
    "loan.write_off": {"manager"},
    "vault.count": {"cashier", "manager"},
    "vault.confirm": {"manager"},
    "cash_difference.decide": {"manager"},
    "loan.write_off_propose": {"loan_officer", "manager"},
    "mandate.approve": {"manager"},
    "member.leave_approve": {"manager"},
}

# Functions that take a context but are building blocks run inside another
# service's transaction, or act only on the caller himself.
NOT_GATED = {
    "mifin_tui.services.kernel.ledger.post",  # inside the calling service, which is gated
    "mifin_tui.services.kernel.ledger.post_many",  # the closing's batches, gated by day.close
    "mifin_tui.services.members.register.create_row",  # inside the adhésion service
    "mifin_tui.services.kernel.audit.record",
    "mifin_tui.services.cash.tills.require_session",  # inside cash/transfer services, gated
    "mifin_tui.services.cash.differences.hold",  # inside the gated till and vault counts
    "mifin_tui.services.kernel.auth.unlock_session",  # the user's own session
    "mifin_tui.services.kernel.auth.confirm_password",  # the user's own password
    "mifin_tui.services.kernel.auth.logout",
    "mifin_tui.services.kernel.auth.check_session",
    "mifin_tui.services.kernel.auth.change_own_password",
    "mifin_tui.services.admin.users.set_language",
    "mifin_tui.services.kernel.permissions.check",  # the gate itself
    "mifin_tui.services.savings.deposits.wake_within",  # inside gated deposits and transfers
    "mifin_tui.services.savings.withdrawals.check_withdrawal_within",
    "mifin_tui.services.imports.payment_matching.by_number",  # inside the gated import
    "mifin_tui.services.imports.payment_matching.match",
    "mifin_tui.services.reports.base.report_table",  # the frame of a gated report's table
    "mifin_tui.services.kernel.permissions.may",  # the question the gate asks
    "mifin_tui.services.reports.registry.available",  # names of reports, no data
    "mifin_tui.services.savings.holds.hold_within",  # inside the calling service (loans), gated
    "mifin_tui.services.savings.credit.credit_within",  # inside payment_import, gated
    "mifin_tui.services.savings.holds.release_within",
    "mifin_tui.services.loans.lifecycle.move",  # inside the gated loan services
    "mifin_tui.services.loans.lifecycle.business_today",  # the open day: no loan data
    "mifin_tui.services.loans.disbursement.mark_active_within",  # repayments / closing
    "mifin_tui.services.loans.disbursement.release_within",
    "mifin_tui.services.loans.disbursement.hold_again_within",  # a repayment reversed
    "mifin_tui.services.loans.repayments.repay_within",  # inside the closing / import, gated
    "mifin_tui.services.loans.repayment_writer.write_within",  # the repayments' writer
    "mifin_tui.services.loans.repayment_writer.move_states_within",
    "mifin_tui.services.loans.repayment_writer.reschedule_within",
    "mifin_tui.services.loans.repayment_writer.loan_of",
}


def _all_service_modules():
    for info in pkgutil.walk_packages(services_pkg.__path__, "mifin_tui.services."):
        yield importlib.import_module(info.name)


def test_every_function_taking_a_context_is_gated():
    ungated = []
    for module in _all_service_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            qualified = f"{module.__name__}.{name}"
            if params[:1] == ["ctx"] and not hasattr(fn, "permission") \
                    and qualified not in NOT_GATED:
                ungated.append(qualified)
    assert not ungated, f"service functions without a permission check: {ungated}"


def test_the_role_table_matches_the_specification():
    for permission, roles in EXPECTED.items():
        assert {r for r in ROLES if permission in permissions_for({r})} == roles, permission


def _ctx(role: str) -> Context:
    return Context(user_id=1, username=f"probe-{role}", full_name="Probe",
                   roles=frozenset({role}), branch_id=1, branch_code="KIN",
                   permissions=permissions_for({role}))


def test_every_permission_is_specified():
    assert set(EXPECTED) == set(PERMISSION_LABELS)


def _outcome(function, ctx: Context) -> str:
    """"refused" at the gate, else "allowed" (the call got past it)."""
    try:
        # No further arguments: a permitted call fails on them (TypeError) or runs a
        # harmless read; a refused one must stop at the gate.
        function(ctx)
    except PermissionDenied:
        return "refused"
    except Exception:  # noqa: BLE001 - anything past the gate is fine here
        return "allowed"
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_every_service_refuses_exactly_the_roles_without_its_permission(admin, role):
    """The table: every registered service x this role, allowed or refused as
    EXPECTED says; every difference is listed at once."""
    list(_all_service_modules())
    assert len(REGISTRY) >= 100
    wrong = []
    for name, service in sorted(REGISTRY.items()):
        expected = "allowed" if role in EXPECTED[service.permission] else "refused"
        got = _outcome(service.function, _ctx(role))
        if got != expected:
            wrong.append(f"{name} ({service.permission}): {got}, expected {expected}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_a_one_time_password_context_is_refused_every_service(admin):
    """Logged in with a password an administrator set, even an administrator's or a
    gérant's roles open nothing (auth.context_for, permissions.may)."""
    list(_all_service_modules())
    roles = frozenset(ROLES)
    ctx = Context(user_id=1, username="probe", full_name="Probe", roles=roles, branch_id=1,
                  branch_code="KIN", permissions=permissions_for(roles),
                  must_change_password=True)
    allowed = [name for name, service in sorted(REGISTRY.items())
               if _outcome(service.function, ctx) != "refused"]
    assert not allowed
