"""Accounting reports against figures computed by hand, and manual entries under
maker-checker.

Two business days of a BCC institution (USD), posted through the services:
  23/11  share capital paid into the vault 10,000.00      D 571 / C 101
         rent (manual entry, validated by the gérant) 1,500.00  D 622 / C 571
  24/11  a member's deposit 2,000.00                      D 571 / C 331
         vault excess deposited at the bank 3,000.00       D 521 / C 571
         account-opening fee 50.00                         D 571 / C 722
         electricity paid by the bank 200.00               D 624 / C 521
A pending entry and a rejected one must appear nowhere.
"""

from __future__ import annotations

from datetime import date

import pytest

from mifin_tui.db import write_transaction
from mifin_tui.db.models import AuditLog, Entry, ManualEntry
from mifin_tui.services.accounting import chart, manual_entries
from mifin_tui.services.accounting import reports as accounting_reports
from mifin_tui.services.accounting.manual_entries import DraftLine
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, business_day, ledger
from mifin_tui.services.kernel.errors import (
    Conflict,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.members import register as members
from mifin_tui.services.reports import registry as report_registry
from mifin_tui.services.reports.registry import ReportParams

D1, D2 = date(2026, 11, 23), date(2026, 11, 24)


def _amounts(table, code: str) -> tuple:
    row = next(r for r in table.rows if r[0] == code)
    return tuple(row[2:])


@pytest.fixture
def books(admin, make_user):
    accountant = make_user("accountant")
    manager = make_user("manager")
    other_accountant = make_user("accountant")
    for code, name, kind in (("62", "Services extérieurs", "expense"),
                             ("622", "Loyers", None), ("624", "Électricité et eau", None)):
        chart.add_account(accountant, code, name, kind)
    vault_cash = tills.cash_account
    with write_transaction():
        vault = vault_cash(tills.vault_of(admin.branch_id), "USD")
        capital = accounts.internal_account(admin.branch_id, "share_capital", "USD")
        ledger.post(accountant, kind="capital", label="Parts sociales libérées",
                    lines=[ledger.Line(vault.id, debit=1_000_000),
                           ledger.Line(capital.id, credit=1_000_000)], voucher_series="OD")
        member = members.create_row(accountant, {"surname": "Mbuyi", "first_name": "Aline"},
                                    D1)
        savings = accounts.open_member_account(member, "savings_free", "USD", "Épargne libre",
                                               D1)
    rent = manual_entries.enter(accountant, "Loyer de novembre, agence de Kalamu", "USD", [
        DraftLine("622", debit=150_000), DraftLine(vault.number, credit=150_000)])
    manual_entries.validate(manager, rent.id, "Bail vu")
    business_day.close_and_open_next(manager)
    with write_transaction():
        ledger.post(accountant, kind="deposit", label="Dépôt Mbuyi",
                    lines=[ledger.Line(vault.id, debit=200_000),
                           ledger.Line(savings.id, credit=200_000)], voucher_series="OD")
    bank = manual_entries.enter(accountant, "Versement de l'excédent du coffre à la banque",
                                "USD", [DraftLine("521", debit=300_000),
                                        DraftLine(vault.number, credit=300_000)])
    manual_entries.validate(other_accountant, bank.id)
    fee = manual_entries.enter(accountant, "Frais d'ouverture de compte", "USD", [
        DraftLine(vault.number, debit=5_000), DraftLine("722", credit=5_000)])
    manual_entries.validate(manager, fee.id)
    power = manual_entries.enter(accountant, "Facture SNEL novembre", "USD", [
        DraftLine("624", debit=20_000), DraftLine("521", credit=20_000)])
    manual_entries.validate(manager, power.id)
    waiting = manual_entries.enter(accountant, "Carburant du groupe électrogène", "USD", [
        DraftLine("624", debit=7_000), DraftLine(vault.number, credit=7_000)])
    refused = manual_entries.enter(accountant, "Doublon", "USD", [
        DraftLine("622", debit=150_000), DraftLine(vault.number, credit=150_000)])
    manual_entries.reject(manager, refused.id, "Déjà passé le 23/11")
    return {"accountant": accountant, "manager": manager, "vault": vault,
            "savings": savings, "waiting": waiting, "refused": refused}


def test_trial_balance_of_the_second_day(books):
    tb = accounting_reports.trial_balance(books["accountant"], D2, D2)
    # (opening D, opening C, period D, period C, closing D, closing C)
    assert _amounts(tb, "101") == (0, 1_000_000, 0, 0, 0, 1_000_000)
    assert _amounts(tb, "331") == (0, 0, 0, 200_000, 0, 200_000)
    assert _amounts(tb, "521") == (0, 0, 300_000, 20_000, 280_000, 0)
    assert _amounts(tb, "571") == (850_000, 0, 205_000, 300_000, 755_000, 0)
    assert _amounts(tb, "622") == (150_000, 0, 0, 0, 150_000, 0)
    assert _amounts(tb, "624") == (0, 0, 20_000, 0, 20_000, 0)
    assert _amounts(tb, "722") == (0, 0, 0, 5_000, 0, 5_000)
    assert {r[0] for r in tb.rows if r[0]} == {"101", "331", "521", "571", "622", "624",
                                               "722"}
    assert tb.totals[2:] == (1_000_000, 1_000_000, 525_000, 525_000, 1_205_000, 1_205_000)
    assert tb.notes == ("Debit and credit totals are equal.",)
    # A class subtotal: class 5 (treasury) = 521 + 571.
    sub5 = next(r for r in tb.rows if str(r[1]).startswith("Total class 5"))
    assert sub5[2:] == (850_000, 0, 505_000, 320_000, 1_035_000, 0)


def test_trial_balance_of_the_whole_period_has_no_opening(books):
    tb = accounting_reports.trial_balance(books["accountant"], D1, D2)
    assert _amounts(tb, "571") == (0, 0, 1_205_000, 450_000, 755_000, 0)
    assert tb.totals[2:4] == (0, 0)


def test_balance_sheet_assets_equal_liabilities_and_equity(books):
    bs = accounting_reports.balance_sheet(books["accountant"], D2)
    amounts = {r[0]: r[2] for r in bs.rows if r[0]}
    assert amounts["571"] == 755_000 and amounts["521"] == 280_000
    assert amounts["57"] == 755_000 and amounts["52"] == 280_000
    assert amounts["331"] == 200_000 and amounts["101"] == 1_000_000
    assert "622" not in amounts  # expenses are in the result, not on the balance sheet
    by_label = {r[1]: r[2] for r in bs.rows if not r[0]}
    assert by_label["Total assets"] == 1_035_000
    assert by_label["Result of the year, not yet allocated (income less expenses)"] == -165_000
    assert by_label["Total liabilities and equity"] == 1_035_000
    assert bs.extra == {"assets": "1035000", "liabilities_equity": "1035000",
                        "result": "-165000"}
    # At the end of the first day.
    first = accounting_reports.balance_sheet(books["accountant"], D1)
    assert first.extra == {"assets": "850000", "liabilities_equity": "850000",
                           "result": "-150000"}


def test_income_statement_of_the_year_and_of_a_day(books):
    ist = accounting_reports.income_statement(books["accountant"], date(2026, 1, 1), D2)
    amounts = {r[0]: r[2] for r in ist.rows if r[0]}
    assert amounts == {"62": 170_000, "622": 150_000, "624": 20_000, "72": 5_000,
                       "722": 5_000}
    labels = {r[1]: r[2] for r in ist.rows if not r[0]}
    assert labels["Total expenses"] == 170_000
    assert labels["Total income"] == 5_000
    assert labels["Result of the period (loss)"] == -165_000
    day2 = accounting_reports.income_statement(books["accountant"], D2, D2)
    assert day2.extra == {"income": "5000", "expenses": "20000", "result": "-15000"}


def test_account_sheet_of_the_vault_gl_account(books):
    sheet = accounting_reports.account_sheet(books["accountant"], "571", D2, D2)
    assert sheet.rows[0][3] == "Balance brought forward" and sheet.rows[0][6] == 850_000
    assert [(r[4], r[5], r[6]) for r in sheet.rows[1:]] == [
        (200_000, 0, 1_050_000), (0, 300_000, 750_000), (5_000, 0, 755_000)]
    assert [r[3] for r in sheet.rows[1:]] == [
        "Dépôt Mbuyi", "Versement de l'excédent du coffre à la banque",
        "Frais d'ouverture de compte"]
    assert all(r[1].startswith("OD-KIN-2026-") for r in sheet.rows[1:])
    assert sheet.totals[4:] == (205_000, 300_000, 755_000)


def test_account_sheet_of_a_heading_and_of_a_members_account(books):
    # 52 is the heading of 521: its sheet holds 521's lines.
    heading = accounting_reports.account_sheet(books["accountant"], "52", D1, D2)
    assert [(r[4], r[5], r[6]) for r in heading.rows[1:]] == [(300_000, 0, 300_000),
                                                              (0, 20_000, 280_000)]
    sheet = accounting_reports.account_sheet(books["accountant"], books["savings"].number,
                                             D1, D2)
    # Credit-normal: the balance is what the COOPEC owes the member.
    assert sheet.rows[0][6] == 0
    assert [(r[4], r[5], r[6]) for r in sheet.rows[1:]] == [(0, 200_000, 200_000)]
    assert "MBUYI Aline" in sheet.title
    with pytest.raises(ValidationError) as err:
        accounting_reports.account_sheet(books["accountant"], "KIN-21-0000001-00", D1, D2)
    assert "account" in err.value.errors


def test_general_journal_of_a_day_balances(books):
    journal = accounting_reports.general_journal(books["accountant"], D2, D2)
    assert len(journal.rows) == 8
    assert journal.totals[5:] == (525_000, 525_000)
    assert {r[3] for r in journal.rows} == {"571", "331", "521", "722", "624"}


def test_registry_fills_periods_and_checks_permissions(books, make_user):
    ctx = books["accountant"]
    tb = report_registry.run("trial-balance", ctx, ReportParams(date=D2))
    assert tb.subtitle.startswith("From 01/01/2026 to 24/11/2026")
    journal = report_registry.run("journal", ctx, ReportParams(date=D1))
    assert {r[0] for r in journal.rows} == {D1}
    cashier = make_user("cashier")
    assert "trial-balance" not in {s.name for s in report_registry.available(cashier)}
    assert "cash-journal" in {s.name for s in report_registry.available(cashier)}
    with pytest.raises(PermissionDenied):
        report_registry.run("trial-balance", cashier, ReportParams(date=D2))
    with pytest.raises(ValidationError) as err:
        report_registry.run("account-sheet", ctx, ReportParams(date=D2))
    assert err.value.errors == {"account": "Required."}
    with pytest.raises(ValidationError) as err:
        report_registry.run("trial-balance", ctx, ReportParams(date_from=D2, date_to=D1))
    assert "date_from" in err.value.errors


def test_manual_entries_maker_checker(books, make_user):
    accountant, manager = books["accountant"], books["manager"]
    waiting = books["waiting"]
    assert [e.id for e in manual_entries.pending(manager)] == [waiting.id]
    with pytest.raises(PermissionDenied):
        manual_entries.validate(accountant, waiting.id)
    with pytest.raises(PermissionDenied):
        manual_entries.enter(manager, "x", "USD", [DraftLine("622", debit=1),
                                                   DraftLine("521", credit=1)])
    with pytest.raises(PermissionDenied):
        manual_entries.validate(make_user("cashier"), waiting.id)
    with pytest.raises(Conflict):
        manual_entries.validate(manager, books["refused"].id)
    refused = ManualEntry.get_by_id(books["refused"].id)
    assert refused.status == "rejected" and refused.txn_id is None
    assert refused.decision_note == "Déjà passé le 23/11"
    actions = [a.action for a in AuditLog.select().where(
        AuditLog.action.startswith("manual_entry."))]
    assert actions.count("manual_entry.enter") == 6
    assert actions.count("manual_entry.validate") == 4
    assert actions.count("manual_entry.reject") == 1
    posted = manual_entries.validate(manager, waiting.id, "Reçu vu")
    assert posted.status == "posted" and posted.voucher_number.startswith("OD-KIN-2026-")
    assert Entry.select().where(Entry.txn == ManualEntry.get_by_id(waiting.id).txn_id
                                ).count() == 2


def test_a_bad_entry_names_every_bad_field_and_writes_nothing(books):
    accountant = books["accountant"]
    before = ManualEntry.select().count()
    with pytest.raises(ValidationError) as err:
        manual_entries.enter(accountant, " ", "USD", [
            DraftLine("62", debit=1_000), DraftLine("999", credit=1_000),
            DraftLine("521", debit=5, credit=5)])
    assert set(err.value.errors) == {"label", "line.1.account", "line.2.account",
                                     "line.3.amount"}
    with pytest.raises(ValidationError) as err:
        manual_entries.enter(accountant, "Déséquilibrée", "USD", [
            DraftLine("622", debit=1_000), DraftLine("521", credit=900)])
    assert set(err.value.errors) == {"lines"}
    till = tills.cash_account(
        next(t for t in tills.Till.select() if t.kind == "till"), "USD")
    with pytest.raises(ValidationError) as err:
        manual_entries.enter(accountant, "Caisse", "USD", [
            DraftLine("622", debit=1_000), DraftLine(till.number, credit=1_000)])
    assert set(err.value.errors) == {"line.2.account"}
    assert ManualEntry.select().count() == before


def test_branch_and_currency_filters(books):
    ctx = books["accountant"]
    kin = accounting_reports.trial_balance(ctx, D1, D2, branch="KIN")
    assert kin.totals == accounting_reports.trial_balance(ctx, D1, D2).totals
    cdf = accounting_reports.trial_balance(ctx, D1, D2, currency="CDF")
    assert cdf.rows == [] and cdf.totals[2:] == (0, 0, 0, 0, 0, 0)
    with pytest.raises(ValidationError) as err:
        accounting_reports.trial_balance(ctx, D1, D2, branch="XYZ", currency="ZZZ")
    assert set(err.value.errors) == {"branch", "currency"}
