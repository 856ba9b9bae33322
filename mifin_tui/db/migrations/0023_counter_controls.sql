-- Mifin schema version 21: the counter's own controls (#21).
-- A write-off is proposed by one user and decided by another (loan_write_off); a
-- mandataire waits for the gérant's approval with the holder's consent recorded, and is
-- revoked with a reason; a démission is asked, approved by the gérant, then paid
-- (member_resignation); a hold's release keeps its reason.

CREATE TABLE "loan_write_off" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "state" VARCHAR(16) NOT NULL, "reason" VARCHAR(255) NOT NULL, "principal" INTEGER NOT NULL, "proposed_by_id" INTEGER NOT NULL, "proposed_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL DEFAULT '', "board_reference" VARCHAR(255) NOT NULL DEFAULT '', "board_date" DATE, "txn_id" INTEGER, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("proposed_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE INDEX "loan_write_off_loan_id" ON "loan_write_off" ("loan_id");
CREATE INDEX "loan_write_off_state" ON "loan_write_off" ("state");

CREATE TABLE "member_resignation" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "member_id" INTEGER NOT NULL, "state" VARCHAR(10) NOT NULL, "reason" VARCHAR(255) NOT NULL, "requested_by_id" INTEGER NOT NULL, "requested_at" DATETIME NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL DEFAULT '', "paid_by_id" INTEGER, "paid_at" DATETIME, "voucher_number" VARCHAR(255) NOT NULL DEFAULT '', FOREIGN KEY ("member_id") REFERENCES "member" ("id"), FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("paid_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "member_resignation_uid" ON "member_resignation" ("uid");
CREATE INDEX "member_resignation_member_id" ON "member_resignation" ("member_id");
CREATE INDEX "member_resignation_state" ON "member_resignation" ("state");

ALTER TABLE "account_hold" ADD COLUMN "release_reason" VARCHAR(255) NOT NULL DEFAULT '';

-- Mandataires recorded before: active ones stay in force, the others were revoked.
ALTER TABLE "account_mandate" ADD COLUMN "status" VARCHAR(10) NOT NULL DEFAULT 'active';
UPDATE "account_mandate" SET "status" = 'revoked' WHERE "active" = 0;
ALTER TABLE "account_mandate" ADD COLUMN "consent_on" DATE;
ALTER TABLE "account_mandate" ADD COLUMN "consent_reference" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "account_mandate" ADD COLUMN "decided_by_id" INTEGER REFERENCES "user" ("id");
ALTER TABLE "account_mandate" ADD COLUMN "decided_at" DATETIME;
ALTER TABLE "account_mandate" ADD COLUMN "revoked_by_id" INTEGER REFERENCES "user" ("id");
ALTER TABLE "account_mandate" ADD COLUMN "revoked_at" DATETIME;
ALTER TABLE "account_mandate" ADD COLUMN "revoke_reason" VARCHAR(255) NOT NULL DEFAULT '';
