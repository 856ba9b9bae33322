-- Mifin schema version 13: statements of mobile-money operators and banks imported (#9).
-- One row per file imported, one per payment line. A reference is unique per channel
-- over every import: a file imported twice (or two statements that overlap) adds no
-- line twice, so no payment is posted twice.

CREATE TABLE "payment_import" ("id" INTEGER NOT NULL PRIMARY KEY, "branch_id" INTEGER NOT NULL, "channel" VARCHAR(16) NOT NULL, "file_name" VARCHAR(255) NOT NULL, "file_sha256" VARCHAR(64) NOT NULL, "business_date" DATE NOT NULL, "created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "lines" INTEGER NOT NULL, "posted" INTEGER NOT NULL, "unmatched" INTEGER NOT NULL, "rejected" INTEGER NOT NULL, "skipped" INTEGER NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"));
CREATE INDEX "payment_import_file_sha256" ON "payment_import" ("file_sha256");

-- status: matched (found, not posted yet) | unmatched (waits for the accountant) |
-- posted | rejected (found but refused, with the reason; can be matched by hand).
CREATE TABLE "payment_import_line" ("id" INTEGER NOT NULL PRIMARY KEY, "import_id" INTEGER NOT NULL, "line_no" INTEGER NOT NULL, "channel" VARCHAR(16) NOT NULL, "reference" VARCHAR(64) NOT NULL, "value_date" DATE NOT NULL, "payer" VARCHAR(64) NOT NULL, "amount" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "text" VARCHAR(255) NOT NULL, "status" VARCHAR(16) NOT NULL, "matched_by" VARCHAR(16) NOT NULL, "loan_id" INTEGER, "account_id" INTEGER, "txn_id" INTEGER, "reason" VARCHAR(255) NOT NULL, "posted_by_id" INTEGER, "posted_on" DATE, FOREIGN KEY ("import_id") REFERENCES "payment_import" ("id"), FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("posted_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "payment_import_line_channel_reference" ON "payment_import_line" ("channel", "reference");
CREATE INDEX "payment_import_line_import_id" ON "payment_import_line" ("import_id");
CREATE INDEX "payment_import_line_status" ON "payment_import_line" ("status");
