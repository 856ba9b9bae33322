-- Mifin schema version 15: standing orders (ordres de prélèvement permanent, #20). The
-- closing's automatic debit takes the loan's linked account and the member's free savings;
-- any other account (programmed, blocked, tontine, interest-bearing) only where the member
-- signed a standing order recorded on it, naming the loans it serves. Loans are kept as
-- plain data (id and number): savings know nothing of loans. Revoking keeps the row.

CREATE TABLE "standing_order" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "account_id" INTEGER NOT NULL, "signed_on" DATE NOT NULL, "note" VARCHAR(255) NOT NULL DEFAULT '', "status" VARCHAR(8) NOT NULL DEFAULT 'active', "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, "revoked_by_id" INTEGER, "revoked_at" DATETIME, "revoked_on" DATE, "revoke_reason" VARCHAR(255) NOT NULL DEFAULT '', FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("revoked_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "standing_order_uid" ON "standing_order" ("uid");
CREATE INDEX "standing_order_account_id" ON "standing_order" ("account_id");

CREATE TABLE "standing_order_loan" ("id" INTEGER NOT NULL PRIMARY KEY, "order_id" INTEGER NOT NULL, "loan_id" INTEGER NOT NULL, "loan_number" VARCHAR(32) NOT NULL, FOREIGN KEY ("order_id") REFERENCES "standing_order" ("id"));
CREATE INDEX "standing_order_loan_order_id" ON "standing_order_loan" ("order_id");
CREATE INDEX "standing_order_loan_loan_id" ON "standing_order_loan" ("loan_id");
