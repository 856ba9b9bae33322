-- Mifin schema version 9: the loan's life (#8): application, eligibility rule by rule,
-- guarantors and collateral, home visit, committee opinions per round, the gérant's
-- decision with the terms frozen at approval, the schedule (due and paid per instalment,
-- for the repayments), and every step of the loan in loan_event.

CREATE TABLE "loan" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "number" VARCHAR(32) NOT NULL, "branch_id" INTEGER NOT NULL, "member_id" INTEGER NOT NULL, "product_id" INTEGER NOT NULL, "account_id" INTEGER NOT NULL, "linked_account_id" INTEGER, "currency" VARCHAR(3) NOT NULL, "state" VARCHAR(16) NOT NULL, "amount_requested" INTEGER NOT NULL, "term_requested" INTEGER NOT NULL, "rate_bp" INTEGER NOT NULL, "purpose" VARCHAR(255) NOT NULL, "activity" VARCHAR(255) NOT NULL, "monthly_income" INTEGER NOT NULL, "project_estimate" INTEGER NOT NULL, "override_by_id" INTEGER, "override_reason" VARCHAR(255) NOT NULL, "visit_date" DATE, "visitor" VARCHAR(255) NOT NULL, "visit_findings" TEXT NOT NULL, "visit_recommendation" VARCHAR(255) NOT NULL, "committee_round" INTEGER NOT NULL, "amount_approved" INTEGER, "term_approved" INTEGER, "terms_json" TEXT NOT NULL, "teg_bp" INTEGER, "fees" INTEGER NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_reason" VARCHAR(255) NOT NULL, "board_reference" VARCHAR(255) NOT NULL, "disbursed_by_id" INTEGER, "disbursed_on" DATE, "disbursement_mode" VARCHAR(8) NOT NULL, "disbursement_txn_id" INTEGER, "fee_txn_id" INTEGER, "contracts_printed" INTEGER NOT NULL, "created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("member_id") REFERENCES "member" ("id"), FOREIGN KEY ("product_id") REFERENCES "loan_product" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("linked_account_id") REFERENCES "account" ("id"), FOREIGN KEY ("override_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("disbursed_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("disbursement_txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("fee_txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "loan_uid" ON "loan" ("uid");
CREATE UNIQUE INDEX "loan_number" ON "loan" ("number");
CREATE INDEX "loan_branch_id" ON "loan" ("branch_id");
CREATE INDEX "loan_member_id" ON "loan" ("member_id");
CREATE INDEX "loan_product_id" ON "loan" ("product_id");
CREATE INDEX "loan_account_id" ON "loan" ("account_id");
CREATE INDEX "loan_linked_account_id" ON "loan" ("linked_account_id");
CREATE INDEX "loan_override_by_id" ON "loan" ("override_by_id");
CREATE INDEX "loan_decided_by_id" ON "loan" ("decided_by_id");
CREATE INDEX "loan_disbursed_by_id" ON "loan" ("disbursed_by_id");
CREATE INDEX "loan_disbursement_txn_id" ON "loan" ("disbursement_txn_id");
CREATE INDEX "loan_fee_txn_id" ON "loan" ("fee_txn_id");
CREATE INDEX "loan_created_by_id" ON "loan" ("created_by_id");
CREATE INDEX "loan_state_decided_at" ON "loan" ("state", "decided_at");

CREATE TABLE "loan_event" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "from_state" VARCHAR(16) NOT NULL, "to_state" VARCHAR(16) NOT NULL, "user_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "business_date" DATE, "note" VARCHAR(255) NOT NULL, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("user_id") REFERENCES "user" ("id"));
CREATE INDEX "loan_event_loan_id" ON "loan_event" ("loan_id");
CREATE INDEX "loan_event_user_id" ON "loan_event" ("user_id");

CREATE TABLE "loan_eligibility" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "rule" VARCHAR(32) NOT NULL, "passed" INTEGER NOT NULL, "detail" VARCHAR(255) NOT NULL, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"));
CREATE INDEX "loan_eligibility_loan_id" ON "loan_eligibility" ("loan_id");

CREATE TABLE "loan_guarantor" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "member_id" INTEGER NOT NULL, "account_id" INTEGER, "amount" INTEGER NOT NULL, "hold_id" INTEGER, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("member_id") REFERENCES "member" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("hold_id") REFERENCES "account_hold" ("id"));
CREATE INDEX "loan_guarantor_loan_id" ON "loan_guarantor" ("loan_id");
CREATE INDEX "loan_guarantor_member_id" ON "loan_guarantor" ("member_id");
CREATE INDEX "loan_guarantor_account_id" ON "loan_guarantor" ("account_id");
CREATE INDEX "loan_guarantor_hold_id" ON "loan_guarantor" ("hold_id");

CREATE TABLE "loan_collateral" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "kind" VARCHAR(8) NOT NULL, "account_id" INTEGER, "description" VARCHAR(255) NOT NULL, "value" INTEGER NOT NULL, "hold_id" INTEGER, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("hold_id") REFERENCES "account_hold" ("id"));
CREATE INDEX "loan_collateral_loan_id" ON "loan_collateral" ("loan_id");
CREATE INDEX "loan_collateral_account_id" ON "loan_collateral" ("account_id");
CREATE INDEX "loan_collateral_hold_id" ON "loan_collateral" ("hold_id");

CREATE TABLE "loan_opinion" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "round" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, "opinion" VARCHAR(16) NOT NULL, "amount_proposed" INTEGER, "comment" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("user_id") REFERENCES "user" ("id"));
CREATE INDEX "loan_opinion_loan_id" ON "loan_opinion" ("loan_id");
CREATE INDEX "loan_opinion_user_id" ON "loan_opinion" ("user_id");
CREATE UNIQUE INDEX "loan_opinion_loan_id_round_user_id" ON "loan_opinion" ("loan_id", "round", "user_id");

CREATE TABLE "loan_installment" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "no" INTEGER NOT NULL, "due_date" DATE NOT NULL, "principal_due" INTEGER NOT NULL, "interest_due" INTEGER NOT NULL, "fees_due" INTEGER NOT NULL, "principal_paid" INTEGER NOT NULL, "interest_paid" INTEGER NOT NULL, "fees_paid" INTEGER NOT NULL, FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"));
CREATE INDEX "loan_installment_loan_id" ON "loan_installment" ("loan_id");
CREATE UNIQUE INDEX "loan_installment_loan_id_no" ON "loan_installment" ("loan_id", "no");
CREATE INDEX "loan_installment_due_date" ON "loan_installment" ("due_date");

