-- Mifin schema version 10: repayments (#9). One row per repayment with its split, so the
-- BR prints principal / interest / fees / penalties and reprints identically.

CREATE TABLE "repayment" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "txn_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "channel" VARCHAR(16) NOT NULL, "amount" INTEGER NOT NULL, "principal" INTEGER NOT NULL, "interest" INTEGER NOT NULL, "fees" INTEGER NOT NULL, "penalties" INTEGER NOT NULL, "balance_after" INTEGER NOT NULL, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE INDEX "repayment_loan_id" ON "repayment" ("loan_id");
CREATE UNIQUE INDEX "repayment_txn_id" ON "repayment" ("txn_id");
