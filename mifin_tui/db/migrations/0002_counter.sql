-- Mifin schema version 2: the counter (tills, till sessions and counts, vouchers,
-- vault transfers). Frozen once released.

CREATE TABLE "till" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "code" VARCHAR(16) NOT NULL, "name" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "currencies" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"));
CREATE UNIQUE INDEX "till_uid" ON "till" ("uid");
CREATE INDEX "till_branch_id" ON "till" ("branch_id");
CREATE UNIQUE INDEX "till_branch_id_code" ON "till" ("branch_id", "code");

ALTER TABLE "account" ADD COLUMN "till_id" INTEGER REFERENCES "till" ("id");
CREATE INDEX "account_till_id" ON "account" ("till_id");

CREATE TABLE "till_session" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "till_id" INTEGER NOT NULL, "cashier_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "status" VARCHAR(255) NOT NULL, "opened_at" DATETIME NOT NULL, "closed_at" DATETIME, FOREIGN KEY ("till_id") REFERENCES "till" ("id"), FOREIGN KEY ("cashier_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "till_session_uid" ON "till_session" ("uid");
CREATE INDEX "till_session_till_id" ON "till_session" ("till_id");
CREATE INDEX "till_session_cashier_id" ON "till_session" ("cashier_id");

CREATE TABLE "till_count" ("id" INTEGER NOT NULL PRIMARY KEY, "session_id" INTEGER NOT NULL, "moment" VARCHAR(5) NOT NULL, "currency" VARCHAR(3) NOT NULL, "denomination" INTEGER NOT NULL, "quantity" INTEGER NOT NULL, FOREIGN KEY ("session_id") REFERENCES "till_session" ("id"), CHECK ("quantity" >= 0), CHECK ("denomination" > 0));
CREATE INDEX "till_count_session_id" ON "till_count" ("session_id");

CREATE TABLE "till_balance" ("id" INTEGER NOT NULL PRIMARY KEY, "session_id" INTEGER NOT NULL, "moment" VARCHAR(5) NOT NULL, "currency" VARCHAR(3) NOT NULL, "counted" INTEGER NOT NULL, "book" INTEGER NOT NULL, "difference" INTEGER NOT NULL, "note" VARCHAR(255) NOT NULL, "difference_txn_id" INTEGER, FOREIGN KEY ("session_id") REFERENCES "till_session" ("id"), FOREIGN KEY ("difference_txn_id") REFERENCES "journal_transaction" ("id"));
CREATE INDEX "till_balance_session_id" ON "till_balance" ("session_id");
CREATE INDEX "till_balance_difference_txn_id" ON "till_balance" ("difference_txn_id");
CREATE UNIQUE INDEX "till_balance_session_id_moment_currency" ON "till_balance" ("session_id", "moment", "currency");

CREATE TABLE "voucher" ("txn_id" INTEGER NOT NULL PRIMARY KEY, "number" VARCHAR(255) NOT NULL, "series" VARCHAR(4) NOT NULL, "direction" VARCHAR(3) NOT NULL, "till_id" INTEGER NOT NULL, "session_id" INTEGER, "client_account_id" INTEGER, "currency" VARCHAR(3) NOT NULL, "amount" INTEGER NOT NULL, "party_name" VARCHAR(255) NOT NULL, "party_id" VARCHAR(255) NOT NULL, "purpose" VARCHAR(255) NOT NULL, FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("till_id") REFERENCES "till" ("id"), FOREIGN KEY ("session_id") REFERENCES "till_session" ("id"), FOREIGN KEY ("client_account_id") REFERENCES "account" ("id"));
CREATE UNIQUE INDEX "voucher_number" ON "voucher" ("number");
CREATE INDEX "voucher_till_id" ON "voucher" ("till_id");
CREATE INDEX "voucher_session_id" ON "voucher" ("session_id");
CREATE INDEX "voucher_client_account_id" ON "voucher" ("client_account_id");

CREATE TABLE "transfer_request" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "from_till_id" INTEGER NOT NULL, "to_till_id" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "amount" INTEGER NOT NULL, "reason" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "requested_by_id" INTEGER NOT NULL, "requested_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL, "txn_id" INTEGER, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("from_till_id") REFERENCES "till" ("id"), FOREIGN KEY ("to_till_id") REFERENCES "till" ("id"), FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "transfer_request_uid" ON "transfer_request" ("uid");
CREATE INDEX "transfer_request_branch_id" ON "transfer_request" ("branch_id");
CREATE INDEX "transfer_request_from_till_id" ON "transfer_request" ("from_till_id");
CREATE INDEX "transfer_request_to_till_id" ON "transfer_request" ("to_till_id");
CREATE INDEX "transfer_request_requested_by_id" ON "transfer_request" ("requested_by_id");
CREATE INDEX "transfer_request_decided_by_id" ON "transfer_request" ("decided_by_id");
CREATE INDEX "transfer_request_txn_id" ON "transfer_request" ("txn_id");

-- One cashier per till, one till per cashier, at a time.
CREATE UNIQUE INDEX "till_session_one_open_per_till" ON "till_session" ("till_id")
    WHERE "status" = 'open';
CREATE UNIQUE INDEX "till_session_one_open_per_cashier" ON "till_session" ("cashier_id")
    WHERE "status" = 'open';

-- What a voucher and a count said is part of the books: never rewritten.
CREATE TRIGGER "voucher_no_update" BEFORE UPDATE ON "voucher"
BEGIN SELECT RAISE(ABORT, 'vouchers are append-only'); END;
CREATE TRIGGER "voucher_no_delete" BEFORE DELETE ON "voucher"
BEGIN SELECT RAISE(ABORT, 'vouchers are append-only'); END;
CREATE TRIGGER "till_count_no_update" BEFORE UPDATE ON "till_count"
BEGIN SELECT RAISE(ABORT, 'till counts are append-only'); END;
CREATE TRIGGER "till_count_no_delete" BEFORE DELETE ON "till_count"
BEGIN SELECT RAISE(ABORT, 'till counts are append-only'); END;
CREATE TRIGGER "till_balance_no_update" BEFORE UPDATE ON "till_balance"
BEGIN SELECT RAISE(ABORT, 'till counts are append-only'); END;
CREATE TRIGGER "till_balance_no_delete" BEFORE DELETE ON "till_balance"
BEGIN SELECT RAISE(ABORT, 'till counts are append-only'); END;
