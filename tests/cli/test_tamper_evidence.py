"""Tampering an insider with the database file would try, each on a copy edited with
sqlite3 as with the sqlite3 shell, and the line `mifin check` answers (issue 22); receipt
codes checked against the books; the closings' anchors catching a cut history."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db import schema
from mifin_tui.services.cash import vouchers
from mifin_tui.services.kernel import audit, chain
from printers.receipt import voucher_pdf
from tests.cli.helpers import run

AUDIT_FIELDS = ("at", "business_date", "user_id", "username", "branch_code", "action",
                "entity", "entity_id", "before", "after", "prev_hash")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, mifin_demos) -> Path:
    """The small demo (the one tests/cli/test_cli.py uses: built once per worker)."""
    path, _stdout = mifin_demos.copy(tmp_path_factory.mktemp("evidence") / "demo.db",
                                     "--members", "20", "--seed", "7")
    return path


@pytest.fixture
def books(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo to tamper with, and a copy of its closings' anchor file."""
    copy = tmp_path / "books.db"
    shutil.copyfile(demo, copy)
    shutil.copyfile(demo.parent / "demo-closing" / "anchors.txt", tmp_path / "anchors.txt")
    return copy


def check(path: Path, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess:
    proc = run("check", *args, db=path, env=env)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def failed(path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = check(path, *args, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout
    return proc.stdout


def edit(path: Path, script: str, *params_and_sql: tuple[str, tuple]) -> None:
    """Run a script (trigger drops) then parameterised statements, as the shell would."""
    with sqlite3.connect(path) as conn:
        conn.executescript(script)
        for sql, params in params_and_sql:
            conn.execute(sql, params)
    conn.close()


def one(path: Path, sql: str, params: tuple = ()) -> tuple:
    with sqlite3.connect(path) as conn:
        row = conn.execute(sql, params).fetchone()
    conn.close()
    return row


def middle_deposit(path: Path) -> tuple[int, str]:
    """(id, voucher) of a cash deposit (BE) in the middle of the books."""
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT id, voucher_number FROM journal_transaction "
                             "WHERE voucher_number LIKE 'BE-%' ORDER BY id").fetchall()
    conn.close()
    return found[len(found) // 2]


DROP_LEDGER = """
    DROP TRIGGER entry_no_update; DROP TRIGGER entry_no_delete;
    DROP TRIGGER journal_transaction_no_update; DROP TRIGGER journal_transaction_no_delete;
    DROP TRIGGER txn_seal_no_delete; DROP TRIGGER ledger_chain_no_delete;
    DROP TRIGGER voucher_no_update; DROP TRIGGER voucher_no_delete;
    DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
"""
def restore(*names: str) -> str:
    """The triggers `names` as the migrations made them: what a careful tamperer puts
    back after editing, so that the triggers check is quiet."""
    expected = schema.expected_triggers()
    return "\n".join(expected[name] + ";" for name in names)


RESTORE_LEDGER = "\n".join(sql + ";" for name, sql in schema.expected_triggers().items()
                           if name in DROP_LEDGER)


def remove_transaction(path: Path, txn_id: int) -> None:
    """Delete a transaction with its entries, seal, link and voucher; put every later
    running balance and the accounts' balances back as if it had never been; the
    triggers restored."""
    with sqlite3.connect(path) as conn:
        conn.executescript(DROP_LEDGER)
        lines = conn.execute(
            "SELECT e.id, e.account_id, e.debit, e.credit, a.normal_side FROM entry e "
            "JOIN account a ON a.id = e.account_id WHERE e.txn_id = ?", (txn_id,)).fetchall()
        for entry_id, account_id, debit, credit, side in lines:
            delta = (debit - credit) if side == "debit" else (credit - debit)
            conn.execute("UPDATE entry SET balance_after = balance_after - ? "
                         "WHERE account_id = ? AND id > ?", (delta, account_id, entry_id))
            conn.execute("UPDATE account SET balance = balance - ? WHERE id = ?",
                         (delta, account_id))
        for table, column in (("entry", "txn_id"), ("txn_seal", "txn_id"),
                              ("ledger_chain", "txn_id"), ("voucher", "txn_id"),
                              ("voucher_loan_figures", "txn_id"),
                              ("journal_transaction", "id")):
            conn.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', (txn_id,))
        for table in ("entry", "journal_transaction"):
            conn.execute(f"UPDATE sqlite_sequence SET seq = (SELECT max(id) FROM {table}) "
                         "WHERE name = ?", (table,))
        conn.executescript(RESTORE_LEDGER)
    conn.close()


def test_the_untouched_demo_passes_with_its_anchors(books):
    proc = check(books, "--anchors", str(books.parent / "anchors.txt"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK:" in proc.stdout
    assert "anchors compared" in proc.stdout


def test_both_lines_of_a_deposit_raised_with_the_balances_fixed(books):
    txn_id, voucher = middle_deposit(books)
    with sqlite3.connect(books) as conn:
        conn.executescript(DROP_LEDGER)
        for entry_id, account_id, debit, side in conn.execute(
                "SELECT e.id, e.account_id, e.debit, a.normal_side FROM entry e "
                "JOIN account a ON a.id = e.account_id WHERE e.txn_id = ?",
                (txn_id,)).fetchall():
            column = "debit" if debit else "credit"
            delta = 1_000_000 if (column == "debit") == (side == "debit") else -1_000_000
            conn.execute(f"UPDATE entry SET {column} = {column} + 1000000 WHERE id = ?",
                         (entry_id,))
            conn.execute("UPDATE entry SET balance_after = balance_after + ? "
                         "WHERE account_id = ? AND id >= ?", (delta, account_id, entry_id))
            conn.execute("UPDATE account SET balance = balance + ? WHERE id = ?",
                         (delta, account_id))
        conn.executescript(RESTORE_LEDGER)
    conn.close()
    out = failed(books)
    assert (f"Journal transaction {txn_id} ({voucher}) was altered after it was posted"
            in out), out
    # the balances were fixed: only the chain tells
    assert "stored balance" not in out and "does not balance" not in out, out


@pytest.mark.parametrize("column, value", [("user_id", 1), ("label", "Dépôt")])
def test_a_transactions_user_or_label_changed(books, column, value):
    txn_id, voucher = middle_deposit(books)
    edit(books, "DROP TRIGGER journal_transaction_no_update;",
         (f"UPDATE journal_transaction SET {column} = ? WHERE id = ?", (value, txn_id)))
    edit(books, restore("journal_transaction_no_update"))
    out = failed(books)
    assert "Trigger" not in out
    assert f"Journal transaction {txn_id} ({voucher}) was altered" in out, out


def test_the_newest_five_audit_rows_deleted_and_the_sequence_set_to_match(books):
    top, = one(books, "SELECT max(seq) FROM audit_log")
    posts = [seq for seq, in sqlite3.connect(books).execute(
        "SELECT seq FROM audit_log WHERE seq > ? AND action = 'ledger.post'", (top - 5,))]
    last_anchor = chain.parse_anchors((books.parent / "anchors.txt").read_text())[-1]
    # the demo's last day leaves a posting or the last closing's anchor among them
    assert posts or last_anchor.heads.audit_seq > top - 5
    edit(books, "DROP TRIGGER audit_log_no_delete;",
         ("DELETE FROM audit_log WHERE seq > ?", (top - 5,)),
         ("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'", (top - 5,)))
    out = failed(books, "--anchors", str(books.parent / "anchors.txt"))
    if posts:
        assert "has no audit row of its posting" in out, out
    if last_anchor.heads.audit_seq > top - 5:
        assert (f"audit row {last_anchor.heads.audit_seq} is gone: the history was cut"
                in out), out


def rewrite_audit_from(path: Path, seq: int) -> None:
    """Alter audit row `seq`, then recompute every later hash with plain SHA-256, as
    anyone who read audit.py could."""
    with sqlite3.connect(path) as conn:
        conn.executescript("DROP TRIGGER audit_log_no_update;")
        conn.execute("UPDATE audit_log SET username = 'quelquun' WHERE seq = ?", (seq,))
        prev, = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq - 1,)).fetchone()
        rows = conn.execute("SELECT seq, " + ", ".join(f'"{f}"' for f in AUDIT_FIELDS)
                            + " FROM audit_log WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
        # new hashes are unique only once all are written: through a scratch value first
        conn.execute("DROP INDEX audit_log_hash")
        for row in rows:
            fields = dict(zip(AUDIT_FIELDS, row[1:], strict=True))
            fields["prev_hash"] = prev
            prev = audit.row_hash(fields)
            conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                         (fields["prev_hash"], prev, row[0]))
        conn.execute('CREATE UNIQUE INDEX "audit_log_hash" ON "audit_log" ("hash")')
        conn.executescript(restore("audit_log_no_update"))
    conn.close()


def test_an_audit_row_altered_and_every_later_hash_recomputed_is_caught_by_the_anchors(
        books):
    rewrite_audit_from(books, 40)
    # Without anything outside the file, a recomputed plain chain holds together...
    assert check(books).returncode == 0
    # ...the anchors the closings wrote beside their backups do not.
    out = failed(books, "--anchors", str(books.parent / "anchors.txt"))
    assert "the audit log up to row" in out and "was rewritten" in out, out


def test_an_audit_row_altered_and_every_later_hash_recomputed_is_caught_by_the_key(
        books, tmp_path):
    env = {"MIFIN_KEY_FILE": str(tmp_path / "keys" / "chain.key")}
    proc = run("keygen", db=books, env=env)
    assert proc.returncode == 0, proc.stderr
    key = tmp_path / "keys" / "chain.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.parent.stat().st_mode & 0o777 == 0o700
    assert check(books, env=env).returncode == 0
    # a posting after the enrolment is an HMAC: the next check still passes
    top, = one(books, "SELECT max(seq) FROM audit_log")
    rewrite_audit_from(books, top - 30)
    out = failed(books, env=env)
    assert "was altered after it was written" in out, out
    assert "Anchor of the key file" in out and "was rewritten" in out, out


def test_the_newest_transaction_deleted_with_the_balances_restored(books):
    txn_id, voucher = one(books, "SELECT id, voucher_number FROM journal_transaction "
                                 "ORDER BY id DESC LIMIT 1")
    remove_transaction(books, txn_id)
    out = failed(books)
    assert "that is not in the ledger: the transaction was removed" in out, out
    if voucher:
        assert f"Voucher numbers missing from the books: {voucher}" in out, out


def test_a_deposit_deleted_from_the_middle(books):
    txn_id, voucher = middle_deposit(books)
    following, = one(books, "SELECT min(id) FROM journal_transaction WHERE id > ?", (txn_id,))
    remove_transaction(books, txn_id)
    out = failed(books)
    assert (f"Journal transaction {following}" in out
            and "does not follow the one before it" in out), out
    assert f"Voucher numbers missing from the books: {voucher}" in out, out
    assert f"records a posting ({voucher}) that is not in the ledger" in out, out


def test_every_append_only_trigger_dropped_and_left_dropped(books):
    names = [n for n, in sqlite3.connect(books).execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' "
        "AND (name LIKE '%_no_update' OR name LIKE '%_no_delete')")]
    assert len(names) > 10
    edit(books, "".join(f'DROP TRIGGER "{n}";' for n in names))
    out = failed(books)
    for name in ("journal_transaction_no_update", "entry_no_delete", "audit_log_no_update",
                 "ledger_chain_no_delete"):
        assert f"Trigger {name} is missing" in out, out


def test_a_trigger_changed_to_let_updates_through(books):
    edit(books, 'DROP TRIGGER "entry_no_update"; CREATE TRIGGER "entry_no_update" BEFORE '
                'UPDATE ON "entry" WHEN 0 BEGIN SELECT RAISE(ABORT, \'no\'); END;')
    out = failed(books)
    assert "Trigger entry_no_update was changed from what the migrations made" in out, out


def test_anchors_catch_a_history_cut_before_them(books, tmp_path):
    anchors = tmp_path / "anchors.txt"
    last = chain.parse_anchors(anchors.read_text())[-1]
    newest, = one(books, "SELECT max(id) FROM journal_transaction")
    # cut every transaction from the last anchored one on, and their audit rows
    for txn_id in range(newest, last.heads.ledger_seq - 1, -1):
        if one(books, "SELECT 1 FROM journal_transaction WHERE id = ?", (txn_id,)):
            remove_transaction(books, txn_id)
    out = failed(books, "--anchors", str(anchors))
    assert (f"transaction {last.heads.ledger_seq} is gone from the ledger: the history was "
            f"cut" in out), out


def test_a_voucher_gap_alone_is_named(books):
    """A voucher number drawn and never in the books (its counter moved by hand)."""
    name, value = one(books, "SELECT name, value FROM counter WHERE name LIKE 'voucher:BE:%'")
    edit(books, "", ("UPDATE counter SET value = value + 1 WHERE name = ?", (name,)))
    _kind, series, branch, year = name.split(":")
    out = failed(books)
    assert f"Voucher numbers missing from the books: {series}-{branch}-{year}-" \
           f"{value + 1:06d}" in out, out


# --- receipts ---------------------------------------------------------------------------

def receipt_code(path: Path, txn_id: int) -> str:
    """The code the voucher of `txn_id` prints (read in this process, then closed)."""
    db.open_database(path)
    try:
        return chain.receipt_code(txn_id)
    finally:
        db.close()


def test_a_receipt_verified_then_the_same_code_after_the_transaction_was_altered(books):
    txn_id, voucher = middle_deposit(books)
    code = receipt_code(books, txn_id)
    assert code.startswith(f"KIN-BE-{voucher[-6:]}-")
    proc = run("verify-receipt", code, db=books)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Found and matches" in proc.stdout and voucher in proc.stdout
    # typed in lower case with a stray space: the same answer
    assert run("verify-receipt", code.lower().replace("-", "- ", 1), db=books).returncode == 0
    # one character wrong: mistyped, not "unknown"
    wrong = code[:-2] + ("0" if code[-2] != "0" else "1") + code[-1]
    proc = run("verify-receipt", wrong, db=books)
    assert proc.returncode == 1 and "mistyped" in proc.stdout, proc.stdout
    edit(books, "DROP TRIGGER journal_transaction_no_update;",
         ("UPDATE journal_transaction SET label = 'Autre chose' WHERE id = ?", (txn_id,)))
    proc = run("verify-receipt", code, db=books)
    assert proc.returncode == 1
    assert "Does not match" in proc.stdout, proc.stdout
    # the voucher's amount raised as well: the answer names both amounts
    edit(books, "DROP TRIGGER voucher_no_update;",
         ("UPDATE voucher SET amount = amount + 100000 WHERE txn_id = ?", (txn_id,)))
    proc = run("verify-receipt", code, db=books)
    assert proc.returncode == 1 and "The amount differs" in proc.stdout, proc.stdout


def test_receipts_of_a_reversed_an_unknown_and_a_foreign_voucher(books):
    reversed_id, = one(books, "SELECT reverses_id FROM journal_transaction "
                              "WHERE reverses_id IS NOT NULL LIMIT 1") or (None,)
    if reversed_id is not None and one(books, "SELECT voucher_number FROM journal_transaction "
                                              "WHERE id = ?", (reversed_id,))[0]:
        proc = run("verify-receipt", receipt_code(books, reversed_id), db=books)
        assert proc.returncode == 1 and "was reversed by" in proc.stdout, proc.stdout
    code = chain.ReceiptCode("KIN", "BE", 999_999, "20261207", 100, "ABCDEFGH")
    proc = run("verify-receipt", code.text(), db=books)
    assert proc.returncode == 1
    assert "Unknown: these books hold no voucher BE-KIN-2026-999999" in proc.stdout
    proc = run("verify-receipt", chain.ReceiptCode("ABJ", "BE", 1, "20261207", 100,
                                                   "ABCDEFGH").text(), db=books)
    assert proc.returncode == 1 and "this slip is from branch ABJ" in proc.stdout


def test_the_receipt_pdf_shows_the_code_under_a_qr_image(books, tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("pdfimages") is None:
        pytest.skip("poppler-utils is not installed")
    txn_id, _voucher = middle_deposit(books)
    code = receipt_code(books, txn_id)
    db.open_database(books)
    try:
        doc = vouchers.build(txn_id)
    finally:
        db.close()
    assert doc.receipt_code == code
    for paper in (58, 80):
        out = tmp_path / f"r{paper}.pdf"
        out.write_bytes(voucher_pdf(doc, paper))
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                              text=True).stdout
        # whole, or on 58 mm cut after a dash (which pdftotext drops at a line's end)
        assert code.replace("-", "") in "".join(text.split()).replace("-", ""), text
        assert code.rsplit("-", 2)[0] in text, text
        images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True,
                                text=True).stdout.splitlines()[2:]
        # one QR per copy (client and till), square
        assert len(images) == 2, images
        width, height = images[0].split()[3:5]
        assert width == height


def test_init_with_keygen_makes_a_private_key_file_and_check_warns_when_it_is_not(tmp_path):
    key = tmp_path / "conf" / "chain.key"
    env = {"MIFIN_KEY_FILE": str(key)}
    books = tmp_path / "branch.db"
    proc = run("init", "--name", "COOPEC Test", "--branch-code", "KIN", "--currency", "XOF",
               "--regulator", "bceao", "--date", "2026-11-23", "--keygen", db=books,
               input="Kalamu-pass-2026\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Books enrolled in the key file" in proc.stdout
    assert key.stat().st_mode & 0o777 == 0o600
    assert check(books, env=env).returncode == 0
    key.chmod(0o644)
    out = failed(books, env=env)
    assert "can be read by other accounts" in out, out
