"""The demo's loans: every state of the life, made by the demo's staff, ledger balanced."""

from __future__ import annotations

from mifin_tui.db.models import AuditLog, Loan
from mifin_tui.demo import build as demo
from mifin_tui.services.admin import check


def test_demo_has_loans_in_every_state(db_path):
    demo.build(members=30, seed=5, history_months=0)  # the history: test_demo_history.py
    states = {loan.state for loan in Loan.select()}
    assert {"draft", "committee", "approved", "rejected", "disbursed"} <= states
    assert Loan.select().where(Loan.override_by.is_null(False)).exists()
    purposes = " ".join(loan.purpose for loan in Loan.select())
    assert "pagnes" in purposes and "porcs" in purposes and "taxi-moto" in purposes
    users = {r.username for r in AuditLog.select().where(AuditLog.action.startswith("loan."))}
    assert {"agent", "gerant", "comite1"} <= users
    assert check.run().ok
