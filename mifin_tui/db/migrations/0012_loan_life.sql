-- Mifin schema version 12: the rest of the loan's life (#8). Whether a product blocks its
-- guarantors' savings (was one setting for every product); the due dates the officer
-- gives a seasonal application (JSON list of ISO dates, '' for a regular plan).

ALTER TABLE "loan_product" ADD COLUMN "guarantee_hold" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "loan" ADD COLUMN "due_dates_json" TEXT NOT NULL DEFAULT '';
