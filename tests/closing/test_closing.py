"""The nightly closing as a service: checks that refuse, the year-end figures, the day
being closed refusing cashiers, a failing backup, retention, one closing at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hyp
from hypothesis import strategies as st

from mifin_tui import db
from mifin_tui.db import locks
from mifin_tui.db.models import (
    Account,
    AuditLog,
    BusinessDay,
    ClosingRun,
    Entry,
    GLAccount,
    JournalTransaction,
    Till,
)
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.kernel import accounts, business_day, ledger, settings
from mifin_tui.services.kernel.errors import BusinessDayClosed, Conflict, PermissionDenied
from tests.closing import data


@pytest.fixture
def branch(tmp_path: Path):
    admin, manager, cashier = data.build(tmp_path / "branch.db",
                                         backup_dir=tmp_path / "closing")
    yield {"admin": admin, "manager": manager, "cashier": cashier, "dir": tmp_path}
    db.close()


def day_status(day: date) -> str | None:
    row = BusinessDay.get_or_none(BusinessDay.date == day)
    return row.status if row else None


def balance_of_kind(kind: str, currency: str) -> int:
    return sum(a.balance for a in Account.select().join(
        GLAccount, on=(Account.gl_account == GLAccount.id))
        .where((GLAccount.kind == kind) & (Account.currency == currency)))


def test_year_end_closes_income_and_expenses_to_the_result(branch):
    data.open_and_close_till(branch["cashier"], short_by=500)  # a 5.00 USD shortage
    doc = closing.run(branch["manager"])

    # By hand: USD income 12,500 + 7,500 + 3,000 + 40,000 = 63,000; expenses 9,000 +
    # 1,500 + 2,000 + the 500 shortage = 13,000; profit 50,000. CDF: 750,000 - 120,000.
    result = {cur: accounts.internal_account(branch["admin"].branch_id, "result_of_year",
                                             cur).balance for cur in ("USD", "CDF")}
    assert result == {"USD": 50_000, "CDF": 630_000}
    for kind in ("income", "expense"):
        for cur in ("USD", "CDF"):
            assert balance_of_kind(kind, cur) == 0
    # 10 accounts (the shortage joins the till-shortage one) in batches of 3: four batches,
    # one OD
    # posting per currency present in each batch, all on the day closed.
    year_end = JournalTransaction.select().where(JournalTransaction.kind == "year_end_closing")
    # by account id: [USD USD USD] [CDF CDF USD] [USD USD CDF] [USD] -> 1 + 2 + 2 + 1
    assert year_end.count() == 6
    assert {t.business_date for t in year_end} == {data.YEAR_END}
    assert all(t.voucher_number.startswith("OD-KIN-2026-") for t in year_end)
    credits = sum(e.credit for e in Entry.select().join(JournalTransaction).where(
        (JournalTransaction.kind == "year_end_closing") & (Entry.currency == "USD")
        & (Entry.account == accounts.internal_account(branch["admin"].branch_id,
                                                      "result_of_year", "USD").id)))
    debits = sum(e.debit for e in Entry.select().join(JournalTransaction).where(
        (JournalTransaction.kind == "year_end_closing") & (Entry.currency == "USD")
        & (Entry.account == accounts.internal_account(branch["admin"].branch_id,
                                                      "result_of_year", "USD").id)))
    assert credits - debits == 50_000
    step = next(s for s in doc.steps if s.key == "year_end")
    assert step.status == "done" and step.items == 10 and step.batches == 4
    assert step.amounts == {"USD": 50_000, "CDF": 630_000}
    assert "Profit of the year: 500.00 USD" in step.notes
    assert day_status(data.YEAR_END) == "closed"
    assert day_status(date(2027, 1, 1)) == "open"
    assert doc.till_differences[0].difference == -500
    assert Path(doc.backup_path).name == "KIN-2026-12-31.db"
    assert check.run().ok


def test_an_ordinary_day_posts_nothing_and_opens_the_next_working_day(tmp_path):
    admin, manager, cashier = data.build(tmp_path / "b.db", day=date(2026, 11, 27),
                                         backup_dir=tmp_path / "bk")
    try:
        before = JournalTransaction.select().count()
        doc = closing.run(manager)
        assert JournalTransaction.select().count() == before
        assert {s.key: s.status for s in doc.steps} == {
            "checks": "done", "auto_debit": "done", "penalties": "done",
            "loan_interest": "done", "loan_ageing": "done", "loan_reclassification": "done",
            "par_snapshot": "skipped", "savings_interest": "skipped", "dormancy": "done",
            "year_end": "skipped",
            "backup": "done", "close_day": "done"}
        assert business_day.open_date(admin.branch_id) == date(2026, 11, 30)  # Friday -> Monday
        assert not doc.month_end
    finally:
        db.close()


def test_an_open_till_refuses_the_closing_and_nothing_is_written(branch):
    till = Till.get(Till.code == "C01")
    tills.open_session(branch["cashier"], till.id, {})
    audit_rows = AuditLog.select().count()
    with pytest.raises(closing.ClosingRefused) as refused:
        closing.run(branch["manager"])
    [finding] = refused.value.findings
    assert finding.check == "tills" and finding.blocking
    assert "Till C01 is still open (cashier User caissier" in finding.message
    assert "closes it" in finding.todo
    assert day_status(data.YEAR_END) == "open"
    assert ClosingRun.select().count() == 0
    assert AuditLog.select().count() == audit_rows
    # the cashier can still work: the day was never marked closing
    tills.close_session(branch["cashier"], {"USD": {}, "CDF": {}})
    assert closing.run(branch["manager"]).status == "done"


def test_the_closing_refuses_to_start_without_the_days_vault_count(tmp_path):
    from mifin_tui.db.models import VaultCount
    from mifin_tui.services.cash import vault

    path = tmp_path / "b.db"
    data.build(path, day=date(2026, 11, 27))
    try:
        VaultCount.update(status="rejected").execute()  # as if nobody had counted it
        manager, cashier = data.login("gerant"), data.login("caissier")
        with pytest.raises(closing.ClosingRefused) as refused:
            closing.run(manager)
        assert [(f.check, f.blocking) for f in refused.value.findings] == [("vault", True)]
        assert day_status(date(2026, 11, 27)) == "open"
        book = tills.till_balances(tills.vault_of(manager.branch_id))
        count = vault.record_count(cashier, {cur: tills.breakdown(amount, cur)
                                             for cur, amount in book.items()})
        with pytest.raises(closing.ClosingRefused, match="second person"):
            closing.run(manager)  # one person's count is no count
        vault.confirm(manager, count.id)
        assert closing.run(manager).status == "done"
    finally:
        db.close()


def test_a_pending_vault_transfer_blocks_or_only_warns_as_the_setting_says(branch):
    cashier = branch["cashier"]
    till = Till.get(Till.code == "C01")
    tills.open_session(cashier, till.id, {})
    waiting = transfers.request(cashier, transfers.SUPPLY, "USD", 600_000, "big float")
    assert waiting.status == "pending"
    tills.close_session(cashier, {"USD": {}, "CDF": {}})
    with pytest.raises(closing.ClosingRefused) as refused:
        closing.run(branch["manager"])
    [finding] = refused.value.findings
    assert finding.check == "approvals" and "6,000.00 USD" in finding.message
    assert "Pending approvals" in finding.todo
    with db.write_transaction():
        settings.put("closing_pending_approvals", {"vault_transfer": "warn"})
    doc = closing.run(branch["manager"])
    assert doc.status == "done"
    assert [w.check for w in doc.warnings] == ["approvals"]
    assert not doc.warnings[0].blocking


def test_an_unbalanced_day_is_named_by_the_checks(branch):
    # The seal trigger forbids an unbalanced transaction; only a forged row can be one.
    day = data.YEAR_END
    db.database.execute_sql("DROP TRIGGER txn_seal_balanced")
    with db.write_transaction():
        txn = JournalTransaction.create(branch=branch["admin"].branch_id, business_date=day,
                                        posted_at="2026-12-31 10:00:00", user=1,
                                        kind="manual", label="forged")
        cash = Account.get(Account.kind == "cash")
        Entry.create(txn=txn, line=1, account=cash, gl_account=cash.gl_account_id,
                     debit=700, credit=0, currency=cash.currency, balance_after=0)
    found = closing.checks(branch["admin"].branch_id, day)
    assert [f.check for f in found] == ["ledger", "ledger"]
    assert f"does not balance in {cash.currency}: debits 900870700, credits 900870000" \
        in found[0].message
    assert "not sealed" in found[1].message


def test_a_closed_day_cannot_be_closed_again(branch):
    closing.run(branch["manager"])
    with pytest.raises(Conflict, match="already closed"):
        closing.run(branch["manager"], day=data.YEAR_END)
    with pytest.raises(Exception, match="not the open business day"):
        closing.run(branch["manager"], day=date(2027, 3, 1))


def test_only_a_manager_closes_the_day(branch):
    with pytest.raises(PermissionDenied):
        closing.run(branch["cashier"])


def test_a_second_closing_while_one_runs_is_refused(branch):
    with locks.exclusive("closing"):  # what a running closing holds, in any process
        with pytest.raises(Conflict, match="already running"):
            closing.run(branch["manager"])
    assert day_status(data.YEAR_END) == "open"


def test_a_failing_backup_leaves_the_day_being_closed_then_resumes(branch):
    blocker = branch["dir"] / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    with db.write_transaction():
        settings.put("closing_backup_dir", str(blocker / "backups"))
    with pytest.raises(closing.ClosingFailed, match="backup could not be written") as failed:
        closing.run(branch["manager"])
    assert "resumes at the backup" in str(failed.value)
    assert day_status(data.YEAR_END) == "closing"
    year_end_posts = JournalTransaction.select().where(
        JournalTransaction.kind == "year_end_closing").count()
    assert year_end_posts == 6  # see the year-end test

    # Cashiers are refused with a clear message; the database itself refuses too.
    till = Till.get(Till.code == "C01")
    with pytest.raises(BusinessDayClosed, match="Closing in progress"):
        tills.open_session(branch["cashier"], till.id, {})
    vault_cash = tills.cash_account(tills.vault_of(branch["admin"].branch_id), "USD")
    fee = accounts.internal_account(branch["admin"].branch_id, "fee_income", "USD")
    with pytest.raises(BusinessDayClosed), db.write_transaction():
        ledger.post(branch["admin"], kind="manual", label="late",
                    lines=[ledger.Line(vault_cash.id, debit=1), ledger.Line(fee.id, credit=1)])
    with pytest.raises(peewee.IntegrityError, match="business day is not open"), \
            db.write_transaction():
        JournalTransaction.create(branch=branch["admin"].branch_id,
                                  business_date=data.YEAR_END, posted_at="2026-12-31",
                                  user=1, kind="manual", label="raw")
    # A run id that is not the running closing's gets no further.
    with pytest.raises(peewee.IntegrityError, match="business day is not open"), \
            db.write_transaction():
        JournalTransaction.create(branch=branch["admin"].branch_id,
                                  business_date=data.YEAR_END, posted_at="2026-12-31",
                                  user=1, kind="manual", label="raw", closing_run_id=999)

    with db.write_transaction():
        settings.put("closing_backup_dir", str(branch["dir"] / "fixed"))
    doc = closing.run(branch["manager"])
    assert doc.status == "done"
    assert JournalTransaction.select().where(
        JournalTransaction.kind == "year_end_closing").count() == year_end_posts
    assert Path(doc.backup_path).parent == branch["dir"] / "fixed"
    actions = [r.action for r in AuditLog.select().order_by(AuditLog.seq)]
    assert actions.count("closing.start") == 1 and actions.count("closing.resume") == 1


def test_the_backup_is_verified_and_old_ones_are_pruned(branch):
    folder = branch["dir"] / "closing"
    folder.mkdir()
    old = folder / "KIN-2026-11-20.db"  # 41 days before: past the 30 kept
    recent = folder / "KIN-2026-12-15.db"
    other = folder / "notes.db"
    for path in (old, recent, other):
        path.write_text("x")
    doc = closing.run(branch["manager"])
    assert not old.exists() and recent.exists() and other.exists()
    import sqlite3

    copy = sqlite3.connect(doc.backup_path)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT status FROM business_day WHERE date = '2026-12-31'"
                        ).fetchone() == ("closing",)
    copy.close()
    notes = next(s for s in doc.steps if s.key == "backup").notes
    assert "1 older backup removed." in notes


def test_preview_lists_what_blocks_and_the_steps(branch):
    till = Till.get(Till.code == "C01")
    tills.open_session(branch["cashier"], till.id, {})
    p = closing.preview(branch["manager"])
    assert p.day == data.YEAR_END and p.next_day == date(2027, 1, 1)
    assert not p.can_start and p.findings[0].check == "tills"
    assert p.steps[0] == "Checks" and len(p.steps) == len(closing.STEPS)


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs: smaller than the branch's database (needs root to mount)."""
    import subprocess

    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_stops_the_closing_at_the_backup_with_a_clear_message(branch,
                                                                           small_disk):
    with db.write_transaction():
        settings.put("closing_backup_dir", str(small_disk))
    with pytest.raises(closing.ClosingFailed) as failed:
        closing.run(branch["manager"])
    message = str(failed.value)
    assert f"The backup could not be written to {small_disk}/KIN-2026-12-31.db" in message
    # refused up front (too little free space) or by SQLite during the copy: either way
    # the gérant reads what happened and what to do
    assert ("bytes free, the copy needs" in message
            or "database or disk is full" in message), message
    assert "free disk space" in message
    assert not list(small_disk.iterdir())  # no half copy left behind
    assert day_status(data.YEAR_END) == "closing"
    with db.write_transaction():
        settings.put("closing_backup_dir", str(branch["dir"] / "big-disk"))
    assert closing.run(branch["manager"]).status == "done"


@settings_hyp(max_examples=12, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(balances=st.lists(st.tuples(st.sampled_from(["fee_income", "penalty_income",
                                                    "interest_expense_savings",
                                                    "till_shortage"]),
                                   st.sampled_from(["USD", "CDF"]),
                                   st.integers(min_value=1, max_value=10**9)),
                         min_size=1, max_size=12),
       batch=st.integers(min_value=1, max_value=5))
def test_year_end_result_is_income_less_expenses_whatever_the_batches(tmp_path_factory,
                                                                       balances, batch):
    path = tmp_path_factory.mktemp("prop") / "b.db"
    admin, manager, _cashier = data.build(path, batch_size=batch,
                                          backup_dir=path.parent / "bk")
    try:
        expected = dict(data.PROFIT)
        with db.write_transaction():
            for key, cur, amount in balances:
                acc = accounts.new_internal_account(admin.branch_id, key, cur)
                cash = accounts.internal_account(admin.branch_id, "bank", cur)
                income = key.endswith("income")
                ledger.post(admin, kind="manual", label=key, lines=(
                    [ledger.Line(cash.id, debit=amount), ledger.Line(acc.id, credit=amount)]
                    if income else
                    [ledger.Line(acc.id, debit=amount), ledger.Line(cash.id, credit=amount)]))
                expected[cur] += amount if income else -amount
        doc = closing.run(manager)
        for cur in ("USD", "CDF"):
            assert balance_of_kind("income", cur) == 0
            assert balance_of_kind("expense", cur) == 0
            result = accounts.internal_account(admin.branch_id, "result_of_year", cur)
            assert result.balance == expected[cur]
        step = next(s for s in doc.steps if s.key == "year_end")
        assert step.amounts == expected
        assert check.run().ok
    finally:
        db.close()


def test_the_closing_anchors_the_chain_heads_beside_its_backups_and_on_its_report(branch):
    import shutil
    import sqlite3
    import subprocess

    from mifin_tui.services.kernel import chain
    from printers.closing_report import closing_report_pdf

    doc = closing.run(branch["manager"])
    anchors = branch["dir"] / "closing" / "anchors.txt"
    assert anchors.stat().st_mode & 0o777 == 0o600
    assert anchors.parent.stat().st_mode & 0o777 == 0o700
    (anchor,) = chain.parse_anchors(anchors.read_text())
    assert doc.anchor == anchors.read_text().strip() and doc.anchor_file == str(anchors)
    assert anchor.day == "2026-12-31" and anchor.branch_code == "KIN"
    # the heads are those of the backup copy: its newest link and audit row
    copy = sqlite3.connect(doc.backup_path)
    assert copy.execute('SELECT max("txn_id"), "hash" FROM "ledger_chain"').fetchone() == (
        anchor.heads.ledger_seq, anchor.heads.ledger_hash)
    assert copy.execute('SELECT "hash" FROM "audit_log" WHERE "seq" = ?',
                        (anchor.heads.audit_seq,)).fetchone() == (anchor.heads.audit_hash,)
    copy.close()
    report = check.run(anchors=anchors)
    assert report.ok and report.anchors == 1, report.findings
    notes = next(s for s in doc.steps if s.key == "backup").notes
    assert any(n.startswith("Chain heads anchored: ledger transaction "
                            f"{anchor.heads.ledger_seq}, audit row {anchor.heads.audit_seq}")
               for n in notes), notes
    if shutil.which("pdftotext"):
        pdf = branch["dir"] / "report.pdf"
        pdf.write_bytes(closing_report_pdf(doc))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        assert anchor.heads.ledger_hash in text and anchor.heads.audit_hash in text, text
