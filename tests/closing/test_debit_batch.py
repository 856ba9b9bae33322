"""The automatic debit writes the very rows it wrote when it was one `ledger.post` and one
`repayments.record_within` per loan: the same portfolio closed gives the rows captured
from that per-loan step in golden_debit.json (repayments, allocations, instalments,
vouchers, loans, holds, events, audit, transactions, counters, the steps' report), the
same `mifin check` digest and the same audit chain length.

The file changes only when the rows are meant to change: `python -m
tests.closing.test_debit_batch` writes it anew from the code as it is."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db.models import Account, Loan
from mifin_tui.db.queries import balances
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills
from mifin_tui.services.closing import debit as closing_debit
from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.kernel import auth, ledger
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.savings import balances as savings_balances
from mifin_tui.services.savings import holds as savings_holds
from tests.closing import data

N_LOANS = 84


def _portfolio(path: Path) -> None:
    """add_loans, plus what the batch has to get right: two loans of one member sharing
    his savings, a hold, a loan still `disbursed`, loans repaid in full by the debit
    (closed, their holds released, in the middle of a batch), extra savings accounts."""
    admin, manager, _cashier = data.build(path, batch_size=10)
    data.add_loans(admin, N_LOANS, data.YEAR_END)
    loans = list(Loan.select().order_by(Loan.id))
    sql = db.database.execute_sql
    vault = tills.cash_account(tills.vault_of(admin.branch_id), "USD")
    with db.write_transaction():
        # loans 6 and 7 (both in arrears, 33,000 due; 30,000 saved) belong to one member
        a, b = loans[5], loans[6]
        sql('UPDATE "account" SET "member_id" = ? WHERE "id" IN (?, ?)',
            (a.member_id, b.linked_account_id, b.account_id))
        sql('UPDATE "loan" SET "member_id" = ? WHERE "id" = ?', (a.member_id, b.id))
        sql('UPDATE "loan" SET "state" = \'disbursed\' WHERE "id" IN (?, ?)',
            (loans[8].id, loans[21].id))
        # everything of these loans falls due today, and their borrowers can pay it all
        for loan in (loans[12], loans[16], loans[33]):
            sql('UPDATE "loan_installment" SET "due_date" = ? WHERE "loan_id" = ? '
                'AND "due_date" > ?', (data.YEAR_END.isoformat(), loan.id,
                                        data.YEAR_END.isoformat()))
            ledger.post(admin, kind="manual", label="top-up", lines=[
                ledger.Line(vault.id, debit=200_000),
                ledger.Line(loan.linked_account_id, credit=200_000)])
        # a refused debit (its loan account closed) in the middle of a batch: listed as
        # not debited, the other loans of the batch debited
        sql('UPDATE "account" SET "status" = \'closed\' WHERE "id" = ?',
            (loans[9].account_id,))
    savings_holds.place_hold(manager, loans[1].linked_account_id, 25_000, "other", note="test")
    savings_holds.place_hold(manager, loans[12].linked_account_id, 5_000, "other", note="test")
    data.count_vault()  # the top-ups moved the vault since its count
    db.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("debit-template") / "branch.db"
    _portfolio(path)
    return path


def _rows(path: Path) -> dict:
    con = sqlite3.connect(path)
    try:
        q = lambda s: con.execute(s).fetchall()  # noqa: E731
        return {
            "repayment": q('SELECT id, loan_id, txn_id, business_date, channel, amount, '
                           'principal, interest, fees, penalties, balance_after, kind, '
                           'reference, source_account_id, created_by_id FROM repayment '
                           'ORDER BY id'),
            "allocation": q('SELECT * FROM repayment_allocation ORDER BY id'),
            "instalment": q('SELECT * FROM loan_installment ORDER BY id'),
            "voucher": q('SELECT txn_id, number, series, direction, till_id, session_id, '
                         'client_account_id, currency, amount, party_name, party_id, purpose '
                         'FROM voucher ORDER BY txn_id'),
            "loan": q('SELECT id, state, days_past_due, classification, provision '
                      'FROM loan ORDER BY id'),
            # without what chance and the wall clock put there (uid, times)
            "holds": q('SELECT id, account_id, amount, reason, note, process, status, '
                       'created_by_id, released_by_id, released_at IS NOT NULL '
                       'FROM account_hold ORDER BY id'),
            "events": q('SELECT loan_id, from_state, to_state, business_date, note '
                        'FROM loan_event ORDER BY id'),
            "audit": q('SELECT seq, business_date, user_id, action, entity, before, after '
                       'FROM audit_log ORDER BY seq'),
            "txns": q('SELECT id, kind, voucher_series, voucher_number, label, '
                      'closing_run_id FROM journal_transaction ORDER BY id'),
            "counters": q('SELECT * FROM counter ORDER BY name'),
            # what the report says of each step, but its duration, the backup's path and
            # the anchor (its hashes cover uids and moments)
            "steps": [(*r[:6], {k: v for k, v in json.loads(r[6]).items()
                                if k not in ("seconds", "path", "anchor", "anchor_file")})
                      for r in q('SELECT key, status, cursor, batches, items, amounts, '
                                 'detail FROM closing_step ORDER BY position')],
        }
    finally:
        con.close()


def loan_number(index: int) -> str:
    return f"KIN-P{index + 1:07d}"  # add_loans' numbers


def _close(template: Path, folder: Path) -> tuple[str, int]:
    path = folder / "branch.db"
    shutil.copy(template, path)
    db.open_database(path)
    try:
        doc = closing.run(auth.login("gerant", data.PASSWORD))
        assert doc.status == "done"
        report = check.run()
        assert report.ok, report.findings
        return report.digest, report.audit_rows
    finally:
        db.close()


GOLDEN = Path(__file__).with_name("golden_debit.json")


def _snapshot(template: Path, folder: Path) -> dict:
    """The rows a closing of the template writes, as JSON values (tuples become lists),
    with the `mifin check` digest and the audit chain's length."""
    folder.mkdir()
    digest, audit_rows = _close(template, folder)
    return json.loads(json.dumps({"rows": _rows(folder / "branch.db"), "digest": digest,
                                  "audit_rows": audit_rows}))


def test_batch_debit_writes_the_rows_of_the_per_loan_path(template, tmp_path):
    golden = json.loads(GOLDEN.read_text())
    new = _snapshot(template, tmp_path / "new")
    new_rows, old_rows = new["rows"], golden["rows"]
    # the portfolio exercised every case
    states = {state for _i, state, *_r in new_rows["loan"]}
    assert {"closed", "in_arrears", "active"} <= states, states
    assert len(new_rows["repayment"]) > 20
    assert any(row[12] and row[13] for row in new_rows["repayment"])
    detail = {r[0]: r[6] for r in new_rows["steps"]}["auto_debit"]
    assert [f.split(":")[0] for f in detail["failed"]] == [loan_number(9)]
    for key in old_rows:
        assert new_rows[key] == old_rows[key], key
    assert (new["digest"], new["audit_rows"]) == (golden["digest"], golden["audit_rows"])


def test_debit_loans_of_one_member_share_his_savings(template, tmp_path):
    """Two loans of one borrower in one batch: the second takes what the first left."""
    path = tmp_path / "branch.db"
    shutil.copy(template, path)
    db.open_database(path)
    try:
        manager = auth.login("gerant", data.PASSWORD)
        loans = list(Loan.select().order_by(Loan.id))
        a, b = loans[5], loans[6]
        assert a.member_id == b.member_id
        shared = [acc.id for acc in Account.select().where(
            (Account.member == a.member_id) & (Account.kind == "savings"))]
        available = sum(savings_balances.available_balance(i) for i in shared)
        with db.write_transaction():
            done = closing_debit.debit_loans(manager, [a.id, b.id], data.YEAR_END)
        assert 11_000 < available < 33_000 and set(done) == {a.id, b.id}
        assert sum(taken for taken, _left in done.values()) == available
        assert sum(left for _taken, left in done.values()) == 33_000 - available
        assert all(savings_balances.available_balance(i) == 0 for i in shared)
        assert check.run().ok
    finally:
        db.close()


def test_available_balance_is_one_rule(template, tmp_path):
    """What the automatic debit sees available on each account (db.queries.balances, in
    bulk) is what the counter sees (savings.available_balance), holds and minimums
    included."""
    path = tmp_path / "branch.db"
    shutil.copy(template, path)
    db.open_database(path)
    try:
        ids = [a.id for a in Account.select().order_by(Account.id)]
        counter_view = {i: savings_balances.available_balance(i) for i in ids}
        assert {i: balances.available(i) for i in ids} == counter_view
        members = [a.member_id for a in Account.select() if a.member_id]
        batch = {acc: engine.available_balance(*parts)
                 for acc, _m, _c, *parts in balances.member_savings(members)}
        assert batch and batch == {i: counter_view[i] for i in batch}
        assert any(0 < v < 30_000 for v in batch.values())  # a hold lowers one
    finally:
        db.close()


if __name__ == "__main__":  # capture the golden rows anew (see the module's docstring)
    import tempfile

    from mifin_tui.i18n import set_language

    set_language("en")
    work = Path(tempfile.mkdtemp())
    _portfolio(work / "template.db")
    snapshot = _snapshot(work / "template.db", work / "run")
    GOLDEN.write_text(json.dumps(snapshot, indent=0, ensure_ascii=False) + "\n")
