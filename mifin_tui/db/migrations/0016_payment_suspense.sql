-- Mifin schema version 16: money received is always booked (#20). What an imported
-- statement brought that cannot be applied to a loan or an account (unmatched, refused,
-- above what a "refuse" product takes) goes to "paiements reçus à affecter" with its
-- reference, so the operator's clearing account always equals the statement; the
-- accountant applies it later (to a loan or a savings account) or refunds it.

CREATE TABLE "payment_suspense" ("id" INTEGER NOT NULL PRIMARY KEY, "branch_id" INTEGER NOT NULL, "line_id" INTEGER NOT NULL, "channel" VARCHAR(16) NOT NULL, "reference" VARCHAR(64) NOT NULL, "payer" VARCHAR(64) NOT NULL, "amount" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "reason" VARCHAR(255) NOT NULL, "status" VARCHAR(8) NOT NULL, "txn_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "created_by_id" INTEGER NOT NULL, "settled_txn_id" INTEGER, "settled_by_id" INTEGER, "settled_on" DATE, "target" VARCHAR(64) NOT NULL DEFAULT '', "note" VARCHAR(255) NOT NULL DEFAULT '', FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("line_id") REFERENCES "payment_import_line" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("settled_txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("settled_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "payment_suspense_line_id" ON "payment_suspense" ("line_id");
CREATE INDEX "payment_suspense_status" ON "payment_suspense" ("status");
