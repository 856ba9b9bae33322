-- Mifin schema version 8: the nightly closing (clôture journalière).
-- A closing run per branch and business date, with the progress of each of its steps
-- recorded in the same transaction as the step's postings: a closing killed at any
-- moment resumes where it stopped. While it runs the day is 'closing': only postings
-- made by the running closing (journal_transaction.closing_run_id) reach that day.

CREATE TABLE "closing_run" ("id" INTEGER NOT NULL PRIMARY KEY, "branch_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "next_date" DATE NOT NULL, "status" VARCHAR(255) NOT NULL, "started_at" DATETIME NOT NULL, "started_by_id" INTEGER NOT NULL, "finished_at" DATETIME, "warnings" TEXT NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("started_by_id") REFERENCES "user" ("id"));
CREATE INDEX "closing_run_branch_id" ON "closing_run" ("branch_id");
CREATE INDEX "closing_run_started_by_id" ON "closing_run" ("started_by_id");
CREATE UNIQUE INDEX "closing_run_branch_id_business_date" ON "closing_run" ("branch_id", "business_date");

CREATE TABLE "closing_step" ("id" INTEGER NOT NULL PRIMARY KEY, "run_id" INTEGER NOT NULL, "key" VARCHAR(255) NOT NULL, "position" INTEGER NOT NULL, "status" VARCHAR(255) NOT NULL, "cursor" INTEGER NOT NULL, "batches" INTEGER NOT NULL, "items" INTEGER NOT NULL, "amounts" TEXT NOT NULL, "detail" TEXT NOT NULL, "started_at" DATETIME, "finished_at" DATETIME, FOREIGN KEY ("run_id") REFERENCES "closing_run" ("id"));
CREATE INDEX "closing_step_run_id" ON "closing_step" ("run_id");
CREATE UNIQUE INDEX "closing_step_run_id_key" ON "closing_step" ("run_id", "key");

ALTER TABLE "journal_transaction" ADD COLUMN "closing_run_id" INTEGER REFERENCES "closing_run" ("id");
CREATE INDEX "journal_transaction_closing_run_id" ON "journal_transaction" ("closing_run_id");

-- The posting gate of schema 1, widened: an open day takes every posting; a day being
-- closed takes only those of its running closing.
DROP TRIGGER "journal_transaction_open_day";
CREATE TRIGGER "journal_transaction_open_day" BEFORE INSERT ON "journal_transaction"
WHEN NOT EXISTS (SELECT 1 FROM "business_day" WHERE "branch_id" = NEW."branch_id"
                 AND "date" = NEW."business_date" AND "status" = 'open')
 AND NOT EXISTS (SELECT 1 FROM "business_day" d JOIN "closing_run" r
                 ON r."branch_id" = d."branch_id" AND r."business_date" = d."date"
                 WHERE d."branch_id" = NEW."branch_id" AND d."date" = NEW."business_date"
                 AND d."status" = 'closing' AND r."status" = 'running'
                 AND r."id" = NEW."closing_run_id")
BEGIN SELECT RAISE(ABORT, 'the business day is not open'); END;
