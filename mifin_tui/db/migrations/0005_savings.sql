-- Mifin schema version 5: savings (products, per-account savings data, holds,
-- mandataires, withdrawals waiting for the gérant or a notice, interest postings).

CREATE TABLE "savings_product" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(16) NOT NULL, "name" VARCHAR(255) NOT NULL, "kind" VARCHAR(16) NOT NULL, "currency" VARCHAR(3) NOT NULL, "gl_key" VARCHAR(255) NOT NULL, "min_opening" INTEGER NOT NULL, "min_balance" INTEGER NOT NULL, "deposit_min" INTEGER NOT NULL, "deposit_max" INTEGER NOT NULL, "notice_days" INTEGER NOT NULL, "withdrawal_max_per_day" INTEGER NOT NULL, "withdrawal_fee" INTEGER NOT NULL, "dormancy_months" INTEGER NOT NULL, "planned_amount" INTEGER NOT NULL, "period" VARCHAR(8) NOT NULL, "cycle_days" INTEGER NOT NULL, "commission_days" INTEGER NOT NULL, "rate_bp" INTEGER NOT NULL, "interest_method" VARCHAR(16) NOT NULL, "posting_months" INTEGER NOT NULL, "withholding_bp" INTEGER NOT NULL, "active" INTEGER NOT NULL, "created_at" DATETIME NOT NULL);
CREATE UNIQUE INDEX "savings_product_code" ON "savings_product" ("code");

CREATE TABLE "savings_account" ("account_id" INTEGER NOT NULL PRIMARY KEY, "product_id" INTEGER NOT NULL, "planned_amount" INTEGER NOT NULL, "target_date" DATE, "blocked_until" DATE, "collateral" INTEGER NOT NULL, "agent_id" INTEGER, "cycle_start" DATE, "dormant" INTEGER NOT NULL, "dormant_since" DATE, "passbook_entry_id" INTEGER NOT NULL, "passbook_line" INTEGER NOT NULL, FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("product_id") REFERENCES "savings_product" ("id"), FOREIGN KEY ("agent_id") REFERENCES "user" ("id"));
CREATE INDEX "savings_account_product_id" ON "savings_account" ("product_id");
CREATE INDEX "savings_account_agent_id" ON "savings_account" ("agent_id");

CREATE TABLE "account_hold" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "account_id" INTEGER NOT NULL, "amount" INTEGER NOT NULL, "reason" VARCHAR(16) NOT NULL, "note" VARCHAR(255) NOT NULL, "process" VARCHAR(255) NOT NULL, "status" VARCHAR(8) NOT NULL, "created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "released_by_id" INTEGER, "released_at" DATETIME, FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("released_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "account_hold_uid" ON "account_hold" ("uid");
CREATE INDEX "account_hold_account_id" ON "account_hold" ("account_id");
CREATE INDEX "account_hold_created_by_id" ON "account_hold" ("created_by_id");
CREATE INDEX "account_hold_released_by_id" ON "account_hold" ("released_by_id");

CREATE TABLE "account_mandate" ("id" INTEGER NOT NULL PRIMARY KEY, "account_id" INTEGER NOT NULL, "full_name" VARCHAR(255) NOT NULL, "id_type" VARCHAR(255) NOT NULL, "id_number" VARCHAR(255) NOT NULL, "role" VARCHAR(16) NOT NULL, "active" INTEGER NOT NULL, "created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"));
CREATE INDEX "account_mandate_account_id" ON "account_mandate" ("account_id");
CREATE INDEX "account_mandate_created_by_id" ON "account_mandate" ("created_by_id");

CREATE TABLE "withdrawal_request" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "account_id" INTEGER NOT NULL, "amount" INTEGER NOT NULL, "party_name" VARCHAR(255) NOT NULL, "party_id" VARCHAR(255) NOT NULL, "purpose" VARCHAR(255) NOT NULL, "reasons" VARCHAR(255) NOT NULL, "status" VARCHAR(10) NOT NULL, "payable_on" DATE NOT NULL, "requested_by_id" INTEGER NOT NULL, "requested_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL, "txn_id" INTEGER, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "withdrawal_request_uid" ON "withdrawal_request" ("uid");
CREATE INDEX "withdrawal_request_branch_id" ON "withdrawal_request" ("branch_id");
CREATE INDEX "withdrawal_request_account_id" ON "withdrawal_request" ("account_id");
CREATE INDEX "withdrawal_request_requested_by_id" ON "withdrawal_request" ("requested_by_id");
CREATE INDEX "withdrawal_request_decided_by_id" ON "withdrawal_request" ("decided_by_id");
CREATE INDEX "withdrawal_request_txn_id" ON "withdrawal_request" ("txn_id");

CREATE TABLE "interest_posting" ("id" INTEGER NOT NULL PRIMARY KEY, "account_id" INTEGER NOT NULL, "period_start" DATE NOT NULL, "period_end" DATE NOT NULL, "base" INTEGER NOT NULL, "gross" INTEGER NOT NULL, "tax" INTEGER NOT NULL, "txn_id" INTEGER, "created_at" DATETIME NOT NULL, FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE INDEX "interest_posting_account_id" ON "interest_posting" ("account_id");
CREATE INDEX "interest_posting_txn_id" ON "interest_posting" ("txn_id");
CREATE UNIQUE INDEX "interest_posting_account_id_period_end" ON "interest_posting" ("account_id", "period_end");

-- An interest posting is part of the books: never rewritten (idempotence rests on it).
CREATE TRIGGER "interest_posting_no_update" BEFORE UPDATE ON "interest_posting"
BEGIN SELECT RAISE(ABORT, 'interest postings are append-only'); END;
CREATE TRIGGER "interest_posting_no_delete" BEFORE DELETE ON "interest_posting"
BEGIN SELECT RAISE(ABORT, 'interest postings are append-only'); END;
-- A hold is released, never removed: the audit of who blocked what stays readable.
CREATE TRIGGER "account_hold_no_delete" BEFORE DELETE ON "account_hold"
BEGIN SELECT RAISE(ABORT, 'holds are released, not deleted'); END;
CREATE INDEX "account_hold_active" ON "account_hold" ("account_id") WHERE "status" = 'active';
