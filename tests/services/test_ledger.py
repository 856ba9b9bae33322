"""The ledger: balanced, append-only, on the open day, with running balances."""

from __future__ import annotations

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mifin_tui import db
from mifin_tui.db.models import Account, Entry, JournalTransaction, Member
from mifin_tui.services.admin import check
from mifin_tui.services.kernel import accounts, business_day, ledger
from mifin_tui.services.kernel.errors import BusinessDayClosed, Conflict, ValidationError
from mifin_tui.services.members import register as members
from tests.conftest import FIRST_DAY


@pytest.fixture
def setup(admin, make_user):
    cashier = make_user("cashier")
    with db.write_transaction():
        vault = accounts.internal_account(admin.branch_id, "cash_vault", "USD")
        member = members.create_row(admin, {"surname": "Mukendi", "first_name": "Grâce"},
                                    FIRST_DAY)
        savings = accounts.open_member_account(member, "savings_free", "USD", "Free savings",
                                               FIRST_DAY)
    return cashier, vault.id, savings.id


def deposit(ctx, vault, savings, amount, series="BE"):
    with db.write_transaction():
        return ledger.post(ctx, kind="deposit", label="Cash deposit",
                           lines=[ledger.Line(vault, debit=amount),
                                  ledger.Line(savings, credit=amount)],
                           voucher_series=series)


def test_a_deposit_moves_both_balances_and_takes_a_voucher(setup):
    cashier, vault, savings = setup
    posted = deposit(cashier, vault, savings, 15_000)
    assert posted.voucher_number == "BE-KIN-2026-000001"
    assert posted.business_date == FIRST_DAY
    assert Account.get_by_id(vault).balance == 15_000
    assert Account.get_by_id(savings).balance == 15_000
    assert [ln.balance_after for ln in posted.lines] == [15_000, 15_000]
    assert deposit(cashier, vault, savings, 500).voucher_number == "BE-KIN-2026-000002"
    assert Account.get_by_id(savings).balance == 15_500


def test_unbalanced_or_malformed_lines_are_refused_and_nothing_is_written(setup):
    cashier, vault, savings = setup
    cases = [
        [ledger.Line(vault, debit=100), ledger.Line(savings, credit=99)],
        [ledger.Line(vault, debit=100)],
        [ledger.Line(vault, debit=100, credit=100), ledger.Line(savings, credit=0)],
        [ledger.Line(vault, debit=-5), ledger.Line(savings, credit=-5)],
    ]
    for lines in cases:
        with pytest.raises(ValidationError), db.write_transaction():
            ledger.post(cashier, kind="deposit", label="x", lines=lines, voucher_series="BE")
    assert JournalTransaction.select().count() == 0
    # the refused postings gave their voucher numbers back
    assert deposit(cashier, vault, savings, 1).voucher_number == "BE-KIN-2026-000001"


def test_float_amounts_are_a_programming_error(setup):
    cashier, vault, savings = setup
    with pytest.raises(TypeError), db.write_transaction():
        ledger.post(cashier, kind="deposit", label="x",
                    lines=[ledger.Line(vault, debit=1.5), ledger.Line(savings, credit=1.5)])


def test_a_client_account_never_goes_below_zero(setup):
    cashier, vault, savings = setup
    deposit(cashier, vault, savings, 1_000)
    with pytest.raises(ledger.InsufficientFunds), db.write_transaction():
        ledger.post(cashier, kind="withdrawal", label="x",
                    lines=[ledger.Line(savings, debit=1_001), ledger.Line(vault, credit=1_001)])
    assert Account.get_by_id(savings).balance == 1_000


def test_posting_needs_the_open_day_and_goes_to_the_next_after_closing(setup, make_user):
    cashier, vault, savings = setup
    manager = make_user("manager")
    deposit(cashier, vault, savings, 100)
    new_day = business_day.close_and_open_next(manager)
    assert new_day > FIRST_DAY and new_day.weekday() < 5
    assert deposit(cashier, vault, savings, 100).business_date == new_day
    # no open day at all: a clear refusal, not a trigger message
    db.database.execute_sql("UPDATE business_day SET status = 'closed'")
    with pytest.raises(BusinessDayClosed):
        deposit(cashier, vault, savings, 100)


def test_database_refuses_a_transaction_on_a_closed_day(setup):
    cashier, *_ = setup
    with pytest.raises(peewee.IntegrityError, match="business day is not open"), \
            db.write_transaction():
        JournalTransaction.create(branch=cashier.branch_id, business_date="2020-01-01",
                                  posted_at="2020-01-01", user=cashier.user_id,
                                  kind="x", label="x")


def test_entries_cannot_be_updated_or_deleted(setup):
    cashier, vault, savings = setup
    deposit(cashier, vault, savings, 700)
    for sql in ("UPDATE entry SET debit = debit + 1 WHERE debit > 0",
                "DELETE FROM entry",
                "UPDATE journal_transaction SET label = 'x'",
                "DELETE FROM journal_transaction",
                "DELETE FROM txn_seal"):
        with pytest.raises(peewee.IntegrityError, match="append-only|final"):
            db.database.execute_sql(sql)


def test_database_refuses_to_seal_an_unbalanced_transaction(setup):
    cashier, vault, savings = setup
    with pytest.raises(peewee.IntegrityError, match="unbalanced"), db.write_transaction():
        txn = JournalTransaction.create(branch=cashier.branch_id, business_date=FIRST_DAY,
                                        posted_at=FIRST_DAY, user=cashier.user_id,
                                        kind="x", label="x")
        gl = Account.get_by_id(vault).gl_account_id
        Entry.create(txn=txn, line=1, account=vault, gl_account=gl, debit=10, currency="USD",
                     balance_after=10)
        Entry.create(txn=txn, line=2, account=savings, gl_account=gl, credit=9,
                     currency="USD", balance_after=9)
        db.database.execute_sql("INSERT INTO txn_seal VALUES (?)", (txn.id,))


def test_database_refuses_a_line_after_the_seal_and_a_foreign_currency(setup):
    cashier, vault, savings = setup
    posted = deposit(cashier, vault, savings, 50)
    gl = Account.get_by_id(vault).gl_account_id
    with pytest.raises(peewee.IntegrityError, match="sealed"):
        Entry.create(txn=posted.txn_id, line=9, account=vault, gl_account=gl, debit=1,
                     currency="USD", balance_after=0)
    with pytest.raises(peewee.IntegrityError, match="currency"), db.write_transaction():
        txn = JournalTransaction.create(branch=cashier.branch_id, business_date=FIRST_DAY,
                                        posted_at=FIRST_DAY, user=cashier.user_id,
                                        kind="x", label="x")
        Entry.create(txn=txn, line=1, account=vault, gl_account=gl, debit=1,
                     currency="CDF", balance_after=0)


def test_reversal_mirrors_the_original_once(setup, make_user):
    cashier, vault, savings = setup
    accountant = make_user("accountant")
    posted = deposit(cashier, vault, savings, 2_500)
    rev = ledger.reverse(accountant, posted.txn_id, "wrong account")
    assert rev.voucher_number.startswith("OD-KIN-2026-")
    assert Account.get_by_id(savings).balance == 0
    assert JournalTransaction.get_by_id(rev.txn_id).reverses_id == posted.txn_id
    with pytest.raises(Conflict):
        ledger.reverse(accountant, posted.txn_id, "again")
    with pytest.raises(Conflict):
        ledger.reverse(accountant, rev.txn_id, "reverse the reversal")
    with pytest.raises(ValidationError):
        ledger.reverse(accountant, posted.txn_id, "  ")
    assert check.run().ok


def test_statement_and_journal_page_newest_first(setup, make_user):
    cashier, vault, savings = setup
    for amount in range(1, 8):
        deposit(cashier, vault, savings, amount * 100)
    page1 = ledger.statement(cashier, savings, limit=3)
    assert [s.credit for s in page1] == [700, 600, 500]
    assert page1[0].balance_after == sum(range(1, 8)) * 100
    page2 = ledger.statement(cashier, savings, limit=3, before_entry_id=page1[-1].entry_id)
    assert [s.credit for s in page2] == [400, 300, 200]
    journal = ledger.journal(make_user("accountant"), limit=2)
    assert [t.amount for t in journal] == [700, 600]
    assert journal[0].username == cashier.username


amounts = st.integers(min_value=1, max_value=10**12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["in", "out", "transfer"]), amounts,
                          st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=25))
def test_any_sequence_of_postings_keeps_the_books_whole(setup, ops):
    """Whatever is posted or refused, every transaction balances and balances match entries."""
    cashier, vault, _savings = setup
    with db.write_transaction():
        member = Member.select().first()
        accs = [accounts.open_member_account(member, "savings_free", "USD", "S", FIRST_DAY).id
                for _i in range(3)]
    for op, amount, a, b in ops:
        if op == "in":
            lines = [ledger.Line(vault, debit=amount), ledger.Line(accs[a], credit=amount)]
        elif op == "out":
            lines = [ledger.Line(accs[a], debit=amount), ledger.Line(vault, credit=amount)]
        else:
            lines = [ledger.Line(accs[a], debit=amount), ledger.Line(accs[b], credit=amount)]
        try:
            with db.write_transaction():
                ledger.post(cashier, kind=op, label=op, lines=lines)
        except ledger.InsufficientFunds:
            pass
        for acc in accs:
            assert Account.get_by_id(acc).balance >= 0
    report = check.run()
    assert report.ok, report.findings
