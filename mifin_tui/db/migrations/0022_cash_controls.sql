-- Mifin schema version 19: the controls an auditor signs on cash (#21).
-- A till or vault count that differs from the books goes to a suspense account
-- (manquants / excédents de caisse à régulariser) on the name of the one who counted,
-- until the gérant decides it: the cashier repays (a receivable on him, cleared by a
-- deposit at the counter) or it is charged to expense / taken to income, with a reason.
-- The vault is counted with a billetage by one person and confirmed by a second; the
-- closing refuses to start without the day's confirmed count.

CREATE TABLE "vault_count" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "till_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "status" VARCHAR(255) NOT NULL, "counted_by_id" INTEGER NOT NULL, "counted_at" DATETIME NOT NULL, "note" VARCHAR(255) NOT NULL, "confirmed_by_id" INTEGER, "confirmed_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("till_id") REFERENCES "till" ("id"), FOREIGN KEY ("counted_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("confirmed_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "vault_count_uid" ON "vault_count" ("uid");
CREATE INDEX "vault_count_branch_id" ON "vault_count" ("branch_id");
CREATE INDEX "vault_count_till_id" ON "vault_count" ("till_id");
CREATE INDEX "vault_count_counted_by_id" ON "vault_count" ("counted_by_id");
CREATE INDEX "vault_count_confirmed_by_id" ON "vault_count" ("confirmed_by_id");
CREATE TABLE "vault_count_line" ("id" INTEGER NOT NULL PRIMARY KEY, "count_id" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "denomination" INTEGER NOT NULL, "quantity" INTEGER NOT NULL, FOREIGN KEY ("count_id") REFERENCES "vault_count" ("id"));
CREATE INDEX "vault_count_line_count_id" ON "vault_count_line" ("count_id");
CREATE TABLE "vault_count_balance" ("id" INTEGER NOT NULL PRIMARY KEY, "count_id" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "counted" INTEGER NOT NULL, "book" INTEGER NOT NULL, "difference" INTEGER NOT NULL, FOREIGN KEY ("count_id") REFERENCES "vault_count" ("id"));
CREATE INDEX "vault_count_balance_count_id" ON "vault_count_balance" ("count_id");
CREATE UNIQUE INDEX "vault_count_balance_count_id_currency" ON "vault_count_balance" ("count_id", "currency");
CREATE TABLE "cash_difference" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "cashier_id" INTEGER NOT NULL, "till_id" INTEGER NOT NULL, "session_id" INTEGER, "vault_count_id" INTEGER, "business_date" DATE NOT NULL, "currency" VARCHAR(3) NOT NULL, "amount" INTEGER NOT NULL, "note" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "txn_id" INTEGER NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL, "decision_txn_id" INTEGER, "repaid" INTEGER NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("cashier_id") REFERENCES "user" ("id"), FOREIGN KEY ("till_id") REFERENCES "till" ("id"), FOREIGN KEY ("session_id") REFERENCES "till_session" ("id"), FOREIGN KEY ("vault_count_id") REFERENCES "vault_count" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decision_txn_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "cash_difference_uid" ON "cash_difference" ("uid");
CREATE INDEX "cash_difference_branch_id" ON "cash_difference" ("branch_id");
CREATE INDEX "cash_difference_cashier_id" ON "cash_difference" ("cashier_id");
CREATE INDEX "cash_difference_till_id" ON "cash_difference" ("till_id");
CREATE INDEX "cash_difference_session_id" ON "cash_difference" ("session_id");
CREATE INDEX "cash_difference_vault_count_id" ON "cash_difference" ("vault_count_id");
CREATE INDEX "cash_difference_txn_id" ON "cash_difference" ("txn_id");
CREATE INDEX "cash_difference_decided_by_id" ON "cash_difference" ("decided_by_id");
CREATE INDEX "cash_difference_decision_txn_id" ON "cash_difference" ("decision_txn_id");

-- A count is part of the books: its lines and totals are never rewritten.
CREATE TRIGGER "vault_count_line_no_update" BEFORE UPDATE ON "vault_count_line"
BEGIN SELECT RAISE(ABORT, 'vault counts are append-only'); END;
CREATE TRIGGER "vault_count_line_no_delete" BEFORE DELETE ON "vault_count_line"
BEGIN SELECT RAISE(ABORT, 'vault counts are append-only'); END;
CREATE TRIGGER "vault_count_balance_no_update" BEFORE UPDATE ON "vault_count_balance"
BEGIN SELECT RAISE(ABORT, 'vault counts are append-only'); END;
CREATE TRIGGER "vault_count_balance_no_delete" BEFORE DELETE ON "vault_count_balance"
BEGIN SELECT RAISE(ABORT, 'vault counts are append-only'); END;
CREATE TRIGGER "cash_difference_no_delete" BEFORE DELETE ON "cash_difference"
BEGIN SELECT RAISE(ABORT, 'cash differences are kept'); END;
