-- Mifin schema version 22: the whole books in a hash chain (#22).
-- Each journal transaction gets one row here when it is sealed: the hash of its lines
-- (account, debit, credit, currency, balance after, label), its user, label, voucher
-- number, date, kind, uid and the previous transaction's hash (computed by
-- services/kernel/chain.py; an HMAC when the books are enrolled with a key file).
-- A database upgraded from an earlier Mifin gets the rows of its existing transactions
-- from the one-off backfill `chain.ensure_built` (run when a command or the interface
-- opens the database, or at the first posting, under the write lock).
-- A row follows the chain's last row or is refused; rows are never updated or deleted.

CREATE TABLE "ledger_chain" ("txn_id" INTEGER NOT NULL PRIMARY KEY, "prev_hash" VARCHAR(64) NOT NULL, "hash" VARCHAR(64) NOT NULL, FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "ledger_chain_hash" ON "ledger_chain" ("hash");
CREATE TRIGGER "ledger_chain_no_update" BEFORE UPDATE ON "ledger_chain"
BEGIN SELECT RAISE(ABORT, 'the ledger chain is append-only'); END;
CREATE TRIGGER "ledger_chain_no_delete" BEFORE DELETE ON "ledger_chain"
BEGIN SELECT RAISE(ABORT, 'the ledger chain is append-only'); END;
CREATE TRIGGER "ledger_chain_follows" BEFORE INSERT ON "ledger_chain"
WHEN NEW."txn_id" <= coalesce((SELECT max("txn_id") FROM "ledger_chain"), 0)
  OR NEW."prev_hash" <> coalesce((SELECT "hash" FROM "ledger_chain" ORDER BY "txn_id" DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'a ledger chain row must follow the last one'); END;
