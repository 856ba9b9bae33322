-- Mifin schema version 16: rescheduling a loan (rééchelonnement, #9). The officer asks,
-- another user (the gérant) approves: the request keeps who and why, the new terms, and
-- the schedule as it was before, since the live rows of loan_installment are replaced.

CREATE TABLE "loan_reschedule" ("id" INTEGER NOT NULL PRIMARY KEY, "loan_id" INTEGER NOT NULL, "state" VARCHAR(16) NOT NULL, "term" INTEGER NOT NULL, "rate_bp" INTEGER NOT NULL, "reason" VARCHAR(255) NOT NULL, "requested_by_id" INTEGER NOT NULL, "requested_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL DEFAULT '', "applied_on" DATE, "principal" INTEGER NOT NULL DEFAULT 0, "carried" INTEGER NOT NULL DEFAULT 0, "terms_json" TEXT NOT NULL DEFAULT '', "old_schedule_json" TEXT NOT NULL DEFAULT '', FOREIGN KEY ("loan_id") REFERENCES "loan" ("id"), FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"));
CREATE INDEX "loan_reschedule_loan_id" ON "loan_reschedule" ("loan_id");
CREATE INDEX "loan_reschedule_state" ON "loan_reschedule" ("state");
