"""The books' hash chain at the service level: every posting linked under the write lock,
the one-off backfill of upgraded books, the key file's HMAC."""

from __future__ import annotations

import pytest

from mifin_tui import db
from mifin_tui.db.models import LedgerChain
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, chain, ledger

USD = "USD"


def post_capital(ctx, amount: int, times: int = 1) -> list[ledger.Posted]:
    with db.write_transaction():
        vault = tills.vault_of(ctx.branch_id)
        cash = tills.cash_account(vault, USD)
        capital = accounts.internal_account(ctx.branch_id, "share_capital", USD)
        return ledger.post_many(ctx, [ledger.Posting(
            "capital", f"Capital {n}", [ledger.Line(cash.id, debit=amount + n),
                                        ledger.Line(capital.id, credit=amount + n)], "OD")
            for n in range(times)])


def links() -> list[tuple[int, str, str]]:
    return [(r.txn_id, r.prev_hash, r.hash) for r in LedgerChain.select()
            .order_by(LedgerChain.txn)]


def test_each_posting_follows_the_last_link(admin):
    post_capital(admin, 100_000)
    post_capital(admin, 5_000, times=3)  # a batch, as the closing posts
    rows = links()
    assert len(rows) == 4
    assert rows[0][1] == chain.GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after[1] == before[2]
    report = chain.verify_ledger()
    assert report.links == 4 and not report.findings


def test_a_link_that_does_not_follow_is_refused_by_the_database(admin):
    (posted,) = post_capital(admin, 100_000)
    with pytest.raises(Exception, match="must follow the last one"):
        with db.write_transaction():
            LedgerChain.insert(txn=posted.txn_id + 1, prev_hash=chain.GENESIS,
                               hash="f" * 64).execute()


def test_books_upgraded_from_a_mifin_without_the_chain_get_the_same_links(admin):
    post_capital(admin, 100_000, times=5)
    before = links()
    # the state migration 0022 leaves an older database in: the table, empty
    with db.write_transaction():
        db.database.execute_sql('DROP TRIGGER "ledger_chain_no_delete"')
        LedgerChain.delete().execute()
    assert "not built yet (5 transactions)" in chain.verify_ledger().findings[0]
    assert chain.ensure_built() == 5
    assert links() == before  # the same content gives the same hashes
    assert chain.ensure_built() == 0  # once only
    post_capital(admin, 1_000)
    assert len(links()) == 6 and chain.verify_ledger().findings == ()


def test_a_key_file_turns_both_chains_into_hmacs_from_the_enrolment(admin, tmp_path,
                                                                     monkeypatch):
    key = tmp_path / "secret" / "chain.key"
    monkeypatch.setenv(chain.KEY_FILE_ENV, str(key))
    post_capital(admin, 100_000)
    entry = chain.enrol(admin, key)
    assert key.stat().st_mode & 0o777 == 0o600
    with pytest.raises(Exception, match="already enrolled"):
        chain.enrol(admin, key)
    (posted,) = post_capital(admin, 2_000)
    assert entry.ledger_from == posted.txn_id - 1
    link = next(chain.links(only_id=posted.txn_id))
    plain = chain.link_hash(None, link.prev_hash, link.txn, link.lines)
    assert link.hash != plain  # an HMAC, not a SHA-256 anyone can recompute
    assert check.run().ok
    # without the key the HMAC rows cannot be proven: named, not passed
    monkeypatch.setenv(chain.KEY_FILE_ENV, str(tmp_path / "elsewhere.key"))
    findings = check.run().findings
    assert any(f"Journal transaction {posted.txn_id}" in f and "altered" in f
               for f in findings), findings
    assert any("audit row" in f and "altered" in f for f in findings), findings


def test_receipt_codes_read_back_and_reject_every_single_typo():
    code = chain.ReceiptCode("KIN", "BE", 6, "20261207", 150_000,
                             chain.hash_prefix("3f9a2c1d77" + "0" * 54))
    text = code.text()
    assert text.startswith("KIN-BE-000006-20261207-150000-")
    assert chain.parse_receipt_code(f"  {text.lower()} ") == code
    for i, ch in enumerate(text):
        if ch == "-":
            continue
        for other in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if other != ch:
                with pytest.raises(chain.BadReceiptCode):
                    chain.parse_receipt_code(text[:i] + other + text[i + 1:])
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if "-" not in (a, b) and a != b:
            with pytest.raises(chain.BadReceiptCode):
                chain.parse_receipt_code(text[:i] + b + a + text[i + 2:])
