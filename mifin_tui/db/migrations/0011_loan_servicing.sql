-- Mifin schema version 11: servicing a loan (#9, #10, #11). Columns and tables shared by
-- the counter, the nightly closing and the reports, written once so they agree:
-- penalties and accrued interest per instalment; the arrears, classification and
-- provision the last closing found; restructuring and write-off; repayment channels
-- with the operator's reference (unique), reversals, and the split per instalment.

ALTER TABLE "loan_installment" ADD COLUMN "penalties_due" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan_installment" ADD COLUMN "penalties_paid" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan_installment" ADD COLUMN "interest_accrued" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan_installment" ADD COLUMN "paid_on" DATE;

ALTER TABLE "loan" ADD COLUMN "days_past_due" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan" ADD COLUMN "classification" VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE "loan" ADD COLUMN "provision" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan" ADD COLUMN "restructured" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan" ADD COLUMN "written_off_on" DATE;
ALTER TABLE "loan" ADD COLUMN "written_off_amount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "loan" ADD COLUMN "write_off_reason" VARCHAR(255) NOT NULL DEFAULT '';
CREATE INDEX "loan_state_days_past_due" ON "loan" ("state", "days_past_due");

ALTER TABLE "loan_product" ADD COLUMN "excess_policy" VARCHAR(24) NOT NULL DEFAULT 'refuse';
ALTER TABLE "loan_product" ADD COLUMN "accrual" VARCHAR(16) NOT NULL DEFAULT 'due_date';
ALTER TABLE "loan_product" ADD COLUMN "penalty_cap_amount" INTEGER;
ALTER TABLE "loan_product" ADD COLUMN "penalty_cap_bp" INTEGER;

ALTER TABLE "repayment" ADD COLUMN "kind" VARCHAR(16) NOT NULL DEFAULT 'repayment';
ALTER TABLE "repayment" ADD COLUMN "reference" VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE "repayment" ADD COLUMN "source_account_id" INTEGER REFERENCES "account" ("id");
ALTER TABLE "repayment" ADD COLUMN "created_by_id" INTEGER REFERENCES "user" ("id");
ALTER TABLE "repayment" ADD COLUMN "reversal_txn_id" INTEGER REFERENCES "journal_transaction" ("id");
ALTER TABLE "repayment" ADD COLUMN "reversed_by_id" INTEGER REFERENCES "user" ("id");
ALTER TABLE "repayment" ADD COLUMN "reversed_on" DATE;
ALTER TABLE "repayment" ADD COLUMN "reversal_reason" VARCHAR(255) NOT NULL DEFAULT '';
-- An operator's reference (mobile money, bank) posts once, whatever the file or screen.
CREATE UNIQUE INDEX "repayment_channel_reference" ON "repayment" ("channel", "reference")
    WHERE "reference" <> '';
-- One automatic debit per loan and business day: a rerun of the closing posts nothing twice.
CREATE UNIQUE INDEX "repayment_auto_debit_once" ON "repayment" ("loan_id", "business_date")
    WHERE "channel" = 'auto_debit';
CREATE INDEX "repayment_business_date" ON "repayment" ("business_date");

-- What a repayment paid of each instalment: a reversal puts back exactly this, and the
-- reports rebuild the arrears at any past date from it.
CREATE TABLE "repayment_allocation" ("id" INTEGER NOT NULL PRIMARY KEY, "repayment_id" INTEGER NOT NULL, "installment_id" INTEGER NOT NULL, "principal" INTEGER NOT NULL, "interest" INTEGER NOT NULL, "fees" INTEGER NOT NULL, "penalties" INTEGER NOT NULL, FOREIGN KEY ("repayment_id") REFERENCES "repayment" ("id"), FOREIGN KEY ("installment_id") REFERENCES "loan_installment" ("id"));
CREATE INDEX "repayment_allocation_repayment_id" ON "repayment_allocation" ("repayment_id");
CREATE INDEX "repayment_allocation_installment_id" ON "repayment_allocation" ("installment_id");

-- Penalties charged by the closing, one row per instalment and business day (idempotent).
CREATE TABLE "loan_penalty" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "installment_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "days" INTEGER NOT NULL, "amount" INTEGER NOT NULL, "txn_id" INTEGER, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("installment_id") REFERENCES "loan_installment" ("id"), FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "loan_penalty_installment_id_business_date" ON "loan_penalty" ("installment_id", "business_date");
CREATE INDEX "loan_penalty_loan_id" ON "loan_penalty" ("loan_id");
CREATE INDEX "loan_penalty_business_date" ON "loan_penalty" ("business_date");

-- The classification and provision of each loan at each closing, so the reports show the
-- changes and the provision is booked as the difference from the previous closing.
CREATE TABLE "loan_classification" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "days_past_due" INTEGER NOT NULL, "classification" VARCHAR(16) NOT NULL, "outstanding" INTEGER NOT NULL, "provision" INTEGER NOT NULL, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"));
CREATE UNIQUE INDEX "loan_classification_loan_id_business_date" ON "loan_classification" ("loan_id", "business_date");
CREATE INDEX "loan_classification_business_date" ON "loan_classification" ("business_date");
