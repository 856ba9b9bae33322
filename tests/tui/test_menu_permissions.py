"""Menu entries open to several permissions: the reports screen serves the accountant's
books and the loan officer's portfolio reports alike."""

from __future__ import annotations

from mifin_tui import menu
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import permissions_for
from mifin_tui.services.reports import registry as report_registry


def _ctx(role: str) -> Context:
    return Context(user_id=1, username=role, full_name=role.title(), roles=frozenset({role}),
                   branch_id=1, branch_code="KIN", permissions=permissions_for({role}))


def test_the_loan_officer_reaches_the_reports_screen_with_only_portfolio_reports():
    officer, cashier, accountant = _ctx("loan_officer"), _ctx("cashier"), _ctx("accountant")
    reports = menu.get("reports")
    assert reports.allowed(officer) and reports.allowed(accountant)
    assert not reports.allowed(cashier)
    names = {spec.name for spec in report_registry.available(officer)}
    assert {"par", "portfolio", "arrears"} <= names
    assert "trial-balance" not in names


def test_an_entry_with_one_permission_still_checks_it():
    assert menu.get("manual_entries").allowed(_ctx("accountant"))
    assert not menu.get("manual_entries").allowed(_ctx("loan_officer"))
