-- Mifin schema version 7: accounting. Manual journal entries (opérations diverses)
-- entered by the accountant and validated by a second person before they are posted.

CREATE TABLE "manual_entry" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "label" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "entered_by_id" INTEGER NOT NULL, "entered_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL, "txn_id" INTEGER, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("entered_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "manual_entry_uid" ON "manual_entry" ("uid");
CREATE INDEX "manual_entry_branch_id" ON "manual_entry" ("branch_id");
CREATE INDEX "manual_entry_entered_by_id" ON "manual_entry" ("entered_by_id");
CREATE INDEX "manual_entry_decided_by_id" ON "manual_entry" ("decided_by_id");
CREATE INDEX "manual_entry_txn_id" ON "manual_entry" ("txn_id");

CREATE TABLE "manual_entry_line" ("id" INTEGER NOT NULL PRIMARY KEY, "entry_id" INTEGER NOT NULL, "line" INTEGER NOT NULL, "account_id" INTEGER, "gl_account_id" INTEGER NOT NULL, "debit" INTEGER NOT NULL, "credit" INTEGER NOT NULL, "label" VARCHAR(255) NOT NULL, FOREIGN KEY ("entry_id") REFERENCES "manual_entry" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("gl_account_id") REFERENCES "gl_account" ("id"), CHECK (debit >= 0 AND credit >= 0), CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)));
CREATE INDEX "manual_entry_line_entry_id" ON "manual_entry_line" ("entry_id");
CREATE INDEX "manual_entry_line_account_id" ON "manual_entry_line" ("account_id");
CREATE INDEX "manual_entry_line_gl_account_id" ON "manual_entry_line" ("gl_account_id");
CREATE UNIQUE INDEX "manual_entry_line_entry_id_line" ON "manual_entry_line" ("entry_id", "line");
-- The lines of an entry are what the second person validated: never rewritten.
CREATE TRIGGER "manual_entry_line_no_update" BEFORE UPDATE ON "manual_entry_line"
BEGIN SELECT RAISE(ABORT, 'manual entry lines are append-only'); END;
CREATE TRIGGER "manual_entry_line_no_delete" BEFORE DELETE ON "manual_entry_line"
BEGIN SELECT RAISE(ABORT, 'manual entry lines are append-only'); END;
-- A decided entry stays decided.
CREATE TRIGGER "manual_entry_decided_is_final" BEFORE UPDATE ON "manual_entry"
WHEN OLD."status" <> 'pending'
BEGIN SELECT RAISE(ABORT, 'a decided manual entry is final'); END;
CREATE TRIGGER "manual_entry_no_delete" BEFORE DELETE ON "manual_entry"
BEGIN SELECT RAISE(ABORT, 'manual entries are kept'); END;
