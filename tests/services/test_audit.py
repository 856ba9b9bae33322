"""The audit chain: every change leaves a row; tampering is named by `check`."""

from __future__ import annotations

import json

import pytest

from mifin_tui import db
from mifin_tui.db.models import AuditLog
from mifin_tui.services.admin import check, users
from mifin_tui.services.kernel import audit
from tests.conftest import PASSWORD


def _drop_audit_triggers():
    db.database.execute_sql("DROP TRIGGER audit_log_no_update")
    db.database.execute_sql("DROP TRIGGER audit_log_no_delete")


def test_changes_are_audited_with_before_and_after(admin):
    users.add_user(admin, "kabongo", "Kabongo Ilunga", PASSWORD, ["cashier"])
    users.set_roles(admin, "kabongo", ["cashier", "loan_officer"])
    row = AuditLog.select().where(AuditLog.action == "user.roles").get()
    assert row.username == "admin" and row.entity_id == "kabongo"
    assert json.loads(row.before) == {"roles": ["cashier"]}
    assert json.loads(row.after) == {"roles": ["cashier", "loan_officer"]}
    assert audit.verify_chain().ok


def test_no_password_or_hash_reaches_the_audit(admin):
    users.add_user(admin, "kabongo", "Kabongo Ilunga", PASSWORD, ["cashier"])
    otp = users.reset_password(admin, "kabongo")
    text = " ".join(f"{r.before} {r.after}" for r in AuditLog.select())
    assert PASSWORD not in text and otp not in text and "argon2" not in text


def test_audit_rows_cannot_be_changed_through_the_database(admin):
    import peewee

    with pytest.raises(peewee.IntegrityError, match="append-only"):
        db.database.execute_sql("UPDATE audit_log SET username = 'x'")
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        db.database.execute_sql("DELETE FROM audit_log")


def test_an_edited_row_is_named(admin):
    for n in range(5):
        users.add_user(admin, f"user{n}", f"User {n}", PASSWORD, ["cashier"])
    _drop_audit_triggers()
    db.database.execute_sql("UPDATE audit_log SET after = replace(after, 'User 2', 'User X') "
                            "WHERE entity_id = 'user2'")
    seq = AuditLog.get(AuditLog.entity_id == "user2").seq
    report = check.run()
    assert not report.ok
    assert any(f"audit row {seq} was altered" in f for f in report.findings)


def test_a_removed_row_is_named(admin):
    for n in range(5):
        users.add_user(admin, f"user{n}", f"User {n}", PASSWORD, ["cashier"])
    _drop_audit_triggers()
    seq = AuditLog.get(AuditLog.entity_id == "user2").seq
    db.database.execute_sql("DELETE FROM audit_log WHERE seq = ?", (seq,))
    report = check.run()
    assert any(f"audit row {seq + 1} does not follow" in f for f in report.findings)


def test_removing_the_newest_rows_is_noticed(admin):
    for n in range(3):
        users.add_user(admin, f"user{n}", f"User {n}", PASSWORD, ["cashier"])
    _drop_audit_triggers()
    last = AuditLog.select().order_by(AuditLog.seq.desc()).first().seq
    db.database.execute_sql("DELETE FROM audit_log WHERE seq = ?", (last,))
    report = check.run()
    assert any(f"audit rows after {last - 1} were removed" in f for f in report.findings)


def test_a_recomputed_fake_row_still_breaks_the_next_link(admin):
    """Forging one row with a fresh valid hash does not help: the next row points elsewhere."""
    for n in range(3):
        users.add_user(admin, f"user{n}", f"User {n}", PASSWORD, ["cashier"])
    _drop_audit_triggers()
    row = AuditLog.get(AuditLog.entity_id == "user1")
    fields = {f: getattr(row, f) for f in audit._HASHED_FIELDS}
    fields["after"] = fields["after"].replace("User 1", "Someone else")
    db.database.execute_sql("UPDATE audit_log SET after = ?, hash = ? WHERE seq = ?",
                            (fields["after"], audit.row_hash(fields), row.seq))
    findings = check.run().findings
    assert any(f"audit row {row.seq + 1} does not follow" in f for f in findings)


def test_check_names_an_entry_edited_by_hand(admin, make_user):
    from mifin_tui.services.kernel import accounts, ledger

    cashier = make_user("cashier")
    with db.write_transaction():
        vault = accounts.internal_account(admin.branch_id, "cash_vault", "USD")
        bank = accounts.internal_account(admin.branch_id, "bank", "USD")
        ledger.post(cashier, kind="transfer", label="x",
                    lines=[ledger.Line(vault.id, debit=500), ledger.Line(bank.id, credit=500)])
    assert check.run().ok
    db.database.execute_sql("DROP TRIGGER entry_no_update")
    db.database.execute_sql("UPDATE entry SET debit = 900 WHERE debit = 500")
    findings = check.run().findings
    assert any("does not balance" in f for f in findings)
    assert any(vault.number in f for f in findings)
