"""Cash differences decided by the gérant, dual control of the vault (#21)."""

from __future__ import annotations

import pytest

from mifin_tui import db
from mifin_tui.db.models import Account, AuditLog, CashDifference, GLAccount
from mifin_tui.services.admin import check
from mifin_tui.services.cash import differences, tills, transfers, vault
from mifin_tui.services.closing import checks
from mifin_tui.services.kernel import accounts, settings
from mifin_tui.services.kernel.errors import (
    Conflict,
    PermissionDenied,
    ValidationError,
)
from tests.conftest import FIRST_DAY, PASSWORD
from tests.services.test_counter import branch, open_till  # noqa: F401 (a fixture)

USD = "USD"


def balance(b, key: str) -> int:
    with db.write_transaction():  # the chart of a new institution has every key
        return Account.get_by_id(accounts.internal_account(
            b["admin"].branch_id, key, USD).id).balance


def supply(b, amount: int) -> None:
    t = transfers.request(b["cashier"], "supply", USD, amount, "float")
    if t.status == "pending":
        transfers.approve(b["manager"], t.id, "ok")


def close_short(b, short_by: int) -> CashDifference:
    """The cashier closes C01 with 1,000 USD in the books, `short_by` cents short (or
    over, below zero)."""
    held = tills.till_balances(b["till"]).get(USD, 0)
    open_till(b, {USD: tills.breakdown(held, USD)})
    supply(b, 100_000)
    tills.close_session(b["cashier"], {USD: tills.breakdown(held + 100_000 - short_by, USD)},
                        "compté deux fois")
    return CashDifference.select().order_by(CashDifference.id.desc()).get()


def test_a_shortage_waits_in_suspense_and_the_cashier_repays_it_by_a_deposit(branch):
    d = close_short(branch, 1_000)
    assert (d.status, d.amount, d.cashier_id) == ("pending", -1_000, branch["cashier"].user_id)
    assert balance(branch, "cash_shortage_suspense") == 1_000
    assert balance(branch, "till_shortage") == 0  # nothing charged by the cashier alone
    mine = differences.my_differences(branch["cashier"])
    assert [(m.id, m.status) for m in mine] == [(d.id, "pending")]
    with pytest.raises(PermissionDenied):
        differences.decide(branch["cashier"], d.id, differences.CHARGE, "he said so")
    with pytest.raises(ValidationError):
        differences.decide(branch["manager"], d.id, differences.REPAY, " ")

    item = differences.decide(branch["manager"], d.id, differences.REPAY,
                              "erreur de rendu reconnue")
    assert item.status == "receivable" and item.still_owed == 1_000
    assert balance(branch, "cash_shortage_suspense") == 0
    assert balance(branch, "cashier_receivable") == 1_000
    with pytest.raises(Conflict):
        differences.decide(branch["manager"], d.id, differences.CHARGE, "again")

    # the next morning he brings it back in two payments at his till
    open_till(branch, {USD: tills.breakdown(99_000, USD)})
    with pytest.raises(ValidationError, match="still owed"):
        differences.repay(branch["cashier"], d.id, 1_500)
    differences.repay(branch["cashier"], d.id, 400)
    receipt = differences.repay(branch["cashier"], d.id, 600)
    assert receipt.voucher_number.startswith("BE-")
    assert CashDifference.get_by_id(d.id).status == "repaid"
    assert balance(branch, "cashier_receivable") == 0
    assert tills.till_balances(branch["till"])[USD] == 99_000 + 1_000
    assert balance(branch, "till_shortage") == 0
    assert [a.action for a in AuditLog.select().where(AuditLog.entity == "cash_difference")
            .order_by(AuditLog.seq)] == ["cash_difference.hold", "cash_difference.receivable",
                                        "cash_difference.repayment",
                                        "cash_difference.repayment"]
    assert check.run().ok


def test_a_shortage_charged_to_expense_and_a_surplus_taken_to_income(branch):
    d = close_short(branch, 2_500)
    differences.decide(branch["manager"], d.id, differences.CHARGE, "billet faux retenu")
    assert CashDifference.get_by_id(d.id).status == "charged"
    assert balance(branch, "till_shortage") == 2_500
    assert balance(branch, "cash_shortage_suspense") == 0

    surplus = close_short(branch, -500)
    assert surplus.amount == 500 and balance(branch, "cash_surplus_suspense") == 500
    with pytest.raises(ValidationError, match="surplus is not repaid"):
        differences.decide(branch["manager"], surplus.id, differences.REPAY, "x")
    item = differences.decide(branch["manager"], surplus.id, differences.CHARGE,
                              "non réclamé")
    assert item.status == "income" and item.decided_by == "User manager2"
    assert balance(branch, "till_surplus") == 500
    assert balance(branch, "cash_surplus_suspense") == 0
    actions = [a.action for a in AuditLog.select().where(AuditLog.entity == "cash_difference")]
    assert actions.count("cash_difference.charge") == 2
    assert check.run().ok


def test_a_difference_within_the_tolerance_is_charged_at_once_and_still_listed(branch):
    with db.write_transaction():
        settings.put("cash_difference_tolerance", {USD: 100})
    d = close_short(branch, 25)
    assert d.status == "charged" and d.decided_by_id == branch["cashier"].user_id
    assert "tolerance" in d.decision_note
    assert balance(branch, "till_shortage") == 25
    assert AuditLog.select().where(AuditLog.action == "cash_difference.tolerance").count() == 1
    assert [x.id for x in differences.branch_differences(branch["manager"])] == [d.id]
    assert differences.branch_differences(branch["manager"], open_only=True) == []


def test_the_tolerance_setting_is_checked():
    with pytest.raises(ValidationError):
        settings._validate(settings.SPECS["cash_difference_tolerance"], {USD: -1})
    with pytest.raises(ValidationError):
        settings._validate(settings.SPECS["transfer_approval_limit"], {USD: "5000"})


def test_every_vault_transfer_waits_for_a_second_person_by_default(admin, make_user):
    cashier, manager = make_user("cashier"), make_user("manager")
    with db.write_transaction():
        from mifin_tui.services.kernel import ledger

        v = tills.vault_of(admin.branch_id)
        capital = accounts.internal_account(admin.branch_id, "share_capital", USD)
        ledger.post(admin, kind="capital", label="Capital",
                    lines=[ledger.Line(tills.cash_account(v, USD).id, debit=50_000),
                           ledger.Line(capital.id, credit=50_000)])
    from mifin_tui.db.models import Till

    till = Till.get(Till.code == "C01")
    tills.open_session(cashier, till.id, {})
    t = transfers.request(cashier, "supply", USD, 100, "one dollar")
    assert t.status == "pending" and tills.till_balances(till)[USD] == 0
    both = cashier.__class__(**{**cashier.__dict__,
                                "permissions": cashier.permissions | {"transfer.approve"}})
    with pytest.raises(PermissionDenied):
        transfers.approve(both, t.id)  # the requester never confirms his own
    findings = checks.checks(admin.branch_id, FIRST_DAY)
    assert any(f.check == "approvals" and f.blocking for f in findings)
    assert transfers.approve(manager, t.id, "vu").status == "posted"
    assert tills.till_balances(till)[USD] == 100


def vault_counts(b, short_by: int = 0) -> dict:
    book = tills.till_balances(tills.vault_of(b["admin"].branch_id))
    return {cur: tills.breakdown(amount - (short_by if cur == USD else 0), cur)
            for cur, amount in book.items()}


def blocking(b) -> list[str]:
    return [f.message for f in checks.checks(b["admin"].branch_id, FIRST_DAY) if f.blocking]


def test_the_vault_count_by_two_people_unblocks_the_closing(branch):
    assert blocking(branch) == ["The vault was not counted today."]
    with pytest.raises(ValidationError, match="Explain"):
        vault.record_count(branch["cashier"], vault_counts(branch, 10_000))
    c = vault.record_count(branch["cashier"], vault_counts(branch, 10_000), "liasse manquante")
    assert c.difference[USD] == -10_000
    assert blocking(branch) == ["The vault count waits for the second person."]
    with pytest.raises(PermissionDenied):
        vault.confirm(branch["cashier"], c.id)  # not his permission, and he counted
    with pytest.raises(ValidationError, match="cannot be the one"):
        vault.confirm_with_password(branch["cashier"], c.id, branch["cashier"].username,
                                    PASSWORD)
    done = vault.confirm_with_password(branch["cashier"], c.id, branch["manager"].username,
                                       PASSWORD, "recompté ensemble")
    assert done.status == "confirmed" and len(done.difference_vouchers) == 1
    d = CashDifference.get(CashDifference.vault_count == c.id)
    assert (d.cashier_id, d.amount, d.status) == (branch["cashier"].user_id, -10_000,
                                                  "pending")
    assert blocking(branch) == []
    warnings = [f.message for f in checks.checks(branch["admin"].branch_id, FIRST_DAY)
                if not f.blocking]
    assert any("COFFRE" in w and "waiting for the manager" in w for w in warnings)

    # cash leaves the vault after the count: the closing asks for a new count
    open_till(branch)
    supply(branch, 5_000)
    assert blocking(branch)[1:] == ["The vault moved after its count in USD: counted "
                                    "49,900.00 USD, books now 49,850.00 USD."]
    again = vault.record_count(branch["cashier"], vault_counts(branch))
    vault.confirm(branch["manager"], again.id)
    assert blocking(branch) == [f"Till C01 is still open (cashier User cashier1, since "
                                f"{FIRST_DAY:%d/%m/%Y})."]
    assert check.run().ok


def test_a_count_confirmed_after_the_vault_moved_is_refused(branch):
    c = vault.record_count(branch["cashier"], vault_counts(branch))
    with pytest.raises(ValidationError) as err:
        vault.confirm_with_password(branch["cashier"], c.id, branch["manager"].username,
                                    "wrong password")
    assert "password" in err.value.errors
    open_till(branch)
    supply(branch, 5_000)
    with pytest.raises(Conflict, match="moved since"):
        vault.confirm(branch["manager"], c.id)
    with pytest.raises(ValidationError):
        vault.reject(branch["manager"], c.id, "")
    assert vault.reject(branch["manager"], c.id, "à recompter").status == "rejected"
    assert "The vault was not counted today." in blocking(branch)


def test_an_old_chart_gets_the_suspense_accounts_on_first_use(branch):
    GLAccount.update(key=None).where(GLAccount.key == "cash_shortage_suspense").execute()
    close_short(branch, 100)
    assert GLAccount.get(GLAccount.key == "cash_shortage_suspense").code == "472"
